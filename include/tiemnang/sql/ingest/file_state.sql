-- Has this exact file (path and content) been logged already? And the content hash of the file in force for its
-- key on its delivery date (CONTRACT §2 replacement rules). One round trip: deliveries hold thousands of files.
SELECT EXISTS (SELECT 1 FROM ops.file_log WHERE path = %(path)s AND sha256 = %(sha256)s) AS seen,
       (SELECT sha256
        FROM ops.file_log
        WHERE source = %(source)s AND kind = %(kind)s AND file_key = %(file_key)s
          AND status = 'loaded' AND delivery_date <= %(delivery_date)s
        ORDER BY delivery_date DESC, file_id DESC
        LIMIT 1) AS in_force;
