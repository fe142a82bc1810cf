-- The quarantine entries behind one count of the monitoring page (province '' = unknown province).
-- Needs monitor/quarantine_scope in the same session.
SELECT qs.quarantine_id, qs.source, qs.path, qs.row_number, qs.reasons, qs.raw, qs.delivery_date,
       coalesce(qs.ma_tinh, '') AS ma_tinh
FROM quarantine_scope qs
WHERE qs.delivery_date > %(tu)s AND qs.delivery_date <= %(den)s
  AND (%(ma_tinh)s::text IS NULL OR coalesce(qs.ma_tinh, '') = %(ma_tinh)s)
  AND (%(ly_do)s::text IS NULL OR %(ly_do)s = ANY (qs.reasons))
ORDER BY qs.path, qs.row_number NULLS FIRST
LIMIT %(gioi_han)s;
