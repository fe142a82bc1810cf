-- Replace the week's rows of tiem_nang_lich_su with the province's lists for D; identifier: schema.
DELETE FROM {{ schema }}.tiem_nang_lich_su WHERE tuan = %(tuan)s;
INSERT INTO {{ schema }}.tiem_nang_lich_su (tuan, ngay_tham_chieu, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,
                                            gioi_tinh, ma_xa, ten_xa, nhom, ly_do, nguon, id_nguoi, khoa_nguoi,
                                            thon, ma_dai_ly, ket_qua_gan_nhat, ngay_ket_qua)
SELECT %(tuan)s, t.ngay_tham_chieu, t.so_ddcn, t.ma_so_bhxh, t.ho_ten, t.ngay_sinh,
       t.gioi_tinh, t.ma_xa, x.ten_xa, t.nhom, t.ly_do, t.nguon, t.id_nguoi, t.khoa_nguoi,
       t.thon, t.ma_dai_ly, t.ket_qua_gan_nhat, t.ngay_ket_qua
FROM lists.tiem_nang t
JOIN lists.nhom n USING (nhom)
LEFT JOIN ref.commune x USING (ma_xa)
WHERE t.ngay_tham_chieu = %(d)s AND t.ma_tinh = %(ma_tinh)s
ORDER BY t.ma_xa, n.uu_tien, t.ho_ten, t.khoa_nguoi;
