# -*- coding: utf-8 -*-
"""The GD Catalog fields of the dataset schema (thai_gdc 2.2.4 names and
values): pre-filled from the education fields, older English codes
converted, the "other" companions, classification against category, the
fields GD Catalog requires of a dataset offered to it, and the dataset
page's "GD Catalog" section."""
from __future__ import annotations

import html

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import gd

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


@pytest.fixture()
def org():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="utt1-office", title="สพป.อุทัยธานี เขต 1")
    return dict(org, _user=sysadmin["name"])


def _call(org, action, **data):
    return helpers.call_action(action, context={"user": org["_user"]}, **data)


def _create(org, **fields):
    data = {"name": "gd-dataset", "title": "จำนวนนักเรียน ปีการศึกษา 2568", "owner_org": org["id"]}
    if "name" in fields:  # (titles are unique in the catalogue)
        data["title"] += f" ({fields['name']})"
    data.update(fields)
    return _call(org, "package_create", **data)


def _errors(org, **fields) -> dict:
    with pytest.raises(tk.ValidationError) as e:
        _create(org, **fields)
    return e.value.error_dict


EDUCATION = dict(
    notes="จำนวนนักเรียนจำแนกตามระดับชั้น",
    tag_string="นักเรียน",
    license_id="Open Data Common",
    source_program="dmc",
    update_frequency="per-term",
    coverage=["nong-chang", "thap-than"],
    education_level=["primary", "lower-secondary"],
    academic_year=2568,
    contacts=[{"name": "นางสาวสมใจ ใจดี", "email": "somjai@utt1.go.th"}],
    resources=[{"url": "http://example.org/a.csv", "name": "a", "format": "CSV"},
               {"url": "http://example.org/b.xlsx", "name": "b", "format": "XLSX"}],
)


def test_gd_fields_are_derived_from_the_education_fields(org):
    pkg = _create(org, **EDUCATION)
    assert pkg["data_type"] == "ข้อมูลสถิติ"
    assert pkg["objective"] == ["พันธกิจหน่วยงาน"]
    assert pkg["maintainer"] == "สพป.อุทัยธานี เขต 1"
    assert pkg["maintainer_email"] == "somjai@utt1.go.th"
    assert pkg["data_source"].startswith("DMC")
    assert (pkg["update_frequency_unit"], pkg["update_frequency_interval"]) == ("ครึ่งปี", "1")
    assert pkg["geo_coverage"] == "อำเภอ"
    assert pkg["data_format"] == ["CSV", "XLS"]
    assert (pkg["data_category"], pkg["data_classification"]) == ("ข้อมูลสาธารณะ", "เปิดเผย")
    assert pkg["accessible_condition"] == gd.OPEN_CONDITION
    assert (pkg["first_year_of_data"], pkg["last_year_of_data"]) == (2568, 2568)
    assert pkg["disaggregate"] == ["ระดับการศึกษา", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"]
    assert pkg["allow_harvest"] == "False"
    assert pkg["data_language"] == ["ไทย"]


def test_derived_values_follow_the_education_fields_until_someone_types_one(org):
    pkg = _create(org, **EDUCATION)
    # the education field changes: the derived GD field follows it
    pkg = _call(org, "package_patch", id=pkg["id"], update_frequency="yearly")
    assert pkg["update_frequency_unit"] == "ปี"
    # a value typed by hand stays, even when the education field changes again
    pkg = _call(org, "package_patch", id=pkg["id"], data_source="ระบบ DMC ของ สพฐ. (กรอกเอง)")
    pkg = _call(org, "package_patch", id=pkg["id"], source_program="emis")
    assert pkg["data_source"] == "ระบบ DMC ของ สพฐ. (กรอกเอง)"
    pkg = _call(org, "package_patch", id=pkg["id"], update_frequency_unit="เดือน")
    pkg = _call(org, "package_patch", id=pkg["id"], update_frequency="never")
    assert pkg["update_frequency_unit"] == "เดือน"


def test_a_service_area_and_an_irregular_frequency_use_other_with_its_text(org):
    pkg = _create(org, coverage=["service-area"], update_frequency="irregular")
    assert pkg["geo_coverage"] == "อื่นๆ" and pkg["geo_coverage_other"]
    assert (pkg["update_frequency_unit"], pkg["update_frequency_unit_other"]) == ("อื่นๆ", "ไม่แน่นอน")


def test_older_english_codes_become_gd_values(org):
    pkg = _create(org, data_category="personal", data_classification="ลับ",
                  data_language=["th", "en"], official_statistics="yes",
                  high_value_dataset="no", license_id="cc-by")
    assert pkg["data_category"] == "ข้อมูลส่วนบุคคล"
    assert pkg["data_language"] == ["ไทย", "อังกฤษ"]
    assert (pkg["official_statistics"], pkg["high_value_dataset"]) == ("True", "False")
    assert pkg["license_id"] == "Creative Commons Attributions"
    pkg = _call(org, "package_patch", id=pkg["id"], license_id="other-closed")
    assert (pkg["license_id"], pkg["license_id_other"]) == ("อื่นๆ", "Other (Not Open)")


def test_values_outside_gd_lists_are_rejected(org):
    errors = _errors(org, data_type="statistics", objective=["not-a-goal"],
                     geo_coverage="district", license_id="made-up-licence")
    assert set(errors) >= {"data_type", "objective", "geo_coverage", "license_id"}


def test_other_needs_its_text(org):
    errors = _errors(org, objective=["อื่นๆ"], data_type="ข้อมูลประเภทอื่นๆ")
    assert "objective_other" in errors and "data_type_other" in errors
    assert "อื่นๆ" in errors["objective_other"][0]


def test_classification_must_go_with_the_category(org):
    errors = _errors(org, data_category="ข้อมูลสาธารณะ", data_classification="ลับ")
    assert "เปิดเผย" in errors["data_classification"][0]
    pkg = _create(org, data_category="ข้อมูลความลับทางราชการ", data_classification="ลับที่สุด")
    assert pkg["data_classification"] == "ลับที่สุด"


def test_consent_needs_every_field_gd_catalog_requires(org):
    # no description, no tags, no e-mail anywhere: cannot be offered
    errors = _errors(org, allow_harvest="True")
    assert {"notes", "tag_string", "maintainer_email", "license_id"} <= set(errors)
    # with the education fields filled in, the rest is derived
    pkg = _create(org, allow_harvest="True", **EDUCATION)
    assert pkg["allow_harvest"] == "True"
    errors = _errors(org, allow_harvest="True", name="x" * 71, **EDUCATION)
    assert "70" in errors["name"][0]


def test_the_form_says_what_gd_catalog_requires_in_the_users_language(app, org):
    user = factories.SysadminWithToken()
    for prefix, expected in [
        ("", "ต้องกรอกเมื่อเสนอชุดข้อมูลให้ GD Catalog"),
        ("/en", "Required when the dataset is offered to GD Catalog"),
    ]:
        response = app.post(
            prefix + "/dataset/new",
            headers={"Authorization": user["token"]},
            data={"title": "ครู", "name": "teachers", "owner_org": org["id"],
                  "allow_harvest": "True", "save": "", "_ckan_phase": 1},
        )
        assert expected in html.unescape(response.get_data(as_text=True))


def test_the_dataset_page_shows_the_gd_section_in_thai(app, org):
    pkg = _create(org, allow_harvest="True", **EDUCATION)
    page = app.get(tk.h.url_for("dataset.read", id=pkg["name"]),
                   extra_environ={"REMOTE_USER": org["_user"]}).body
    assert "GD Catalog" in page
    assert "ประเภทชุดข้อมูล" in page and "ข้อมูลสถิติ" in page
    assert "หน่วยความถี่ของการปรับปรุงข้อมูล" in page and "ครึ่งปี" in page
    assert "เสนอให้ GD Catalog แล้ว" in page

    other = _create(org, name="not-offered", **EDUCATION)
    page = app.get(tk.h.url_for("dataset.read", id=other["name"]),
                   extra_environ={"REMOTE_USER": org["_user"]}).body
    assert "ไม่ได้เสนอให้ GD Catalog" in page


def test_a_harvester_can_ask_the_api_for_the_consented_public_datasets_only(app, org):
    _create(org, name="offered", allow_harvest="True", **EDUCATION)
    _create(org, name="not-offered", **EDUCATION)
    _create(org, name="private-offered", allow_harvest="True", private=True, **EDUCATION)
    response = app.get("/api/3/action/package_search",
                       query_string={"fq": 'allow_harvest:"True"', "rows": 100})
    found = response.json["result"]["results"]
    assert [p["name"] for p in found] == ["offered"]
    assert found[0]["data_type"] == "ข้อมูลสถิติ" and found[0]["geo_coverage"] == "อำเภอ"


def test_an_other_licence_shows_its_text(app, org):
    pkg = _create(org, license_id="อื่นๆ", license_id_other="ใบอนุญาตของสำนักงาน")
    page = app.get(tk.h.url_for("dataset.read", id=pkg["name"]),
                   extra_environ={"REMOTE_USER": org["_user"]}).body
    assert "ใบอนุญาตของสำนักงาน" in page


# ------------------------------------------------------ resource-level fields


def test_each_resource_has_gd_catalogs_resource_fields_derived(org):
    # statistical data (the default data type): the dataset's statistical
    # fields, the access condition of each file, the day it last changed
    pkg = _create(org, **EDUCATION)
    public = pkg["resources"][0]
    today = public["created"][:10]
    assert public["resource_accessible_condition"] == gd.OPEN_CONDITION
    # a restricted file (an upload; its dict as the portal shows it)
    restricted = gd.resource_gd_fields(pkg, dict(public, access_level="restricted"))
    assert restricted["resource_accessible_condition"] == gd.RESTRICTED_CONDITION
    assert public["resource_last_updated_date"] == today
    assert "resource_created_date" not in public  # (thai_gdc: not for statistical data)
    assert (public["resource_first_year_of_data"], public["resource_last_year_of_data"]) == (2568, 2568)
    assert public["resource_disaggregate"] == pkg["disaggregate"]
    assert public["resource_unit_of_multiplier"] == "หน่วย"
    assert public["resource_official_statistics"] == "False"
    assert "resource_data_collect" not in public
    # what a harvester reads resource by resource too
    shown = helpers.call_action("resource_show", id=public["id"])
    assert shown["resource_last_updated_date"] == today

    # record data: the unit of collection and the day the file was created
    pkg = _call(org, "package_patch", id=pkg["id"], data_type=gd.RECORD)
    public = pkg["resources"][0]
    assert public["resource_created_date"] == today
    assert public["resource_data_collect"] == pkg["data_collect"] == "บุคคล"
    assert "resource_first_year_of_data" not in public

    # never typed nor stored: a value sent back is replaced, none is saved
    resource = dict(public, resource_created_date="2000-01-01", resource_data_collect="แต่ง")
    _call(org, "resource_update", **resource)
    pkg = _call(org, "package_show", id=pkg["id"])
    assert pkg["resources"][0]["resource_created_date"] == today
    assert pkg["resources"][0]["resource_data_collect"] == "บุคคล"
    import ckan.model as model

    stored = model.Resource.get(public["id"]).extras
    assert not [k for k in stored if k.startswith("resource_")], stored


GEOSPATIAL = dict(
    data_type=gd.GEOSPATIAL,
    geographic_data_set="ชั้นข้อมูลขอบเขตการปกครอง",
    equivalent_scale="อื่นๆ",
    equivalent_scale_other="1:5,000",
    west_bound_longitude="99.0236",
    east_bound_longitude="100.1234",
    north_bound_longitude="15.6789",
    south_bound_longitude="14.9876",
    positional_accuracy="±5 เมตร",
    reference_period="ปีการศึกษา 2568",
    data_release_date="2026-06-01",
    data_release_calendar="2026-06-30",
)


def test_geospatial_datasets_have_gd_catalogs_geospatial_fields(app, org):
    # thai_gdc 2.2.4's geospatial fields, under its names and values; the
    # dataset page shows them (Thai labels, Thai dates) for geospatial data
    # only; every file carries GD's resource fields of geospatial data
    pkg = _create(org, allow_harvest="True", **dict(EDUCATION, **GEOSPATIAL))
    for name, value in GEOSPATIAL.items():
        assert pkg[name] == value, name
    public = pkg["resources"][0]
    assert public["resource_geographic_data_set"] == "ชั้นข้อมูลขอบเขตการปกครอง"
    assert (public["resource_equivalent_scale"], public["resource_equivalent_scale_other"]) == (
        "อื่นๆ", "1:5,000")
    assert public["resource_positional_accuracy"] == "±5 เมตร"
    assert public["resource_data_release_date"] == "2026-06-01"
    assert "resource_data_release_calendar" not in public  # (statistical data only)
    page = html.unescape(app.get(tk.h.url_for("dataset.read", id=pkg["name"]),
                                 extra_environ={"REMOTE_USER": org["_user"]}).body)
    assert "ชุดข้อมูลภูมิศาสตร์ (สำหรับชุดข้อมูลภูมิสารสนเทศ)" in page
    assert "ชั้นข้อมูลขอบเขตการปกครอง" in page and "อื่นๆ: 1:5,000" in page
    assert "ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันตก" in page and "99.0236" in page
    assert "1 มิ.ย. 2569" in page and "30 มิ.ย. 2569" in page

    # statistical data: the release calendar (dataset and files), no
    # geospatial fields on the page
    stat = _call(org, "package_patch", id=pkg["id"], data_type=gd.STATISTICAL)
    assert stat["resources"][0]["resource_data_release_calendar"] == "2026-06-30"
    assert "resource_geographic_data_set" not in stat["resources"][0]
    page = html.unescape(app.get(tk.h.url_for("dataset.read", id=pkg["name"]),
                                 extra_environ={"REMOTE_USER": org["_user"]}).body)
    assert "30 มิ.ย. 2569" in page and "ชุดข้อมูลภูมิศาสตร์ (สำหรับ" not in page


def test_geospatial_fields_refuse_junk_with_thai_and_english_errors(app, org):
    errors = _errors(org, **dict(
        GEOSPATIAL, geographic_data_set="ชั้นข้อมูลที่ไม่มี", equivalent_scale="1:3",
        west_bound_longitude="1e400", east_bound_longitude="181",
        north_bound_longitude="สิบห้า", south_bound_longitude=["14"],
        positional_accuracy="x" * 201, data_release_date="2026-13-45"))
    for name in ("geographic_data_set", "equivalent_scale", "west_bound_longitude",
                 "east_bound_longitude", "north_bound_longitude", "south_bound_longitude",
                 "positional_accuracy", "data_release_date"):
        assert errors.get(name), name
    # the bounding box must be a box; "อื่นๆ" needs its scale
    errors = _errors(org, **dict(GEOSPATIAL, west_bound_longitude="101",
                                 north_bound_longitude="14", equivalent_scale_other=""))
    assert errors["west_bound_longitude"] and errors["south_bound_longitude"]
    assert errors["equivalent_scale_other"]
    # a huge number, a NUL byte, a wrong type: an error, never a 500
    user = factories.SysadminWithToken()
    for junk in ({"west_bound_longitude": "9" * 5000}, {"reference_period": "a\x00b"},
                 {"north_bound_longitude": {"a": 1}}, {"data_release_calendar": 12345}):
        response = app.post("/api/3/action/package_create", headers={"Authorization": user["token"]},
                            json=dict(GEOSPATIAL, name="junk", title="ขยะ", owner_org=org["id"],
                                      **junk))
        assert response.status_code in (400, 409), (junk, response.status_code)
    # in the form, in the user's language
    for prefix, expected in [("", "ป้อนค่าองศาแบบทศนิยม เช่น 99.0236"),
                             ("/en", "Enter decimal degrees, e.g. 99.0236")]:
        response = app.post(
            prefix + "/dataset/new", headers={"Authorization": user["token"]},
            data={"title": "แผนที่โรงเรียน", "name": "school-map", "owner_org": org["id"],
                  "data_type": gd.GEOSPATIAL, "west_bound_longitude": "ตะวันตก",
                  "save": "", "_ckan_phase": 1})
        assert expected in html.unescape(response.get_data(as_text=True))
