-- Data-quality results of the week's deliveries (or, for checks not tied to a file, run in the week).
SELECT d.suite, d.expectation, d.column_name, d.success, d.severity, d.unexpected_count, d.element_count,
       coalesce(d.path, f.path) AS path, d.checked_at, d.engine
FROM ops.dq_result d
LEFT JOIN ops.file_log f ON f.file_id = d.file_id
WHERE coalesce(f.delivery_date, (d.checked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) > %(tu)s
  AND coalesce(f.delivery_date, (d.checked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) <= %(den)s
ORDER BY d.success, d.severity, d.suite, d.expectation, path
LIMIT 1000;
