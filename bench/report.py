# -*- coding: utf-8 -*-
"""Benchmark of the fiscal-year service report (``make bench-report``).

For each size given (``1M``, ``4M``, ``10M``, …: download events), fills its
own database ``ckan_bench_report_<size>`` (never the test or dev one, kept
for later runs) with synthetic data over three fiscal years (2567–2569): per
million events 50,000 survey responses, 10,000 access requests with their
audit trail and 2,000 complaints, on 5 organizations, 200 datasets and 600
files with uuid-shaped ids, all with ``generate_series`` in PostgreSQL. Then
it measures, for fiscal year 2569 beside 2568, through the real CKAN app
over WSGI as a sysadmin:

- the report page (warm: median of several runs), and the page of FY 2568
  (the same amount of activity with no year before it: the history factor),
- the XLSX export and the PDF (median of a few warm runs),
- publishing the fiscal year (issue 15: build, PDF, XLSX and CSV made once
  and stored; median of a few runs, each unpublishing the previous one) and
  the anonymous public page ``/service-reports`` (warm), with a stored
  published PDF served for scale,
- beside a bare ``SELECT count(*)`` over the events table (the floor), one
  raw pass over a year of events, CKAN's own ``/ckan-admin`` page, and the
  bytes per event all in.

Each size runs in a child process (one CKAN app per database); the parent
prints the sizes side by side with the growth factor. Goals (issue 20):
page ≤ 300 ms, XLSX ≤ 2 s, PDF ≤ 5 s at every size, ≤ 200 bytes per event;
issue 15: public page ≤ 300 ms, publication ≤ 10 s;
the last line says whether they were met and the exit status is 1 if not.

    make bench-report                       # 1M
    make bench-report SIZES="1M 10M"
    make bench-report SIZES=4M ARGS=--regenerate
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

import click

ROOT = pathlib.Path(__file__).resolve().parents[1]
INI = ROOT / "test.ini"
FY = 2569

TARGETS = {"page": 0.300, "xlsx": 2.0, "pdf": 5.0, "public": 0.300, "publish": 10.0}


def log(message: str) -> None:
    click.echo(message, err=True)


def ckan_cli(*args: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ckan"), "-c", str(INI), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# --- data --------------------------------------------------------------------------

CATALOGUE = """
INSERT INTO "group" (id, name, title, type, is_organization, state, approval_status, created)
SELECT md5('bench-org-' || o)::uuid::text, 'bench-org-' || o, 'หน่วยงานทดสอบ ' || o, 'organization', true, 'active', 'approved', now()
  FROM generate_series(1, 5) o;
INSERT INTO package (id, name, title, type, state, owner_org, private, metadata_created, metadata_modified)
SELECT md5('bench-pkg-' || p)::uuid::text, 'bench-dataset-' || p, 'ชุดข้อมูลทดสอบที่ ' || p, 'dataset', 'active',
       md5('bench-org-' || (1 + p % 5))::uuid::text, false, now(), now()
  FROM generate_series(1, 200) p;
INSERT INTO resource (id, package_id, url, name, format, state, position, created)
SELECT md5('bench-res-' || p || '-' || r)::uuid::text, md5('bench-pkg-' || p)::uuid::text, 'http://example.org/' || p || '-' || r || '.csv',
       'ไฟล์ที่ ' || r || ' ของชุดข้อมูล ' || p, 'CSV', 'active', r - 1, now()
  FROM generate_series(1, 200) p, generate_series(1, 3) r;
"""

# Three fiscal years: 1 Oct 2023 (FY 2567) to 1 Oct 2026 Bangkok time.
START = "timestamptz '2023-10-01 00:00+07'"
SPAN_DAYS = 1096

TOPICS = "ARRAY['students', 'teachers', 'schools', 'budget', 'onet', 'buildings', 'staff', NULL]"
CHANNELS = "ARRAY['web','web','web','web','web','web','qr','qr','api','email','paper','qr','web','web','web','email','paper','web','web','qr']"


#: the 600 files with their dataset, organization and topic, once (an event
#: refers to its file's row: migration f3a4b5c6d7e8)
FILE_TARGETS = f"""
    INSERT INTO utt1service_download_target (resource_id, package_id, owner_org, topic)
    SELECT md5('bench-res-' || p || '-' || k)::uuid::text, md5('bench-pkg-' || p)::uuid::text,
           md5('bench-org-' || (1 + p % 5))::uuid::text, ({TOPICS})[1 + p % 8]
      FROM generate_series(1, 200) p, generate_series(1, 3) k
    ON CONFLICT DO NOTHING
"""


def events_chunk(first: int, last: int) -> str:
    """Download events first..last: skewed towards a few popular datasets,
    2% bots, 10% repeats within the dedup window."""
    return f"""
    INSERT INTO utt1service_download_event
        (id, created, target_id, channel, visitor_key, is_bot, counted)
    SELECT md5('bench-ev-' || g)::uuid, {START} + (random() * interval '{SPAN_DAYS} days'),
           t.id, ({CHANNELS})[1 + (g * 7) % 20], left(md5((g / 4)::text), 32),
           random() < 0.02, random() >= 0.10
      FROM (SELECT g, 1 + floor(200 * power(random(), 2))::int AS p
              FROM generate_series({first}, {last}) g) s
      JOIN utt1service_download_target t
        ON t.resource_id = md5('bench-res-' || p || '-' || (1 + g % 3))::uuid::text
    """


def surveys_chunk(first: int, last: int) -> str:
    rating = "(CASE WHEN random() < 0.6 THEN 3 WHEN random() < 0.75 THEN 2 ELSE 1 END)"
    return f"""
    INSERT INTO utt1service_survey_response
        (id, created, package_id, owner_org, staff_courtesy, staff_reception, search_speed,
         data_match, data_quality, suggestion, mode)
    SELECT 'bench-sv-' || g, {START} + (random() * interval '{SPAN_DAYS} days'),
           md5('bench-pkg-' || p)::uuid::text, md5('bench-org-' || (1 + p % 5))::uuid::text,
           {rating}, {rating}, {rating}, {rating}, {rating},
           CASE WHEN random() < 0.05 THEN 'ข้อเสนอแนะทดสอบที่ ' || g END, 'online'
      FROM (SELECT g, 1 + (g * 37) % 200 AS p FROM generate_series({first}, {last}) g) s
    """


REQUESTS = f"""
CREATE TEMP TABLE bench_request AS
SELECT g, 'bench-rq-' || g AS id, md5('bench-pkg-' || (1 + (g * 13) % 200))::uuid::text AS package_id,
       md5('bench-org-' || (1 + (1 + (g * 13) % 200) % 5))::uuid::text AS owner_org,
       t0, t0 + random() * interval '3 days' AS checked_at,
       CASE WHEN u < 0.70 THEN 'approved' WHEN u < 0.85 THEN 'rejected'
            WHEN u < 0.90 THEN 'withdrawn' ELSE 'pending' END AS outcome,
       t0 + interval '3 days' + random() * interval '10 days' AS decided_at,
       random() < 0.8 AS delivered,
       (ARRAY['โรงเรียนบ้านหนองฉาง', 'โรงเรียนอนุบาลอุทัยธานี', 'สำนักงานสถิติจังหวัดอุทัยธานี',
              'มหาวิทยาลัยนเรศวร', 'สพฐ.', 'บริษัท ข้อมูลดี จำกัด', NULL])[1 + g % 7]
         || CASE WHEN g % 7 < 6 AND g % 11 = 0 THEN ' ' || (g % 40) ELSE '' END AS agency,
       (ARRAY['school', 'school', 'area_office', 'government', 'university', 'private',
              'public', 'other', NULL])[1 + g % 9] AS agency_type,
       (ARRAY['download', 'download', 'email', 'paper'])[1 + g % 4] AS channel
  FROM (SELECT g, {START} + random() * interval '{SPAN_DAYS} days' AS t0, random() AS u
          FROM generate_series(1, :n) g) s;
INSERT INTO utt1service_access_request
    (id, package_id, owner_org, state, agency, agency_type, delivery_channel, created, modified,
     submitted_at, decided_at)
SELECT id, package_id, owner_org,
       CASE WHEN outcome = 'approved' AND delivered THEN 'delivered'
            WHEN outcome = 'pending' THEN 'checked' ELSE outcome END,
       agency, agency_type, channel, t0, t0, t0,
       CASE WHEN outcome IN ('approved', 'rejected') THEN decided_at END
  FROM bench_request;
INSERT INTO utt1service_audit (id, object_type, object_id, action, from_state, to_state, created)
SELECT id || '-create', 'access_request', id, 'create', NULL, 'submitted', t0 FROM bench_request
UNION ALL
SELECT id || '-check', 'access_request', id, 'check', 'submitted', 'checked', checked_at
  FROM bench_request WHERE outcome <> 'withdrawn'
UNION ALL
SELECT id || '-decide', 'access_request', id,
       CASE outcome WHEN 'approved' THEN 'approve' WHEN 'rejected' THEN 'reject' ELSE 'withdraw' END,
       CASE outcome WHEN 'withdrawn' THEN 'submitted' ELSE 'checked' END, outcome, decided_at
  FROM bench_request WHERE outcome <> 'pending'
UNION ALL
SELECT id || '-deliver', 'access_request', id, 'deliver', 'approved', 'delivered',
       decided_at + random() * interval '5 days'
  FROM bench_request WHERE outcome = 'approved' AND delivered;
DROP TABLE bench_request;
"""

COMPLAINTS = f"""
CREATE TEMP TABLE bench_complaint AS
SELECT g, 'bench-cp-' || g AS id, t0,
       t0 + random() * interval '2 days' AS started_at,
       CASE WHEN u < 0.8 THEN t0 + interval '2 days' + random() * interval '20 days' END AS resolved_at,
       CASE WHEN u < 0.6 THEN t0 + interval '25 days' END AS closed_at,
       md5('bench-pkg-' || (1 + (g * 17) % 200))::uuid::text AS package_id,
       md5('bench-org-' || (1 + (1 + (g * 17) % 200) % 5))::uuid::text AS owner_org
  FROM (SELECT g, {START} + random() * interval '{SPAN_DAYS} days' AS t0, random() AS u
          FROM generate_series(1, :n) g) s;
INSERT INTO utt1service_complaint
    (id, kind, category, description, package_id, owner_org, channel, state, resolution,
     created, updated, resolved_at, closed_at)
SELECT id, CASE WHEN g % 4 = 0 THEN 'problem' ELSE 'complaint' END,
       (ARRAY['data_wrong', 'cannot_find', 'slow_service', 'staff_conduct', 'system_error', 'other'])[1 + g % 6],
       'เรื่องทดสอบที่ ' || g, package_id, owner_org, 'web',
       CASE WHEN closed_at IS NOT NULL THEN 'closed' WHEN resolved_at IS NOT NULL THEN 'resolved'
            ELSE 'in_progress' END,
       CASE WHEN resolved_at IS NOT NULL THEN 'แก้ไขแล้ว' END,
       t0, t0, resolved_at, closed_at
  FROM bench_complaint;
INSERT INTO utt1service_audit (id, object_type, object_id, action, from_state, to_state, created)
SELECT id || '-create', 'complaint', id, 'create', NULL, 'received', t0 FROM bench_complaint
UNION ALL
SELECT id || '-start', 'complaint', id, 'change_state', 'received', 'in_progress', started_at FROM bench_complaint
UNION ALL
SELECT id || '-resolve', 'complaint', id, 'change_state', 'in_progress', 'resolved', resolved_at
  FROM bench_complaint WHERE resolved_at IS NOT NULL
UNION ALL
SELECT id || '-close', 'complaint', id, 'change_state', 'resolved', 'closed', closed_at
  FROM bench_complaint WHERE closed_at IS NOT NULL;
DROP TABLE bench_complaint;
"""


def generate(engine: Any, events: int, surveys: int, requests: int, complaints: int) -> None:
    import sqlalchemy as sa

    started = time.monotonic()
    with engine.begin() as conn:
        for table in ("utt1service_download_event", "utt1service_download_target",
                      "utt1service_survey_response", "utt1service_complaint",
                      "utt1service_access_request"):
            conn.execute(sa.text(f"TRUNCATE {table} CASCADE"))
        conn.execute(sa.text("DELETE FROM utt1service_audit WHERE id LIKE 'bench-%'"))
        # ids are uuid-shaped as CKAN's own (md5 of a name), so that the
        # bytes per event are those of a real portal
        conn.execute(sa.text("DELETE FROM resource WHERE url LIKE 'http://example.org/%'"))
        conn.execute(sa.text("DELETE FROM package WHERE name LIKE 'bench-dataset-%'"))
        conn.execute(sa.text("DELETE FROM \"group\" WHERE name LIKE 'bench-org-%'"))
        conn.execute(sa.text(CATALOGUE))

    def chunked(label: str, total: int, size: int, sql: Callable[[int, int], str]) -> None:
        with click.progressbar(length=total, label=label.ljust(22), file=sys.stderr, show_pos=True) as bar:
            first = 1
            while first <= total:
                last = min(first + size - 1, total)
                with engine.begin() as conn:
                    conn.execute(sa.text(sql(first, last)))
                bar.update(last - first + 1)
                first = last + 1

    # The per-month sums are filled once from all events afterwards (as
    # `ckan utt1service report-rebuild-counts` does) rather than by the
    # triggers at every chunk: the same sums, several times faster.
    from ckanext.utt1service.common import counting

    with engine.begin() as conn:
        conn.execute(sa.text(counting.drop_sql()))
    with engine.begin() as conn:
        conn.execute(sa.text(FILE_TARGETS))
    chunked("download events", events, 200_000, events_chunk)
    with click.progressbar(length=1, label="monthly sums".ljust(22), file=sys.stderr) as bar:
        with engine.begin() as conn:
            conn.execute(sa.text(counting.install_sql()))
            conn.execute(sa.text("TRUNCATE " + ", ".join(counting.MONTH_TABLES)))
            for statement in counting.fill_sql().split(";"):
                if statement.strip():
                    conn.execute(sa.text(statement))
        bar.update(1)
    chunked("survey responses", surveys, 100_000, surveys_chunk)
    with click.progressbar(length=2, label="requests, complaints".ljust(22), file=sys.stderr) as bar:
        with engine.begin() as conn:
            conn.execute(sa.text(REQUESTS.replace(":n", str(requests))))
        bar.update(1)
        with engine.begin() as conn:
            conn.execute(sa.text(COMPLAINTS.replace(":n", str(complaints))))
        bar.update(1)
    log("    VACUUM ANALYZE …")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("utt1service_download_event", "utt1service_download_target",
                      "utt1service_report_download_month",
                      "utt1service_report_resource_month", "utt1service_survey_response",
                      "utt1service_access_request", "utt1service_audit", "utt1service_complaint",
                      "package", "resource"):
            conn.execute(sa.text(f'VACUUM ANALYZE "{table}"'))
    log(f"    data generated in {time.monotonic() - started:.0f} s")


# --- measuring -----------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[float, float, list[float]]:
    """Median wall time, median CPU time of this process (the app's Python
    work; PostgreSQL works in its own process), and the wall times."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu), times


SIZES = {"1M": 1_000_000, "4M": 4_000_000, "10M": 10_000_000}


def scaled(events: int) -> dict[str, int]:
    """The data set of a size: per million events 50,000 survey responses,
    10,000 access requests and 2,000 complaints (all over three years)."""
    return {"events": events, "surveys": events // 20, "requests": events // 100,
            "complaints": events // 500}


def size_events(size: str) -> int:
    size = size.strip().upper()
    if size in SIZES:
        return SIZES[size]
    if size.endswith("M"):
        return int(float(size[:-1]) * 1_000_000)
    if size.endswith("K"):
        return int(float(size[:-1]) * 1_000)
    return int(size)


def database_url(size: str) -> str:
    base = os.environ.get("CKAN_SQLALCHEMY_URL", "")
    if "/" not in base:
        sys.exit("set CKAN_SQLALCHEMY_URL to a database of the bench (make bench-report does)")
    return base.rsplit("/", 1)[0] + "/ckan_bench_report_" + size.lower().replace(".", "_")


ROWS = [
    # label, key, target (seconds)
    ("floor: SELECT count(*) over the events", "floor", None),
    ("(raw pass over one year's events, 1 group)", "raw", None),
    ("(CKAN's own /ckan-admin page, for scale)", "admin", None),
    ("(report page of FY 2568: no year before it)", "page_first", None),
    ("(report page, first view after a change)", "page_cold", None),
    ("report page (HTML, all tables)", "page", TARGETS["page"]),
    ("XLSX export", "xlsx", TARGETS["xlsx"]),
    ("PDF report", "pdf", TARGETS["pdf"]),
    ("publish the FY (build, PDF, XLSX, CSV, store)", "publish", TARGETS["publish"]),
    ("public page /service-reports (anonymous)", "public", TARGETS["public"]),
    ("(a published PDF, as stored)", "public_pdf", None),
]
#: bytes per event, all in (table, TOAST and every index)
BYTES_PER_EVENT = 200


def measure_one(args: argparse.Namespace) -> dict[str, Any]:
    """Generate (if needed) and measure one size; returns the figures."""
    data = scaled(size_events(args.size))
    url = os.environ["CKAN_SQLALCHEMY_URL"]
    log(f"==> database {url.rsplit('/', 1)[1]}: ckan db init, utt1service migrations")
    ckan_cli("db", "init")
    ckan_cli("db", "upgrade", "-p", "utt1service")

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(INI))
    app = make_app(config)
    flask_app = app._wsgi_app  # type: ignore[attr-defined]

    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    engine = model.meta.engine
    with engine.connect() as conn:
        present = conn.execute(sa.text("SELECT count(*) FROM utt1service_download_event")).scalar()
    if args.regenerate or present != data["events"]:
        log(f"==> generating: {data['events']:,} download events, {data['surveys']:,} survey responses, "
            f"{data['requests']:,} requests, {data['complaints']:,} complaints (FY 2567–2569)")
        generate(engine, data["events"], data["surveys"], data["requests"], data["complaints"])
    else:
        log(f"==> using the {present:,} download events already there (--regenerate to redo)")

    with flask_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        user = model.User.get("bench-sysadmin")
        if user is None:
            tk.get_action("user_create")(
                {"user": site["name"], "ignore_auth": True},
                {"name": "bench-sysadmin", "email": "bench@example.org", "password": "bench-password-1"},
            )
            user = model.User.get("bench-sysadmin")
            user.sysadmin = True
            model.Session.commit()
        token = tk.get_action("api_token_create")(
            {"user": site["name"], "ignore_auth": True}, {"user": "bench-sysadmin", "name": "bench"}
        )["token"]
    model.Session.remove()

    from werkzeug.test import Client

    client = Client(app)  # the whole WSGI stack, as a browser would reach it
    headers = {"Authorization": token}

    def get(path: str) -> bytes:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        return response.data

    def floor() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT count(*) FROM utt1service_download_event")).scalar()

    def raw_scan() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text(
                "SELECT channel, count(*) FROM utt1service_download_event WHERE counted AND NOT is_bot "
                "AND created >= '2025-10-01 00:00+07' AND created < '2026-10-01 00:00+07' GROUP BY 1"
            )).all()

    log("==> measuring (warm; medians)")
    load_before = os.getloadavg()[0]
    results, cpu = {}, {}
    results["floor"], cpu["floor"], _ = timed(floor, args.runs)
    results["raw"], cpu["raw"], _ = timed(raw_scan, 3)
    results["admin"], cpu["admin"], _ = timed(lambda: get("/ckan-admin/"), args.runs)
    page = f"/ckan-admin/service-report?fy={FY}"
    results["page"], cpu["page"], page_runs = timed(lambda: get(page), args.runs)
    # the first view after a request or complaint changed: the figures kept
    # under the data version (report/cache.py, issue 20) forgotten first; the
    # same as the warm page for code without that cache
    try:
        from ckanext.utt1service.report import cache as kept
    except ImportError:
        kept = None

    def page_cold() -> None:
        if kept is not None:
            kept.clear()
        get(page)

    results["page_cold"], cpu["page_cold"], _ = timed(page_cold, min(3, args.runs), 0)
    # the same two years' worth of activity with no year before them: what
    # the page costs without history (FY 2568 beside 2567, the first year)
    earlier = f"/ckan-admin/service-report?fy={FY - 1}"
    results["page_first"], cpu["page_first"], _ = timed(lambda: get(earlier), args.runs)
    xlsx_size = len(get(f"/ckan-admin/service-report/export/xlsx?fy={FY}"))
    results["xlsx"], cpu["xlsx"], _ = timed(
        lambda: get(f"/ckan-admin/service-report/export/xlsx?fy={FY}"), args.export_runs, 0)
    pdf_size = len(get(f"/ckan-admin/service-report/export/pdf?fy={FY}"))
    results["pdf"], cpu["pdf"], _ = timed(
        lambda: get(f"/ckan-admin/service-report/export/pdf?fy={FY}"), args.export_runs, 0)

    # Publication (issue 15): publish the whole office's FY report (build,
    # PDF, XLSX and CSV made once and stored), then the anonymous public page.
    def api(action: str, data: dict) -> Any:
        response = client.post(f"/api/3/action/{action}", data=json.dumps(data),
                               content_type="application/json", headers=headers)
        body = json.loads(response.data)
        if not body.get("success"):
            raise SystemExit(f"{action}: {body.get('error')}")
        return body["result"]

    for item in api("utt1service_report_publication_list", {}):
        api("utt1service_report_unpublish", {"id": item["id"], "reason": "bench: a new run"})
    published: list[str] = []

    def publish() -> None:
        if published:
            api("utt1service_report_unpublish", {"id": published.pop(), "reason": "bench"})
        published.append(api("utt1service_report_publish", {
            "fiscal_year": FY, "acknowledged_name": "นายทดสอบ ประสิทธิภาพ",
            "acknowledged_position": "ผู้อำนวยการ", "acknowledged_on": "2026-10-20",
            "complaint_improvements": "ปรับปรุงการค้นหา"})["id"])

    results["publish"], cpu["publish"], _ = timed(publish, args.export_runs, 0)

    def anonymous(path: str) -> None:
        response = client.get(path)  # no Authorization header: an anonymous visitor
        if response.status_code != 200:
            raise SystemExit(f"{path} (anonymous): HTTP {response.status_code}")

    results["public"], cpu["public"], public_runs = timed(
        lambda: anonymous("/service-reports"), args.runs)
    results["public_pdf"], cpu["public_pdf"], _ = timed(
        lambda: anonymous(f"/service-reports/{published[-1]}/pdf"), args.runs)
    prof = None
    if args.profile:
        log("==> profiling in process")
        with flask_app.test_request_context():
            prof = profile(get)
    load_after = os.getloadavg()[0]

    with engine.connect() as conn:
        counts = conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM utt1service_download_event) AS events,"
            " (SELECT count(*) FROM utt1service_report_download_month) AS months,"
            " (SELECT count(*) FROM utt1service_report_resource_month) AS resource_months,"
            " (SELECT count(*) FROM utt1service_survey_response) AS surveys,"
            " (SELECT count(*) FROM utt1service_access_request) AS requests,"
            " (SELECT count(*) FROM utt1service_complaint) AS complaints,"
            " pg_total_relation_size('utt1service_download_event')"
            " + coalesce(pg_total_relation_size(to_regclass('utt1service_download_target')), 0)"
            " AS event_bytes,"
            " pg_table_size('utt1service_download_event') AS event_table_bytes,"
            " coalesce(pg_total_relation_size(to_regclass('utt1service_download_target')), 0)"
            " AS target_bytes"
        )).one()
        indexes = conn.execute(sa.text(
            "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes"
            " WHERE relname = 'utt1service_download_event' ORDER BY 1"
        )).all()
    return {
        "size": args.size,
        "date": time.strftime("%Y-%m-%d"),
        "load": [load_before, load_after],
        "counts": dict(counts._mapping),
        "indexes": {name: int(size) for name, size in indexes},
        "wall": results,
        "cpu": cpu,
        "page_runs": page_runs,
        "public_runs": public_runs,
        "xlsx_bytes": xlsx_size,
        "pdf_bytes": pdf_size,
        "profile": prof,
    }


def profile(get: Callable[[str], bytes], runs: int = 3) -> dict[str, Any]:
    """Where the time of the page, the XLSX and the PDF goes, in process:
    every statement's time on the database connection (SQL) against the
    rest (Python: building the tables, the template, the writers), each of
    the report's queries on its own, and the PDF's HTML against Chromium's
    printing. Medians of ``runs`` warm runs."""
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.utt1service.common import pdf as common_pdf
    from ckanext.utt1service.report import build, export, queries
    from ckanext.utt1service.report import pdf as report_pdf

    sql = {"time": 0.0, "count": 0}

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        conn.info.setdefault("bench_t0", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        sql["time"] += time.perf_counter() - conn.info["bench_t0"].pop()
        sql["count"] += 1

    engine = model.meta.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)

    per_query: dict[str, list[float]] = {}
    originals = {}
    wrapped = [name for name in queries.__all__ if name not in ("Scope", "without_jit", "rebuild_download_counts")]

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed_query(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                per_query.setdefault(name, []).append(time.perf_counter() - t0)
        return timed_query

    for name in wrapped:
        originals[name] = getattr(queries, name)
        setattr(queries, name, wrap(name, originals[name]))
    original_levels = build._service_levels
    build._service_levels = wrap("(service levels action, per period)", original_levels)
    limit = tk.config.get("ckanext.utt1service.report_suggestions_listed")
    out: dict[str, Any] = {}

    def measure(label: str, fn: Callable[[], Any]) -> Any:
        walls, sqls, counts = [], [], []
        result = None
        for _ in range(runs + 1):  # the first one warms up
            sql["time"], sql["count"] = 0.0, 0
            t0 = time.perf_counter()
            result = fn()
            walls.append(time.perf_counter() - t0)
            sqls.append(sql["time"])
            counts.append(sql["count"])
            model.Session.rollback()
        out[label] = {"wall": statistics.median(walls[1:]), "sql": statistics.median(sqls[1:]),
                      "statements": counts[-1]}
        return result

    try:
        page = f"/ckan-admin/service-report?fy={FY}"
        measure("report page (the whole request)", lambda: get(page))
        with build.language("th"):
            report = measure("  of which: build (suggestions listed)",
                             lambda: build.build(FY, suggestion_limit=limit))
            # each query on its own: nothing kept (report/cache.py, issue 20)
            try:
                from ckanext.utt1service.report import cache as kept
            except ImportError:
                kept = None
            if kept is not None:
                original_version, kept.data_version = kept.data_version, lambda: None
            try:
                per_query.clear()
                measure("  build, nothing kept (first view after a change)",
                        lambda: build.build(FY, suggestion_limit=limit))
            finally:
                if kept is not None:
                    kept.data_version = original_version
            out["queries"] = {name: statistics.median(times[-runs:]) for name, times in per_query.items()}
        measure("XLSX (the whole request)", lambda: get(f"/ckan-admin/service-report/export/xlsx?fy={FY}"))
        with build.language("th"):
            full = measure("  of which: build (every suggestion)", lambda: build.build(FY))
            measure("  of which: XLSX writer", lambda: export.report_xlsx(full))
        measure("PDF (the whole request)", lambda: get(f"/ckan-admin/service-report/export/pdf?fy={FY}"))
        with build.language("th"):
            report["analysis"] = {}  # the action adds the staff's analysis to what build() returns
            html = measure("  of which: PDF HTML (charts, template)", lambda: report_pdf.html(report))
            measure("  of which: printing (Chromium)", lambda: common_pdf.render(html))
    finally:
        for name, fn in originals.items():
            setattr(queries, name, fn)
        build._service_levels = original_levels
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return out


def print_profile(figures: list[dict[str, Any]]) -> None:
    print()
    print("Profile, in process (median of warm runs): wall, of which SQL (time on the database connection)")
    head = f"{'part':<52}" + "".join(f"{f['size'] + ' wall':>12}{'SQL':>9}" for f in figures)
    print(head)
    for label in figures[0]["profile"]:
        if label == "queries":
            continue
        line = f"{label:<52}"
        for f in figures:
            part = f["profile"][label]
            line += f"{_ms(part['wall']):>12}{_ms(part['sql']):>9}"
        print(line)
    print(f"{'  the build (page) query by query:':<52}")
    for name in figures[0]["profile"]["queries"]:
        line = f"{'    ' + name:<52}"
        for f in figures:
            line += f"{_ms(f['profile']['queries'].get(name, 0.0)):>12}{'':>9}"
        print(line)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def report(figures: list[dict[str, Any]]) -> bool:
    """Print the sizes side by side with the growth factor; True when every
    goal is met at every size."""
    first, last = figures[0], figures[-1]
    print()
    print(f"Service report benchmark, FY {FY} beside {FY - 1} — {first['date']}, {platform.machine()}, "
          f"{os.cpu_count()} cores (other work on the machine slows the wall times)")
    for f in figures:
        c = f["counts"]
        print(f"  {f['size']:>4}: {c['events']:,} download events, {c['surveys']:,} survey responses, "
              f"{c['requests']:,} requests, {c['complaints']:,} complaints; load average "
              f"{f['load'][0]:.1f} before, {f['load'][1]:.1f} after")
    print()
    head = f"{'what (wall, median)':<44}" + "".join(f"{f['size']:>11}" for f in figures)
    if len(figures) > 1:
        head += f"{'growth':>9}"
    print(head + "  goal")
    failed = False
    for label, key, target in ROWS:
        line = f"{label:<44}" + "".join(f"{_ms(f['wall'][key]):>11}" for f in figures)
        if len(figures) > 1:
            line += f"{last['wall'][key] / first['wall'][key]:>8.1f}×"
        if target is not None:
            missed = [f["size"] for f in figures if f["wall"][key] > target]
            failed |= bool(missed)
            goal = f"≤ {target * 1000:.0f} ms" if target < 1 else f"≤ {target:.0f} s"
            line += f"  {goal} " + ("ok" if not missed else "MISSED at " + ", ".join(missed))
        print(line)
    line = f"{'bytes per event, all in (table + indexes)':<44}"
    for f in figures:
        line += f"{f['counts']['event_bytes'] / max(1, f['counts']['events']):>11.0f}"
    if len(figures) > 1:
        line += " " * 9
    missed = [f["size"] for f in figures
              if f["counts"]["event_bytes"] / max(1, f["counts"]["events"]) > BYTES_PER_EVENT]
    failed |= bool(missed)
    print(line + f"  ≤ {BYTES_PER_EVENT} " + ("ok" if not missed else "MISSED at " + ", ".join(missed)))
    for f in figures:
        parts = ", ".join(f"{name.replace('utt1service_download_event_', '')} "
                          f"{size / max(1, f['counts']['events']):.0f}"
                          for name, size in f["indexes"].items())
        table = f["counts"]["event_table_bytes"] / max(1, f["counts"]["events"])
        targets = f["counts"].get("target_bytes", 0)
        print(f"  {f['size']}: bytes per event: table {table:.0f}; indexes: {parts}; "
              f"files' targets (dataset, organization, topic; all in) {targets:,} bytes in all")
    for f in figures:
        print(f"  {f['size']}: page runs (ms): {', '.join(f'{t * 1000:.0f}' for t in f['page_runs'])}; "
              f"XLSX {f['xlsx_bytes'] / 1024:.0f} KiB, PDF {f['pdf_bytes'] / 1024:.0f} KiB; "
              f"public page runs (ms): {', '.join(f'{t * 1000:.0f}' for t in f['public_runs'])}")
    for f in figures:
        print(f"  {f['size']}: history factor (FY {FY} beside {FY - 1}, after a year of history, ÷ FY "
              f"{FY - 1} beside {FY - 2}, after none): {f['wall']['page'] / f['wall']['page_first']:.2f}")
    if all(f.get("profile") for f in figures):
        print_profile(figures)
    print("every goal met" if not failed else "goal NOT met (see MISSED above)")
    return not failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", default=["1M"],
                        help="data-set sizes in events (1M, 4M, 10M, …); each in its own database "
                             "ckan_bench_report_<size>, kept for later runs")
    parser.add_argument("--size", help=argparse.SUPPRESS)  # one size, in a child process
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=7, help="runs of the page (median)")
    parser.add_argument("--export-runs", type=int, default=3, help="runs of XLSX and PDF (median)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data even if present")
    parser.add_argument("--profile", action="store_true",
                        help="also time, in process, the SQL against the Python work of the page, "
                             "XLSX and PDF, and each query of the report")
    args = parser.parse_args()

    if args.size:  # the child: one size, in the database the parent chose
        figures = measure_one(args)
        pathlib.Path(args.json).write_text(json.dumps(figures))
        return

    sizes = [s.upper() for s in args.sizes]
    for size in sizes:
        size_events(size)  # refuses a size it cannot read
    figures = []
    for size in sizes:
        url = database_url(size)
        subprocess.run([str(ROOT / "bin" / "services"), "createdb", url.rsplit("/", 1)[1]],
                       check=True, stdout=subprocess.DEVNULL)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--size", size, "--json", out.name,
                       "--runs", str(args.runs), "--export-runs", str(args.export_runs)]
            if args.regenerate:
                command.append("--regenerate")
            if args.profile:
                command.append("--profile")
            log(f"==> size {size}")
            subprocess.run(command, check=True, env=dict(os.environ, CKAN_SQLALCHEMY_URL=url))
            figures.append(json.loads(pathlib.Path(out.name).read_text()))
    sys.exit(0 if report(figures) else 1)


if __name__ == "__main__":
    main()
