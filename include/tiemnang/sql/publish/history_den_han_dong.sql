-- Replace the week's rows of den_han_dong_lich_su; identifier: schema.
DELETE FROM {{ schema }}.den_han_dong_lich_su WHERE tuan = %(tuan)s;
INSERT INTO {{ schema }}.den_han_dong_lich_su (tuan, ngay_tham_chieu, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,
                                               ngay_sinh, gioi_tinh, ma_xa, ten_xa, ma_ho, loai, han_dong,
                                               phuong_thuc, so_tien, thon, ma_dai_ly, ket_qua_gan_nhat,
                                               ngay_ket_qua)
SELECT %(tuan)s, h.ngay_tham_chieu, h.id_nguoi, h.so_ddcn, h.ma_so_bhxh, h.ho_ten, h.ngay_sinh, h.gioi_tinh,
       h.ma_xa, x.ten_xa, h.ma_ho, h.loai, h.han_dong, h.phuong_thuc, h.so_tien,
       h.thon, h.ma_dai_ly, h.ket_qua_gan_nhat, h.ngay_ket_qua
FROM lists.den_han_dong h
LEFT JOIN ref.commune x USING (ma_xa)
WHERE h.ngay_tham_chieu = %(d)s AND h.ma_tinh = %(ma_tinh)s
ORDER BY h.ma_xa, h.han_dong, h.loai, h.id_nguoi;
