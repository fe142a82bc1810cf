-- The register snapshot in force on D (parameter: d) and the latest register delivery dated on or before D: when
-- they differ, that delivery (and any between) was refused and the week is computed from the earlier snapshot.
SELECT stg.register_snapshot_date(%(d)s) AS in_force,
       (SELECT max(delivery_date) FROM ops.file_log WHERE source = 'register' AND delivery_date <= %(d)s
          AND kind <> 'unknown') AS latest,
       (SELECT string_agg(path || ' (' || message || ')', '; ' ORDER BY path)
        FROM ops.file_log
        WHERE source = 'register' AND status = 'quarantined' AND kind <> 'unknown'
          AND delivery_date > coalesce(stg.register_snapshot_date(%(d)s), '-infinity'::date)
          AND delivery_date <= %(d)s) AS refused;
