-- Follow-up for tong_hop.so_da_tham_gia: each person on the previous published list of each province
-- (the greatest published week before D's week), found again in today's matching by a shared key
-- (khoa_nguoi, so_ddcn, ma_so_bhxh, register id) or a shared source record, and the insurance held on D.
DELETE FROM lists.theo_doi WHERE ngay_tham_chieu = %(d)s;

-- The keys of each earlier person, split into their two-character kind ('k:', 'd:', 'b:', 'r:', 's:') and
-- value, so today's persons and records are matched on their own columns against hash tables of the
-- earlier keys instead of building every key of today's matching as a string: 'k:' || khoa_nguoi = khoa
-- exactly when kieu = 'k:' and gia_tri = khoa_nguoi, and likewise for the other kinds.
DROP TABLE IF EXISTS pg_temp.l_earlier;
CREATE TEMP TABLE l_earlier ON COMMIT DROP AS
WITH previous AS (
    SELECT DISTINCT ON (ma_tinh) ma_tinh, ngay_tham_chieu
    FROM ops.publication
    WHERE tuan < to_char(%(d)s::date, 'IYYY-"W"IW')
    ORDER BY ma_tinh, tuan DESC
)
SELECT t.ngay_tham_chieu AS ngay_truoc, t.khoa_nguoi, left(k.khoa, 2) AS kieu, substr(k.khoa, 3) AS gia_tri
FROM lists.tiem_nang t
JOIN previous p ON p.ma_tinh = t.ma_tinh AND p.ngay_tham_chieu = t.ngay_tham_chieu
CROSS JOIN LATERAL lists.khoa_dong(t.khoa_nguoi, t.so_ddcn, t.ma_so_bhxh, t.id_nguoi, t.nguon) k (khoa);
ANALYZE l_earlier;

WITH found AS (
    SELECT e.ngay_truoc, e.khoa_nguoi, p.person_id
    FROM l_earlier e JOIN mt.person p ON p.khoa_nguoi = e.gia_tri WHERE e.kieu = 'k:'
    UNION ALL
    SELECT e.ngay_truoc, e.khoa_nguoi, p.person_id
    FROM l_earlier e JOIN mt.person p ON p.so_ddcn = e.gia_tri WHERE e.kieu = 'd:'
    UNION ALL
    SELECT e.ngay_truoc, e.khoa_nguoi, p.person_id
    FROM l_earlier e JOIN mt.person p ON p.ma_so_bhxh = e.gia_tri WHERE e.kieu = 'b:'
    UNION ALL
    SELECT e.ngay_truoc, e.khoa_nguoi, r.person_id
    FROM l_earlier e JOIN l_rec r ON r.id_nguoi::text = e.gia_tri AND r.nguon = 'register'
    WHERE e.kieu = 'r:'
    UNION ALL
    SELECT e.ngay_truoc, e.khoa_nguoi, r.person_id
    FROM l_earlier e
    JOIN (l_rec r JOIN ops.file_log f ON f.file_id = r.file_id)
      ON f.path || '#' || r.dong = e.gia_tri AND r.nguon <> 'register'
    WHERE e.kieu = 's:'
), followed AS (
    SELECT f.ngay_truoc, f.khoa_nguoi, array_agg(DISTINCT f.person_id) AS person_ids,
           bool_or(v.co_bhyt) AS co_bhyt, bool_or(v.co_bhxh_bb) AS co_bhxh_bb, bool_or(v.co_bhxh_tn) AS co_bhxh_tn
    FROM found f
    LEFT JOIN l_covered v ON v.person_id = f.person_id
    GROUP BY f.ngay_truoc, f.khoa_nguoi
)
INSERT INTO lists.theo_doi (ngay_tham_chieu, ngay_truoc, khoa_nguoi, person_ids, co_bhyt, co_bhxh_bb, co_bhxh_tn)
SELECT %(d)s, e.ngay_truoc, e.khoa_nguoi, coalesce(f.person_ids, '{}'),
       coalesce(f.co_bhyt, false), coalesce(f.co_bhxh_bb, false), coalesce(f.co_bhxh_tn, false)
FROM (SELECT DISTINCT ngay_truoc, khoa_nguoi FROM l_earlier) e
LEFT JOIN followed f USING (ngay_truoc, khoa_nguoi);

-- The same for the previous published den_han_dong of each province (CONTRACT §4.8, tien_do_dai_ly): whether
-- the person of each row now has a later spell of that insurance, one that runs to han_dong or beyond (a BHYT
-- card for BHYT_GD; BHXH_BB or BHXH_TN for BHXH_TN, as in §4.3). The person: today's cluster of the row's
-- register record.
DELETE FROM lists.theo_doi_den_han WHERE ngay_tham_chieu = %(d)s;

WITH previous AS (
    SELECT DISTINCT ON (ma_tinh) ma_tinh, ngay_tham_chieu
    FROM ops.publication
    WHERE tuan < to_char(%(d)s::date, 'IYYY-"W"IW')
    ORDER BY ma_tinh, tuan DESC
)
INSERT INTO lists.theo_doi_den_han (ngay_tham_chieu, ngay_truoc, id_nguoi, loai, han_dong, da_dong_tiep)
SELECT %(d)s, h.ngay_tham_chieu, h.id_nguoi, h.loai, h.han_dong,
       EXISTS (SELECT FROM l_reg g
               JOIN l_cov c ON c.person_id = g.person_id
               WHERE g.id_nguoi = h.id_nguoi
                 AND CASE h.loai WHEN 'BHYT_GD' THEN c.loai = 'BHYT' ELSE c.loai IN ('BHXH_BB', 'BHXH_TN') END
                 AND c.den_ngay_mo >= h.han_dong)
FROM lists.den_han_dong h
JOIN previous p ON p.ma_tinh = h.ma_tinh AND p.ngay_tham_chieu = h.ngay_tham_chieu;
