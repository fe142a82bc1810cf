-- One province's progress against the year's targets in a week (CONTRACT §4.8), by commune and group in the
-- groups' priority order. Identifier: schema.
SELECT p.ma_xa, p.ten_xa, p.nhom, p.chi_tieu, p.da_dat, p.ty_le, p.nam
FROM {{ schema }}.tien_do_lich_su p
LEFT JOIN lists.nhom n USING (nhom)
WHERE p.tuan = %(tuan)s
ORDER BY p.ma_xa, n.uu_tien NULLS LAST, p.nhom;
