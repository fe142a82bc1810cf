-- A file read whole whose rows show it unusable (no data row accepted): quarantined as a file, keeping its row
-- counts and its rows' quarantine entries, so it does not replace the file before it.
UPDATE ops.file_log SET status = 'quarantined', message = %(reason)s || ': ' || %(message)s
WHERE file_id = %(file_id)s;
