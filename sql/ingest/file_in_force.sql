-- Content hash of the file in force for a key on a delivery date (CONTRACT §2 replacement rules).
SELECT sha256
FROM ops.file_log
WHERE source = %(source)s AND kind = %(kind)s AND file_key = %(file_key)s
  AND status = 'loaded' AND delivery_date <= %(delivery_date)s
ORDER BY delivery_date DESC, file_id DESC
LIMIT 1;
