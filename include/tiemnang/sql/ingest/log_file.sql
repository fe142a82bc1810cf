-- One row per file of a ready delivery; counts are filled in when the file is done. file_id is given when it
-- was taken beforehand (sql/ingest/next_file_id.sql), else the next in sequence.
INSERT INTO ops.file_log (file_id, source, path, delivery_date, kind, file_key, sha256, size_bytes, status, message,
                          encoding)
VALUES (coalesce(%(file_id)s, nextval(pg_get_serial_sequence('ops.file_log', 'file_id'))), %(source)s, %(path)s,
        %(delivery_date)s, %(kind)s, %(file_key)s, %(sha256)s, %(size_bytes)s, %(status)s, %(message)s, %(encoding)s)
RETURNING file_id;
