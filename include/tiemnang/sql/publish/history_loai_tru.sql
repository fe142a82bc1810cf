-- Replace the week's rows of loai_tru_lich_su with the province's exclusions for D (CONTRACT §4.7); identifier:
-- schema.
DELETE FROM {{ schema }}.loai_tru_lich_su WHERE tuan = %(tuan)s;
INSERT INTO {{ schema }}.loai_tru_lich_su (tuan, ngay_tham_chieu, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,
                                           ma_xa, ten_xa, thon, danh_sach, nhom, ket_qua, ngay_ket_qua, ma_dai_ly)
SELECT %(tuan)s, e.ngay_tham_chieu, e.id_nguoi, e.so_ddcn, e.ma_so_bhxh, e.ho_ten, e.ngay_sinh, e.ma_xa, x.ten_xa,
       e.thon, e.danh_sach, e.nhom, e.ket_qua, e.ngay_ket_qua, e.ma_dai_ly
FROM lists.loai_tru e
LEFT JOIN ref.commune x USING (ma_xa)
WHERE e.ngay_tham_chieu = %(d)s AND e.ma_tinh = %(ma_tinh)s
ORDER BY e.ma_xa, e.danh_sach DESC, e.nhom, e.ho_ten, e.person_id;
