# shellcheck shell=bash
# Sourced by the base image's start_ckan.sh after prerun.py, before uWSGI.
#
# start_ckan.sh goes on to uWSGI even when prerun.py failed, so the steps that
# must have worked are run again here, each a no-op when already done, and a
# failure stops the container (exit 1; Compose restarts it and the log says
# why): a restarting container is better than a site on a half-migrated
# database. The subshell keeps `set -e` out of start_ckan.sh.
(
  set -euo pipefail
  if [ -z "${CKANEXT__XLOADER__API_TOKEN:-}" ]; then
    echo "[utt1service] CKANEXT__XLOADER__API_TOKEN is not set: no table previews until it is" \
      "(make one: ckan utt1service xloader-token; see docker/.env.example)"
  fi
  # one process (CKAN and its plugins loaded once): the migrations of CKAN
  # and every plugin (ckan db init), the first sysadmin, and the Thai of
  # CKAN's scripts for /api/i18n/th (uWSGI, unlike `ckan run`, does not
  # build them)
  ckan utt1service start-up
) || { echo "[utt1service] start-up failed, see the messages above" >&2; exit 1; }
