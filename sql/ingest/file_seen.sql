-- Has this exact file (path and content) been logged already?
SELECT file_id, status FROM ops.file_log WHERE path = %(path)s AND sha256 = %(sha256)s;
