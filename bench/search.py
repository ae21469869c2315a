# -*- coding: utf-8 -*-
"""make bench-search: Thai-aware catalogue search against CKAN's stock text
analysis, on the same 10,000 synthetic Thai/English datasets.

Two Solr cores are made for the run in the local Solr (bin/services) and
removed afterwards:

* ``bench_utt1``  the project's configset (solr/configsets/ckan, ICU Thai
  word segmentation);
* ``bench_stock`` CKAN's own schema.xml as shipped in the installed ``ckan``
  package, copied under .local at run time. The non-text fields that the
  project's schema adds (topic_category, academic_year, ... all string or
  point fields) are appended to the copy so that the very same documents
  and facets fit; every text field keeps CKAN's whitespace analysis.

Every dataset goes through CKAN's own indexer (PackageSearchIndex, with this
extension's before_dataset_index); the documents it would send to Solr are
collected and posted to both cores. Then 20 Thai and 10 English queries are
run through the package_search action, as an anonymous visitor would run them
from the search page (20 rows, the page's facets), alternating between the
cores, for several rounds. Printed: the hits and the recall of each query
on each core (recall against the datasets whose text contains the query's
words), and the median and 95th percentile latency.

Usage (see the Makefile): python bench/search.py [--datasets N] [--rounds N]
"""
from __future__ import annotations

import argparse
import datetime as dt
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
CORES = {"utt1": "bench_utt1", "stock": "bench_stock"}

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
]
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

THAI_QUERIES = [
    "นักเรียน", "ครู", "ระดับชั้น", "อาหารกลางวัน", "คอมพิวเตอร์", "ทัพทัน", "หนองฉาง", "ห้องเรียน",
    "คะแนนเฉลี่ย", "รายวิชา", "เพศ", "อาคารเรียน", "ครุภัณฑ์", "นักเรียนพิการ", "โรงเรียนขนาดเล็ก",
    "ปีการศึกษา 2566", "นักเรียน ทัพทัน", "ผลการทดสอบ", "บุคลากรทางการศึกษา", "เงินอุดหนุน",
]
ENGLISH_QUERIES = [
    "students", "teachers", "budget", "grade", "school buildings", "computers", "lunch",
    "district", "reading", "classrooms",
]


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
        year_en = f"fiscal year {year + 1}" if fiscal else f"academic year {year}"
        if rnd.random() < 0.7:
            title = f"{subject_th}{dim_th} {year_th}"
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


def relevant(query: str, texts: dict[str, str]) -> set[str]:
    """Datasets whose text contains every word of the query (English words
    without a plural s, as the stemmer would)."""
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
        if e.tag in ("field", "dynamicField") and (e.tag, e.get("name")) not in known:
            if e.get("type") in text_types and e.tag == "field":
                raise SystemExit(f"unexpected text field {e.get('name')} in the project's schema")
            attrs = " ".join(f'{k}="{v}"' for k, v in e.attrib.items())
            lines.append(f"    <{e.tag} {attrs}/>")
    stock_copies = {(e.get("source"), e.get("dest")) for e in stock_root.iter("copyField")}
    copies = [
        f'<copyField source="{e.get("source")}" dest="{e.get("dest")}"/>'
        for e in ET.parse(ours).getroot().iter("copyField")
        if (e.get("source"), e.get("dest")) not in stock_copies
    ]
    source = ckan_schema.read_text(encoding="utf-8")
    # inside CKAN's <fields> element (Solr reads only the first one)
    fields = ("    <!-- bench: the project's non-text fields, so the same documents fit -->\n"
              + "\n".join(lines) + "\n</fields>")
    source = source.replace("</fields>", fields, 1)
    return source.replace("<uniqueKey>", "\n".join(copies) + "\n<uniqueKey>", 1)


def create_cores() -> None:
    import ckan

    drop_cores()
    conf = ROOT / "solr" / "configsets" / "ckan" / "conf"
    # the project's configset, as the dev and test cores use it
    (SOLR_HOME / CORES["utt1"]).mkdir(parents=True)
    _admin(action="CREATE", name=CORES["utt1"], instanceDir=CORES["utt1"], configSet="ckan")
    # CKAN's stock schema.xml, copied under .local for this run only
    stock_conf = SOLR_HOME / CORES["stock"] / "conf"
    stock_conf.mkdir(parents=True)
    for f in conf.iterdir():
        if f.name != "schema.xml":
            shutil.copy(f, stock_conf / f.name)
    ckan_schema = pathlib.Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"
    (stock_conf / "schema.xml").write_text(stock_schema(ckan_schema, conf / "schema.xml"), encoding="utf-8")
    _admin(action="CREATE", name=CORES["stock"], instanceDir=CORES["stock"])


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    from ckanext.utt1service.catalog import search as utt1_search

    with app._wsgi_app.test_request_context():
        print(f"corpus: {args.datasets} synthetic datasets", flush=True)
        datasets = make_corpus(args.datasets)
        t0 = time.perf_counter()
        docs = solr_documents(datasets)
        print(f"  CKAN indexer built the Solr documents in {time.perf_counter() - t0:.1f} s", flush=True)
        create_cores()
        try:
            for label, core in CORES.items():
                print(f"  posted to {core} in {post(core, docs):.1f} s", flush=True)
            texts = {d["name"]: searchable_text(d) for d in datasets}
            queries = [(q, "th") for q in THAI_QUERIES] + [(q, "en") for q in ENGLISH_QUERIES]
            facets = {"facet.field": list(utt1_search.FACET_FIELDS), "rows": 20}

            # the stock baseline is CKAN as it comes: no query segmentation
            segment = utt1_search.before_dataset_search

            def switch(label: str) -> None:
                use_core(CORES[label])
                utt1_search.before_dataset_search = segment if label == "utt1" else (lambda p: p)

            rows = []
            for q, lang in queries:
                rel = relevant(q, texts)
                row = {"q": q, "lang": lang, "relevant": len(rel)}
                for label in CORES:
                    switch(label)
                    hits = all_hits(q)
                    row[f"hits_{label}"] = len(hits)
                    row[f"recall_{label}"] = len(hits & rel) / len(rel) if rel else 1.0
                rows.append(row)

            # what the Solr analysis request that cuts a Thai query costs
            # when its answer is not cached yet
            switch("utt1")
            cut_ms = []
            for q in THAI_QUERIES:
                utt1_search._cached_tokens.cache_clear()
                t = time.perf_counter()
                utt1_search.segment_thai_query(q)
                cut_ms.append((time.perf_counter() - t) * 1000)

            times: dict[str, dict[str, list[float]]] = {k: {"th": [], "en": []} for k in CORES}
            for rnd in range(args.rounds + 1):  # round 0 warms the caches up
                order = list(CORES) if rnd % 2 else list(reversed(list(CORES)))
                for q, lang in queries:
                    for label in order:
                        switch(label)
                        t = time.perf_counter()
                        package_search(q, **facets)
                        if rnd:
                            times[label][lang].append((time.perf_counter() - t) * 1000)
            switch("utt1")
        finally:
            drop_cores()

    print()
    print(f"{'query':<22} {'lang':<4} {'relevant':>8} {'hits utt1':>10} {'hits stock':>10} "
          f"{'recall utt1':>11} {'recall stock':>12}")
    for r in rows:
        print(f"{r['q']:<22} {r['lang']:<4} {r['relevant']:>8} {r['hits_utt1']:>10} {r['hits_stock']:>10} "
              f"{r['recall_utt1']:>11.0%} {r['recall_stock']:>12.0%}")
    print()
    summary = {}
    for lang in ("th", "en", "all"):
        rs = [r for r in rows if lang == "all" or r["lang"] == lang]
        for label in CORES:
            ts = times[label]["th"] + times[label]["en"] if lang == "all" else times[label][lang]
            summary[f"{lang}_{label}"] = {
                "median_ms": statistics.median(ts), "p95_ms": percentile(ts, 0.95),
                "recall": statistics.mean(r[f"recall_{label}"] for r in rs), "samples": len(ts),
            }
    print(f"{'queries':<10} {'core':<6} {'median ms':>10} {'p95 ms':>8} {'mean recall':>12}")
    for key, s in summary.items():
        lang, label = key.split("_")
        print(f"{lang:<10} {label:<6} {s['median_ms']:>10.1f} {s['p95_ms']:>8.1f} {s['recall']:>12.0%}")
    print(f"\ncutting a Thai query into words (Solr analysis request, not cached): "
          f"median {statistics.median(cut_ms):.1f} ms, max {max(cut_ms):.1f} ms")
    ratio = summary["all_utt1"]["p95_ms"] / summary["all_stock"]["p95_ms"]
    print(f"p95 utt1 / stock: {ratio:.2f}x   ({args.rounds} rounds x {len(queries)} queries a core, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {platform.platform()})")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(json.dumps({"when": dt.datetime.now().isoformat(), "datasets": args.datasets,
                                                 "rounds": args.rounds, "queries": rows, "summary": summary,
                                                 "segmentation_ms": cut_ms, "load_average": os.getloadavg()},
                                                ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {out / 'search.json'}")


if __name__ == "__main__":
    sys.exit(main())
