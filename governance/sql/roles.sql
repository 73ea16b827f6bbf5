-- Least privilege on PostgreSQL: the owner migrates, the runtime role works.
--
-- Run once as a superuser (or a role with CREATEROLE that owns the database),
-- before the first `migrate`, with psql:
--
--   psql "$ADMIN_URL" -v owner=app_owner -v runtime=app_rt \
--        -v runtime_password="'...'" -f governance/sql/roles.sql
--
-- Then run `manage.py migrate` with DATABASE_MIGRATE_URL (as app_owner), and the
-- web and worker processes with DATABASE_URL (as app_rt). `manage.py
-- setup_db_roles --runtime-role app_rt` grants the same on an existing schema.
--
-- The runtime role owns no table and is no member of the owner, so it cannot
-- ALTER the audit tables or DISABLE their triggers; it may only SELECT and
-- INSERT on them.

CREATE ROLE :"owner" LOGIN;
CREATE ROLE :"runtime" LOGIN PASSWORD :runtime_password NOINHERIT;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
GRANT USAGE ON SCHEMA public TO :"runtime";

-- Objects the owner creates from now on (every migration).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"runtime";

-- After `migrate` has created the audit tables, take back the rest (the
-- setup_db_roles command does this, and is safe to run after every migrate):
--   REVOKE UPDATE, DELETE, TRUNCATE ON governance_auditevent, governance_auditcheckpoint
--       FROM app_rt;
