# -*- coding: utf-8 -*-
"""Benchmark: page weight and requests of the portal's main pages on a phone
(390 px, Chromium), first and repeat visit, with the extension's cache
lifetimes and compression (common/speed.py) side by side with CKAN's own
policy (every asset "max-age=0, must-revalidate", nothing compressed) in
the same run.

    make bench-pages          # or: .venv/bin/python bench/page_weight.py

It serves the development portal (ckan.ini, demo data: `make dev` or
`bin/setup`) in-process over real HTTP and measures with the Chrome DevTools
protocol: bytes transferred (headers and bodies as sent) and requests that
went to the network (304 answers included; files taken from the browser's
cache are not requests). Goal (issue 13): the dataset page's repeat visit on
a phone transfers at most 400 kB.
"""
from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import socket
import sys
import threading

from werkzeug.serving import make_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL_REPEAT_DATASET = 400 * 1000
PHONE = {"width": 390, "height": 844}
CHROMIUM = os.environ.get("UTT1_CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(browser, base: str, path: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(bytes, requests) of a first visit and of a repeat visit of ``path``
    in a fresh browser profile (the repeat in a new tab of the same one)."""
    context = browser.new_context(base_url=base, viewport=PHONE, locale="th-TH")
    results = []
    for _visit in range(2):
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen = {"bytes": 0, "requests": 0, "cached": set()}
        cdp.on("Network.requestServedFromCache", lambda e: seen["cached"].add(e["requestId"]))

        def received(event, seen=seen):
            response = event["response"]
            if response.get("fromDiskCache") or response.get("fromPrefetchCache") \
                    or not response.get("url", "").startswith("http"):
                seen["cached"].add(event["requestId"])

        cdp.on("Network.responseReceived", received)

        def finished(event, seen=seen):
            if event["requestId"] not in seen["cached"]:
                seen["bytes"] += int(event.get("encodedDataLength", 0))
                seen["requests"] += 1

        cdp.on("Network.loadingFinished", finished)
        page.goto(path, wait_until="networkidle")
        results.append((seen["bytes"], seen["requests"]))
        page.close()
    context.close()
    return results[0], results[1]


def _first_public_resource(dataset: str) -> str:
    """The id of the dataset's first file that is not restricted (its page
    shows the preview and the download button)."""
    import ckan.model as model

    package = model.Package.get(dataset)
    for resource in package.resources:
        if (resource.extras or {}).get("access_level") != "restricted":
            return resource.id
    return package.resources[0].id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", default=os.environ.get("CKAN_INI", os.path.join(ROOT, "ckan.ini")))
    parser.add_argument("--dataset", default="students-individual-2568")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(args.ini)
    app = make_app(config)
    for name in ("ckan", "ckanext", "werkzeug"):
        logging.getLogger(name).setLevel(logging.WARNING)
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app

    from ckanext.utt1service.common.speed import SpeedMiddleware

    middleware = flask_app.wsgi_app
    while not isinstance(middleware, SpeedMiddleware):
        middleware = getattr(middleware, "app", None)
        if middleware is None:
            print("the speed middleware is not installed (is utt1service among ckan.plugins?)")
            return 1
    ours = (middleware.asset_max_age, middleware.static_max_age, middleware.compress)

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = {
        "home /": "/",
        "search /dataset/": "/dataset/",
        "dataset": f"/dataset/{args.dataset}",
        "resource": f"/dataset/{args.dataset}/resource/{_first_public_resource(args.dataset)}",
        "log in": "/user/login",
    }

    from playwright.sync_api import sync_playwright

    figures = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        for label, settings in (("CKAN's policy", (0, 0, False)), ("utt1service", ours)):
            middleware.asset_max_age, middleware.static_max_age, middleware.compress = settings
            for name, path in pages.items():
                figures[(label, name)] = measure(browser, base, path)
        browser.close()
    server.shutdown()

    print(f"Page weight on a phone (390 px), {datetime.date.today()}, {platform.node()} "
          f"({os.cpu_count()} CPUs), Chromium, demo data of ckan.ini")
    print(f"{'page':<22} {'':<14} {'first visit':>22} {'repeat visit':>22}")
    for name in pages:
        for label in ("CKAN's policy", "utt1service"):
            (b1, r1), (b2, r2) = figures[(label, name)]
            print(f"{name:<22} {label:<14} {b1 / 1000:>9.0f} kB {r1:>3} req. {b2 / 1000:>9.0f} kB {r2:>3} req.")
    repeat = figures[("utt1service", "dataset")][1][0]
    if repeat > GOAL_REPEAT_DATASET:
        print(f"MISSED: dataset page, repeat visit {repeat / 1000:.0f} kB > goal {GOAL_REPEAT_DATASET / 1000:.0f} kB")
        return 1
    print(f"goal met: dataset page, repeat visit {repeat / 1000:.0f} kB <= {GOAL_REPEAT_DATASET / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
