-- Replace the week's rows of don_vi_no_dong_lich_su with the province's list for D; identifier: schema.
DELETE FROM {{ schema }}.don_vi_no_dong_lich_su WHERE tuan = %(tuan)s;
INSERT INTO {{ schema }}.don_vi_no_dong_lich_su (tuan, ngay_tham_chieu, ma_don_vi, ma_so_thue, ten_don_vi, ma_xa,
                                                 ten_xa, so_thang_no, so_tien_no, ky_no_tu)
SELECT %(tuan)s, u.ngay_tham_chieu, u.ma_don_vi, u.ma_so_thue, u.ten_don_vi, u.ma_xa, x.ten_xa, u.so_thang_no,
       u.so_tien_no, u.ky_no_tu
FROM lists.don_vi_no_dong u
LEFT JOIN ref.commune x USING (ma_xa)
WHERE u.ngay_tham_chieu = %(d)s AND u.ma_tinh = %(ma_tinh)s
ORDER BY u.ma_xa, u.so_tien_no DESC, u.ma_don_vi;
