-- Landing entries that will never be read, with the explanation of their reason.
SELECT l.path, l.source, l.reason, coalesce(rc.mo_ta, '') AS mo_ta, l.message, l.first_seen, l.last_seen
FROM ops.landing_ignored l
LEFT JOIN ops.reason_code rc ON rc.code = l.reason
ORDER BY l.last_seen DESC, l.path
LIMIT %(gioi_han)s;
