# Sourced by scripts/test.sh: starts Debian's PostgreSQL on 127.0.0.1 (creating the
# cluster, user and database when missing) and exports FIREBREAK_TEST_POSTGRES_URL, so
# the server's storage tests also run against a real PostgreSQL.
pg_version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_version" ]; then
  echo "postgres: not installed; the PostgreSQL variants of the server tests will not run" >&2
  return 0 2>/dev/null || exit 0
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$pg_version main"; then
  pg_createcluster "$pg_version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$pg_version main .* online"; then
  pg_ctlcluster "$pg_version" main start
fi
for _ in $(seq 1 30); do
  (cd / && su postgres -c "psql -Atqc 'select 1'") >/dev/null 2>&1 && break
  sleep 0.5
done
(cd / && su postgres -c "psql -v ON_ERROR_STOP=1 -Atq") <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'firebreak') THEN
    CREATE ROLE firebreak LOGIN PASSWORD 'firebreak';
  END IF;
END $$;
SQL
# A fresh database per run, so every run starts from the same state.
(cd / && su postgres -c "dropdb --if-exists firebreak_test && createdb -O firebreak firebreak_test")
export FIREBREAK_TEST_POSTGRES_URL="postgres://firebreak:firebreak@127.0.0.1:5432/firebreak_test"
echo "postgres $pg_version on 127.0.0.1:5432 (database firebreak_test)"
