# -*- coding: utf-8 -*-
"""Benchmark: table previews (make bench-preview).

In-process (the whole CKAN WSGI application, werkzeug test client, the real
PostgreSQL, DataStore database and Redis of this checkout, its own database
``ckan_bench``):

1. **load**: a 100,000-row CSV with Thai text (school, district, a number in
   Thai digits, a Buddhist-Era date; TIS-620 bytes, as office files come)
   through xloader's own loader (``load_csv``, what its job runs after
   fetching the file; Thai encoding detection included). Goal: ≤ 120 s.
2. **read**: ``datastore_search`` filtered to one district (100 rows a
   page) and the raw file download of the same 100,000 rows, taking turns in
   a shuffled order; p50 and p95 of each side by side. Goal: the filtered
   search p95 ≤ 500 ms.

The last line says whether both goals were met; the command exits 1 if not.
"""
from __future__ import annotations

import argparse
import datetime
import io
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOAD_GOAL_S = 120.0
SEARCH_P95_GOAL_MS = 500.0
DISTRICTS = ["เมืองอุทัยธานี", "ทัพทัน", "หนองฉาง", "หนองขาหย่าง", "สว่างอารมณ์", "ลานสัก",
             "บ้านไร่", "ห้วยคต"]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
          "พ.ย.", "ธ.ค."]


def thai_csv(rows: int) -> bytes:
    rnd = random.Random(17)
    out = io.StringIO()
    out.write("รหัส,โรงเรียน,อำเภอ,นักเรียน,วันที่สำรวจ\n")
    for i in range(rows):
        out.write(f"{i:06d},โรงเรียนบ้าน{rnd.choice(['หนอง', 'โคก', 'วัด', 'ทุ่ง'])}ตัวอย่าง {i},"
                  f"{rnd.choice(DISTRICTS)},{str(rnd.randint(20, 900)).translate(THAI_DIGITS)},"
                  f"{rnd.randint(1, 28)} {rnd.choice(MONTHS)} {rnd.randint(2560, 2568)}\n")
    return out.getvalue().encode("tis-620")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--turns", type=int, default=100, help="reads of each kind")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(os.path.join(ROOT, "test.ini"))
    conf["ckan.site_id"] = "utt1service-bench"
    conf["ckan.storage_path"] = os.environ.get("BENCH_STORAGE",
                                               os.path.join(ROOT, ".local", "bench-storage"))
    os.makedirs(conf["ckan.storage_path"], exist_ok=True)
    app = make_app(conf)

    import ckan.plugins.toolkit as tk
    from ckanext.xloader import loader
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import Client

    data = thai_csv(args.rows)
    with app._wsgi_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site["name"], "ignore_auth": True}
        try:
            org = tk.get_action("organization_show")(dict(context), {"id": "bench-org"})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(context), {"name": "bench-org"})
        name = f"bench-preview-{int(time.time())}"
        pkg = tk.get_action("package_create")(dict(context), {"name": name, "owner_org": org["id"]})
        res = tk.get_action("resource_create")(dict(context), {
            "package_id": pkg["id"], "name": "schools.csv", "url": "schools.csv", "format": "CSV",
            "upload": FileStorage(io.BytesIO(data), "schools.csv", content_type="text/csv")})
        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            f.write(data)
            f.flush()
            t0 = time.perf_counter()
            loader.load_csv(f.name, resource_id=res["id"], mimetype="text/csv",
                            logger=logging.getLogger("bench"))
            loader.create_column_indexes(
                [{"id": "อำเภอ", "type": "text"}], res["id"], logging.getLogger("bench"))
            load_s = time.perf_counter() - t0
        found = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": res["id"], "limit": 1})
        assert found["total"] == args.rows, found["total"]
        assert found["records"][0]["อำเภอ"] in DISTRICTS, found["records"][0]

    client = Client(app)
    search_path = "/api/3/action/datastore_search"
    download_path = f"/dataset/{pkg['id']}/resource/{res['id']}/download/schools.csv"
    ua = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}
    import json

    def search() -> float:
        t0 = time.perf_counter()
        r = client.get(search_path, headers=ua, query_string={
            "resource_id": res["id"], "limit": 100,
            "filters": json.dumps({"อำเภอ": random.choice(DISTRICTS)})})
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200, r.status_code
        return elapsed

    def download() -> float:
        t0 = time.perf_counter()
        r = client.get(download_path, headers=ua)
        body = r.get_data()
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200 and len(body) == len(data)
        return elapsed

    for _ in range(5):  # warm-up
        search(), download()
    times: dict[str, list[float]] = {"search": [], "download": []}
    for _ in range(args.turns):
        order = [("search", search), ("download", download)]
        random.shuffle(order)
        for kind, fn in order:
            times[kind].append(fn())

    ms = {k: [v * 1000 for v in vals] for k, vals in times.items()}
    print(f"bench-preview  {datetime.date.today()}  {platform.node()}  "
          f"{os.cpu_count()} cores  {args.rows:,} rows ({len(data) / 1e6:.1f} MB, TIS-620)")
    print(f"  load through xloader's loader: {load_s:6.1f} s "
          f"({args.rows / load_s:,.0f} rows/s; goal ≤ {LOAD_GOAL_S:.0f} s)")
    print(f"  {'':38s} {'p50 ms':>8s} {'p95 ms':>8s}")
    print(f"  {'raw file download (baseline, whole file)':38s} "
          f"{statistics.median(ms['download']):8.1f} {pct(ms['download'], 95):8.1f}")
    print(f"  {'datastore_search, one district, 100 rows':38s} "
          f"{statistics.median(ms['search']):8.1f} {pct(ms['search'], 95):8.1f}"
          f"   (goal p95 ≤ {SEARCH_P95_GOAL_MS:.0f})")
    ok = load_s <= LOAD_GOAL_S and pct(ms["search"], 95) <= SEARCH_P95_GOAL_MS
    print("goals met" if ok else "GOAL MISSED: see the lines above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
