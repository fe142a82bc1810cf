-- The 34 province reader roles of CONTRACT §5 (tinh_<code>_doc, NOLOGIN). Run once per warehouse cluster by a
-- database administrator (the superuser): the pipeline's own login cannot create roles. It owns the province
-- schemas and grants each role USAGE and SELECT on its own schema only. Idempotent; no grants here.
-- The list is tested against the package `vietnam-provinces` (tests/unit/test_reader_roles_sql.py).
DO $$
DECLARE
    ma_tinh text;
BEGIN
    FOREACH ma_tinh IN ARRAY ARRAY['01', '04', '08', '11', '12', '14', '15', '19', '20', '22', '24', '25', '31',
                                   '33', '37', '38', '40', '42', '44', '46', '48', '51', '52', '56', '66', '68',
                                   '75', '79', '80', '82', '86', '91', '92', '96'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tinh_' || ma_tinh || '_doc') THEN
            EXECUTE 'CREATE ROLE ' || quote_ident('tinh_' || ma_tinh || '_doc') || ' NOLOGIN';
        END IF;
    END LOOP;
END
$$;
