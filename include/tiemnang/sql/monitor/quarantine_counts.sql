-- Quarantine entries of the week's deliveries (delivery date in (tu, den]) by province and reason code.
-- Needs monitor/quarantine_scope in the same session.
SELECT coalesce(qs.ma_tinh, '') AS ma_tinh, r.ly_do, coalesce(rc.mo_ta, r.ly_do) AS mo_ta,
       count(*)::bigint AS so_dong,
       count(*) FILTER (WHERE qs.row_number IS NULL)::bigint AS so_tep
FROM quarantine_scope qs
CROSS JOIN LATERAL unnest(qs.reasons) AS r(ly_do)
LEFT JOIN ops.reason_code rc ON rc.code = r.ly_do
WHERE qs.delivery_date > %(tu)s AND qs.delivery_date <= %(den)s
  AND (%(ma_tinh)s::text IS NULL OR qs.ma_tinh = %(ma_tinh)s)
GROUP BY 1, 2, 3
ORDER BY 1, so_dong DESC, 2;
