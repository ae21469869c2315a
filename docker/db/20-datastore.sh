#!/bin/bash
# Run once by the postgres image when its volume is new (/docker-entrypoint-initdb.d):
# the DataStore's own database, owned by the main user (who writes to it), and
# its read-only role. The permissions themselves are CKAN's (`ckan datastore
# set-permissions`), applied by the ckan container at every start (the base
# image's prerun.py). On a volume made before the DataStore, run it by hand:
#   docker compose exec db bash /docker-entrypoint-initdb.d/20-datastore.sh
set -euo pipefail
: "${DATASTORE_READONLY_PASSWORD:?set DATASTORE_READONLY_PASSWORD in docker/.env}"
ro_user=${DATASTORE_READONLY_USER:-datastore_ro}
ds_db=${DATASTORE_DB:-datastore}
main_db=${POSTGRES_DB:-ckan}
owner=${POSTGRES_USER:-ckan}
psql=(psql -v ON_ERROR_STOP=1 --username "$owner" --dbname "$main_db" -q)
if [ -z "$("${psql[@]}" -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$ro_user'")" ]; then
  "${psql[@]}" -c "CREATE ROLE \"$ro_user\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$DATASTORE_READONLY_PASSWORD'"
fi
if [ -z "$("${psql[@]}" -Atc "SELECT 1 FROM pg_database WHERE datname = '$ds_db'")" ]; then
  "${psql[@]}" -c "CREATE DATABASE \"$ds_db\" OWNER \"$owner\" ENCODING 'UTF8'"
fi
# Every role may connect to a new database through PUBLIC: not the read-only
# role to the main one.
"${psql[@]}" -c "REVOKE CONNECT ON DATABASE \"$main_db\" FROM PUBLIC; GRANT CONNECT ON DATABASE \"$main_db\" TO \"$owner\""
echo "[utt1service] DataStore database $ds_db and read-only role $ro_user ready"
