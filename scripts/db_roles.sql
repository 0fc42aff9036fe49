-- The portal's two PostgreSQL roles (issue 19 (8)): the app never connects as a superuser.
--
--   owner  (jxjy_owner): owns the database, its schema and every table; `manage.py migrate` runs as it (the
--          one-shot migrate service), and backups read as it.
--   app    (jxjy_app):   what the web nodes, the Celery worker and the beat connect as: it reads and writes rows
--          (SELECT, INSERT, UPDATE, DELETE; the sequences) and nothing else: no CREATE, ALTER, DROP or TRUNCATE.
--          Default privileges give it the same rights on every table a later migration creates.
--
-- Run once per database as a superuser (the cloud's admin account), connected to the portal's database; it can be
-- run again (to change a password, or after tables were created by another role: it hands them to the owner):
--
--   psql "postgres://admin@db.example/jxjy" -v ON_ERROR_STOP=1 \
--        -v owner=jxjy_owner -v owner_password="$OWNER_PASSWORD" \
--        -v app=jxjy_app -v app_password="$APP_PASSWORD" -f scripts/db_roles.sql
--
-- Then: migrate with DATABASE_URL=postgres://jxjy_owner:…@db/jxjy, run everything else with
-- DATABASE_URL=postgres://jxjy_app:…@db/jxjy (docs/deployment.md, "The database's roles").

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';

-- The owner owns the database, the schema and whatever is in it already (a database migrated by the superuser
-- before these roles existed). ALTER TABLE … OWNER takes the table's own sequences along.
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner') \gexec
ALTER SCHEMA public OWNER TO :"owner";
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner')
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec
SELECT format('ALTER SEQUENCE public.%I OWNER TO %I', sequencename, :'owner')
  FROM pg_sequences WHERE schemaname = 'public' AND sequenceowner <> :'owner'
   AND NOT EXISTS (SELECT FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
                   WHERE c.relname = sequencename AND d.deptype IN ('a', 'i')) \gexec

-- Nobody else creates anything in the schema (PostgreSQL < 15 let every role do so).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), :'app') \gexec

-- The app: rows only, on today's tables and on every table the owner creates later.
GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"app";
