-- Least privilege for warehouses set up by earlier versions, whose pipeline login had CREATEROLE (to create the
-- province reader roles). On PostgreSQL 15 a CREATEROLE role can grant itself pg_execute_server_program and run
-- programs as the server's OS user. The reader roles exist by now (sql/admin/reader_roles.sql creates any missing
-- one), so the login gives the attribute up; where the server does not allow that (PostgreSQL 16+), a warning
-- names the statement the DBA runs. A superuser running the migrations is left alone.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolcreaterole AND NOT rolsuper) THEN
        BEGIN
            EXECUTE format('ALTER ROLE %I NOCREATEROLE', current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'the pipeline login % still has CREATEROLE; a DBA runs: ALTER ROLE % NOCREATEROLE;',
                current_user, current_user;
        END;
    END IF;
END
$$;
