# -*- coding: utf-8 -*-
"""Benchmark: the Excel import of dataset metadata (make bench-excel).

In-process (the whole CKAN WSGI application, werkzeug test client, the real
PostgreSQL, Solr and Redis of this checkout, its own database ``ckan_bench``),
as an editor does it through the pages:

1. **dry run**: upload an XLSX of N new datasets (default 500) to
   ``/dataset-excel``: every row read, checked and validated, nothing saved;
2. **apply**: ``/dataset-excel/apply`` hands the rows to a background job
   (the click is timed on its own), which a jobs worker (burst) runs:
   every row through ``package_create`` (validation, permissions,
   activity), each dataset indexed once; timed from the click to the end of
   the job;
3. **baseline**, in the same run: datasets like these created one by one
   with CKAN's own ``package_create`` through the API (as an API client
   would); ``--baseline-rows`` of them (default 50: at the load of a shared
   machine 500 would take a quarter of an hour), their time per row
   extrapolated to N.

Goals: the apply costs at most 1.2× the baseline (the import adds nothing
much to CKAN's own save) and the dry run at most a third of the baseline.
The last line says whether both were met; the command exits 1 if not.
"""
from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPLY_GOAL = 1.2
DRY_RUN_GOAL = 1 / 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--baseline-rows", type=int, default=50,
                        help="datasets created through the API for the baseline (per row "
                             "time extrapolated to --rows)")
    parser.add_argument("--profile", metavar="FILE",
                        help="write a cProfile of the apply (in this process) to FILE and stop")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(os.path.join(ROOT, "test.ini"))
    conf["ckan.site_id"] = "utt1service-bench"
    app = make_app(conf)

    import openpyxl
    from werkzeug.test import Client

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.utt1service.catalog import excel

    stamp = int(time.time())
    with app._wsgi_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site["name"], "ignore_auth": True}
        editor = tk.get_action("user_create")(dict(context), {
            "name": f"bench-editor-{stamp}", "email": f"e{stamp}@example.org",
            "password": "bench-password-12345"})
        token = tk.get_action("api_token_create")(dict(context), {
            "user": editor["name"], "name": "bench"})["token"]
        org = tk.get_action("organization_create")(dict(context), {
            "name": f"bench-excel-{stamp}",
            "users": [{"name": editor["name"], "capacity": "editor"}]})

    def fields(i: int, prefix: str) -> dict:
        return {"name": f"{prefix}-{stamp}-{i:04d}", "title": f"ข้อมูลโรงเรียน {prefix} {stamp} {i}",
                "topic_category": "schools", "academic_year": 2568, "tag_string": "โรงเรียน",
                "data_type": "ข้อมูลระเบียน"}

    # the import's file
    with app._wsgi_app.test_request_context():
        wb = openpyxl.load_workbook(io.BytesIO(excel.template("th")))
    sheet = wb["datasets"]
    for i in range(args.rows):
        row = dict(fields(i, "xl"), owner_org=org["name"], topic_category="สถานศึกษา")
        sheet.append([row.get(name, "") for name in excel.COLUMNS])
    out = io.BytesIO()
    wb.save(out)

    client = Client(app)
    auth = {"Authorization": token}
    t0 = time.perf_counter()
    page = client.post("/dataset-excel", headers=auth,
                       data={"file": (io.BytesIO(out.getvalue()), "datasets.xlsx")})
    dry_s = time.perf_counter() - t0
    body = page.get_data(as_text=True)
    form_token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    if args.profile:
        # the apply itself, in this process (the page hands it to a job)
        import cProfile

        with app._wsgi_app.test_request_context():
            # logged in, as the job runs in `ckan jobs worker`
            from flask_login import login_user

            login_user(model.User.get(editor["name"]))
            rows = excel.read(out.getvalue())
            profiler = cProfile.Profile()
            profiler.enable()
            _plans, work = excel.plan(editor["name"], rows, "th")
            profiler.disable()
            profiler.dump_stats(args.profile + ".dry")
            model.Session.rollback()
            profiler = cProfile.Profile()
            t0 = time.perf_counter()
            profiler.enable()
            excel.apply(editor["name"], work)
            profiler.disable()
            apply_s = time.perf_counter() - t0
        profiler.dump_stats(args.profile)
        print(f"dry run {dry_s:.1f}s, apply {apply_s:.1f}s; profiles: {args.profile}.dry "
              f"(the dry run's plan), {args.profile} (the apply)")
        return 0

    # apply: the click, then the background job in `ckan jobs worker` (its
    # own process, as deployed; --burst: it stops when the queue is empty),
    # until the progress page says done
    import subprocess

    t0 = time.perf_counter()
    done = client.post("/dataset-excel/apply", headers=auth, data={"token": form_token})
    click_s = time.perf_counter() - t0
    assert done.status_code in (302, 303), done.status_code
    progress_url = done.headers["Location"]
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ckan"), "-c",
                    os.path.join(ROOT, "test.ini"), "jobs", "worker", "--burst"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, CKAN_SITE_ID=conf["ckan.site_id"]))
    apply_s = time.perf_counter() - t0
    page = client.get(progress_url, headers=auth).get_data(as_text=True)
    assert "utt1service-excel-import" in page and 'data-state="done"' in page, page[-2000:]

    base_rows = max(1, min(args.baseline_rows, args.rows))
    t0 = time.perf_counter()
    for i in range(base_rows):
        r = client.post("/api/3/action/package_create", headers=auth,
                        json=dict(fields(i, "api"), owner_org=org["id"]))
        assert r.status_code == 200, r.get_data(as_text=True)[:500]
    base_s = (time.perf_counter() - t0) * args.rows / base_rows

    with app._wsgi_app.test_request_context():
        found = tk.get_action("package_search")({"ignore_auth": True}, {
            "fq": f"organization:{org['name']} name:xl-{stamp}-*", "rows": 0})["count"]
    assert found == args.rows, (found, args.rows)

    load = os.getloadavg()[0]
    print(f"bench-excel  {datetime.date.today()}  {platform.node()}  {os.cpu_count()} cores  "
          f"load {load:.1f}  {args.rows} new datasets")
    print(f"{'':28}{'total':>10}{'per row':>12}")
    for label, seconds in [("dry run (/dataset-excel)", dry_s),
                           ("apply: the click (enqueue)", click_s),
                           ("apply: click to done (job)", apply_s),
                           (f"baseline: package_create{'*' if base_rows < args.rows else ''}",
                            base_s)]:
        print(f"{label:28}{seconds:>9.1f}s{seconds / args.rows * 1000:>10.0f}ms")
    if base_rows < args.rows:
        print(f"* {base_rows} datasets through the API, per row time × {args.rows}")
    ok = apply_s <= APPLY_GOAL * base_s and dry_s <= DRY_RUN_GOAL * base_s
    print(f"apply {apply_s / base_s:.2f}× baseline (goal ≤ {APPLY_GOAL}×), dry run "
          f"{dry_s / base_s:.2f}× (goal ≤ {DRY_RUN_GOAL:.2f}×): "
          + ("goals met" if ok else "GOAL MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
