-- The files the lists build for D read (parameters: d, files — sorted file_ids, sources — jsonb per source).
UPDATE lists.build SET tep_dung = %(files)s, nguon = %(sources)s WHERE ngay_tham_chieu = %(d)s;
