-- An ingest run of a source for D has finished (parameters: source, d, files_loaded); idempotent.
INSERT INTO ops.ingest_run (source, ngay_tham_chieu, so_tep_nap) VALUES (%(source)s, %(d)s, %(files_loaded)s)
ON CONFLICT (source, ngay_tham_chieu) DO UPDATE SET xong_luc = now(), so_tep_nap = EXCLUDED.so_tep_nap;
