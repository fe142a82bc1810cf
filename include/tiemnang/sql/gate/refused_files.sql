-- Files of the week's deliveries (dated in (d - 7 days, d]) refused as files or changed in place after they were
-- read, with their reason code (the message's first word), for the gate's decision log.
SELECT path, status, split_part(message, ':', 1) AS reason, message
FROM ops.file_log
WHERE status IN ('quarantined', 'altered') AND delivery_date > %(d)s::date - 7 AND delivery_date <= %(d)s
ORDER BY path, file_id;
