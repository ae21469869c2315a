# -*- coding: utf-8 -*-
"""make bench-search: Thai search with this extension's configset (issue 14)
side by side with the analysis before issue 14 and with CKAN's stock text
analysis, on the same 10,000 synthetic Thai/English datasets.

Three Solr cores are made for the run in the local Solr (bin/services) and
removed afterwards:

* ``bench_utt1``  the project's configset (solr/configsets/ckan): ICU Thai
  words, Thai character pairs, synonyms, spellchecker and suggester; queries
  rewritten by catalog/search.py;
* ``bench_today`` the same configset without what issue 14 added (the
  fields, types, spellchecker, suggester and update chain are stripped from
  a copy under .local), queried as before issue 14 (each Thai word cut
  into required pieces through Solr's field analysis, see
  ``today_before_dataset_search``);
* ``bench_stock`` CKAN's own schema.xml as shipped in the installed ``ckan``
  package, with the project's non-text fields appended so that the very
  same documents fit; queried as CKAN does.

Every dataset goes through CKAN's own indexer (PackageSearchIndex, with this
extension's before_dataset_index); the documents it would send to Solr are
collected and posted to each core (indexing time: posting in batches of
1000 and the final commit, the suggester's build included). Then the query
classes below run through the package_search action, as an anonymous
visitor would run them from the search page (20 rows, the page's facets),
alternating between the cores, for several rounds: exact words (whole Thai
words as they appear), partial words (parts of longer words, unfinished
words, words without tone marks), acronyms (Thai spellings of O-NET, NT,
…, class names, years with "พ.ศ.") and English words. Printed: hits and
recall of each query on each core, p50/p95 latency per class, index size
(after a merge to one segment; the suggester's own index counted too),
indexing time, and the goals: p95 ≤ 150 ms for each of the exact, partial
and acronym classes; the p95 of the three together ≤ 1.5 × stock CKAN's
p95 for a search that fills a results page (see ``main``); index ≤ 2 × the
analysis before issue 14. The last line says whether the goals are met; a missed goal exits 1.

Usage (see the Makefile): python bench/search.py [--datasets N] [--rounds N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import pathlib
import platform
import random
import re
import shutil
import statistics
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOLR = os.environ.get("BENCH_SOLR", "http://127.0.0.1:58983/solr")
SOLR_HOME = pathlib.Path(os.environ.get("BENCH_SOLR_HOME", ROOT / ".local" / "solr" / "home"))
CORES = {"utt1": "bench_utt1", "today": "bench_today", "stock": "bench_stock"}
DESCRIBED = {"utt1": "this configset", "today": "before issue 14", "stock": "CKAN stock"}

#: what issue 14 added to the configset (stripped for bench_today)
ISSUE14_FIELDS = {"title_thai", "text_thai", "spell", "suggest_context"}
ISSUE14_TYPES = {"text_thai_ngram", "text_spell", "text_suggest"}
ISSUE14_CONFIG = {("searchComponent", "spellcheck"), ("searchComponent", "suggest"),
                  ("requestHandler", "/spell"), ("requestHandler", "/suggest"),
                  ("updateRequestProcessorChain", "utt1service")}

GOAL_P95_MS = 150
GOAL_VS_STOCK = 1.5
GOAL_INDEX_VS_TODAY = 2.0

# ------------------------------------------------------------------ corpus

DISTRICTS = ["เมืองอุทัยธานี", "หนองฉาง", "หนองขาหย่าง", "ทัพทัน", "สว่างอารมณ์"]
VILLAGES = ["หนองแก", "เขาราวเทียน", "ทุ่งนา", "หนองเต่า", "ดงขวาง", "หาดทนง", "น้ำซึม", "สะแกกรัง",
            "หนองสระ", "โคกหม้อ", "ทุ่งใหญ่", "วังหิน", "ตลุกดู่", "เขาปฐวี", "หนองยายดา"]
SUBJECTS_TH = [
    ("students", "จำนวนนักเรียน", "Number of students"),
    ("students", "จำนวนนักเรียนพิการเรียนร่วม", "Students with disabilities in inclusive classes"),
    ("students", "จำนวนนักเรียนยากจน", "Students from poor households"),
    ("students", "นักเรียนที่ได้รับอาหารกลางวัน", "Students receiving school lunch"),
    ("teachers", "จำนวนครู", "Number of teachers"),
    ("teachers", "จำนวนบุคลากรทางการศึกษา", "Education personnel"),
    ("schools", "จำนวนห้องเรียน", "Number of classrooms"),
    ("schools", "ข้อมูลโรงเรียนขนาดเล็ก", "Small schools"),
    ("budget", "เงินอุดหนุนรายหัว", "Per-student subsidies"),
    ("budget", "งบประมาณค่าอาหารกลางวัน", "School lunch budget"),
    ("achievement", "ผลการทดสอบ O-NET", "O-NET test results"),
    ("achievement", "ผลการประเมินการอ่าน RT", "Reading test (RT) results"),
    ("achievement", "คะแนนเฉลี่ย NT", "NT mean scores"),
    ("buildings", "อาคารเรียนและอาคารประกอบ", "School buildings"),
    ("buildings", "ครุภัณฑ์คอมพิวเตอร์", "Computers and equipment"),
    ("budget", "แผนปฏิบัติการประจำปีงบประมาณ", "Annual action plan"),
    ("achievement", "ผลสัมฤทธิ์ทางการเรียนวิชาคณิตศาสตร์", "Mathematics achievement"),
]
#: class names, written the ways the office writes them (short or long,
#: with or without a space)
GRADES = [("ป", "ประถมศึกษาปีที่", 6), ("ม", "มัธยมศึกษาปีที่", 3), ("อ", "อนุบาลปีที่", 3)]
DIMENSIONS_TH = [("จำแนกตามระดับชั้น", "by grade"), ("จำแนกตามเพศ", "by sex"),
                 ("จำแนกตามโรงเรียน", "by school"), ("จำแนกตามอำเภอ", "by district"),
                 ("จำแนกตามรายวิชา", "by subject"), ("จำแนกตามขนาดโรงเรียน", "by school size")]
SENTENCES_TH = [
    "ข้อมูลรวบรวมจากโรงเรียนในสังกัดสำนักงานเขตพื้นที่การศึกษา",
    "ใช้ประกอบการวางแผนจัดสรรทรัพยากรทางการศึกษา",
    "ตรวจสอบความถูกต้องโดยกลุ่มนโยบายและแผน",
    "ข้อมูลบางส่วนเป็นค่าประมาณ",
    "เผยแพร่เพื่อการใช้ประโยชน์ของหน่วยงานและประชาชน",
]
LEVELS = ["kindergarten", "primary", "lower-secondary"]
PROGRAMS = ["dmc", "m-obec", "b-obec", "emis", "national-tests", "school-reports"]
COVERAGE = ["service-area", "mueang-uthai-thani", "nong-chang", "nong-khayang", "thap-than", "sawang-arom"]

#: whole Thai words as they appear in the corpus
THAI_QUERIES = [
    "นักเรียน", "ครู", "ระดับชั้น", "อาหารกลางวัน", "คอมพิวเตอร์", "ทัพทัน", "หนองฉาง", "ห้องเรียน",
    "คะแนนเฉลี่ย", "รายวิชา", "เพศ", "อาคารเรียน", "ครุภัณฑ์", "นักเรียนพิการ", "โรงเรียนขนาดเล็ก",
    "ปีการศึกษา 2566", "นักเรียน ทัพทัน", "ผลการทดสอบ", "บุคลากรทางการศึกษา", "เงินอุดหนุน",
]
#: parts of longer words, unfinished words, words without their tone marks
PARTIAL_QUERIES = [
    "ประจำปี", "ปีงบ", "คณิต", "คอมพิวเตอ", "ครุภัณ", "หนองขาหย", "หนองขาหยาง", "อาหารกลางวั",
    "อุดหนุ", "บุคลากรทางการศึก", "สว่างอารม", "พิการเรียนร",
]
#: Thai spellings of acronyms, class names, years with "พ.ศ.", and the
#: text each stands for (a regular expression on the lower-cased text)
ACRONYM_QUERIES = {
    "โอเน็ต": r"o-net|โอเน็ต",
    "เอ็นที": r"(?<![a-z0-9])nt(?![a-z0-9])|เอ็นที",
    "อาร์ที": r"(?<![a-z0-9])rt(?![a-z0-9])|อาร์ที",
    "ดีเอ็มซี": r"(?<![a-z0-9])dmc(?![a-z0-9])",
    "อีมิส": r"(?<![a-z0-9])emis(?![a-z0-9])",
    "บีโอเบค": r"b-obec",
    "เอ็มโอเบค": r"m-obec",
    "ป.6": r"ป\.\s?6(?![0-9])|ประถมศึกษาปีที่\s?6(?![0-9])",
    "ประถมศึกษาปีที่ 3": r"ป\.\s?3(?![0-9])|ประถมศึกษาปีที่\s?3(?![0-9])",
    "ม.2": r"ม\.\s?2(?![0-9])|มัธยมศึกษาปีที่\s?2(?![0-9])",
    "อ.1": r"อ\.\s?1(?![0-9])|อนุบาลปีที่\s?1(?![0-9])",
    "พ.ศ. 2566": r"(?<![0-9])2566(?![0-9])",
}
ENGLISH_QUERIES = [
    "students", "teachers", "budget", "grade", "school buildings", "computers", "lunch",
    "district", "reading", "classrooms",
]
CLASSES = {
    "exact": THAI_QUERIES,
    "partial": PARTIAL_QUERIES,
    "acronym": list(ACRONYM_QUERIES),
    "english": ENGLISH_QUERIES,
}
#: typed so far into a search box (search-as-you-type)
SUGGEST_INPUTS = ["นักเ", "คอมพิว", "O-NE", "ห้องเรีย", "อาหารกลา", "ประจำปี", "ครุภัณ", "ผลการทด", "งบประ",
                  "คณิต"]
#: misspelt queries that find nothing ("did you mean")
MISSPELT = ["นักเรีบน", "ครุภัณท์", "อาหารกลางวน", "คอมพิวเตอรร์", "บุคลากรทางการศึกษ์"]


def make_corpus(n: int, seed: int = 2568) -> list[dict[str, Any]]:
    """n synthetic datasets shaped like package_show's output (70 % Thai
    titles, half of them with an English sentence; 30 % English only)."""
    rnd = random.Random(seed)
    created = dt.datetime(2024, 1, 1)
    datasets = []
    for i in range(n):
        topic, subject_th, subject_en = rnd.choice(SUBJECTS_TH)
        dim_th, dim_en = rnd.choice(DIMENSIONS_TH)
        year = rnd.randint(2560, 2568)
        district = rnd.choice(DISTRICTS)
        school = "โรงเรียนบ้าน" + rnd.choice(VILLAGES)
        fiscal = topic == "budget"
        year_th = f"ปีงบประมาณ {year + 1}" if fiscal else f"ปีการศึกษา {year}"
        if not fiscal and rnd.random() < 0.2:
            year_th = rnd.choice([f"พ.ศ. {year}", f"พ.ศ.{year}"])
        year_en = f"fiscal year {year + 1}" if fiscal else f"academic year {year}"
        grade = ""
        if topic in ("students", "achievement") and rnd.random() < 0.5:
            short, long, top = rnd.choice(GRADES)
            n = rnd.randint(1, top)
            grade = rnd.choice([f"ชั้น{long}{n}", f"ชั้น{long} {n}", f"ชั้น{short}.{n}", f" {short}.{n} "])
        if rnd.random() < 0.7:
            title = f"{subject_th}{grade}{dim_th} {year_th}"
            notes = " ".join([f"{subject_th}{dim_th} อำเภอ{district} {school}"] + rnd.sample(SENTENCES_TH, 2))
            if rnd.random() < 0.5:
                notes += f"\n\n{subject_en} {dim_en}, {year_en}, {district} district."
            res_name = f"{subject_th} {year}.csv"
            tags = [subject_th.replace("จำนวน", "") or subject_th, "อำเภอ" + district]
        else:
            title = f"{subject_en} {dim_en}, {year_en}"
            notes = f"{subject_en} {dim_en} in {district} district, {year_en}. Compiled by the Policy and Planning Group."
            res_name = f"{subject_en.lower().replace(' ', '-')}-{year}.csv"
            tags = [topic]
        levels = sorted(rnd.sample(LEVELS, rnd.randint(1, 3)))
        when = (created + dt.timedelta(minutes=i)).isoformat()
        pkg_id = str(uuid.UUID(int=rnd.getrandbits(128)))
        resources = [
            {"id": str(uuid.UUID(int=rnd.getrandbits(128))), "package_id": pkg_id, "name": res_name,
             "description": rnd.choice(SENTENCES_TH), "format": rnd.choice(["CSV", "XLSX", "PDF"]),
             "url": f"http://example.org/{i}.csv", "access_level": "restricted" if rnd.random() < 0.15 else "public",
             "url_type": "", "state": "active", "position": 0},
        ]
        datasets.append({
            "id": pkg_id, "name": f"bench-{i:05d}", "title": title, "notes": notes, "type": "dataset",
            "state": "active", "private": False, "owner_org": "bench-org", "license_id": "cc-by",
            "organization": {"name": "bench-org", "title": "กลุ่มนโยบายและแผน"},
            "tags": [{"name": t} for t in tags], "groups": [], "extras": [], "resources": resources,
            "metadata_created": when, "metadata_modified": when, "num_resources": 1, "num_tags": len(tags),
            "topic_category": topic, "education_level": levels,
            "academic_year": None if fiscal else year, "fiscal_year": year + 1 if fiscal else None,
            "source_program": rnd.choice(PROGRAMS), "coverage": [rnd.choice(COVERAGE)],
            "data_category": "public", "contacts": [{"name": "เจ้าหน้าที่ข้อมูลสารสนเทศ", "email": "info@utt1.example"}],
        })
    return datasets


def searchable_text(pkg: dict[str, Any]) -> str:
    """The text a user can expect a dataset to be found by: title, notes,
    tags, resources, and the Thai and English labels of its categories."""
    from ckanext.utt1service.catalog import dataset_schema, search

    parts = [pkg["title"], pkg["notes"]] + [t["name"] for t in pkg["tags"]]
    for r in pkg["resources"]:
        parts += [r["name"], r["description"]]
    for name in search.LABELLED_FIELDS:
        value = pkg.get(name)
        if value:
            parts += dataset_schema.choice_labels_all_languages(name, value if isinstance(value, list) else [value])
    parts += [c["name"] for c in pkg["contacts"]]
    return "\n".join(parts).lower()


def _key(text: str) -> str:
    """Lower case, without tone marks and punctuation (as the search compares
    partial words)."""
    from ckanext.utt1service.catalog import search

    return search._key(text)


def relevant(query: str, cls: str, texts: dict[str, str]) -> set[str]:
    """The datasets a query should find. Exact and English words: every
    word of the query in the text (English without a plural s, as the
    stemmer would). Partial words: the query inside a word of the text,
    tone marks aside. Acronyms: the text matches what the query stands for."""
    if cls == "acronym":
        pattern = re.compile(ACRONYM_QUERIES[query])
        return {name for name, text in texts.items() if pattern.search(text)}
    if cls == "partial":
        key = _key(query)
        return {name for name, text in texts.items() if any(key in _key(w) for w in text.split())}
    words = [w.lower() for w in query.split()]
    words = [re.sub(r"s$", "", w) if w.isascii() else w for w in words]
    return {name for name, text in texts.items() if all(w in text for w in words)}


# ------------------------------------------------------------------ Solr cores


def _admin(**params: str) -> dict[str, Any]:
    r = requests.get(f"{SOLR}/admin/cores", params=dict(params, wt="json"), timeout=300)
    r.raise_for_status()
    return r.json()


def drop_cores() -> None:
    status = _admin(action="STATUS")["status"]
    for core in CORES.values():
        if core in status:
            _admin(action="UNLOAD", core=core, deleteInstanceDir="true")
        shutil.rmtree(SOLR_HOME / core, ignore_errors=True)


def stock_schema(ckan_schema: pathlib.Path, ours: pathlib.Path) -> str:
    """CKAN's schema.xml with the project's non-text fields appended."""
    stock_root = ET.parse(ckan_schema).getroot()
    known = {(e.tag, e.get("name")) for e in stock_root.iter() if e.get("name")}
    text_types = {"text", "text_general", "text_ngram"}
    lines = []
    for e in ET.parse(ours).getroot().iter():
        if e.get("name") in ISSUE14_FIELDS:
            continue
        if e.tag in ("field", "dynamicField") and (e.tag, e.get("name")) not in known:
            if e.get("type") in text_types and e.tag == "field":
                raise SystemExit(f"unexpected text field {e.get('name')} in the project's schema")
            attrs = " ".join(f'{k}="{v}"' for k, v in e.attrib.items())
            lines.append(f"    <{e.tag} {attrs}/>")
    stock_copies = {(e.get("source"), e.get("dest")) for e in stock_root.iter("copyField")}
    copies = [
        f'<copyField source="{e.get("source")}" dest="{e.get("dest")}"/>'
        for e in ET.parse(ours).getroot().iter("copyField")
        if (e.get("source"), e.get("dest")) not in stock_copies and e.get("dest") not in ISSUE14_FIELDS
    ]
    source = ckan_schema.read_text(encoding="utf-8")
    # inside CKAN's <fields> element (Solr reads only the first one)
    fields = ("    <!-- bench: the project's non-text fields, so the same documents fit -->\n"
              + "\n".join(lines) + "\n</fields>")
    source = source.replace("</fields>", fields, 1)
    return source.replace("<uniqueKey>", "\n".join(copies) + "\n<uniqueKey>", 1)


def _strip(path: pathlib.Path, drop: Any) -> None:
    """Remove the elements for which ``drop(element)`` is true (anywhere)."""
    tree = ET.parse(path)
    for parent in tree.getroot().iter():
        for child in list(parent):
            if drop(child):
                parent.remove(child)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def today_configset(conf: pathlib.Path, dest: pathlib.Path) -> None:
    """A copy of the configset without what issue 14 added."""
    dest.mkdir(parents=True)
    for f in conf.iterdir():
        shutil.copy(f, dest / f.name)
    _strip(dest / "schema.xml", lambda e: (
        (e.tag in ("field", "fieldType") and e.get("name") in ISSUE14_FIELDS | ISSUE14_TYPES)
        or (e.tag == "copyField" and e.get("dest") in ISSUE14_FIELDS)))
    _strip(dest / "solrconfig.xml", lambda e: (e.tag, e.get("name")) in ISSUE14_CONFIG)


def create_cores() -> None:
    import ckan

    drop_cores()
    conf = ROOT / "solr" / "configsets" / "ckan" / "conf"
    # the project's configset, as the dev and test cores use it
    (SOLR_HOME / CORES["utt1"]).mkdir(parents=True)
    _admin(action="CREATE", name=CORES["utt1"], instanceDir=CORES["utt1"], configSet="ckan")
    # the configset before issue 14, copied under .local for this run only
    today_configset(conf, SOLR_HOME / CORES["today"] / "conf")
    _admin(action="CREATE", name=CORES["today"], instanceDir=CORES["today"])
    # CKAN's stock schema.xml (and the solrconfig.xml before issue 14)
    stock_conf = SOLR_HOME / CORES["stock"] / "conf"
    today_configset(conf, stock_conf)
    ckan_schema = pathlib.Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"
    (stock_conf / "schema.xml").write_text(stock_schema(ckan_schema, conf / "schema.xml"), encoding="utf-8")
    _admin(action="CREATE", name=CORES["stock"], instanceDir=CORES["stock"])


def index_size(core: str) -> dict[str, int]:
    """The core's index after a merge to one segment, and the suggester's
    own index (a folder beside it), in bytes."""
    r = requests.get(f"{SOLR}/{core}/update", params={"optimize": "true", "maxSegments": 1, "wt": "json"},
                     timeout=1800)
    r.raise_for_status()
    status = _admin(action="STATUS", core=core)["status"][core]
    data = pathlib.Path(status["dataDir"])
    suggester = sum(f.stat().st_size for f in (data / "suggest_titles").rglob("*") if f.is_file()) \
        if (data / "suggest_titles").is_dir() else 0
    return {"index": status["index"]["sizeInBytes"], "suggester": suggester}


# ------------------------------------------------------------------ CKAN


def solr_documents(datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What CKAN's indexer (with this extension's hooks) sends to Solr."""
    import ckan.lib.search.index as index

    collected: list[dict[str, Any]] = []

    class Collector:
        def add(self, docs: list[dict[str, Any]], commit: bool = False) -> None:
            for doc in docs:
                # a public dataset's permission label (the indexer asks the
                # database for it; these datasets live only in Solr)
                doc["permission_labels"] = ["public"]
                collected.append(doc)

    original = index.make_connection
    index.make_connection = lambda *a, **k: Collector()
    try:
        indexer = index.PackageSearchIndex()
        for pkg in datasets:
            indexer.index_package(json.loads(json.dumps(pkg)), defer_commit=True)
    finally:
        index.make_connection = original
    return collected


def post(core: str, docs: list[dict[str, Any]]) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(docs), 1000):
        r = requests.post(f"{SOLR}/{core}/update", json=docs[i:i + 1000], params={"wt": "json"}, timeout=600)
        if not r.ok:
            raise SystemExit(f"Solr refused the documents ({core}): {r.text[:1000]}")
    requests.get(f"{SOLR}/{core}/update", params={"commit": "true", "wt": "json"}, timeout=600).raise_for_status()
    return time.perf_counter() - t0


def use_core(core: str) -> None:
    from ckan.lib.search.common import SolrSettings

    SolrSettings.init(f"{SOLR}/{core}")


def package_search(q: str, **extra: Any) -> dict[str, Any]:
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    context = {"model": model, "session": model.Session, "user": ""}
    return tk.get_action("package_search")(context, dict(q=q, **extra))


def all_hits(q: str) -> set[str]:
    names: set[str] = set()
    start = 0
    while True:
        r = package_search(q, rows=1000, start=start, fl="name", **{"facet": "false"})
        names.update(d["name"] for d in r["results"])
        start += 1000
        if start >= r["count"]:
            return names


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ------------------------------------------------------------------ queries before issue 14


@functools.lru_cache(maxsize=2048)
def _today_tokens(url: str, q: str) -> tuple[Any, ...]:
    r = requests.get(url + "/analysis/field", params={"analysis.fieldtype": "text", "analysis.query": q,
                                                       "wt": "json"}, timeout=60)
    r.raise_for_status()
    return tuple(r.json()["analysis"]["field_types"]["text"]["query"][1])


def today_before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """How a Thai query was searched before issue 14 (issue 3): each Thai
    word the ICU analyzer cuts into pieces was replaced by its required
    pieces ("ปีการศึกษา" → "+ปี +การ +ศึกษา"), the cut asked of Solr's field
    analysis (answers cached); CKAN's dismax did the rest."""
    from ckan.lib.search.common import SolrSettings

    q = search_params.get("q")
    if not isinstance(q, str) or not re.search("[\u0e00-\u0e7f]", q) or ":" in q or '"' in q:
        return search_params
    tokens = _today_tokens(SolrSettings.get()[0], q)
    thai = re.compile("[\u0e00-\u0e7f]")
    cuts = {b["start"] for a, b in zip(tokens, tokens[1:])
            if a["end"] == b["start"] and thai.search(a["text"]) and thai.search(b["text"])}
    words = []
    for match in re.finditer(r"\S+", q):
        word, start = match.group(), match.start()
        inner = sorted(c - start for c in cuts if start < c < match.end())
        if not inner or word[0] in "+-":
            words.append(word)
            continue
        bounds = [0] + inner + [len(word)]
        words.extend("+" + word[a:b] for a, b in zip(bounds, bounds[1:]))
    search_params["q"] = " ".join(words)
    return search_params


def timed(fn: Any, *args: Any) -> float:
    t = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    from ckanext.utt1service.catalog import search as utt1_search

    started = dt.datetime.now()
    with app._wsgi_app.test_request_context():
        print(f"corpus: {args.datasets} synthetic datasets", flush=True)
        datasets = make_corpus(args.datasets)
        t0 = time.perf_counter()
        docs = solr_documents(datasets)
        print(f"  CKAN indexer built the Solr documents in {time.perf_counter() - t0:.1f} s", flush=True)
        create_cores()
        try:
            indexing, sizes = {}, {}
            for label, core in CORES.items():
                indexing[label] = post(core, docs)
                print(f"  posted to {core} in {indexing[label]:.1f} s", flush=True)
            # of the indexing time of this configset: one build of the
            # suggester (it is built again at every commit)
            t0 = time.perf_counter()
            requests.get(f"{SOLR}/{CORES['utt1']}/suggest", params={"suggest.build": "true", "wt": "json"},
                         timeout=600).raise_for_status()
            suggester_build = time.perf_counter() - t0
            for label, core in CORES.items():
                sizes[label] = index_size(core)
            texts = {d["name"]: searchable_text(d) for d in datasets}
            queries = [(q, cls) for cls, qs in CLASSES.items() for q in qs]
            facets = {"facet.field": list(utt1_search.FACET_FIELDS), "rows": 20}

            ours = utt1_search.before_dataset_search
            hooks = {"utt1": ours, "today": today_before_dataset_search, "stock": lambda p: p}

            def switch(label: str) -> None:
                use_core(CORES[label])
                utt1_search.before_dataset_search = hooks[label]

            rows = []
            for q, cls in queries:
                rel = relevant(q, cls, texts)
                row: dict[str, Any] = {"q": q, "class": cls, "relevant": len(rel)}
                for label in CORES:
                    switch(label)
                    hits = all_hits(q)
                    row[f"hits_{label}"] = len(hits)
                    row[f"recall_{label}"] = len(hits & rel) / len(rel) if rel else 1.0
                    row[f"precision_{label}"] = len(hits & rel) / len(hits) if hits else 1.0
                rows.append(row)

            # milliseconds per core and query
            samples: dict[str, dict[str, list[float]]] = {k: {q: [] for q, _c in queries} for k in CORES}
            for rnd in range(args.rounds + 1):  # round 0 warms the caches up
                order = list(CORES)[rnd % 3:] + list(CORES)[:rnd % 3]
                for q, _cls in queries:
                    for label in order:
                        switch(label)
                        ms = timed(lambda: package_search(q, **facets))
                        if rnd:
                            samples[label][q].append(ms)

            # search-as-you-type and "did you mean" (this configset only)
            switch("utt1")
            context = {"user": "", "auth_user_obj": None}
            suggest_ms, spell_ms, suggested, corrected = [], [], {}, {}
            for rnd in range(args.rounds + 1):
                for typed in SUGGEST_INPUTS:
                    ms = timed(lambda: suggested.__setitem__(typed, utt1_search.suggest(typed, None)))
                    if rnd:
                        suggest_ms.append(ms)
                for q in MISSPELT:
                    ms = timed(lambda: corrected.__setitem__(q, utt1_search.did_you_mean(q, context)))
                    if rnd:
                        spell_ms.append(ms)
        finally:
            utt1_search.before_dataset_search = ours
            drop_cores()

    print()
    print(f"{'query':<22} {'class':<8} {'relevant':>8} "
          + " ".join(f"{'hits ' + label:>10}" for label in CORES) + " "
          + " ".join(f"{'recall ' + label:>12}" for label in CORES))
    for r in rows:
        print(f"{r['q']:<22} {r['class']:<8} {r['relevant']:>8} "
              + " ".join(f"{r['hits_' + label]:>10}" for label in CORES) + " "
              + " ".join(f"{r['recall_' + label]:>12.0%}" for label in CORES))

    summary: dict[str, dict[str, Any]] = {}
    for cls in list(CLASSES) + ["all"]:
        rs = [r for r in rows if cls == "all" or r["class"] == cls]
        for label in CORES:
            ts = [t for r in rs for t in samples[label][r["q"]]]
            summary[f"{cls}/{label}"] = {
                "p50_ms": statistics.median(ts), "p95_ms": percentile(ts, 0.95), "samples": len(ts),
                "recall": statistics.mean(r[f"recall_{label}"] for r in rs),
                "precision": statistics.mean(r[f"precision_{label}"] for r in rs),
            }
    print()
    print(f"{'queries':<9} {'core':<16} {'p50 ms':>8} {'p95 ms':>8} {'recall':>8} {'precision':>10}")
    for key, v in summary.items():
        cls, label = key.split("/")
        print(f"{cls:<9} {DESCRIBED[label]:<16} {v['p50_ms']:>8.1f} {v['p95_ms']:>8.1f} "
              f"{v['recall']:>8.0%} {v['precision']:>10.0%}")
    print()
    print(f"{'core':<16} {'index MB':>9} {'suggester MB':>13} {'total MB':>9} {'indexing s':>11}")
    for label in CORES:
        size = sizes[label]
        print(f"{DESCRIBED[label]:<16} {size['index'] / 1e6:>9.1f} {size['suggester'] / 1e6:>13.1f} "
              f"{(size['index'] + size['suggester']) / 1e6:>9.1f} {indexing[label]:>11.1f}")
    print(f"(one build of the suggester of this configset, as at every commit: {suggester_build:.1f} s)")
    print()
    print(f"search-as-you-type ({len(SUGGEST_INPUTS)} inputs): p50 {statistics.median(suggest_ms):.1f} ms, "
          f"p95 {percentile(suggest_ms, 0.95):.1f} ms; "
          + ", ".join(f"{k} → {len(v)}" for k, v in suggested.items()))
    print(f"did you mean ({len(MISSPELT)} misspelt queries): p50 {statistics.median(spell_ms):.1f} ms, "
          f"p95 {percentile(spell_ms, 0.95):.1f} ms; "
          + ", ".join(f"{k} → {v}" for k, v in corrected.items()))

    # the goals. p95 ≤ 150 ms for each Thai class. Against stock CKAN: a
    # search that finds nothing has no results to read and no facets to
    # count, and stock CKAN finds nothing for most partial and acronym
    # queries, so its p95 per class is no measure of what a search costs
    # there. The baseline is stock CKAN's p95 over the queries of this run
    # for which it fills a results page (20 datasets or more: most exact
    # Thai words, the English words, a few acronyms), against this
    # configset's p95 over all Thai queries (each fills a page). The ratios
    # per class are printed all the same.
    thai = ("exact", "partial", "acronym")
    ts = [t for r in rows if r["class"] in thai for t in samples["utt1"][r["q"]]]
    summary["thai/utt1"] = {"p50_ms": statistics.median(ts), "p95_ms": percentile(ts, 0.95), "samples": len(ts)}
    full = [r["q"] for r in rows if r["hits_stock"] >= facets["rows"]]
    ts = [t for q in full for t in samples["stock"][q]]
    summary["full-page/stock"] = {"p50_ms": statistics.median(ts), "p95_ms": percentile(ts, 0.95),
                                  "samples": len(ts), "queries": full}
    print(f"CKAN stock, the {len(full)} queries that fill a results page: "
          f"p50 {summary['full-page/stock']['p50_ms']:.1f} ms, p95 {summary['full-page/stock']['p95_ms']:.1f} ms; "
          f"this configset, the {sum(r['class'] in thai for r in rows)} Thai queries: "
          f"p50 {summary['thai/utt1']['p50_ms']:.1f} ms, p95 {summary['thai/utt1']['p95_ms']:.1f} ms")
    missed = []
    for cls in thai:
        ours_p95 = summary[f"{cls}/utt1"]["p95_ms"]
        if ours_p95 > GOAL_P95_MS:
            missed.append(f"{cls} p95 {ours_p95:.0f} ms > {GOAL_P95_MS} ms")
    vs_stock = summary["thai/utt1"]["p95_ms"] / summary["full-page/stock"]["p95_ms"]
    if vs_stock > GOAL_VS_STOCK:
        missed.append(f"Thai queries p95 {vs_stock:.2f}x stock > {GOAL_VS_STOCK}x")
    total = {label: sizes[label]["index"] + sizes[label]["suggester"] for label in CORES}
    size_ratio = total["utt1"] / total["today"]
    if size_ratio > GOAL_INDEX_VS_TODAY:
        missed.append(f"index {size_ratio:.2f}x before issue 14 > {GOAL_INDEX_VS_TODAY}x")
    print("p95 this configset / CKAN stock, class by class: " + ", ".join(
        f"{cls} {summary[cls + '/utt1']['p95_ms'] / summary[cls + '/stock']['p95_ms']:.2f}x"
        for cls in list(thai) + ["english"]))

    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(json.dumps({
        "when": started.isoformat(), "datasets": args.datasets, "rounds": args.rounds, "queries": rows,
        "summary": summary, "samples_ms": samples, "sizes": sizes, "indexing_s": indexing,
        "suggester_build_s": suggester_build, "suggest_ms": suggest_ms,
        "did_you_mean_ms": spell_ms, "load_average": os.getloadavg(), "cpus": os.cpu_count(),
        "platform": platform.platform(), "missed": missed,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n{started:%Y-%m-%d %H:%M}, {args.datasets} datasets, {args.rounds} rounds, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, {platform.platform()}; results: {out / 'search.json'}")
    p95 = ", ".join(f"{cls} {summary[cls + '/utt1']['p95_ms']:.0f} ms" for cls in thai)
    if missed:
        print("GOAL MISSED: " + "; ".join(missed))
        return 1
    print(f"GOALS MET: p95 {p95}; Thai queries p95 {vs_stock:.2f}x stock; "
          f"index {size_ratio:.2f}x before issue 14")
    return 0


if __name__ == "__main__":
    sys.exit(main())
