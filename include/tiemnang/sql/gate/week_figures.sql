-- What the week's deliveries (dated in (d - 7 days, d]) brought: rows read, accepted and quarantined, files
-- quarantined as files, files changed in place; and the landing entries that will never be read (all known).
SELECT coalesce(sum(rows_read), 0)::bigint AS rows_read,
       coalesce(sum(rows_accepted), 0)::bigint AS rows_accepted,
       coalesce(sum(rows_quarantined), 0)::bigint AS rows_quarantined,
       count(*) FILTER (WHERE status = 'quarantined')::bigint AS files_quarantined,
       count(*) FILTER (WHERE status = 'altered')::bigint AS files_altered,
       (SELECT count(*) FROM ops.landing_ignored)::bigint
           AS landing_entries_ignored
FROM ops.file_log
WHERE delivery_date > %(d)s::date - 7 AND delivery_date <= %(d)s;
