-- Per-file facts the suites check besides the rows themselves: whether every data row was quarantined, and for a
-- register persons snapshot its persons as a share of the previous loaded snapshot (NULL when there is none).
SELECT f.file_id, f.source, f.kind, f.path, f.status, f.rows_read, f.rows_accepted,
       (f.rows_read > 0 AND f.rows_accepted = 0) AS every_row_quarantined,
       CASE WHEN f.kind = 'persons' AND prev.rows_accepted > 0
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
