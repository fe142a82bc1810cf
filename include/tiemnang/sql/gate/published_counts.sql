-- Rows published per province for the latest %(weeks)s published weeks (from the publication log).
SELECT p.ma_tinh, r.ten_tinh, p.tuan, p.so_tiem_nang, p.so_don_vi, p.so_den_han
FROM ops.publication p
JOIN ref.province r USING (ma_tinh)
WHERE p.tuan IN (SELECT DISTINCT tuan FROM ops.publication ORDER BY tuan DESC LIMIT %(weeks)s)
ORDER BY p.tuan, p.ma_tinh;
