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
  echo "[utt1service] ckan db init (core and plugin migrations)"
  ckan db init
  echo "[utt1service] ckan db upgrade -p utt1service"
  ckan db upgrade -p utt1service
  if [ -z "${CKANEXT__XLOADER__API_TOKEN:-}" ]; then
    echo "[utt1service] CKANEXT__XLOADER__API_TOKEN is not set: no table previews until it is" \
      "(make one: ckan utt1service xloader-token; see docker/.env.example)"
  fi
  ckan utt1service bootstrap-sysadmin
  # the Thai of CKAN's scripts (and the extension's additions to it) for
  # /api/i18n/th: uWSGI, unlike `ckan run`, does not build them
  ckan translation js
) || { echo "[utt1service] start-up failed, see the messages above" >&2; exit 1; }
