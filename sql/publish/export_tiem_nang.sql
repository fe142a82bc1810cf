-- The week's potential participants of one commune, in priority order, for the collectors' workbook.
SELECT t.ho_ten, t.ngay_sinh, t.gioi_tinh, t.so_ddcn, t.ma_so_bhxh, n.ten_nhom, t.nhom,
       array_to_string(t.ly_do, ', '), t.nguon
FROM {{ schema }}.tiem_nang_lich_su t
JOIN lists.nhom n USING (nhom)
WHERE t.tuan = %(tuan)s AND t.ma_xa = %(ma_xa)s
ORDER BY n.uu_tien, t.ho_ten, t.khoa_nguoi;
