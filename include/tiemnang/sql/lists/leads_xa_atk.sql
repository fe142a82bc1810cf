-- Group 14, XA_ATK: persons living in a commune of the latest reference/xa_atk.csv (CONTRACT §2.5, Decree
-- 75/2023), with no BHYT on D. Where they live: the register residence; for a person with no register
-- record, the commune of a welfare list they are on. The row's commune is the commune that qualified it.
WITH atk AS (
    SELECT DISTINCT a.ma_xa
    FROM stg.xa_atk a
    JOIN stg.current_files(%(d)s) f ON f.file_id = a.file_id AND f.source = 'reference' AND f.kind = 'xa_atk'
), registered AS (
    SELECT DISTINCT person_id FROM l_reg
)
INSERT INTO l_lead (person_id, nhom, rec_id, ma_xa, delivery_date, file_id, dong)
SELECT res.person_id, 'XA_ATK', res.rec_id, res.ma_xa, fl.delivery_date, g.file_id, g.dong
FROM l_residence res
JOIN atk ON atk.ma_xa = res.ma_xa
JOIN l_reg g ON g.rec_id = res.rec_id
JOIN ops.file_log fl ON fl.file_id = g.file_id
LEFT JOIN l_covered v ON v.person_id = res.person_id
WHERE NOT coalesce(v.co_bhyt, false)
UNION ALL
SELECT r.person_id, 'XA_ATK', r.rec_id, w.ma_xa, fl.delivery_date, r.file_id, r.dong
FROM l_rec r
JOIN stg.welfare w ON w.file_id = r.file_id AND w.dong = r.dong
JOIN atk ON atk.ma_xa = w.ma_xa
JOIN ops.file_log fl ON fl.file_id = r.file_id
WHERE r.nguon = 'welfare'
  AND r.person_id NOT IN (SELECT person_id FROM registered)
  AND r.person_id NOT IN (SELECT person_id FROM l_covered WHERE co_bhyt);
