# -*- coding: utf-8 -*-
"""The educational-information dataset schema: Thai tags, Buddhist Era years,
fiscal-year consistency and the other cross-field checks, with their errors in
Thai and English, and the dataset page's summary box."""
from __future__ import annotations

import html
import pathlib

import pytest
import yaml

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


@pytest.fixture()
def org():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="utt1-office", title="สพป.อุทัยธานี เขต 1")
    return dict(org, _user=sysadmin["name"])


def _call(org, action, **data):
    return helpers.call_action(action, context={"user": org["_user"]}, **data)


def _create(org, **fields):
    data = {"name": "sample-dataset", "title": "ชุดข้อมูลทดสอบ", "owner_org": org["id"]}
    data.update(fields)
    return _call(org, "package_create", **data)


def _errors(org, **fields) -> dict:
    with pytest.raises(tk.ValidationError) as e:
        _create(org, **fields)
    return e.value.error_dict


# ---------------------------------------------------------------- the YAML


def test_every_text_of_the_schema_is_in_thai_and_english():
    # a comma inside an unquoted {th: …, en: …} splits it into more keys
    path = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "dataset.yaml"
    bad = []

    def walk(node, where):
        if isinstance(node, dict):
            if {"th", "en"} & set(node) and set(node) != {"th", "en"}:
                bad.append(f"{where}: {node}")
            for key in ("label", "help_text", "form_placeholder", "repeating_label"):
                if isinstance(node.get(key), str):
                    bad.append(f"{where}/{key}: only one language")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), "")
    assert not bad, "\n".join(bad)


# ------------------------------------------------------------------ tags


def test_thai_tags_are_accepted_from_the_tag_string_and_the_api(org):
    pkg = _create(org, tag_string="นักเรียน, ระดับชั้น, ผลสัมฤทธิ์ทางการเรียน, O-NET")
    assert sorted(t["name"] for t in pkg["tags"]) == sorted(
        ["นักเรียน", "ระดับชั้น", "ผลสัมฤทธิ์ทางการเรียน", "O-NET"]
    )
    pkg = _call(org, "package_patch", id=pkg["id"], tags=[{"name": "ครูและบุคลากรทางการศึกษา"}])
    assert [t["name"] for t in pkg["tags"]] == ["ครูและบุคลากรทางการศึกษา"]


def test_tags_with_other_characters_are_still_rejected(org):
    for tags in ["นักเรียน; ครู", "<script>"]:
        errors = _errors(org, tag_string=tags)
        assert "can only contain letters" in " ".join(errors["tag_string"]), tags


def test_tags_follow_gd_catalogs_rule(org):
    # GD Catalog's [ก-๙\w \-.]: the whole Thai block (marks, Thai digits,
    # ฯ ๆ ฿), letters and digits of any script, _ - . and spaces
    pkg = _create(org, tag_string="ปีการศึกษา ๒๕๖๘, ฯลฯ, ค่าใช้จ่าย฿, data_2568, v1.0, Ökologie")
    assert len(pkg["tags"]) == 6
    for bad in ["ครู/นักเรียน", "50%", "a+b", "นักเรียน\x00", "(ครู)", "e\u0301cole"]:
        errors = _errors(org, name="bad-tag", tag_string=bad)
        assert "can only contain letters" in " ".join(errors["tag_string"]), bad
    # the API's tag list has the same rule
    with pytest.raises(tk.ValidationError) as e:
        _call(org, "package_patch", id=pkg["id"], tags=[{"name": "ครู/นักเรียน"}])
    assert "can only contain letters" in str(e.value.error_dict)


# ---------------------------------------------------------------- titles


def test_two_datasets_of_the_catalogue_cannot_share_a_title(org):
    first = _create(org, name="students-2568", title="จำนวนนักเรียน ปีการศึกษา 2568")
    # spaces and letter case do not make a title different
    for title in ["จำนวนนักเรียน ปีการศึกษา 2568", "  จำนวนนักเรียน   ปีการศึกษา 2568 "]:
        errors = _errors(org, name="students-copy", title=title)
        assert "already has this title" in " ".join(errors["title"])
    _create(org, name="english", title="Students 2568")
    assert "title" in _errors(org, name="english-2", title="STUDENTS 2568")
    # a private dataset of another organization counts too
    other = factories.Organization()
    _call(org, "package_create", name="private-one", title="ข้อมูลส่วนตัว", owner_org=other["id"],
          private=True)
    assert "title" in _errors(org, name="private-two", title="ข้อมูลส่วนตัว")
    # a dataset keeps its own title when saved again; changing to a free
    # title is fine, to a taken one is not
    assert _call(org, "package_patch", id=first["id"], notes="ปรับปรุง")["title"] == first["title"]
    _call(org, "package_patch", id=first["id"], title="จำนวนนักเรียน 2568 (ฉบับปรับปรุง)")
    with pytest.raises(tk.ValidationError) as e:
        _call(org, "package_patch", id=first["id"], title="Students 2568")
    assert "title" in e.value.error_dict
    # a deleted dataset's title is free again
    _call(org, "package_delete", id="english")
    assert _create(org, name="english-3", title="Students 2568")["title"] == "Students 2568"


def test_the_form_says_a_title_is_taken_in_the_users_language(app, org):
    user = factories.SysadminWithToken()
    _create(org, name="teachers-2568", title="จำนวนครู 2568")
    for prefix, expected in [
        ("", "มีชุดข้อมูลอื่นในแคตตาล็อกใช้ชื่อนี้แล้ว"),
        ("/en", "Another dataset of the catalogue already has this title"),
    ]:
        response = app.post(
            prefix + "/dataset/new", headers={"Authorization": user["token"]},
            data={"title": "จำนวนครู 2568", "name": "teachers-copy", "owner_org": org["id"],
                  "save": "", "_ckan_phase": 1},
        )
        body = html.unescape(response.get_data(as_text=True))
        assert expected in body and response.status_code == 200


# ----------------------------------------------------------------- years


def test_years_are_stored_as_buddhist_era_integers(org):
    pkg = _create(org, academic_year="2568", fiscal_year=" 2569 ", first_year_of_data="๒๕๖๔")
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert (shown["academic_year"], shown["fiscal_year"], shown["first_year_of_data"]) == (
        2568,
        2569,
        2564,
    )


def test_wrong_years_are_refused_with_a_clear_error(org):
    for value, message in [
        ("2025", "2025 looks like a Gregorian (ค.ศ.) year. Enter the Buddhist Era (พ.ศ.) year: 2568"),
        ("2499", "Enter a Buddhist Era (พ.ศ.) year between 2500 and 2700"),
        ("2701", "Enter a Buddhist Era (พ.ศ.) year between 2500 and 2700"),
        ("ปีนี้", "Enter the year as a number, e.g. 2568"),
    ]:
        assert _errors(org, academic_year=value)["academic_year"] == [message], value
    assert _errors(org, fiscal_year="2026")["fiscal_year"] == [
        "2026 looks like a Gregorian (ค.ศ.) year. Enter the Buddhist Era (พ.ศ.) year: 2569"
    ]


def test_first_year_of_data_cannot_be_after_the_last(org):
    errors = _errors(org, first_year_of_data="2568", last_year_of_data="2565")
    assert errors["last_year_of_data"] == [
        "The last year of data (2565) is before the first year (2568)"
    ]


# ------------------------------------------------------ fiscal year and dates


def test_resource_periods_must_fall_inside_the_fiscal_year(org):
    inside = {"url": "http://example.org/a.csv", "period_start": "2025-10-01", "period_end": "2026-09-30"}
    pkg = _create(org, fiscal_year="2569", resources=[inside])
    assert pkg["resources"][0]["period_start"] == "2025-10-01"

    with pytest.raises(tk.ValidationError) as e:
        _call(
            org,
            "resource_create",
            package_id=pkg["id"],
            url="http://example.org/b.csv",
            period_start="2025-09-01",
            period_end="2025-12-31",
        )
    # resource_create reports the errors of the new resource
    assert e.value.error_dict["period_start"] == [
        "1 ก.ย. 2568 is outside fiscal year 2569 (1 ต.ค. 2568 – 30 ก.ย. 2569)"
    ]
    assert "period_end" not in e.value.error_dict


def test_changing_the_fiscal_year_is_checked_against_the_resources(org):
    res = {"url": "http://example.org/a.csv", "period_start": "2025-10-01", "period_end": "2026-03-31"}
    pkg = _create(org, fiscal_year="2569", resources=[res])
    with pytest.raises(tk.ValidationError) as e:
        _call(org, "package_patch", id=pkg["id"], fiscal_year="2570")
    assert e.value.error_dict["fiscal_year"] == [
        "Fiscal year 2570 does not match the period covered by resource 1"
    ]


def test_a_period_cannot_end_before_it_starts(org):
    res = {"url": "http://example.org/a.csv", "period_start": "2026-03-31", "period_end": "2025-10-01"}
    errors = _errors(org, resources=[res])
    assert errors["resources"][0]["period_end"] == ["The end of the period is before its start"]


# ---------------------------------------------------------- other checks


def test_coverage_is_the_whole_area_or_districts(org):
    errors = _errors(org, coverage=["service-area", "thap-than"])
    assert errors["coverage"] == [
        "Choose either the whole service area or some districts, not both"
    ]
    pkg = _create(org, coverage=["thap-than", "nong-chang"])
    assert pkg["coverage"] == ["nong-chang", "thap-than"] or pkg["coverage"] == [
        "thap-than",
        "nong-chang",
    ]


def test_an_other_program_needs_a_name(org):
    errors = _errors(org, source_program="other")
    assert errors["source_program_other"] == ['Name the program when you choose "Other"']
    pkg = _create(org, source_program="other", source_program_other="ระบบ SchoolMIS")
    assert pkg["source_program_other"] == "ระบบ SchoolMIS"


def test_governance_fields_have_defaults_and_contacts_repeat(org):
    pkg = _create(
        org,
        contacts=[
            {"name": "นางสาวสมใจ ใจดี", "position": "นักวิเคราะห์นโยบายและแผน", "email": "somjai@utt1.go.th"},
            {"name": "นายสมชาย รักเรียน", "phone": "056 511 000"},
        ],
    )
    # GD Catalog's values (the Thai text, "True"/"False"): tests/catalog/test_gd_schema.py
    assert (pkg["data_category"], pkg["official_statistics"], pkg["high_value_dataset"]) == (
        "ข้อมูลสาธารณะ",
        "False",
        "False",
    )
    assert [c["name"] for c in pkg["contacts"]] == ["นางสาวสมใจ ใจดี", "นายสมชาย รักเรียน"]
    errors = _errors(org, contacts=[{"name": "x", "email": "not-an-address"}])
    assert errors["contacts"][0]["email"]


def test_the_topic_list_is_editable(org, ckan_config, monkeypatch):
    monkeypatch.setitem(
        ckan_config, "ckanext.utt1service.topic_categories", "health | สุขภาพนักเรียน | Student health"
    )
    assert _create(org, topic_category="health")["topic_category"] == "health"
    assert "topic_category" in _errors(org, name="other-name", topic_category="students")


def test_the_topic_list_can_come_from_an_environment_variable(org, ckan_config, monkeypatch):
    # Docker: CKANEXT__UTT1SERVICE__TOPIC_CATEGORIES holds one line, ";" between topics
    monkeypatch.setitem(
        ckan_config,
        "ckanext.utt1service.topic_categories",
        "health | สุขภาพนักเรียน | Student health; sport | กีฬา | Sport",
    )
    assert _create(org, topic_category="sport")["topic_category"] == "sport"
    assert _create(org, name="health-one", title="สุขภาพนักเรียน",
                   topic_category="health")["topic_category"] == "health"


# ------------------------------------------------- the web form, Thai and English


def test_the_form_shows_year_errors_in_the_users_language(app, org):
    user = factories.SysadminWithToken()
    for prefix, expected in [
        ("", "2025 ดูเหมือนเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. คือ 2568"),
        ("/en", "2025 looks like a Gregorian (ค.ศ.) year. Enter the Buddhist Era (พ.ศ.) year: 2568"),
    ]:
        response = app.post(
            prefix + "/dataset/new",
            headers={"Authorization": user["token"]},
            data={
                "title": "นักเรียนจำแนกตามระดับชั้น",
                "name": "students-by-grade",
                "owner_org": org["id"],
                "academic_year": "2025",
                "tag_string": "นักเรียน",
                "save": "",
                "_ckan_phase": 1,
            },
        )
        body = html.unescape(response.get_data(as_text=True))
        assert expected in body
        # what was typed is kept
        assert 'value="2025"' in body
        assert "นักเรียนจำแนกตามระดับชั้น" in body


def test_the_form_shows_tag_errors_in_the_users_language(app, org):
    user = factories.SysadminWithToken()
    for prefix, expected in [
        ("", "คำสำคัญ \"ครู;\" ใช้ได้เฉพาะตัวอักษร (ไทยหรืออังกฤษ)"),
        ("/en", 'Tag "ครู;" can only contain letters (Thai or English)'),
    ]:
        response = app.post(
            prefix + "/dataset/new",
            headers={"Authorization": user["token"]},
            data={
                "title": "ครู",
                "name": "teachers",
                "owner_org": org["id"],
                "tag_string": "นักเรียน, ครู;",
                "save": "",
                "_ckan_phase": 1,
            },
        )
        assert expected in html.unescape(response.get_data(as_text=True))


# ----------------------------------------------------------- the dataset page


def test_the_dataset_page_has_a_summary_box_in_the_users_language(app, org):
    _create(
        org,
        topic_category="students",
        academic_year="2568",
        education_level=["primary"],
        coverage=["thap-than"],
        collection_round="10-jun",
        source_program="dmc",
        contacts=[{"name": "นางสาวสมใจ ใจดี", "email": "somjai@utt1.go.th"}],
        resources=[{"url": "http://example.org/a.csv", "period_start": "2025-06-10", "period_end": "2025-06-10"}],
    )
    for prefix, expected in [
        ("", ["เกี่ยวกับชุดข้อมูลนี้", "หมวดหมู่ข้อมูล", "นักเรียน", "ประถมศึกษา", "อำเภอทัพทัน",
              "ข้อมูล ณ 10 มิถุนายน (ภาคเรียนที่ 1)", "ผู้ติดต่อ", "นางสาวสมใจ ใจดี"]),
        ("/en", ["About this dataset", "Topic", "Students", "Primary", "Thap Than district",
                 "As of 10 June (first term)", "Contact", "นางสาวสมใจ ใจดี"]),
    ]:
        body = html.unescape(app.get(prefix + "/dataset/sample-dataset").get_data(as_text=True))
        summary = body[body.index('class="utt1service-summary"'):]
        summary = summary[: summary.index("</section>")]
        for text in expected:
            assert text in summary, text
        assert "2568" in summary
        # codes are never shown raw
        assert "thap-than" not in summary and "10-jun" not in summary
