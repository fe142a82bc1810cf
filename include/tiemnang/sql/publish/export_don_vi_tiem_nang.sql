-- The week's enterprises of the province by commune (ma_xa first, as in export_tiem_nang), for the
-- collectors' workbooks.
SELECT u.ma_xa, u.ma_so_thue, u.ten_doanh_nghiep, u.loai_hinh, u.loai, u.so_lao_dong_thue, u.so_lao_dong_bhxh
FROM {{ schema }}.don_vi_tiem_nang_lich_su u
WHERE u.tuan = %(tuan)s
ORDER BY u.ma_xa, u.loai, u.ten_doanh_nghiep, u.ma_so_thue;
