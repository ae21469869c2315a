# -*- coding: utf-8 -*-
"""Load test: the portal with this extension beside stock CKAN (make bench-load).

Serves the dev data (``ckan.ini``, database ``ckan_dev``, Solr core ``ckan``)
twice with gunicorn, as the Docker image serves it (the ckan-base image runs
uWSGI with 2 processes, ``-p 2``; here gunicorn with as many sync workers):

* **ext**:   ``ckan.ini`` as it is (utt1service, scheming, activity, views);
* **stock**: the same file with ``ckan.plugins = activity text_view image_view``
  (``.local/bench-load/stock.ini``): the same database, the same Solr core,
  CKAN's own templates and schema.

Then drives each with wrk (Debian's ``wrk`` package; a C load generator, so
that the client takes little of the 2 cores) on four pages, at 1, 8 and 32
concurrent clients: a dataset page, the Thai search page, the Big Data page
(stock CKAN has none: its home page stands in for it) and the download of a
public uploaded file. The two servers take turns (stock first in one round,
ext first in the next), so that load from other programs hits both alike.

Prints requests/s and p50/p95/p99 per page, the ratio ext ÷ stock of the
requests/s (goal ≥ 0.9 everywhere) and the errors (goal 0), with the load
average of the machine. The last line says whether the goals were met; the
exit status is 1 when one was missed.

    make bench-load
    make bench-load BENCH_ARGS="--duration 20 --rounds 3"
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV = pathlib.Path(os.environ.get("VENV", ROOT / ".venv"))
LOCAL = pathlib.Path(os.environ.get("UTT1_LOCAL", ROOT / ".local"))
OUT = LOCAL / "bench-load"

#: the plugins of stock CKAN: what the portal has without this extension
STOCK_PLUGINS = "activity text_view image_view"
#: what the Docker image runs: ckan-base's start_ckan.sh starts uWSGI with -p 2
DOCKER_WORKERS = 2
GOAL_RATIO = 0.9
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0 Safari/537.36")
SEARCH_WORD = "นักเรียน"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_average() -> float:
    return os.getloadavg()[0]


# --- servers ---------------------------------------------------------------------


def stock_ini(ini: pathlib.Path) -> pathlib.Path:
    """``ckan.ini`` with the stock plugin list (everything else the same)."""
    text = ini.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^ckan\.plugins\s*=.*$", f"ckan.plugins = {STOCK_PLUGINS}", text)
    if n != 1:
        sys.exit(f"{ini}: no single ckan.plugins line")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "stock.ini"
    path.write_text(text, encoding="utf-8")
    return path


class Server:
    def __init__(self, name: str, ini: pathlib.Path, port: int, workers: int):
        self.name, self.ini, self.port, self.workers = name, ini, port, workers
        self.base = f"http://127.0.0.1:{port}"
        self.process: Optional[subprocess.Popen] = None
        self.log_path = LOCAL / "log" / f"bench-load-{name}.log"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CKAN_INI=str(self.ini))
        command = [
            str(VENV / "bin" / "gunicorn"), "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}", "--pythonpath", str(ROOT / "bench"),
            "--timeout", "120", "--graceful-timeout", "10", "wsgi:application",
        ]
        self.process = subprocess.Popen(
            command, env=env, stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                sys.exit(f"{self.name}: gunicorn exited, see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/api/3/action/status_show", timeout=10) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        sys.exit(f"{self.name}: not ready after {timeout:.0f} s, see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)  # gunicorn's arbiter stops its workers
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def api(self, action: str, **params: Any) -> Any:
        status, body = self.get(f"/api/3/action/{action}?" + urllib.parse.urlencode(params))
        if status != 200:
            sys.exit(f"{self.name}: {action} answered {status}")
        return json.loads(body)["result"]


def pick_targets(server: Server, dataset: Optional[str]) -> dict[str, dict[str, str]]:
    """The pages to load: {endpoint: {"ext": path, "stock": path}}."""
    names = sorted(server.api("package_list"))
    if dataset:
        names = [dataset]
    for name in names:
        pkg = server.api("package_show", id=name)
        for res in pkg.get("resources", []):
            if res.get("url_type") == "upload" and res.get("access_level", "public") == "public":
                filename = res["url"].rsplit("/", 1)[-1]
                download = f"/dataset/{pkg['id']}/resource/{res['id']}/download/{filename}"
                search = "/dataset/?q=" + urllib.parse.quote(SEARCH_WORD)
                return {
                    "dataset page": {"ext": f"/dataset/{name}", "stock": f"/dataset/{name}"},
                    "search page": {"ext": search, "stock": search},
                    "Big Data page": {"ext": "/bigdata", "stock": "/"},
                    "public download": {"ext": download, "stock": download},
                }
    sys.exit("no dataset with a public uploaded file in the dev data (run bin/setup)")


# --- wrk -------------------------------------------------------------------------


def wrk(url: str, clients: int, seconds: float) -> dict[str, Any]:
    command = [
        "wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds:g}s",
        "--timeout", "60s", "-H", f"User-Agent: {USER_AGENT}",
        "-s", str(ROOT / "bench" / "wrk-report.lua"), url,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("{")), None)
    if line is None:
        sys.exit(f"wrk gave no report for {url}:\n{out}")
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["error_count"] = sum(result["errors"].values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per run (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="runs per server, page and clients (default 2)")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients (default 1,8,32)")
    parser.add_argument("--workers", type=int, default=DOCKER_WORKERS,
                        help=f"gunicorn workers per server (default {DOCKER_WORKERS}, as the Docker image)")
    parser.add_argument("--dataset", help="the dataset page to load (default: the first with a public upload)")
    parser.add_argument("--only", help="only the endpoints whose name contains this text")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CKAN_PORT", 5000)) + 20)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]

    ini = pathlib.Path(os.environ.get("CKAN_INI", ROOT / "ckan.ini"))
    if not ini.exists():
        sys.exit(f"{ini} not found: run bin/setup first (make bench-load does)")
    servers = {
        "ext": Server("ext", ini, args.port, args.workers),
        "stock": Server("stock", stock_ini(ini), args.port + 1, args.workers),
    }
    started = datetime.datetime.now()
    load_start = load_average()
    log(f"==> gunicorn, {args.workers} sync workers each: ext on :{args.port}, stock on :{args.port + 1}")
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait()
        targets = pick_targets(servers["stock"], args.dataset)
        if args.only:
            targets = {k: v for k, v in targets.items() if args.only.lower() in k.lower()}
        log("==> checking every page once on both")
        for endpoint, paths in targets.items():
            for variant, server in servers.items():
                status, body = server.get(paths[variant])
                if status != 200:
                    sys.exit(f"{variant} {paths[variant]}: HTTP {status}")
                log(f"    {variant:<5} {endpoint:<16} {paths[variant]}  ({len(body):,} bytes)")
        log("==> warming up (3 s per page and server)")
        for endpoint, paths in targets.items():
            for variant, server in servers.items():
                wrk(server.base + paths[variant], 2, 3)

        runs: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
        cell = 0
        for n in clients:
            for endpoint, paths in targets.items():
                for round_ in range(args.rounds):
                    order = ("stock", "ext") if (cell + round_) % 2 == 0 else ("ext", "stock")
                    for variant in order:
                        result = wrk(servers[variant].base + paths[variant], n, args.duration)
                        result["load"] = load_average()
                        runs.setdefault((endpoint, n, variant), []).append(result)
                        log(f"    {endpoint:<16} {n:>2} clients  {variant:<5} {result['rps']:7.1f} req/s"
                            f"  p50 {result['p50_us'] / 1000:6.1f} ms  errors {result['error_count']}"
                            f"  load {result['load']:.1f}")
                cell += 1
    finally:
        for server in servers.values():
            server.stop()
    load_end = load_average()

    def mean(key: str, results: list[dict[str, Any]]) -> float:
        return statistics.mean(r[key] for r in results)

    print()
    print(f"Load test, gunicorn {args.workers} sync workers per server (as the Docker image's uWSGI -p 2), "
          f"wrk, {args.duration:g} s × {args.rounds} rounds per cell — {started:%Y-%m-%d %H:%M}, "
          f"{platform.machine()}, {os.cpu_count()} cores, load average {load_start:.1f} at the start, "
          f"{load_end:.1f} at the end")
    print("requests/s: mean of the rounds; p50/p95/p99 in ms: mean of the rounds' percentiles")
    print()
    header = (f"{'page':<16}{'clients':>8}  {'stock req/s':>11} {'p50':>6} {'p95':>6} {'p99':>6}"
              f"  {'ext req/s':>9} {'p50':>6} {'p95':>6} {'p99':>6}  {'ratio':>6} {'errors':>7} {'load':>5}")
    print(header)
    misses = []
    table = []
    for n in clients:
        for endpoint in targets:
            s, e = runs[(endpoint, n, "stock")], runs[(endpoint, n, "ext")]
            ratio = mean("rps", e) / mean("rps", s)
            errors = sum(r["error_count"] for r in s + e)
            load = statistics.mean(r["load"] for r in s + e)
            ok = ratio >= GOAL_RATIO and errors == 0
            if not ok:
                misses.append(f"{endpoint} at {n} ({ratio:.2f}×, {errors} errors)")
            row = {"page": endpoint, "clients": n, "ratio": round(ratio, 3), "errors": errors, "load": round(load, 1)}
            for variant, rs in (("stock", s), ("ext", e)):
                row[variant] = {"rps": round(mean("rps", rs), 1),
                                **{p: round(mean(f"{p}_us", rs) / 1000, 1) for p in ("p50", "p95", "p99")}}
            table.append(row)
            print(f"{endpoint:<16}{n:>8}  {row['stock']['rps']:>11.1f} {row['stock']['p50']:>6.0f} "
                  f"{row['stock']['p95']:>6.0f} {row['stock']['p99']:>6.0f}  {row['ext']['rps']:>9.1f} "
                  f"{row['ext']['p50']:>6.0f} {row['ext']['p95']:>6.0f} {row['ext']['p99']:>6.0f}  "
                  f"{ratio:>5.2f}× {errors:>7} {load:>5.1f}{'' if ok else '  MISSED'}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"started": started.isoformat(), "load_start": load_start, "load_end": load_end,
             "workers": args.workers, "duration": args.duration, "rounds": args.rounds, "rows": table},
            ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    if misses:
        print(f"Goal (≥ {GOAL_RATIO}× stock requests/s, 0 errors) NOT met: {'; '.join(misses)}")
        sys.exit(1)
    print(f"Goal (≥ {GOAL_RATIO}× stock requests/s, 0 errors) met on every page at {args.clients} clients")


if __name__ == "__main__":
    main()
