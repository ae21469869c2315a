# Shared settings and helpers of the bin/ scripts (sourced, not run).
# Ports and folders can be set in the environment or, to keep them for a
# checkout, in a file "local.env" beside the Makefile (not committed).
# shellcheck disable=SC1091
[ -f "$ROOT/local.env" ] && . "$ROOT/local.env"
LOCAL=${UTT1_LOCAL:-$ROOT/.local}
LOG=$LOCAL/log
PG_PORT=${PG_PORT:-55432}
PG_USER=${PG_USER:-ckan}
PG_PASSWORD=${PG_PASSWORD:-ckan}
# The DataStore's read-only role (CKAN's "datastore_ro"): datastore_search and
# the table previews read through it; it may not write, nor connect to the main db.
DS_RO_USER=${DS_RO_USER:-datastore_ro}
DS_RO_PASSWORD=${DS_RO_PASSWORD:-datastore_ro}
REDIS_PORT=${REDIS_PORT:-56379}
SOLR_PORT=${SOLR_PORT:-58983}
SOLR_CORES=${SOLR_CORES:-"ckan ckan_test"}
# The CKAN minor the scripts work on: 2.11 (the default, .venv) or 2.12
# (CKAN_VERSION=2.12 or 2.12.0: .venv-2.12, side by side). Each minor has its
# own databases, Solr cores, ckan.ini and upload folders (names end in
# $CKAN_SUFFIX), so running one after the other never mixes CKAN's migrations.
CKAN_VERSION=${CKAN_VERSION:-2.11}
case "$CKAN_VERSION" in
  2.11|2.11.6) CKAN_MINOR=2.11; CKAN_SUFFIX="" ;;
  2.12|2.12.0) CKAN_MINOR=2.12; CKAN_SUFFIX=_212 ;;
  *) printf '\033[31mERROR: CKAN_VERSION=%s is not supported: 2.11 (2.11.6, the default) or 2.12 (2.12.0)\033[0m\n' "$CKAN_VERSION" >&2; exit 2 ;;
esac
if [ "$CKAN_MINOR" = 2.11 ]; then
  VENV=${VENV:-$ROOT/.venv}
  CKAN_INI_FILE=$ROOT/ckan.ini
else
  VENV=${VENV:-$ROOT/.venv-$CKAN_MINOR}
  CKAN_INI_FILE=$ROOT/ckan-$CKAN_MINOR.ini
fi
SMTP_PORT=${SMTP_PORT:-58025}
CKAN_PORT=${CKAN_PORT:-5000}

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs a named step and prints how long it took.
timed() {
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  "$@"
  awk -v a="$t0" -v b="$(date +%s.%N)" -v n="$name" 'BEGIN { printf "    (%s took %.1f s)\n", n, b - a }' 
}
