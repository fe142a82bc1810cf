-- One round trip per file (deliveries hold thousands of files):
--   seen:           this exact file (path and content) has been logged already;
--   in_force:       the content hash of the file in force for its key on its delivery date (CONTRACT §2
--                   replacement rules), for "unchanged"; for a kind whose files accumulate (results: every file
--                   ever delivered stays in force, its key is its own path), this content when a file of that
--                   kind delivered on or before this one already holds it (re-delivering it changes nothing);
--   altered:        the path was logged before with other content: the delivered file was changed in place;
--   previous_rows:  for a register file, the accepted rows of the file of its kind in the snapshot in force the
--                   day before this delivery, and min_share the dated threshold it is held to.
SELECT EXISTS (SELECT 1 FROM ops.file_log WHERE path = %(path)s AND sha256 = %(sha256)s) AS seen,
       CASE WHEN %(accumulating)s
            THEN (SELECT sha256
                  FROM ops.file_log
                  WHERE source = %(source)s AND kind = %(kind)s AND sha256 = %(sha256)s
                    AND status = 'loaded' AND delivery_date <= %(delivery_date)s
                  LIMIT 1)
            ELSE (SELECT sha256
                  FROM ops.file_log
                  WHERE source = %(source)s AND kind = %(kind)s AND file_key = %(file_key)s
                    AND status = 'loaded' AND delivery_date <= %(delivery_date)s
                  ORDER BY delivery_date DESC, file_id DESC
                  LIMIT 1) END AS in_force,
       EXISTS (SELECT 1 FROM ops.file_log WHERE path = %(path)s AND sha256 <> %(sha256)s) AS altered,
       (SELECT p.rows_accepted
        FROM stg.current_files(%(delivery_date)s::date - 1) c
        JOIN ops.file_log p ON p.file_id = c.file_id
        WHERE %(source)s = 'register' AND c.source = %(source)s AND c.kind = %(kind)s
          AND c.file_key = %(file_key)s) AS previous_rows,
       ref.tham_so_tai('ty_le_toi_thieu_ban_chup', %(delivery_date)s) AS min_share;
