-- A session view of quarantine entries with the delivery date and, where it can be told, the province:
-- the row's own commune (raw ma_xa), a welfare file's commune (file name), a school roster's school.
CREATE OR REPLACE TEMP VIEW quarantine_scope AS
SELECT q.quarantine_id, q.source, q.path, q.row_number, q.reasons, q.raw, f.delivery_date,
       coalesce(c_row.ma_tinh, c_file.ma_tinh, c_school.ma_tinh) AS ma_tinh
FROM ops.quarantine q
JOIN ops.file_log f ON f.file_id = q.file_id
LEFT JOIN ref.commune c_row ON c_row.ma_xa = q.raw ->> 'ma_xa'
LEFT JOIN ref.commune c_file
       ON q.source = 'welfare' AND c_file.ma_xa = substring(q.path FROM '([0-9]{5})_[^/]*$')
LEFT JOIN LATERAL (
    SELECT cm.ma_tinh
    FROM stg.schools s
    JOIN ref.commune cm ON cm.ma_xa = s.ma_xa
    WHERE q.source = 'schools' AND s.ma_truong = substring(q.path FROM '([^/]+)\.[^./]+$')
    ORDER BY s.file_id DESC
    LIMIT 1
) c_school ON true;
