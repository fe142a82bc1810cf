-- Per-file facts the suites check besides the rows themselves: for a national file (register, tax authority) its
-- accepted rows as a share of the previous loaded file of its key (NULL when there is none). A register snapshot
-- below the dated threshold never gets here: the loader refuses it as a file (ban_chup_thu_hep); this soft check
-- shows the tax authority's files shrinking too. A file whose every row was quarantined is quarantined as a file.
SELECT f.file_id, f.source, f.kind, f.path, f.status, f.rows_read, f.rows_accepted,
       CASE WHEN f.source IN ('register', 'tax') AND prev.rows_accepted > 0
            THEN f.rows_accepted::numeric / prev.rows_accepted END AS ty_le_so_voi_lan_truoc
FROM ops.file_log f
LEFT JOIN LATERAL (
    SELECT p.rows_accepted
    FROM ops.file_log p
    WHERE p.source = f.source AND p.kind = f.kind AND p.file_key = f.file_key AND p.status = 'loaded'
      AND (p.delivery_date, p.file_id) < (f.delivery_date, f.file_id)
    ORDER BY p.delivery_date DESC, p.file_id DESC
    LIMIT 1
) prev ON true
WHERE f.file_id = ANY(%(file_ids)s)
ORDER BY f.file_id;
