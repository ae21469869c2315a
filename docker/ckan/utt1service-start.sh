#!/bin/bash
# Start-up of the ckan (web) container, its CMD.
#
# 1. Refuses to start without the settings that have no safe default, with a
#    message that names them (rather than a Python traceback later on).
# 2. Hands over to the base image's start_ckan.sh, which runs prerun.py (waits
#    for PostgreSQL, `ckan db init`, checks Solr, creates the sysadmin from
#    CKAN_SYSADMIN_*), then every /docker-entrypoint.d/*.sh (ours:
#    50-utt1service.sh, the migrations and the sysadmin check), then uWSGI.
set -euo pipefail

missing=()
for var in CKAN_SECRET_KEY CKAN_SITE_URL CKAN_SQLALCHEMY_URL CKAN_SOLR_URL CKAN_REDIS_URL; do
  [ -n "${!var:-}" ] || missing+=("$var")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[utt1service] not starting: ${missing[*]} not set (see docker/.env.example)" >&2
  exit 1
fi

cd /srv/app
exec ./start_ckan.sh
