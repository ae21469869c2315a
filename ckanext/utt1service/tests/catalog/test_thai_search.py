# -*- coding: utf-8 -*-
"""Thai search that finds what people type (issue 14), on the real Solr core
of the project's configset, with titles written as the office writes them
(no spaces between Thai words):

* parts of words that the word segmentation keeps whole ("ประจำปี" inside
  "ประจำปีงบประมาณ");
* Thai spellings of the office's acronyms and class names, and years with
  or without "พ.ศ." (the education synonym list of the configset);
* unfinished words as typed on a phone ("คอมพิวเตอ"), words without their
  tone marks;
* a judged set of queries and the dataset that should come first;
* "did you mean" when nothing is found, and search-as-you-type.
"""
from __future__ import annotations

import html
import pathlib
import xml.etree.ElementTree as ET

import pytest

from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import search

ROOT = pathlib.Path(__file__).resolve().parents[4]
CONF = ROOT / "solr" / "configsets" / "ckan" / "conf"


@pytest.fixture()
def org(clean_db, clean_index):
    return factories.Organization(name="utt1-office", title="กลุ่มนโยบายและแผน")


@pytest.fixture(scope="class")
def fresh_org(_session_plugins, reset_db, migrate_db_for, reset_index, request):
    """An empty site with the office's organization, built once for a class
    of tests that only search the datasets the class's corpus adds (each
    corpus is made once, not once per query: a dataset costs a database
    write and a Solr commit)."""
    import zlib

    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")
    reset_index()
    # the same made-up data every run, as for a single test (conftest.py)
    factories.fake.seed_instance(zlib.crc32(request.node.nodeid.encode("utf-8")))
    return factories.Organization(name="utt1-office", title="กลุ่มนโยบายและแผน")


def _dataset(org, name, title, description=None, **fields):
    fields.setdefault("notes", "")
    if description:
        fields["resources"] = [{"url": f"http://example.org/{name}.csv", "name": "ไฟล์ข้อมูล",
                                "description": description}]
    return factories.Dataset(owner_org=org["id"], name=name, title=title, **fields)


def _names(q: str, **params) -> list[str]:
    return [d["name"] for d in helpers.call_action("package_search", q=q, **params)["results"]]


# ---------------------------------------------------- parts of longer words

#: (name, title) — each title holds a word that ICU keeps whole
COMPOUNDS = [
    ("budget-2569", "งบประมาณรายจ่ายประจำปีงบประมาณ2569"),
    ("per-head-2568", "ค่าใช้จ่ายรายหัวนักเรียนปีงบประมาณ2568"),
    ("math-p3", "ผลสัมฤทธิ์ทางการเรียนวิชาคณิตศาสตร์"),
    ("province", "ข้อมูลสถานศึกษาในจังหวัดอุทัยธานี"),
    ("social", "คะแนนเฉลี่ยรายวิชาสังคมศึกษา"),
]


@pytest.fixture(scope="class")
def compounds(fresh_org):
    org = fresh_org
    for name, title in COMPOUNDS:
        _dataset(org, name, title)
    _dataset(org, "teachers", "จำนวนครูจำแนกตามโรงเรียน")


@pytest.mark.usefixtures("compounds")
class TestPartsOfLongerWords:
    @pytest.mark.parametrize("q, expected", [
        ("ประจำปี", ["budget-2569"]),            # ประจำ|ปีงบประมาณ2569 in the title
        ("ปีงบ", ["budget-2569", "per-head-2568"]),
        ("คณิต", ["math-p3"]),                   # คณิตศาสตร์
        ("การเรียน", ["math-p3"]),               # ทางการ|เรียน
        ("อุทัย", ["province"]),                 # อุทัยธานี
        ("สังคม", ["social"]),                   # สังคมศึกษา
        ("ประจำปีงบ", ["budget-2569"]),
    ])
    def test_a_part_of_a_longer_word_finds_the_dataset(self, q, expected):
        assert sorted(_names(q)) == sorted(expected), q

    def test_the_part_must_be_in_the_title_as_typed(self):
        # all of the letters, in this order, without a gap
        for q in ["ประจำเดือน", "ปีงบฯ2570", "คณิตคิดเร็ว", "อุทัยสวรรค์"]:
            assert _names(q) == [], q


# --------------------------------------------------- acronyms and class names


@pytest.fixture(scope="class")
def acronyms(fresh_org):
    org = fresh_org
    _dataset(org, "onet-p6", "ผลการทดสอบทางการศึกษาระดับชาติขั้นพื้นฐาน(O-NET)ชั้นประถมศึกษาปีที่6ปีการศึกษา2567")
    _dataset(org, "onet-thai", "สรุปผลสอบโอเน็ตปีการศึกษา2566")
    _dataset(org, "nt-p3", "ผลการประเมินคุณภาพผู้เรียน(NT)ชั้นประถมศึกษาปีที่3")
    _dataset(org, "rt-p1", "ผลการประเมินความสามารถด้านการอ่าน(RT)ชั้นป.1")
    _dataset(org, "dmc", "ข้อมูลนักเรียนรายบุคคลจากระบบDMCรอบ10มิถุนายน")
    _dataset(org, "emis", "ข้อมูลสารสนเทศEMISของโรงเรียนในสังกัด")
    _dataset(org, "b-obec", "ข้อมูลสิ่งก่อสร้างจากระบบB-OBEC")
    _dataset(org, "m-obec", "ข้อมูลครุภัณฑ์จากระบบM-OBEC")
    _dataset(org, "m2", "จำนวนนักเรียนชั้นมัธยมศึกษาปีที่2")
    _dataset(org, "k1", "จำนวนเด็กชั้นอนุบาลปีที่1")
    _dataset(org, "k3", "จำนวนเด็กชั้นอ.3")
    _dataset(org, "p5", "แบบทดสอบคณิตศาสตร์ป.5")
    _dataset(org, "report-2566", "รายงานประจำปีพ.ศ.2566")
    _dataset(org, "students-2566", "ข้อมูลนักเรียนปีการศึกษา2566")


@pytest.mark.usefixtures("acronyms")
class TestAcronymsAndClasses:
    @pytest.mark.parametrize("q, expected", [
        ("โอเน็ต", ["onet-p6", "onet-thai"]),
        ("O-NET", ["onet-p6", "onet-thai"]),
        ("onet", ["onet-p6", "onet-thai"]),
        ("ผลสอบโอเน็ต", ["onet-thai"]),  # ผลสอบ is only in the second title
        ("เอ็นที", ["nt-p3"]),
        ("อาร์ที", ["rt-p1"]),
        ("ดีเอ็มซี", ["dmc"]),
        ("อีมิส", ["emis"]),
        ("บีโอเบค", ["b-obec"]),
        ("เอ็มโอเบค", ["m-obec"]),
        ("ป.6", ["onet-p6"]),
        ("ป6", ["onet-p6"]),
        ("ป.3", ["nt-p3"]),
        ("ประถมศึกษาปีที่ 1", ["rt-p1"]),
        ("ประถมศึกษาปีที่5", ["p5"]),
        ("ม.2", ["m2"]),
        ("อ.1", ["k1"]),
        ("อนุบาลปีที่ 3", ["k3"]),
        ("โอเน็ต ป.6", ["onet-p6"]),
        ("พ.ศ. 2566", ["onet-thai", "report-2566", "students-2566"]),
        ("พ.ศ.2566", ["onet-thai", "report-2566", "students-2566"]),
        ("2566", ["onet-thai", "report-2566", "students-2566"]),
    ])
    def test_thai_spellings_of_acronyms_and_classes(self, q, expected):
        assert sorted(_names(q)) == sorted(expected), q

    def test_a_spelling_finds_its_own_meaning_only(self):
        assert "m-obec" not in _names("บีโอเบค")
        assert "onet-p6" not in _names("ป.5")
        assert "nt-p3" not in _names("ม.3")
        assert _names("ม.3") == []
        # "NT" and "RT" are words of their own, not letters inside other words
        assert _names("เอ็นที") == ["nt-p3"]


def test_the_synonym_list_is_read_from_the_solr_core(org):
    """CKAN reads the list through Solr (the file of the core's configset),
    so the Docker deployment's list is the one in its Solr container."""
    synonyms = search.synonyms()
    shipped = search.Synonyms((CONF / search.SYNONYMS_FILE).read_text(encoding="utf-8"))
    assert synonyms.rules == shipped.rules
    for spelling in ["โอเน็ต", "เอ็นที", "อาร์ที", "ดีเอ็มซี", "อีมิส", "บีโอเบค", "เอ็มโอเบค",
                     *[f"ป.{n}" for n in range(1, 7)], *[f"ประถมศึกษาปีที่ {n}" for n in range(1, 7)],
                     *[f"ม.{n}" for n in range(1, 4)], *[f"อ.{n}" for n in range(1, 4)]]:
        assert search._key(spelling) in synonyms.rules, spelling


def test_a_line_added_to_the_synonym_list_works_without_reindexing(org, monkeypatch):
    _dataset(org, "lunch", "โครงการอาหารกลางวันนักเรียน")
    assert _names("school lunch") == []
    listed = (CONF / search.SYNONYMS_FILE).read_text(encoding="utf-8")
    edited = search.Synonyms(listed + "\nschool lunch, อาหารกลางวัน\n")
    monkeypatch.setattr(search, "synonyms", lambda: edited)
    assert _names("school lunch") == ["lunch"]


def test_a_solr_still_on_the_older_configset_is_not_asked_for_the_new_fields(org, monkeypatch):
    """Between an upgrade of CKAN and the restart of Solr with the new
    configset, Thai words are still found (as before issue 14)."""
    assert "title_thai" in search.thai_query("ประจำปี")
    _dataset(org, "budget", "งบประมาณรายจ่ายประจำปี 2569")
    older = search._Configset(search.synonyms(), recall=False)
    monkeypatch.setattr(search, "_configset", lambda: older)
    assert search.thai_query("ประจำปี") == "ประจำปี"
    assert _names("ประจำปี") == ["budget"]


def test_the_synonym_file_format():
    synonyms = search.Synonyms(
        "# a comment, not a rule\n"
        "O-NET, โอเน็ต\n"
        "ป.6, ประถมศึกษาปีที่ 6\n"
        "สพฐ => สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน\n"
        "a\\,b, comma\n"
    )
    def spans(q):
        return [(q[s:e], others) for s, e, others in synonyms.spans(q)]

    assert spans("ผลโอเน็ต") == [("โอเน็ต", ["O-NET"])]
    # spaces, dots, hyphens, case and tone marks do not matter
    assert spans("o net") == [("o net", ["โอเน็ต"])]
    assert spans("โอเนต") == [("โอเนต", ["O-NET"])]
    assert spans("ประถมศึกษาปีที่6") == [("ประถมศึกษาปีที่6", ["ป.6"])]
    assert spans("ป. 6") == [("ป. 6", ["ประถมศึกษาปีที่ 6"])]
    # a Latin spelling or a number does not run on into the next letter
    assert spans("ป.61") == []
    assert spans("monet") == []
    # one way only
    assert spans("สพฐ.") == [("สพฐ.", ["สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"])]
    assert spans("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน") == []
    assert spans("a,b") == [("a,b", ["comma"])]


# ---------------------------------------------------------- unfinished words


@pytest.fixture(scope="class")
def unfinished(fresh_org):
    org = fresh_org
    _dataset(org, "computers", "ครุภัณฑ์คอมพิวเตอร์โน้ตบุ๊กสำหรับห้องปฏิบัติการ")
    _dataset(org, "nong-khayang", "จำนวนนักเรียนอำเภอหนองขาหย่าง")
    _dataset(org, "lunch", "โครงการอาหารกลางวันนักเรียนโรงเรียนขนาดเล็ก")
    _dataset(org, "disabled", "จำนวนนักเรียนพิการเรียนร่วม")
    _dataset(org, "teachers", "จำนวนครูจำแนกตามโรงเรียน")


@pytest.mark.usefixtures("unfinished")
class TestUnfinishedWords:
    @pytest.mark.parametrize("q, expected", [
        ("คอมพิวเตอ", ["computers"]),        # the last letters not typed yet
        ("คอมพิวเตอร", ["computers"]),       # without the final ์
        ("คอมพิว", ["computers"]),
        ("ครุภัณ", ["computers"]),
        ("หนองขาหยาง", ["nong-khayang"]),    # without the tone mark
        ("หนองขาหย", ["nong-khayang"]),
        ("อาหารกลางวั", ["lunch"]),
        ("นักเรียนพิกา", ["disabled"]),
        ("ครุภัณฑ คอมพิวเตอ", ["computers"]),
    ])
    def test_an_unfinished_word_finds_the_dataset(self, q, expected):
        assert _names(q) == expected, q

    def test_an_unfinished_word_finds_only_what_starts_like_it(self):
        for q in ["คอมพิวเตอรี่", "หนองขาม", "อาหารเช้า"]:
            assert _names(q) == [], q


# ------------------------------------------------------------------ ranking

#: a small judged set: the datasets, and each query with the dataset that a
#: person would expect first. A match in a title comes before a match in a
#: resource description or the notes, a whole word before a part of one.
JUDGED_DATASETS = [
    ("computers", "ครุภัณฑ์คอมพิวเตอร์ของโรงเรียนปีงบประมาณ2568", None, ""),
    ("rooms", "รายงานการใช้ห้องเรียน", "ห้องเรียนคอมพิวเตอร์และอินเทอร์เน็ตของโรงเรียน", ""),
    ("budget", "งบประมาณรายจ่ายประจำปีงบประมาณ2569", None, ""),
    ("schools", "สรุปข้อมูลโรงเรียน", "ข้อมูลประจำปี ของโรงเรียนทุกแห่ง", ""),
    ("onet", "ผลการทดสอบO-NETชั้นประถมศึกษาปีที่6", None, ""),
    ("exams", "ตารางสอบของโรงเรียน", "กำหนดการสอบ O-NET และ NT", ""),
    ("nong-khayang", "จำนวนนักเรียนอำเภอหนองขาหย่าง", None, ""),
    ("nong-chang", "ข้อมูลครูอำเภอหนองฉาง", None, "รวมโรงเรียนในอำเภอหนองขาหย่างบางแห่ง"),
    ("math", "คะแนนเฉลี่ยวิชาคณิตศาสตร์", None, ""),
    ("committee", "รายชื่อคณะกรรมการสถานศึกษา", "ผู้ทรงคุณวุฒิด้านคณิตศาสตร์", ""),
    ("grades", "ผลการเรียนรายวิชา", None, ""),
]
JUDGED_QUERIES = [
    ("คอมพิวเตอร์", "computers"),    # title before resource description
    ("คอมพิวเตอ", "computers"),      # the same, unfinished
    ("ประจำปี", "budget"),           # part of a title word before a description word
    ("โอเน็ต", "onet"),              # Thai spelling: title before description
    ("O-NET", "onet"),
    ("หนองขาหย่าง", "nong-khayang"),  # title before notes
    ("หนองขาหยาง", "nong-khayang"),
    ("คณิต", "math"),                # part of a title word before a description
    ("เรียน", "grades"),             # a whole word before parts of words
    ("ป.6", "onet"),
    ("ห้องเรียน", "rooms"),
]


@pytest.fixture(scope="class")
def judged(fresh_org):
    org = fresh_org
    for name, title, description, notes in JUDGED_DATASETS:
        _dataset(org, name, title, description, notes=notes)


@pytest.mark.usefixtures("judged")
class TestRanking:
    def test_the_judged_queries_rank_the_expected_dataset_first(self):
        misses = {}
        for q, expected in JUDGED_QUERIES:
            found = _names(q)
            if not found or found[0] != expected:
                misses[q] = (expected, found)
        assert misses == {}

    def test_a_title_match_ranks_above_a_resource_description_match(self):
        # both are found; the title first
        assert _names("คอมพิวเตอร์")[:2] == ["computers", "rooms"]
        assert _names("โอเน็ต")[:2] == ["onet", "exams"]


# -------------------------------------------------------------- did you mean


def _page(app, q, **kwargs):
    response = app.get("/dataset/", query_string={"q": q}, **kwargs)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_did_you_mean_when_nothing_is_found(app, org):
    _dataset(org, "students", "จำนวนนักเรียนจำแนกตามระดับชั้น")
    _dataset(org, "computers", "ครุภัณฑ์คอมพิวเตอร์")
    body = _page(app, "นักเรีบน")
    assert "utt1service-did-you-mean" in body
    assert "หมายถึง" in body and ">นักเรียน</a>" in body
    assert "q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99" in body
    body = _page(app, "ครุภัณท์")
    assert ">ครุภัณฑ์</a>" in body
    # a word of a category label: "งบประมาน" (the budget topic's label is งบประมาณ)
    _dataset(org, "lunch", "โครงการอาหารกลางวัน", topic_category="budget")
    assert ">งบประมาณ</a>" in _page(app, "งบประมาน")
    # in English too
    assert "Did you mean" in html.unescape(
        app.get("/en/dataset/", query_string={"q": "นักเรีบน"}).get_data(as_text=True))
    # nothing to suggest when the search finds something, or nothing is near
    assert "utt1service-did-you-mean" not in _page(app, "นักเรียน")
    assert "utt1service-did-you-mean" not in _page(app, "โรงพยาบาลสนาม")


def test_did_you_mean_never_shows_a_word_of_a_dataset_one_may_not_see(app, org):
    member = factories.UserWithToken()
    secret_org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    factories.Dataset(owner_org=secret_org["id"], private=True, name="secret",
                      title="รายชื่อผู้บริจาคลับเฉพาะ", notes="")
    _dataset(org, "public", "จำนวนนักเรียน")
    assert "utt1service-did-you-mean" not in _page(app, "ผู้บริจาก")
    body = _page(app, "ผู้บริจาก", headers={"Authorization": member["token"]})
    assert ">ผู้บริจาค</a>" in body


# ---------------------------------------------------------- search as you type


def _suggest(app, q, **kwargs):
    response = app.get("/bigdata/suggest", query_string={"q": q}, **kwargs)
    assert response.status_code == 200
    assert response.content_type.startswith("application/json")
    return response.json["suggestions"]


def test_suggestions_for_what_has_been_typed(app, org):
    _dataset(org, "computers", "ครุภัณฑ์คอมพิวเตอร์โน้ตบุ๊กสำหรับห้องปฏิบัติการ")
    _dataset(org, "onet", "ผลการทดสอบ(O-NET)ชั้นประถมศึกษาปีที่6")
    _dataset(org, "teachers", "จำนวนครูจำแนกตามโรงเรียน")
    found = _suggest(app, "คอมพิวเตอ")
    assert found == [{"title": "ครุภัณฑ์คอมพิวเตอร์โน้ตบุ๊กสำหรับห้องปฏิบัติการ", "name": "computers",
                      "url": "/dataset/computers"}]
    assert [s["name"] for s in _suggest(app, "คอมพิวเตอร")] == ["computers"]
    assert [s["name"] for s in _suggest(app, "O-NE")] == ["onet"]
    assert [s["name"] for s in _suggest(app, "onet")] == ["onet"]
    assert [s["name"] for s in _suggest(app, "ประถมศึกษาปีที่")] == ["onet"]
    # too short, or nothing like it
    assert _suggest(app, "ค") == []
    assert _suggest(app, "") == []
    assert _suggest(app, "โรงพยาบาล") == []


def test_suggestions_only_name_datasets_one_may_see(app, org):
    member = factories.UserWithToken()
    sysadmin = factories.SysadminWithToken()
    secret_org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    factories.Dataset(owner_org=secret_org["id"], private=True, name="secret",
                      title="คอมพิวเตอร์ของผู้บริหาร", notes="")
    _dataset(org, "public", "ครุภัณฑ์คอมพิวเตอร์")
    assert [s["name"] for s in _suggest(app, "คอมพิว")] == ["public"]
    for user in (member, sysadmin):
        found = _suggest(app, "คอมพิว", headers={"Authorization": user["token"]})
        assert sorted(s["name"] for s in found) == ["public", "secret"]
    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id="public")
    assert _suggest(app, "คอมพิว") == []


def test_suggestions_never_name_a_dataset_of_another_site_in_the_same_solr_core(app, org):
    """CKAN lets several sites share one Solr core (``ckan.site_id``); the
    suggester keeps every title of the core, so another site's datasets must
    be left out (found when the GD harvest test's second CKAN shared it)."""
    import requests

    from ckanext.utt1service.common import compat

    _dataset(org, "ours", "ครุภัณฑ์คอมพิวเตอร์ของโรงเรียน")
    core = compat.solr_settings()[0].rstrip("/")
    other = {"id": "other-site-dataset", "index_id": "other-site-dataset", "site_id": "another-site",
             "name": "theirs", "title": "คอมพิวเตอร์ของหน่วยงานอื่น", "entity_type": "package",
             "dataset_type": "dataset", "state": "active", "capacity": "public",
             "permission_labels": ["public"]}
    try:
        requests.post(f"{core}/update?commit=true", json=[other], timeout=30).raise_for_status()
        for headers in ({}, {"Authorization": factories.SysadminWithToken()["token"]}):
            assert [s["name"] for s in _suggest(app, "คอมพิว", headers=headers)] == ["ours"]
    finally:
        requests.post(f"{core}/update?commit=true", json={"delete": {"id": "other-site-dataset"}},
                      timeout=30)


def test_the_search_boxes_offer_suggestions(app, org):
    for url, box in [("/dataset/", "field-giant-search"), ("/bigdata", "utt1service-bigdata-q")]:
        body = app.get(url).get_data(as_text=True)
        assert f'data-input="{box}"' in body, url
        assert 'data-url="/bigdata/suggest"' in body
        assert "search-suggest" in body  # the script


# ------------------------------------------------------------- the configset


def test_the_configset_has_the_recall_fields_spellchecker_and_suggester():
    schema = ET.parse(CONF / "schema.xml").getroot()
    fields = {f.get("name"): f.get("type") for f in schema.iter("field")}
    assert fields["title_thai"] == fields["text_thai"] == "text_thai_ngram"
    copies = {(c.get("source"), c.get("dest")) for c in schema.iter("copyField")}
    for source in ["title", "notes", "tags", "res_name", "res_description"]:
        assert (source, "text_thai") in copies
    config = ET.parse(CONF / "solrconfig.xml").getroot()
    handlers = {h.get("name") for h in config.iter("requestHandler")}
    assert {"/select", "/suggest", "/spell"} <= handlers
    assert (CONF / search.SYNONYMS_FILE).is_file()
