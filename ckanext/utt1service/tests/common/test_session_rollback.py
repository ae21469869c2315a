# -*- coding: utf-8 -*-
"""One failing request never breaks the next ones (issue 11, part 1).

The portal is served here the way production serves it: CKAN's own error
pages (not the test mode that lets exceptions through), by a real HTTP server
with ONE thread, so every request runs on the same thread and would inherit a
database session left in a failed transaction by the request before it.
"""
from __future__ import annotations

import threading
import types

import pytest
import requests
from werkzeug.serving import make_server

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.tests.access_requests.conftest import build_world

HUGE = "99999999999999999999"


@pytest.fixture(scope="module")
def world(_session_plugins, reset_db, migrate_db_for, reset_index) -> types.SimpleNamespace:
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")
    reset_index()
    w = build_world(("pending",))
    w.office = factories.Organization(
        name="office-org", users=[{"name": w.staff["name"], "capacity": "editor"}]
    )
    model.Session.remove()
    return w


@pytest.fixture(scope="module")
def server(world):
    """The production app (CKAN's error pages) on a one-thread HTTP server."""
    from ckan.config import middleware

    saved_context = middleware._internal_test_request_context
    saved_testing = tk.config.get("testing")
    tk.config["testing"] = False
    tk.config["ckanext.utt1service.office_organization"] = "office-org"
    try:
        wsgi = middleware.make_app(tk.config)
    finally:
        tk.config["testing"] = saved_testing
        middleware._internal_test_request_context = saved_context
    assert not wsgi._wsgi_app.testing  # CKAN's error handlers are in place
    httpd = make_server("127.0.0.1", 0, wsgi, threaded=False)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    tk.config.pop("ckanext.utt1service.office_organization", None)


def get(server: str, path: str, user=None, **headers: str) -> requests.Response:
    if user is not None:
        headers["Authorization"] = user["token"]
    return requests.get(server + path, headers=headers, timeout=60, allow_redirects=False)


def the_next_requests_work(server: str, w: types.SimpleNamespace) -> None:
    """What other people do next, on the same server thread."""
    status = get(server, "/api/3/action/status_show")
    assert status.status_code == 200, status.text[:300]
    assert status.json()["success"] is True
    mine = get(server, "/dashboard/access-requests", w.requesters["pending"])
    assert mine.status_code == 200, mine.text[:300]
    assert w.requests["pending"]["reference"] in mine.text
    home = get(server, "/dataset/")
    assert home.status_code == 200


@pytest.mark.parametrize(
    "who, path",
    [
        ("stranger", f"/dashboard/access-requests?page={HUGE}"),
        ("staff", f"/complaint/register?page={HUGE}"),
        ("staff", f"/survey/responses?page={HUGE}"),
        ("staff", f"/organization/access-requests/{{org}}?page={HUGE}"),
        ("sysadmin", f"/ckan-admin/access-requests?page={HUGE}"),
    ],
)
def test_a_huge_page_number_is_a_page_and_breaks_nothing(server, world, who, path):
    w = world
    answer = get(server, path.format(org=w.org["name"]), getattr(w, who))
    assert answer.status_code == 200
    the_next_requests_work(server, w)


def _poison(where: str) -> None:
    """Fail like a bad statement does: the transaction is aborted."""
    import flask

    if flask.request.headers.get("X-Test-Fail") == where:
        model.Session.execute("SELECT 1/0")


@pytest.fixture()
def failing(monkeypatch):
    """Requests that carry ``X-Test-Fail: <where>`` fail there."""
    real_mark = downloads.mark_channel_from_request

    def mark() -> None:
        _poison("before_request")
        real_mark()

    monkeypatch.setattr(downloads, "mark_channel_from_request", mark)

    real_count = downloads.download_count

    def count(*args, **kwargs):
        _poison("view")
        return real_count(*args, **kwargs)

    monkeypatch.setattr(downloads, "download_count", count)

    import ckan.lib.base as base

    real_render = base.render

    def render(template_name, *args, **kwargs):
        if template_name == "error_document_template.html":
            _poison("error_page")
        return real_render(template_name, *args, **kwargs)

    monkeypatch.setattr(base, "render", render)


@pytest.mark.parametrize(
    "where, path",
    [
        # a hook of the extension that runs before every request
        ("before_request", "/dataset/"),
        # a view (the dataset page counts the downloads)
        ("view", "/dataset/{dataset}"),
        # the error page itself, for a 404
        ("error_page", "/access-request/no-such-request"),
    ],
)
def test_a_request_that_fails_anywhere_leaves_the_next_ones_working(
    server, world, failing, where, path
):
    w = world
    failed = get(server, path.format(dataset=w.dataset["name"]), w.staff, **{"X-Test-Fail": where})
    assert failed.status_code == 500
    if where != "error_page":
        # CKAN's own error page (drawn on a rolled-back session), not a bare one
        assert tk.config["ckan.site_title"] in failed.text
    the_next_requests_work(server, w)


def test_a_download_whose_count_fails_is_served_and_leaves_nothing_open(
    server, world, monkeypatch
):
    """The download events have their own connections (common/event_buffer.py):
    a write of the events that fails never stops the file, leaves no
    connection checked out nor any transaction open, and loses no event:
    it stays buffered until a write succeeds."""
    import sqlalchemy as sa

    w = world
    tried = []
    real_sql = event_buffer._insert_sql

    def failing_sql():
        tried.append(True)
        return sa.text("SELECT * FROM utt1service_no_such_table")

    # every download writes the buffer at once, and that write fails
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_buffer_size", 1)
    monkeypatch.setattr(event_buffer, "_insert_sql", failing_sql)
    url = f"/dataset/{w.dataset['id']}/resource/{w.public['id']}/download/summary.csv"
    waiting = event_buffer.pending()
    served = get(server, url, w.staff, **{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"})
    assert served.status_code == 200
    assert served.content == w.public_bytes
    assert tried  # (the event was tried, and failed)
    assert event_buffer.event_engine().pool.checkedout() == 0
    assert event_buffer.pending() == waiting + 1
    def events_of_the_file() -> int:
        return model.Session.query(DownloadEvent).filter(
            DownloadEvent.resource_id == w.public["id"]).count()

    stored = events_of_the_file()
    monkeypatch.setattr(event_buffer, "_insert_sql", real_sql)
    assert event_buffer.flush() == waiting + 1
    assert event_buffer.pending() == 0
    assert events_of_the_file() == stored + 1
    the_next_requests_work(server, w)
