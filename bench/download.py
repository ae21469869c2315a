# -*- coding: utf-8 -*-
"""Benchmark: downloading a 1 MB restricted file as an approved requester,
side by side with the same file as a public resource (same user, same
bytes), through the whole CKAN stack over real HTTP.

    make bench-download-restricted          # or: .venv/bin/python bench/download.py

It uses the development portal's database (ckan.ini), creates its own
organization, users, dataset and approved request, and purges them at the
end. The two downloads are interleaved in random order, so drift of a busy
machine hits both alike.
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import random
import socket
import statistics
import sys
import threading
import time
import uuid

import requests
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", default=os.environ.get("CKAN_INI", os.path.join(ROOT, "ckan.ini")))
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--size", type=int, default=1024 * 1024, help="file size in bytes")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(args.ini)
    app = make_app(config)
    logging.getLogger("ckan").setLevel(logging.WARNING)
    logging.getLogger("ckanext").setLevel(logging.WARNING)
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tag = uuid.uuid4().hex[:8]
    payload = os.urandom(args.size)

    with flask_app.test_request_context():
        site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
                "ignore_auth": True}

        def act(action, **data):
            return tk.get_action(action)(dict(site), data)

        requester = act("user_create", name=f"bench-requester-{tag}", email=f"r-{tag}@bench.localhost",
                        password=uuid.uuid4().hex, fullname="Bench Requester")
        director = act("user_create", name=f"bench-director-{tag}", email=f"d-{tag}@bench.localhost",
                       password=uuid.uuid4().hex, fullname="Bench Director")
        org = act("organization_create", name=f"bench-org-{tag}", title="Benchmark",
                  users=[{"name": director["name"], "capacity": "admin"}])
        dataset = act("package_create", name=f"bench-dataset-{tag}", title=f"Benchmark {tag}",
                      owner_org=org["id"])

        def upload(name, level):
            return act("resource_create", package_id=dataset["id"], url=name, name=name,
                       access_level=level,
                       upload=FileStorage(io.BytesIO(payload), name, content_type="application/octet-stream"))

        restricted = upload("restricted.bin", "restricted")
        public = upload("public.bin", "public")
        token = act("api_token_create", user=requester["name"], name="bench")["token"]
        as_requester = {"user": requester["name"]}
        as_director = {"user": director["name"]}
        request = tk.get_action("utt1service_request_create")(dict(as_requester), {
            "package_id": dataset["id"], "resource_ids": [restricted["id"]],
            "first_name": "Bench", "surname": "Requester", "position": "-", "agency": "-",
            "agency_type": "other",
            "data_wanted": "-", "intended_use": "benchmark", "delivery_channel": "download",
            "phone": "0812345678", "consent": True,
        })
        tk.get_action("utt1service_request_check")(dict(as_director), {"id": request["id"]})
        tk.get_action("utt1service_request_approve")(dict(as_director), {"id": request["id"]})
        model.Session.remove()

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    urls = {
        "public": f"{base}/dataset/{dataset['id']}/resource/{public['id']}/download/public.bin",
        "restricted": f"{base}/dataset/{dataset['id']}/resource/{restricted['id']}/download/restricted.bin",
    }
    headers = {"Authorization": token}
    times: dict[str, list[float]] = {"public": [], "restricted": []}
    try:
        stranger = requests.get(urls["restricted"])
        assert stranger.status_code == 403 and payload not in stranger.content, "not restricted!"
        for i in range(args.warmup + args.rounds):
            order = list(urls)
            random.shuffle(order)
            for kind in order:
                t0 = time.perf_counter()
                response = requests.get(urls[kind], headers=headers)
                elapsed = time.perf_counter() - t0
                assert response.status_code == 200 and response.content == payload, kind
                if i >= args.warmup:
                    times[kind].append(elapsed)
    finally:
        server.shutdown()
        # (core logs a harmless error when a purged dataset is re-indexed)
        logging.getLogger("ckan.model.modification").setLevel(logging.CRITICAL)
        with flask_app.test_request_context():
            act("dataset_purge", id=dataset["id"])
            from ckanext.utt1service.access_requests.model import AccessRequest
            from ckanext.utt1service.common.model import AuditEvent

            model.Session.query(AuditEvent).filter(AuditEvent.object_id == request["id"]).delete()
            model.Session.query(AccessRequest).filter(AccessRequest.id == request["id"]).delete()
            model.Session.commit()
            act("group_purge", id=org["id"])
            for user in (requester, director):
                act("user_delete", id=user["id"])
            model.Session.commit()

    pub = statistics.median(times["public"]) * 1000
    res = statistics.median(times["restricted"]) * 1000

    def p90(values):
        return sorted(values)[int(len(values) * 0.9)] * 1000

    print()
    print(f"Download of a {args.size / 1024 / 1024:.0f} MB file, {args.rounds} rounds "
          f"(+{args.warmup} warm-up), {platform.node()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"{'':32} {'median ms':>10} {'p90 ms':>10}")
    print(f"{'public (baseline)':32} {pub:10.1f} {p90(times['public']):10.1f}")
    print(f"{'restricted, approved requester':32} {res:10.1f} {p90(times['restricted']):10.1f}")
    ratio = res / pub
    print(f"{'ratio restricted / public':32} {ratio:10.2f}x   (target <= 1.25x)")
    return 0 if ratio <= 1.25 else 1


if __name__ == "__main__":
    sys.exit(main())
