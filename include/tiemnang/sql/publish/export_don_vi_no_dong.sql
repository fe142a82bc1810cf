-- The week's employers in arrears of the province by commune (ma_xa first, as in export_tiem_nang), for the
-- collectors' workbooks: the largest debts first.
SELECT u.ma_xa, u.ma_don_vi, u.ma_so_thue, u.ten_don_vi, u.so_thang_no, u.so_tien_no, u.ky_no_tu
FROM {{ schema }}.don_vi_no_dong_lich_su u
WHERE u.tuan = %(tuan)s
ORDER BY u.ma_xa, u.so_tien_no DESC, u.ma_don_vi;
