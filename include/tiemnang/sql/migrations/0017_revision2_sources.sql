-- Revision 2's sources (issue #16): the staging tables of contributions.csv and xa_atk.csv take the row digest
-- every loaded row carries (exact duplicates, 0002), and the register snapshot is its three snapshot files:
-- contributions.csv is optional, so a refused ledger does not refuse the persons, coverage and employers
-- delivered with it (0010 refused a delivery for any refused file of a known kind).
ALTER TABLE stg.contributions ADD COLUMN hang_bam bytea;
ALTER TABLE stg.xa_atk        ADD COLUMN hang_bam bytea;

CREATE OR REPLACE FUNCTION stg.register_snapshot_date(p_d date) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT max(f.delivery_date)
    FROM ops.file_log f
    WHERE f.source = 'register' AND f.delivery_date <= p_d AND f.status IN ('loaded', 'unchanged')
      AND f.kind IN ('persons', 'coverage', 'employers')
      AND NOT EXISTS (SELECT 1 FROM ops.file_log b
                      WHERE b.source = 'register' AND b.delivery_date = f.delivery_date
                        AND b.status = 'quarantined' AND b.kind IN ('persons', 'coverage', 'employers'))
$$;
