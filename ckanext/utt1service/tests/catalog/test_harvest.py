# -*- coding: utf-8 -*-
"""GD Catalog harvests the portal for real: ``ckanext-harvest``'s CKAN
harvester (gather, fetch and import stages) runs in a second CKAN with its
own database (``harvest_target.py``), against this portal served over HTTP
in the test, with the harvest source configuration the README tells
DGA/NSO to use (``{"groups_filter_include": ["gd-catalog"]}``).

What arrives: every consented public dataset, with its GD fields and values
intact; what does not: datasets without consent, private datasets, the bytes
of restricted files (their resources arrive as descriptions whose URLs give
the harvester and anyone else no bytes), requesters' data, survey answers
and complaints."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa
import yaml

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

import ckanext.utt1service
from ckanext.utt1service.catalog import gd
from ckanext.utt1service.tests.access_requests.conftest import build_world, submit

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

ROOT = pathlib.Path(ckanext.utt1service.__file__).resolve().parents[2]
#: the source configuration the README gives GD Catalog's operator
GD_SOURCE_CONFIG = {"groups_filter_include": ["gd-catalog"]}

EDUCATION = dict(
    notes="จำนวนนักเรียนจำแนกตามระดับชั้น", tag_string="นักเรียน",
    license_id="Open Data Common", source_program="dmc", update_frequency="per-term",
    coverage=["nong-chang", "thap-than"], education_level=["primary", "lower-secondary"],
    academic_year=2568, contacts=[{"name": "นางสาวสมใจ ใจดี", "email": "somjai@utt1.go.th"}],
)
#: what requesters, survey answers and complaints say (must never travel)
MARKS = {
    "agency": "ศูนย์วิจัยลับเฉพาะเก็บเกี่ยว",
    "phone": "089-111-2233",
    "intended_use": "วิเคราะห์ครอบครัวนักเรียนรายบุคคลเพื่อเก็บเกี่ยว",
    "suggestion": "ข้อเสนอแนะลับของผู้ตอบแบบสอบถาม",
    "complaint": "เรื่องร้องเรียนลับเกี่ยวกับเจ้าหน้าที่",
    "complainant": "ผู้ร้องเรียน ไม่ควรปรากฏ",
}


def _target_database() -> str:
    """The database beside the test one that bin/test creates for the
    harvesting CKAN, emptied."""
    url = sa.engine.make_url(tk.config["sqlalchemy.url"])
    url = url.set(database=f"{url.database}_gdharvest")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


#: ckanext-scheming's own presets a thai_gdc schema uses
_PRESETS = {"title", "dataset_slug", "dataset_organization", "select", "multiple_checkbox",
            "date", "tag_string_autocomplete", "resource_url_upload", "resource_format_autocomplete"}
_CORE = ["title", "name", "notes", "tag_string", "owner_org", "license_id", "url", "version"]


def _target_schema(path: pathlib.Path) -> str:
    """The harvesting side's dataset schema, as thai_gdc's: GD Catalog's
    field names with their allowed values (taken from this portal's schema,
    without its own validators), CKAN's core fields, and a resource's
    ``access_level`` as a plain choice. The harvested values are validated
    against GD's lists there. (The extension is loaded on that side only
    for its Thai tag rule, which thai_gdc has too.)"""
    with open(ROOT / "ckanext/utt1service/schemas/dataset.yaml", encoding="utf-8") as f:
        ours = yaml.safe_load(f)
    wanted = set(_CORE) | set(gd.GD_FIELDS) | {f"{n}_other" for n in gd.OTHER_VALUE}

    def plain(field: dict) -> dict:
        out = {k: field[k] for k in ("field_name", "label", "choices") if k in field}
        if field.get("preset") in _PRESETS:
            out["preset"] = field["preset"]
        if field["field_name"] in ("title", "name", "owner_org"):
            out["required"] = True
        if field["field_name"] == "tag_string":
            # thai_gdc accepts Thai tags (stock CKAN does not): this
            # portal's tag rule stands in for thai_gdc's
            out["validators"] = field["validators"]
        return out

    schema = {
        "scheming_version": 2, "dataset_type": "dataset", "about": "GD Catalog (test)",
        "dataset_fields": [plain(f) for f in ours["dataset_fields"] if f["field_name"] in wanted],
        "resource_fields": [plain(f) for f in ours["resource_fields"]
                            if f["field_name"] in ("url", "name", "description", "format",
                                                   "access_level")],
    }
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return path.as_uri()


def _harvest(tmp_path, source_url: str, source_config: dict) -> dict:
    """Run the harvesting CKAN (its own database, site id and storage) and
    return what it harvested."""
    ini = tmp_path / "gd-catalog.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n"
        "ckan.plugins = utt1service scheming_datasets activity harvest ckan_harvester\n"
        f"scheming.dataset_schemas = {_target_schema(tmp_path / 'gd_target.json')}\n"
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %(levelname)s %(name)s %(message)s\n"
    )
    env = dict(os.environ,
               CKAN_SQLALCHEMY_URL=_target_database(),
               # its own Solr core: in the portal's, its copies would show in
               # the portal's search suggestions, which do not filter by site
               CKAN_SOLR_URL=tk.config["solr_url"].rstrip("/") + "_gdharvest",
               CKAN_SITE_ID=tk.config["ckan.site_id"] + "-gd-catalog",
               CKAN_SITE_URL="http://gd-catalog.test",
               CKAN_STORAGE_PATH=str(tmp_path / "storage"))
    env.pop("CKAN_INI", None)
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    init = subprocess.run([str(ckan), "-c", str(ini), "db", "init"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert init.returncode == 0, init.stderr[-3000:]
    run = subprocess.run(
        [sys.executable, str(pathlib.Path(__file__).with_name("harvest_target.py")), str(ini),
         source_url, json.dumps(source_config)],
        env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-5000:]
    return json.loads(run.stdout.split("=====HARVEST=====", 1)[1])


def _get(url: str) -> tuple[int, bytes]:
    """What an anonymous client (the harvester, anyone) gets at ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _urls(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _urls(v)
    elif isinstance(value, list):
        for v in value:
            yield from _urls(v)
    elif isinstance(value, str) and value.startswith("http"):
        yield value


@pytest.mark.heavy  # a minute or more: started first (tests/scheduling.py)
def test_gd_catalogs_ckan_harvester_takes_the_consented_public_datasets_only(
        monkeypatch, live_server, tmp_path):
    monkeypatch.setitem(tk.config, "ckan.site_url", live_server)
    w = build_world(("pending", "approved"))
    site = {"user": w.sysadmin["name"]}
    # the world's dataset (a public file, a link and a restricted file, with
    # a pending and an approved request) is offered to GD Catalog
    offered = helpers.call_action("package_patch", context=dict(site), id=w.dataset["id"],
                                  name="students-2568", allow_harvest=gd.TRUE, **EDUCATION)
    statistical = helpers.call_action(
        "package_create", context=dict(site), name="onet-2567", owner_org=w.org["id"],
        title="คะแนน O-NET ปีการศึกษา 2567", allow_harvest=gd.TRUE,
        **dict(EDUCATION, source_program="national-tests", academic_year=2567,
               unit_of_measure="คะแนน", calculation_method="ค่าเฉลี่ย"))
    geospatial = helpers.call_action(
        "package_create", context=dict(site), name="school-map", owner_org=w.org["id"],
        title="แผนที่ที่ตั้งโรงเรียน", allow_harvest=gd.TRUE,
        **dict(EDUCATION, data_type=gd.GEOSPATIAL, geographic_data_set="ชั้นข้อมูลชุมนุม/อาคาร",
               equivalent_scale="อื่นๆ", equivalent_scale_other="1:5,000",
               west_bound_longitude="99.0236", east_bound_longitude="100.1234",
               south_bound_longitude="14.9876", north_bound_longitude="15.6789",
               positional_accuracy="±5 เมตร", reference_period="ปีการศึกษา 2568",
               data_release_date="2026-06-01", data_release_calendar="2026-06-30"))
    without_consent = helpers.call_action(
        "package_create", context=dict(site), name="not-offered", owner_org=w.org["id"],
        title="ชุดข้อมูลที่ไม่ได้ให้ความยินยอม", **EDUCATION)
    private = helpers.call_action(
        "package_create", context=dict(site), name="private-offered", owner_org=w.org["id"],
        title="ชุดข้อมูลส่วนตัว", private=True, allow_harvest=gd.TRUE, **EDUCATION)
    withdrawn = helpers.call_action(
        "package_create", context=dict(site), name="withdrawn", owner_org=w.org["id"],
        title="ถอนความยินยอมแล้ว", allow_harvest=gd.TRUE, **EDUCATION)
    helpers.call_action("package_patch", context=dict(site), id=withdrawn["id"],
                        allow_harvest=gd.FALSE)
    # requester data, a survey answer and a complaint about the dataset
    w.requesters["new"] = factories.UserWithToken(fullname="ผู้ขอข้อมูล ไม่ควรปรากฏ")
    submit(w.requesters["new"], offered, [w.restricted["id"]],
           agency=MARKS["agency"], phone=MARKS["phone"], intended_use=MARKS["intended_use"])
    helpers.call_action("utt1service_survey_response_create", context={"user": ""},
                        staff_courtesy=1, staff_reception=1, search_speed=2, data_match=2,
                        data_quality=2, suggestion=MARKS["suggestion"])
    helpers.call_action("utt1service_complaint_create", context={"user": "", "ignore_auth": False},
                        category="data_wrong", description=MARKS["complaint"],
                        package=offered["name"], contact_name=MARKS["complainant"],
                        contact_email="complainant@example.org", consent=True)
    personal = [*MARKS.values(), *(u["email"] for u in w.requesters.values()),
                *(u["fullname"] for u in w.requesters.values())]

    result = _harvest(tmp_path, live_server, GD_SOURCE_CONFIG)

    assert result["gather_errors"] == [] and result["object_errors"] == []
    # the harvester searched the portal with the group filter
    assert any("groups%3Agd-catalog" in url for url in result["asked"]), result["asked"]
    harvested = {p["name"]: p for p in result["datasets"]}
    assert sorted(harvested) == ["onet-2567", "school-map", "students-2568"]
    for source in (offered, statistical, geospatial):
        source = helpers.call_action("package_show", id=source["id"])
        copy = harvested[source["name"]]
        for name in gd.GD_FIELDS + [f"{f}_other" for f in gd.OTHER_VALUE]:
            if name == "license_id":
                continue  # (the harvester keeps it: checked below)
            assert gd.normal(copy.get(name)) == gd.normal(source.get(name)), name
    # the geospatial fields (thai_gdc's names and values) arrive intact
    copy = harvested["school-map"]
    assert (copy["data_type"], copy["geographic_data_set"]) == (
        gd.GEOSPATIAL, "ชั้นข้อมูลชุมนุม/อาคาร")
    assert (copy["equivalent_scale"], copy["equivalent_scale_other"]) == ("อื่นๆ", "1:5,000")
    assert [copy[f"{side}_bound_longitude"] for side in ("west", "east", "south", "north")] == [
        "99.0236", "100.1234", "14.9876", "15.6789"]
    assert (copy["data_release_date"], copy["data_release_calendar"]) == (
        "2026-06-01", "2026-06-30")
    for source in (offered, statistical):
        source = helpers.call_action("package_show", id=source["id"])
        copy = harvested[source["name"]]
        assert copy["license_id"] == source["license_id"] == "Open Data Common"
        assert copy["allow_harvest"] == gd.TRUE
        assert copy["data_type"] == "ข้อมูลสถิติ" and copy["geo_coverage"] == "อำเภอ"
        assert copy["update_frequency_unit"] == "ครึ่งปี"
        assert copy["title"] == source["title"] and copy["notes"] == source["notes"]
    assert harvested["onet-2567"]["unit_of_measure"] == "คะแนน"
    assert harvested["onet-2567"]["first_year_of_data"] == "2567"
    for name in (without_consent["name"], private["name"], withdrawn["name"]):
        assert name not in harvested

    # restricted files arrive as descriptions; no URL in anything harvested
    # gives their bytes (nor does the restricted file's own download address)
    copy = harvested["students-2568"]
    resources = {r["id"]: r for r in copy["resources"]}
    assert set(resources) == {w.restricted["id"], w.public["id"], w.link["id"]}
    assert resources[w.restricted["id"]]["access_level"] == "restricted"
    text = json.dumps(result, ensure_ascii=False)
    assert w.secret.decode()[:40] not in text
    fetched = 0
    for url in set(_urls(result["datasets"])) | {resources[w.restricted["id"]]["url"]}:
        if not url.startswith(live_server):
            continue
        status, body = _get(url)
        fetched += 1
        assert w.secret[:40] not in body, url
    assert fetched >= 2
    status, body = _get(resources[w.restricted["id"]]["url"])
    assert status != 200 or w.secret[:40] not in body
    # ... while the public file is still what a harvested link gives
    assert _get(resources[w.public["id"]]["url"]) == (200, w.public_bytes)

    # no requester data, survey answer or complaint in anything harvested
    for value in personal:
        assert value not in text, value
    assert "complainant@example.org" not in text


def test_the_gd_group_follows_consent_publication_and_deletion():
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    site = {"user": sysadmin["name"]}

    def members() -> list[str]:
        found = helpers.call_action("package_search", fq=f"groups:{gd.group_name()}", rows=50)
        return sorted(p["name"] for p in found["results"])

    pkg = helpers.call_action("package_create", context=dict(site), name="aa", owner_org=org["id"],
                              title="ก", allow_harvest=gd.TRUE, **EDUCATION)
    helpers.call_action("package_create", context=dict(site), name="bb", owner_org=org["id"],
                        title="ข", **EDUCATION)
    assert members() == ["aa"]
    group = helpers.call_action("group_show", id=gd.group_name())
    assert group["package_count"] == 1 and "GD Catalog" in group["title"]
    helpers.call_action("package_patch", context=dict(site), id="bb", allow_harvest=gd.TRUE)
    assert members() == ["aa", "bb"]
    helpers.call_action("package_patch", context=dict(site), id="bb", private=True)
    assert members() == ["aa"]
    helpers.call_action("package_patch", context=dict(site), id="aa", allow_harvest=gd.FALSE)
    assert members() == []
    helpers.call_action("package_patch", context=dict(site), id="aa", allow_harvest=gd.TRUE)
    helpers.call_action("package_delete", context=dict(site), id=pkg["id"])
    assert members() == []
    # an editor's own save of a consented dataset keeps it in the group
    editor = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="editor")
    helpers.call_action("package_patch", context={"user": editor["name"]}, id="bb",
                        private=False, groups=[])
    assert members() == ["bb"]
