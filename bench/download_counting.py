# -*- coding: utf-8 -*-
"""Benchmark: what does counting a download cost? (make bench-download-counting)

Runs the whole CKAN WSGI application in-process against the real PostgreSQL
and Redis of this checkout (its own database ``ckan_bench``) and downloads
one public uploaded CSV file many times — through the full request stack
(werkzeug test client, no sockets: on a shared 2-core machine socket
hand-offs between threads add scheduler noise larger than what is measured),
then once more over real HTTP with 8 concurrent clients for throughput:

* **off**     ckanext.utt1service.download_counting = false (the baseline)
* **on**      counting as shipped: visitor key + one Redis script (dedup and
              the event into the buffer); the buffer is written in batches
              of ``download_buffer_size`` by the download that fills it
              (that download's time is in the figures)
* **direct**  counting before issue 20's buffer (``download_buffer_size =
              0``): visitor key + Redis SET NX + one INSERT in the request

The modes take turns request by request, in a shuffled order each turn, so
that drift on a shared machine hits all of them alike. Prints the median and p95 per download, the ratio to the
baseline (goal ≤ 1.05×; exits 1 when missed), the events written once the buffer is
written (none may be lost), and the throughput with 8 concurrent clients.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import http.client
import io
import os
import platform
import random
import socket
import statistics
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: counting on ÷ counting off, median of a public download (issue 20)
TARGET = 1.05


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup_site(tk, model):
    """A sysadmin, an organization, a dataset and one uploaded CSV file."""
    from werkzeug.datastructures import FileStorage

    context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": "bench-download-counting"})
    except tk.ObjectNotFound:
        try:
            org = tk.get_action("organization_show")(dict(context), {"id": "bench-org"})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(context), {"name": "bench-org"})
        pkg = tk.get_action("package_create")(
            dict(context), {"name": "bench-download-counting", "owner_org": org["id"]}
        )
        content = ("school,students\n" + "".join(f"school {i},{i}\n" for i in range(2000))).encode()
        tk.get_action("resource_create")(
            dict(context),
            {
                "package_id": pkg["id"],
                "name": "students.csv",
                "url": "students.csv",
                "upload": FileStorage(io.BytesIO(content), "students.csv", content_type="text/csv"),
            },
        )
        pkg = tk.get_action("package_show")(dict(context), {"id": pkg["id"]})
    # in the index as a portal's datasets are: the Solr core (the test core) may
    # have been emptied since the dataset was made, and CKAN's package_show then
    # builds the dataset from the database at every download (twice as slow)
    from ckan.lib.search import rebuild

    rebuild(pkg["id"])
    return pkg, pkg["resources"][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1000, help="downloads per mode (default 1000)")
    parser.add_argument("--concurrent", type=int, default=400, help="downloads in the concurrent run")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(os.path.join(ROOT, "test.ini"))
    conf["ckan.site_id"] = "utt1service-bench"
    conf["ckan.storage_path"] = os.environ.get("BENCH_STORAGE", os.path.join(ROOT, ".local", "bench-storage"))
    os.makedirs(conf["ckan.storage_path"], exist_ok=True)
    app = make_app(conf)

    from werkzeug.serving import WSGIRequestHandler, make_server

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    class QuietHandler(WSGIRequestHandler):
        # TCP_NODELAY as production servers set it; without it Nagle's
        # algorithm and delayed ACKs add ~40 ms steps to every response
        disable_nagle_algorithm = True

        def log_request(self, *args, **kwargs):  # no access log in the timings
            pass

    from ckanext.utt1service.monitoring.model.download import DownloadEvent

    # (the database was migrated by `ckan db init/upgrade` beforehand, in
    # another process: alembic in this one would slow every request)
    with app._wsgi_app.test_request_context():
        pkg, res = _setup_site(tk, model)
        model.Session.query(DownloadEvent).delete()
        model.Session.commit()

    tk.config["ckanext.utt1service.trusted_proxies"] = 1
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = f"/dataset/{pkg['id']}/resource/{res['id']}/download/students.csv"
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

    from ckanext.utt1service.common import event_buffer

    buffer_size = tk.config.get("ckanext.utt1service.download_buffer_size")

    def set_mode(mode: str) -> None:
        tk.config["ckanext.utt1service.download_counting"] = mode != "off"
        tk.config["ckanext.utt1service.download_buffer_size"] = 0 if mode == "direct" else buffer_size

    def written_events() -> int:
        with app._wsgi_app.test_request_context():
            event_buffer.flush(wait=10)
            model.Session.remove()
            return model.Session.query(DownloadEvent).count()

    counter = iter(range(10**9))

    def headers() -> dict[str, str]:
        i = next(counter)  # a new visitor each time: every download is counted
        return {"User-Agent": ua, "X-Forwarded-For": f"10.{i // 65025 % 250}.{i // 255 % 255}.{i % 255 + 1}"}

    def one(conn: http.client.HTTPConnection) -> float:
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers())
        resp = conn.getresponse()
        body = resp.read()
        elapsed = time.perf_counter() - t0
        assert resp.status == 200 and body.startswith(b"school,students"), resp.status
        return elapsed

    from werkzeug.test import Client

    def one_wsgi() -> float:
        # a new browser each time too (no cookies), as the HTTP clients below
        # are: a visitor's first download, the common case. (Before, one
        # browser made every download, so its session cookie held five
        # remembered downloads and was read and written again each time.)
        t0 = time.perf_counter()
        resp = Client(app).get(path, headers=headers())
        body = resp.get_data()
        elapsed = time.perf_counter() - t0
        assert resp.status_code == 200 and body.startswith(b"school,students"), resp.status
        return elapsed

    load_before = os.getloadavg()[0]
    modes = ["off", "on", "direct"]
    times: dict[str, list[float]] = {m: [] for m in modes}
    set_mode("on")
    for _ in range(30):  # warm up: templates, caches, connection pool, CrawlerDetect regex
        one_wsgi()
    with app._wsgi_app.test_request_context():
        event_buffer.flush(wait=10)
        model.Session.query(DownloadEvent).delete()
        model.Session.commit()
    shuffler = random.Random(2569)
    for _turn in range(args.turns):
        order = list(modes)
        shuffler.shuffle(order)
        for mode in order:
            set_mode(mode)
            times[mode].append(one_wsgi())

    written = written_events()
    expected = 2 * args.turns  # on and direct write events

    # throughput with 8 concurrent clients, counting off vs on
    def concurrent_run(mode: str) -> float:
        set_mode(mode)

        def worker(n: int) -> None:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for _ in range(n):
                one(c)
            c.close()

        per = args.concurrent // 8
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(worker, [per] * 8))
        return per * 8 / (time.perf_counter() - t0)

    with app._wsgi_app.test_request_context():
        model.Session.query(DownloadEvent).delete()
        model.Session.commit()
    throughput = {m: concurrent_run(m) for m in ("off", "on")}
    written_concurrent = written_events()
    set_mode("on")
    server.shutdown()

    def ms(values: list[float], q: float) -> float:
        values = sorted(values)
        return 1000 * values[min(len(values) - 1, int(q * len(values)))]

    base = statistics.median(times["off"])
    print()
    print(f"Download counting benchmark — {datetime.date.today().isoformat()}, "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    print(f"public CSV download (40 kB) through the CKAN WSGI stack, {args.turns} downloads per mode, "
          "modes taking turns")
    print()
    print(f"{'mode':<34}{'median ms':>10}{'p95 ms':>9}{'× off':>8}")
    labels = {
        "off": "counting off (baseline)",
        "on": "counting on (buffered)",
        "direct": "before: INSERT in each request",
    }
    for mode in modes:
        med = statistics.median(times[mode])
        print(f"{labels[mode]:<34}{1000 * med:>10.2f}{ms(times[mode], 0.95):>9.2f}{med / base:>8.2f}")
    print()
    print(f"events written by on and direct (the buffer written at the end): {written} of {expected}"
          f"{'  (none lost)' if written == expected else '  LOST EVENTS'}; buffer size {buffer_size}")
    print(f"over HTTP, 8 concurrent clients, {args.concurrent // 8 * 8} downloads: "
          f"{throughput['off']:.0f}/s counting off, {throughput['on']:.0f}/s counting on; "
          f"events written {written_concurrent} of {args.concurrent // 8 * 8}")
    ratio = statistics.median(times["on"]) / base
    # how far the ratio moves with the turns drawn: the turns resampled
    # (paired, as they ran) 1,000 times; the verdict stays on the ratio itself
    draw = random.Random(2570)
    resampled = sorted(
        statistics.median([times["on"][i] for i in picks]) / statistics.median([times["off"][i] for i in picks])
        for picks in ([draw.randrange(args.turns) for _ in range(args.turns)] for _ in range(1000))
    )
    print(f"on ÷ off {ratio:.3f}; 95% of resampled turns give {resampled[25]:.3f}–{resampled[974]:.3f}")
    lost = written != expected or written_concurrent != args.concurrent // 8 * 8
    met = ratio <= TARGET and not lost
    # the last line says whether the goal was met, and the exit status agrees
    print(f"goal ≤ {TARGET:.2f}× and no event lost: {'met' if met else 'NOT met'} "
          f"({ratio:.2f}×{', events LOST' if lost else ''})")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
