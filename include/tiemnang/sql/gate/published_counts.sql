-- Rows published per province for the latest %(weeks)s published weeks (from the publication log; the revision 2
-- lists from its per-table counts, so_dong: NULL for a publication logged before they existed).
SELECT p.ma_tinh, r.ten_tinh, p.tuan, p.so_tiem_nang, p.so_don_vi, p.so_den_han,
       (p.so_dong ->> 'the_trung')::bigint AS so_the_trung, (p.so_dong ->> 'don_vi_no_dong')::bigint AS so_no_dong
FROM ops.publication p
JOIN ref.province r USING (ma_tinh)
WHERE p.tuan IN (SELECT DISTINCT tuan FROM ops.publication ORDER BY tuan DESC LIMIT %(weeks)s)
ORDER BY p.tuan, p.ma_tinh;
