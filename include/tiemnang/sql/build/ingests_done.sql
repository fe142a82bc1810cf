-- Per source, the latest D a finished ingest run covered (parameter: sources, a text array).
SELECT s.source, max(r.ngay_tham_chieu)
FROM unnest(%(sources)s::text[]) AS s (source)
LEFT JOIN ops.ingest_run r USING (source)
GROUP BY s.source
ORDER BY s.source;
