-- Replace the week's rows of don_vi_tiem_nang_lich_su; identifier: schema.
DELETE FROM {{ schema }}.don_vi_tiem_nang_lich_su WHERE tuan = %(tuan)s;
INSERT INTO {{ schema }}.don_vi_tiem_nang_lich_su (tuan, ngay_tham_chieu, ma_so_thue, ten_doanh_nghiep,
                                                   loai_hinh, ma_xa, ten_xa, loai, so_lao_dong_thue,
                                                   so_lao_dong_bhxh)
SELECT %(tuan)s, u.ngay_tham_chieu, u.ma_so_thue, u.ten_doanh_nghiep, u.loai_hinh, u.ma_xa, x.ten_xa,
       u.loai, u.so_lao_dong_thue, u.so_lao_dong_bhxh
FROM lists.don_vi_tiem_nang u
LEFT JOIN ref.commune x USING (ma_xa)
WHERE u.ngay_tham_chieu = %(d)s AND u.ma_tinh = %(ma_tinh)s
ORDER BY u.ma_xa, u.loai, u.ma_so_thue;
