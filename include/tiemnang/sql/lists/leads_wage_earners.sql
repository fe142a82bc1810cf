-- Group 1 BB_NLD: wage earners of the wage file's latest ky on KXD/XD contracts with no BHXH_BB spell
-- covering the last day of that ky. Commune: the employer's (enterprises.csv), else the register residence.
WITH current_file AS (
    SELECT file_id, kind FROM stg.current_files(%(d)s) WHERE source = 'tax'
), latest_ky AS (
    SELECT w.file_id, max(w.ky) AS ky,
           (to_date(max(w.ky), 'YYYY-MM') + interval '1 month' - interval '1 day')::date AS ngay_cuoi
    FROM stg.wage_earners w
    JOIN current_file f ON f.file_id = w.file_id AND f.kind = 'wage_earners'
    GROUP BY w.file_id
), employer AS (
    SELECT DISTINCT ON (e.ma_so_thue) e.ma_so_thue, c.ma_xa
    FROM stg.enterprises e
    JOIN current_file f ON f.file_id = e.file_id AND f.kind = 'enterprises'
    JOIN ref.commune c ON c.ma_xa = e.ma_xa
    ORDER BY e.ma_so_thue, e.dong DESC
)
INSERT INTO l_lead (person_id, nhom, rec_id, ma_xa, delivery_date, file_id, dong)
SELECT r.person_id, 'BB_NLD', r.rec_id, coalesce(em.ma_xa, res.ma_xa), fl.delivery_date, r.file_id, r.dong
FROM l_rec r
JOIN stg.wage_earners w ON w.file_id = r.file_id AND w.dong = r.dong
JOIN latest_ky k ON k.file_id = w.file_id AND k.ky = w.ky
JOIN ops.file_log fl ON fl.file_id = r.file_id
LEFT JOIN employer em ON em.ma_so_thue = w.ma_so_thue_don_vi
LEFT JOIN l_residence res ON res.person_id = r.person_id
WHERE r.nguon = 'wage_earners'
  AND w.loai_hop_dong IN ('KXD', 'XD')
  AND NOT EXISTS (
      SELECT 1 FROM l_cov c
      WHERE c.person_id = r.person_id AND c.loai = 'BHXH_BB'
        AND c.tu_ngay <= k.ngay_cuoi AND k.ngay_cuoi <= c.den_ngay_mo
  );
