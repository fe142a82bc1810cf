-- A whole-file quarantine entry: row_number is empty.
INSERT INTO ops.quarantine (file_id, source, path, row_number, reasons, raw)
VALUES (%(file_id)s, %(source)s, %(path)s, NULL, ARRAY[%(reason)s], jsonb_build_object('thong_bao', %(message)s));
