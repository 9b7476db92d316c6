#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on 127.0.0.1:5432 and creates the test database.
# Prints the SQLAlchemy URL the tests read from CHATOPS_TEST_POSTGRES_URL.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main >/dev/null 2>&1
fi
cluster=$(pg_lsclusters -h | head -n 1 | awk '{print $1" "$2}')
pg_ctlcluster $cluster start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='chatops_test'\"" | grep -q 1 \
  || su postgres -c "createdb chatops_test"
echo "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/chatops_test"
