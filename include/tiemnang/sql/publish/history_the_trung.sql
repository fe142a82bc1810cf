-- Replace the week's rows of the_trung_lich_su with the province's list for D; identifier: schema.
DELETE FROM {{ schema }}.the_trung_lich_su WHERE tuan = %(tuan)s;
INSERT INTO {{ schema }}.the_trung_lich_su (tuan, ngay_tham_chieu, loai, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,
                                            gioi_tinh, ma_xa, ten_xa, id_nguoi, the)
SELECT %(tuan)s, t.ngay_tham_chieu, t.loai, t.so_ddcn, t.ma_so_bhxh, t.ho_ten, t.ngay_sinh, t.gioi_tinh,
       t.ma_xa, x.ten_xa, t.id_nguoi, t.the
FROM lists.the_trung t
LEFT JOIN ref.commune x USING (ma_xa)
WHERE t.ngay_tham_chieu = %(d)s AND t.ma_tinh = %(ma_tinh)s
ORDER BY t.ma_xa, t.loai, t.ho_ten, t.id_nguoi;
