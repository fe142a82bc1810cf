-- What the weekly gate decided for the week's reference date, with the reason and the explanation of its code.
SELECT g.decision, g.ma_tinh, g.path, g.reason, coalesce(rc.mo_ta, '') AS mo_ta, g.message, g.decided_at
FROM ops.gate_decision g
LEFT JOIN ops.reason_code rc ON rc.code = g.reason
WHERE g.ngay_tham_chieu = %(d)s
ORDER BY CASE g.decision WHEN 'closed' THEN 0 WHEN 'held' THEN 1 WHEN 'snapshot_in_force' THEN 2
         WHEN 'open' THEN 3 ELSE 4 END, g.path;
