# shellcheck shell=bash
# Sourced by the Solr image's run-initdb (as user solr) before Solr starts.
#
# Creates the core "ckan" on the first start and, at every start, replaces its
# conf/ with the configset mounted from this repository
# (solr/configsets/ckan, the very files the local Solr uses), so that a new
# schema takes effect with a restart. The index (data/) is kept: after a
# schema change, rebuild it with `ckan search-index rebuild`.
utt1_core_dir="${SOLR_HOME:-/var/solr/data}/ckan"
utt1_configset="${UTT1_SOLR_CONFIGSET:-/opt/solr/server/solr/configsets/ckan}"
if [ ! -f "$utt1_configset/conf/schema.xml" ]; then
  echo "utt1service: no configset at $utt1_configset (is ../solr/configsets/ckan mounted?)" >&2
  return 1
fi
mkdir -p "$utt1_core_dir"
rm -rf "$utt1_core_dir/conf.new"
cp -R "$utt1_configset/conf" "$utt1_core_dir/conf.new"
rm -rf "$utt1_core_dir/conf"
mv "$utt1_core_dir/conf.new" "$utt1_core_dir/conf"
if [ ! -f "$utt1_core_dir/core.properties" ]; then
  printf 'name=ckan\n' >"$utt1_core_dir/core.properties"
  echo "utt1service: created the Solr core ckan"
fi
echo "utt1service: Solr core ckan uses the configset of $utt1_configset"
