# -*- coding: utf-8 -*-
"""Thai-aware catalogue search on the real Solr core of the project's
configset: Thai words inside titles are found, unrelated words are not,
better matches rank first; facets labelled in the user's language; sorting
by year; contacts flattened for the index."""
from __future__ import annotations

import html
import pathlib
import xml.etree.ElementTree as ET

import pytest

import ckan
import ckan.lib.search
from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import search

ROOT = pathlib.Path(__file__).resolve().parents[4]

TITLE = "จำนวนนักเรียนจำแนกตามระดับชั้น ปีการศึกษา 2568"


@pytest.fixture()
def org(clean_db, clean_index):
    return factories.Organization(name="utt1-office", title="กลุ่มนโยบายและแผน")


def _dataset(org, name, title, **fields):
    return factories.Dataset(owner_org=org["id"], name=name, title=title, **fields)


def _names(q: str, **params) -> list[str]:
    return [d["name"] for d in helpers.call_action("package_search", q=q, **params)["results"]]


# ------------------------------------------------------------ Thai words


@pytest.fixture()
def catalogue(org):
    _dataset(
        org,
        "students-by-grade-2568",
        TITLE,
        notes="Number of students by grade and school, academic year 2568 (2025).",
    )
    _dataset(
        org,
        "teachers-2567",
        "จำนวนครูและบุคลากรทางการศึกษาจำแนกตามโรงเรียน ปีการศึกษา 2567",
        notes="Teachers and education personnel by school.",
    )
    _dataset(org, "budget-2569", "งบประมาณรายจ่ายประจำปี", notes="Annual budget of the office.")


@pytest.mark.usefixtures("catalogue")
def test_a_word_inside_a_thai_title_finds_the_dataset():
    for q in ["นักเรียน", "ระดับชั้น", "2568", "students", "ปีการศึกษา 2568"]:
        assert _names(q) == ["students-by-grade-2568"], q


@pytest.mark.usefixtures("catalogue")
def test_an_unrelated_word_finds_nothing():
    # ระดับประเทศ shares ระดับ with the title and ชั้นเรียน shares ชั้น: a
    # piece of a word is not enough.
    for q in ["โรงพยาบาล", "ระดับประเทศ", "ชั้นเรียน", "hospital"]:
        assert _names(q) == [], q


@pytest.mark.usefixtures("catalogue")
def test_a_word_found_in_several_datasets():
    assert sorted(_names("ปีการศึกษา")) == ["students-by-grade-2568", "teachers-2567"]


def test_a_multi_word_thai_query_ranks_the_better_match_first(org):
    _dataset(org, "kg-nong-chang", "จำนวนนักเรียนระดับชั้นอนุบาล อำเภอหนองฉาง")
    _dataset(org, "kg-thap-than", "จำนวนนักเรียนระดับชั้นอนุบาล อำเภอทัพทัน")
    _dataset(org, "teachers", "จำนวนครูจำแนกตามโรงเรียน อำเภอทัพทัน")
    _dataset(org, "budget", "งบประมาณรายจ่ายประจำปี")
    # all three words, then two of three (CKAN's minimum match); one word of
    # three is not enough
    assert _names("นักเรียน อนุบาล ทัพทัน") == ["kg-thap-than", "kg-nong-chang"]
    assert _names("ทัพทัน นักเรียน") == ["kg-thap-than"]
    # typed without spaces, every word is needed
    assert _names("นักเรียนอนุบาลทัพทัน") == ["kg-thap-than"]
    assert sorted(_names("นักเรียนอนุบาล")) == ["kg-nong-chang", "kg-thap-than"]


def test_plain_thai_queries_are_rewritten_and_the_rest_is_left_as_typed():
    # each word: all its pieces in one field, or inside longer words
    # (issue 14); the words joined with OR for CKAN's minimum-match rule
    assert search.thai_query("นักเรียนอนุบาล") == (
        '(นักเรียนอนุบาล OR title_thai:"นักเรียนอนุบาล"^=8 OR text_thai:"นักเรียนอนุบาล"^=1)'
    )
    assert search.thai_query("ปีการศึกษา 2568") == (
        '(ปีการศึกษา OR title_thai:"ปีการศึกษา"^=8 OR text_thai:"ปีการศึกษา"^=1) OR 2568'
    )
    assert search.thai_query("นักเรียน -ระดับชั้น").endswith(" OR -ระดับชั้น")
    for q in ["students", "school buildings", '"นักเรียน"', "title:นักเรียน", "นักเรียน AND ครู",
              "นักเรียน*", "(นักเรียน)", ""]:
        assert search.thai_query(q) is None, q
    assert search.before_dataset_search({"q": "title:นักเรียนอนุบาล"}) == {"q": "title:นักเรียนอนุบาล"}
    # a caller's own query parser or fields are kept
    params = {"q": "นักเรียน", "defType": "dismax"}
    assert search.before_dataset_search(dict(params)) == params
    params = {"q": "นักเรียน", "qf": "title"}
    assert search.before_dataset_search(dict(params)) == params
    assert search.before_dataset_search({"q": "นักเรียน"})["defType"] == "edismax"


def test_tags_resource_names_and_contacts_are_searched(org):
    _dataset(
        org,
        "onet-p6",
        "O-NET P.6 results",
        tags=[{"name": "ผลสัมฤทธิ์"}],
        resources=[{"url": "http://example.org/a.csv", "name": "คะแนนเฉลี่ยรายวิชา",
                    "description": "คณิตศาสตร์ วิทยาศาสตร์"}],
        contacts=[{"name": "นางสาวสมใจ ใจดี", "position": "นักวิเคราะห์นโยบายและแผน",
                   "email": "somjai@utt1.go.th"}],
    )
    _dataset(org, "other", "Something else")
    for q in ["ผลสัมฤทธิ์", "คะแนนเฉลี่ย", "วิทยาศาสตร์", "สมใจ", "นักวิเคราะห์"]:
        assert _names(q) == ["onet-p6"], q
    # the flattened contact fields can be filtered on
    assert _names("*:*", fq='contacts_email:"somjai@utt1.go.th"') == ["onet-p6"]


def test_the_labels_of_the_chosen_categories_are_searched(org):
    _dataset(org, "levels", "Dataset A", education_level=["primary"], topic_category="teachers")
    _dataset(org, "nothing", "Dataset B")
    assert _names("ประถมศึกษา") == ["levels"]
    assert _names("primary") == ["levels"]
    assert _names("ครูและบุคลากรทางการศึกษา") == ["levels"]
    assert _names("teachers") == ["levels"]


# --------------------------------------------------------------- facets


@pytest.fixture()
def faceted(org):
    _dataset(
        org, "students-2568", TITLE, topic_category="students", academic_year="2568",
        education_level=["kindergarten", "primary"], coverage=["service-area"], source_program="dmc",
        resources=[{"url": "http://example.org/a.csv", "format": "CSV"}],
    )
    _dataset(
        org, "students-2567", "จำนวนนักเรียน ปีการศึกษา 2567", topic_category="students",
        academic_year="2567", education_level=["primary"], coverage=["thap-than"],
        resources=[{"url": "b.xlsx", "url_type": "upload", "format": "XLSX", "access_level": "restricted"}],
    )
    _dataset(
        org, "budget-2569", "งบประมาณ", topic_category="budget", fiscal_year="2569",
        resources=[{"url": "http://example.org/c.pdf", "format": "PDF"}],
    )


def _facets(result) -> dict[str, dict[str, tuple[str, int]]]:
    return {
        name: {i["name"]: (i["display_name"], i["count"]) for i in facet["items"]}
        for name, facet in result["search_facets"].items()
    }


@pytest.mark.usefixtures("faceted")
def test_package_search_facets_on_the_schema_fields():
    result = helpers.call_action(
        "package_search", q="*:*", **{"facet.field": search.FACET_FIELDS}
    )
    facets = _facets(result)
    assert facets["topic_category"] == {"students": ("นักเรียน", 2), "budget": ("งบประมาณ", 1)}
    assert facets["education_level"] == {"primary": ("ประถมศึกษา", 2), "kindergarten": ("อนุบาล", 1)}
    assert facets["academic_year"] == {"2568": ("2568", 1), "2567": ("2567", 1)}
    assert facets["fiscal_year"] == {"2569": ("2569", 1)}
    assert facets["coverage"]["thap-than"] == ("อำเภอทัพทัน", 1)
    assert facets["source_program"] == {"dmc": ("DMC (ระบบจัดเก็บข้อมูลนักเรียนรายบุคคล)", 1)}
    assert facets["res_access_level"] == {
        "public": ("สาธารณะ (ดาวน์โหลดได้ทันที)", 2),
        "restricted": ("จำกัดสิทธิ์ (ต้องยื่นคำขอใช้ข้อมูล)", 1),
    }
    assert set(facets["res_format"]) == {"CSV", "XLSX", "PDF"}
    assert facets["organization"] == {"utt1-office": ("กลุ่มนโยบายและแผน", 3)}


@pytest.mark.usefixtures("faceted")
def test_the_api_labels_facets_in_the_language_of_the_url(app):
    for prefix, students, restricted in [
        ("", "นักเรียน", "จำกัดสิทธิ์ (ต้องยื่นคำขอใช้ข้อมูล)"),
        ("/en", "Students", "Restricted (access request needed)"),
    ]:
        result = app.get(
            prefix + "/api/3/action/package_search",
            query_string={"facet.field": '["topic_category", "res_access_level"]', "rows": 0},
        ).json["result"]
        facets = _facets(result)
        assert facets["topic_category"]["students"] == (students, 2)
        assert facets["res_access_level"]["restricted"] == (restricted, 1)


@pytest.mark.usefixtures("faceted")
def test_filters_on_facets():
    assert sorted(_names("*:*", fq='topic_category:"students"')) == ["students-2567", "students-2568"]
    assert _names("*:*", fq="academic_year:2568") == ["students-2568"]
    assert _names("*:*", fq='res_access_level:"restricted"') == ["students-2567"]
    assert _names("นักเรียน", fq='education_level:"kindergarten"') == ["students-2568"]


@pytest.mark.usefixtures("faceted")
def test_sorting_by_year():
    assert _names("*:*", sort="academic_year desc")[:2] == ["students-2568", "students-2567"]
    assert _names("*:*", sort="academic_year asc")[:2] == ["students-2567", "students-2568"]
    # datasets without the year come last either way
    assert _names("*:*", sort="fiscal_year desc")[0] == "budget-2569"


@pytest.mark.usefixtures("faceted")
def test_the_search_page_labels_facets_in_the_users_language(app):
    for prefix, texts in [
        ("", ["หมวดหมู่ข้อมูล", "ระดับการศึกษา", "ปีการศึกษา", "ปีงบประมาณ", "พื้นที่ครอบคลุม",
              "ระดับการเข้าถึง", "นักเรียน", "ประถมศึกษา", "อำเภอทัพทัน", "ปีการศึกษา ล่าสุดก่อน"]),
        ("/en", ["Topic", "Education level", "Academic year", "Fiscal year", "Coverage",
                 "Access level", "Students", "Primary", "Thap Than district",
                 "Academic year, newest first"]),
    ]:
        body = html.unescape(app.get(prefix + "/dataset/").get_data(as_text=True))
        facets = body[body.index('class="filters"'):]
        for text in texts:
            assert text in facets or text in body, text
        # a facet filter, labelled, and the results it leaves
        body = html.unescape(
            app.get(prefix + "/dataset/", query_string={"coverage": "thap-than"}).get_data(as_text=True)
        )
        assert "จำนวนนักเรียน ปีการศึกษา 2567" in body
        assert TITLE not in body


@pytest.mark.usefixtures("faceted")
def test_the_search_page_sorts_by_academic_year(app):
    body = app.get("/dataset/", query_string={"q": "นักเรียน", "sort": "academic_year desc, metadata_modified desc"})
    text = body.get_data(as_text=True)
    assert text.index("ปีการศึกษา 2568") < text.index("ปีการศึกษา 2567")


# ------------------------------------------------------------ the configset


def _schema_parts(path: pathlib.Path) -> dict[str, dict[str, dict[str, str]]]:
    root = ET.parse(path).getroot()
    parts: dict[str, dict[str, dict[str, str]]] = {}
    for tag in ("field", "dynamicField"):
        parts[tag] = {e.get("name"): dict(e.attrib) for e in root.iter(tag)}
    parts["copyField"] = {f"{e.get('source')}>{e.get('dest')}": dict(e.attrib) for e in root.iter("copyField")}
    types = list(root.iter("fieldType")) + list(root.iter("fieldtype"))
    parts["fieldType"] = {e.get("name"): {"class": e.get("class")} for e in types}
    parts["schema"] = {"schema": dict(root.attrib)}
    return parts


def test_the_configset_keeps_everything_ckans_schema_defines():
    stock = _schema_parts(pathlib.Path(ckan.__file__).parent / "config" / "solr" / "schema.xml")
    ours = _schema_parts(ROOT / "solr" / "configsets" / "ckan" / "conf" / "schema.xml")
    # One configset for CKAN 2.11 and 2.12: it keeps the name "ckan-2.11", which
    # both accept (2.12's own file says "ckan-2.12" and has the same fields).
    assert ours["schema"]["schema"]["name"] == "ckan-2.11"
    assert stock["schema"]["schema"]["name"] in ("ckan-2.11", "ckan-2.12")
    assert "2.11" in ckan.lib.search.SUPPORTED_SCHEMA_VERSIONS
    for kind in ("field", "dynamicField", "copyField", "fieldType"):
        for name, attrs in stock[kind].items():
            assert name in ours[kind], f"{kind} {name} is missing"
            assert ours[kind][name] == attrs, f"{kind} {name} differs"
