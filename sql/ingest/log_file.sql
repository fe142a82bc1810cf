-- One row per file of a ready delivery; counts are filled in when the file is done.
INSERT INTO ops.file_log (source, path, delivery_date, kind, file_key, sha256, size_bytes, status, message, encoding)
VALUES (%(source)s, %(path)s, %(delivery_date)s, %(kind)s, %(file_key)s, %(sha256)s, %(size_bytes)s,
        %(status)s, %(message)s, %(encoding)s)
RETURNING file_id;
