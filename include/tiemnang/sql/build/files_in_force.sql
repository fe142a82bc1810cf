-- The files a build for D reads (parameter: d): the files in force on D and the school directory files
-- dated ≤ D, with the rows accepted from each; (source, kind, file_id, delivery_date, rows_accepted).
SELECT f.source, f.kind, f.file_id, f.delivery_date, l.rows_accepted
FROM stg.current_files(%(d)s) f
JOIN ops.file_log l USING (file_id)
UNION ALL
SELECT l.source, l.kind, l.file_id, l.delivery_date, l.rows_accepted
FROM ops.file_log l
WHERE l.kind = 'school_directory' AND l.status = 'loaded' AND l.delivery_date <= %(d)s
ORDER BY file_id;
