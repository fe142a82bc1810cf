-- Final counts of a loaded file (the table CHECKs rows_read = rows_accepted + rows_quarantined).
UPDATE ops.file_log
SET rows_read = %(rows_read)s, rows_accepted = %(rows_accepted)s, rows_quarantined = %(rows_quarantined)s,
    rows_warned = %(rows_warned)s, message = %(message)s
WHERE file_id = %(file_id)s;
