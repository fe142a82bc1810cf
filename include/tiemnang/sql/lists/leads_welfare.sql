-- Groups 3, 4, 5, 7 from the communes' welfare lists, for persons with no BHYT on D. Commune: the list's.
--   NSNN_DONG: HN, HTXH; TUAT aged 75 or more, or 70-74 in a household (Mã hộ, same commune) listed as CN.
--   HO_TRO_CAN_NGHEO: CN; HO_TRO_DTTS: DTTS; HO_TRO_NLNDM: NLNDM.
-- Ages count a partial birth date from its first day (ngay_sinh_dau).
-- near_poor_household is distinct, so the left join finds at most one row: n.ma_xa IS NOT NULL means "the
-- household is listed as CN" (a join rather than EXISTS in the CASE keeps the planner's estimates sane).
WITH welfare_now AS (
    SELECT w.ma_xa, nullif(btrim(w.ma_ho), '') AS ma_ho, w.doi_tuong
    FROM stg.welfare w
    JOIN stg.current_files(%(d)s) f ON f.file_id = w.file_id AND f.source = 'welfare'
), near_poor_household AS (
    SELECT DISTINCT ma_xa, ma_ho FROM welfare_now WHERE doi_tuong = 'CN' AND ma_ho IS NOT NULL
)
INSERT INTO l_lead (person_id, nhom, rec_id, ma_xa, delivery_date, file_id, dong)
SELECT q.person_id, q.nhom, q.rec_id, q.ma_xa, q.delivery_date, q.file_id, q.dong
FROM (
    SELECT r.person_id, r.rec_id, c.ma_xa, fl.delivery_date, r.file_id, r.dong,
           CASE
               WHEN w.doi_tuong IN ('HN', 'HTXH') THEN 'NSNN_DONG'
               WHEN w.doi_tuong = 'TUAT' AND w.ngay_sinh_dau + interval '75 years' <= %(d)s THEN 'NSNN_DONG'
               WHEN w.doi_tuong = 'TUAT' AND w.ngay_sinh_dau + interval '70 years' <= %(d)s
                    AND n.ma_xa IS NOT NULL
                   THEN 'NSNN_DONG'
               WHEN w.doi_tuong = 'CN' THEN 'HO_TRO_CAN_NGHEO'
               WHEN w.doi_tuong = 'DTTS' THEN 'HO_TRO_DTTS'
               WHEN w.doi_tuong = 'NLNDM' THEN 'HO_TRO_NLNDM'
           END AS nhom
    FROM l_rec r
    JOIN stg.welfare w ON w.file_id = r.file_id AND w.dong = r.dong
    JOIN ops.file_log fl ON fl.file_id = r.file_id
    LEFT JOIN ref.commune c ON c.ma_xa = w.ma_xa
    LEFT JOIN near_poor_household n ON n.ma_xa = w.ma_xa AND n.ma_ho = nullif(btrim(w.ma_ho), '')
    LEFT JOIN l_covered v ON v.person_id = r.person_id
    WHERE r.nguon = 'welfare' AND NOT coalesce(v.co_bhyt, false)
) q
WHERE q.nhom IS NOT NULL;
