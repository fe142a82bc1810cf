-- The week's potential participants of the province, in priority order within each commune, for the
-- collectors' workbooks. ma_xa first: export.py reads the rows commune by commune, in ma_xa order.
SELECT t.ma_xa, t.ho_ten, t.ngay_sinh, t.gioi_tinh, t.so_ddcn, t.ma_so_bhxh, n.ten_nhom, t.nhom,
       array_to_string(t.ly_do, ', '), t.nguon
FROM {{ schema }}.tiem_nang_lich_su t
JOIN lists.nhom n USING (nhom)
WHERE t.tuan = %(tuan)s
ORDER BY t.ma_xa, n.uu_tien, t.ho_ten, t.khoa_nguoi;
