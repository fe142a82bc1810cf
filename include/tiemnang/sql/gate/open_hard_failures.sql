-- Hard data-quality failures on files in force on D (parameter: d), with the province each one concerns:
-- a commune's welfare list (the commune is its file name's first 5 digits) or a school's roster (the school's
-- commune in the school directory in force) concerns one province; anything else — the register, the tax
-- authority's files, the school directory, a file whose commune or school is not known — concerns every
-- province (ma_tinh NULL).
SELECT r.suite, coalesce(r.path, f.path) AS path,
       r.expectation || coalesce('(' || r.column_name || ')', '') AS expectation, r.unexpected_count,
       coalesce(r.details ->> 'message', '') AS message,
       CASE f.kind WHEN 'welfare' THEN cw.ma_tinh WHEN 'roster' THEN cs.ma_tinh END AS ma_tinh
FROM ops.dq_result r
JOIN ops.file_log f ON f.file_id = r.file_id
LEFT JOIN ref.commune cw ON f.kind = 'welfare' AND cw.ma_xa = left(f.file_key, 5)
LEFT JOIN stg.current_schools(%(d)s) s ON f.kind = 'roster' AND s.ma_truong = f.file_key
LEFT JOIN ref.commune cs ON cs.ma_xa = s.ma_xa
WHERE r.severity = 'hard'
  AND NOT r.success
  AND r.file_id IN (SELECT file_id FROM stg.current_files(%(d)s))
ORDER BY path, r.expectation;
