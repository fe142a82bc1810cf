-- The week's enterprises of one commune, for the collectors' workbook.
SELECT u.ma_so_thue, u.ten_doanh_nghiep, u.loai_hinh, u.loai, u.so_lao_dong_thue, u.so_lao_dong_bhxh
FROM {{ schema }}.don_vi_tiem_nang_lich_su u
WHERE u.tuan = %(tuan)s AND u.ma_xa = %(ma_xa)s
ORDER BY u.loai, u.ten_doanh_nghiep, u.ma_so_thue;
