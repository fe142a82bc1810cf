-- Hard data-quality failures on files in force on D (parameter: d): these stop the publication.
SELECT r.suite, coalesce(r.path, f.path) AS path, r.expectation, r.unexpected_count,
       coalesce(r.details ->> 'message', '') AS message
FROM ops.dq_result r
JOIN ops.file_log f ON f.file_id = r.file_id
WHERE r.severity = 'hard'
  AND NOT r.success
  AND r.file_id IN (SELECT file_id FROM stg.current_files(%(d)s))
ORDER BY path, r.expectation;
