-- Follow-up for tong_hop.so_da_tham_gia: each person on the previous published list of each province
-- (the greatest published week before D's week), found again in today's matching by a shared key
-- (khoa_nguoi, so_ddcn, ma_so_bhxh, register id) or a shared source record, and the insurance held on D.
DELETE FROM lists.theo_doi WHERE ngay_tham_chieu = %(d)s;

WITH previous AS (
    SELECT DISTINCT ON (ma_tinh) ma_tinh, ngay_tham_chieu
    FROM ops.publication
    WHERE tuan < to_char(%(d)s::date, 'IYYY-"W"IW')
    ORDER BY ma_tinh, tuan DESC
), earlier AS (
    SELECT DISTINCT t.ngay_tham_chieu, t.khoa_nguoi, k.khoa
    FROM lists.tiem_nang t
    JOIN previous p ON p.ma_tinh = t.ma_tinh AND p.ngay_tham_chieu = t.ngay_tham_chieu
    CROSS JOIN LATERAL lists.khoa_dong(t.khoa_nguoi, t.so_ddcn, t.ma_so_bhxh, t.id_nguoi, t.nguon) k (khoa)
), today AS (
    SELECT p.person_id, 'k:' || p.khoa_nguoi AS khoa FROM mt.person p
    UNION ALL SELECT p.person_id, 'd:' || p.so_ddcn FROM mt.person p WHERE p.so_ddcn IS NOT NULL
    UNION ALL SELECT p.person_id, 'b:' || p.ma_so_bhxh FROM mt.person p WHERE p.ma_so_bhxh IS NOT NULL
    UNION ALL
    SELECT rp.person_id, CASE WHEN r.nguon = 'register' THEN 'r:' || r.id_nguoi
                              ELSE 's:' || f.path || '#' || r.dong END
    FROM mt.record r
    JOIN mt.record_person rp USING (rec_id)
    JOIN ops.file_log f ON f.file_id = r.file_id
)
INSERT INTO lists.theo_doi (ngay_tham_chieu, ngay_truoc, khoa_nguoi, person_ids, co_bhyt, co_bhxh_bb, co_bhxh_tn)
SELECT %(d)s, e.ngay_tham_chieu, e.khoa_nguoi,
       coalesce(array_agg(DISTINCT t.person_id) FILTER (WHERE t.person_id IS NOT NULL), '{}'),
       coalesce(bool_or(v.co_bhyt), false), coalesce(bool_or(v.co_bhxh_bb), false),
       coalesce(bool_or(v.co_bhxh_tn), false)
FROM earlier e
LEFT JOIN today t ON t.khoa = e.khoa
LEFT JOIN l_covered v ON v.person_id = t.person_id
GROUP BY e.ngay_tham_chieu, e.khoa_nguoi;
