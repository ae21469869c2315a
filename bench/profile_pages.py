# -*- coding: utf-8 -*-
"""What one request of each page of ``make bench-load`` costs, counted, not
timed: the extension beside stock CKAN (make bench-profile).

Wall time on a shared 2-core machine swings by 2× from one minute to the
next; what a request *does* does not. For the dataset page, the Thai search
page, the Big Data page (stock: its home page) and a public download, this
serves each request in-process through CKAN's WSGI application (the same
``ckan.ini`` as ``make bench-load``, and the same file with
``ckan.plugins = activity text_view image_view`` for stock CKAN, each in a
process of its own) and counts per request:

* SQL statements (SQLAlchemy's ``before_cursor_execute``, every engine:
  CKAN's, the DataStore's, the counting's own pool);
* requests to Solr and other HTTP services (``requests``' ``Session.send``);
* Redis round trips (``Connection.send_packed_command``);
* Python CPU time of the process (``time.process_time``: what the scheduler
  gave this process, much less sensitive to other programs than wall time),
  the median of ``--repeat`` requests after two warm-up requests;
* with ``--profile``: cProfile's top functions (cumulative) of one request.

    make bench-profile
    .venv/bin/python bench/profile_pages.py --repeat 20 --profile dataset
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pathlib
import pstats
import re
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from load import SEARCH_WORD, USER_AGENT, stock_ini  # noqa: E402

#: requests of a page under cProfile (its figures are the sum over them)
PROFILED = 5


def targets(app: Any) -> dict[str, str]:
    """The same pages as ``make bench-load`` (the first dataset with a public
    uploaded file)."""
    import urllib.parse

    import ckan.plugins.toolkit as tk

    flask_app = app
    while not hasattr(flask_app, "test_request_context"):
        flask_app = getattr(flask_app, "_wsgi_app", None) or flask_app.app
    with flask_app.test_request_context():
        context = {"ignore_auth": True}
        for name in sorted(tk.get_action("package_list")(context, {})):
            pkg = tk.get_action("package_show")(context, {"id": name})
            for res in pkg.get("resources", []):
                if res.get("url_type") == "upload" and res.get("access_level", "public") == "public":
                    filename = res["url"].rsplit("/", 1)[-1]
                    return {
                        "dataset page": f"/dataset/{name}",
                        "search page": "/dataset/?q=" + urllib.parse.quote(SEARCH_WORD),
                        "Big Data page": "/bigdata",
                        "public download": f"/dataset/{pkg['id']}/resource/{res['id']}/download/{filename}",
                        "home page": "/",
                    }
    sys.exit("no dataset with a public uploaded file in the dev data (run bin/setup)")


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def service_pids() -> dict[str, list[int]]:
    """The processes of this checkout's Solr and PostgreSQL (their CPU per
    request counts: on one machine they share the cores with CKAN)."""
    found: dict[str, list[int]] = {"solr": [], "postgres": []}
    local = pathlib.Path(os.environ.get("UTT1_LOCAL", ROOT / ".local"))
    try:
        found["solr"].append(int((local / "solr" / "solr.pid").read_text().split()[0]))
    except (OSError, ValueError):
        pass
    try:
        postmaster = int((local / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return found
    found["postgres"].append(postmaster)
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                found["postgres"].append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class Counters:
    def __init__(self) -> None:
        self.sql = 0
        self.http = 0
        self.redis = 0
        self.solr_ms = 0
        self.statements: list[str] = []
        self.keep = False

    def install(self) -> None:
        import requests
        import sqlalchemy as sa
        from redis.connection import Connection

        counters = self

        @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
        def _count(conn, cursor, statement, parameters, context, executemany):
            counters.sql += 1
            if counters.keep:
                counters.statements.append(" ".join(statement.split())[:160])

        send = requests.Session.send

        def counted_send(session, request, **kwargs):
            counters.http += 1
            if counters.keep:
                counters.statements.append("HTTP " + request.url[:160])
            response = send(session, request, **kwargs)
            qtime = re.search(rb'"QTime":\s*(\d+)', response.content[:300])
            if qtime:
                counters.solr_ms += int(qtime.group(1))
            return response

        requests.Session.send = counted_send
        packed = Connection.send_packed_command

        def counted_packed(conn, command, check_health=True):
            counters.redis += 1
            return packed(conn, command, check_health)

        Connection.send_packed_command = counted_packed

    def snapshot(self) -> tuple[int, int, int, int]:
        return self.sql, self.http, self.redis, self.solr_ms


def serve(ini: str, repeat: int, profile: str, show_sql: str) -> dict[str, Any]:
    from logging.config import fileConfig

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    fileConfig(ini, disable_existing_loggers=False)
    import logging

    logging.disable(logging.WARNING)
    app = make_app(load_config(ini))
    counters = Counters()
    counters.install()
    from werkzeug.test import Client

    client = Client(app, use_cookies=False)  # as wrk: no cookies kept
    pages = targets(app)
    out: dict[str, Any] = {}
    # as wrk sends them (no Accept-Encoding: nothing is compressed)
    headers = {"User-Agent": USER_AGENT}
    for name, path in pages.items():
        if name == "Big Data page" and "stock" in ini:
            path = "/"

        def one() -> int:
            response = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.9"})
            body = b"".join(response.response) if hasattr(response, "response") else response.data
            response.close()
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            return len(body)

        one()
        one()
        sql, http, redis, cpu, wall, solr = [], [], [], [], [], []
        pids = service_pids()
        services_before = {k: _cpu_of(v) for k, v in pids.items()}
        for i in range(repeat):
            before = counters.snapshot()
            counters.keep = i == 0 and any(w and w in name.lower() for w in show_sql.lower().split(","))
            t, w = time.process_time(), time.perf_counter()
            size = one()
            cpu.append((time.process_time() - t) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
            counters.keep = False
            after = counters.snapshot()
            sql.append(after[0] - before[0])
            http.append(after[1] - before[1])
            redis.append(after[2] - before[2])
            solr.append(after[3] - before[3])
        services = {k: (_cpu_of(pids[k]) - services_before[k]) * 1000 / repeat for k in pids}
        prof = cProfile.Profile()
        prof.enable()
        one()
        prof.disable()
        calls = pstats.Stats(prof).total_calls
        row = {"path": path, "calls": calls, "solr_cpu_ms": services["solr"], "pg_cpu_ms": services["postgres"], "bytes": size, "sql": statistics.median(sql), "http": statistics.median(http),
               "redis": statistics.median(redis), "cpu_ms": statistics.median(cpu),
               "cpu_min_ms": min(cpu), "wall_ms": statistics.median(wall), "solr_ms": statistics.median(solr)}
        if any(w and w in name.lower() for w in profile.lower().split(",")):
            prof = cProfile.Profile()
            for _ in range(PROFILED):
                prof.enable()
                one()
                prof.disable()
            keep = ROOT / ".local" / "bench-profile"
            keep.mkdir(parents=True, exist_ok=True)
            prof.dump_stats(str(keep / f"{'stock' if 'stock' in ini else 'ext'}-{name.replace(' ', '-')}.prof"))
            text = io.StringIO()
            stats = pstats.Stats(prof, stream=text).sort_stats("cumulative")
            stats.print_stats(60)
            text.write("\n--- by own time ---\n")
            stats.sort_stats("tottime").print_stats(30)
            row["profile"] = text.getvalue()
        if counters.statements:
            row["statements"] = counters.statements
            counters.statements = []
        out[name] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="requests per page measured (default 10)")
    parser.add_argument("--profile", default="", help="print cProfile of the pages whose name contains this")
    parser.add_argument("--sql", default="", help="list the statements of one request of these pages")
    parser.add_argument("--only", default="", help="only ext or stock")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(args.serve, args.repeat, args.profile, args.sql), ensure_ascii=False))
        return
    ini = pathlib.Path(os.environ.get("CKAN_INI", ROOT / "ckan.ini"))
    results = {}
    for variant, path in (("stock", stock_ini(ini)), ("ext", ini)):
        if args.only and args.only != variant:
            continue
        print(f"==> {variant}: {path}", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, __file__, "--serve", str(path), "--repeat", str(args.repeat),
                               "--profile", args.profile, "--sql", args.sql],
                              check=True, capture_output=True, text=True)
        results[variant] = json.loads(done.stdout.strip().splitlines()[-1])
    for variant, rows in results.items():
        for name, row in rows.items():
            if "profile" in row:
                print(f"\n===== {variant} {name} =====\n{row['profile']}")
            if "statements" in row:
                print(f"\n===== {variant} {name}: statements of one request =====")
                print("\n".join(row["statements"]))
    print(f"\nPer request, in-process (median of {args.repeat}; load average {os.getloadavg()[0]:.1f})")
    print(f"{'page':<16} {'':>5} {'SQL':>5} {'HTTP':>5} {'Redis':>5} {'calls':>8} {'CPU ms':>8} {'min':>7} {'Solr CPU':>8} {'PG CPU':>7} {'wall ms':>8} {'bytes':>8}")
    names = next(iter(results.values())).keys()
    for name in names:
        for variant in results:
            row = results[variant].get(name)
            if row:
                print(f"{name:<16} {variant:>5} {row['sql']:>5g} {row['http']:>5g} {row['redis']:>5g} "
                      f"{row['calls']:>8,} {row['cpu_ms']:>8.1f} {row['cpu_min_ms']:>7.1f} {row['solr_cpu_ms']:>8.1f} "
                      f"{row['pg_cpu_ms']:>7.1f} {row['wall_ms']:>8.1f} "
                      f"{row['bytes']:>8,}")


if __name__ == "__main__":
    main()
