-- Group 6 HO_TRO_HSSV: students on a current roster with no BHYT on D. Commune: the school's, from the
-- school directory as of D.
INSERT INTO l_lead (person_id, nhom, rec_id, ma_xa, delivery_date, file_id, dong)
SELECT r.person_id, 'HO_TRO_HSSV', r.rec_id, c.ma_xa, fl.delivery_date, r.file_id, r.dong
FROM l_rec r
JOIN stg.students s ON s.file_id = r.file_id AND s.dong = r.dong
JOIN ops.file_log fl ON fl.file_id = r.file_id
LEFT JOIN stg.current_schools(%(d)s) sc ON sc.ma_truong = s.ma_truong
LEFT JOIN ref.commune c ON c.ma_xa = sc.ma_xa
LEFT JOIN l_covered v ON v.person_id = r.person_id
WHERE r.nguon = 'schools' AND NOT coalesce(v.co_bhyt, false);
