# -*- coding: utf-8 -*-
"""Each role's queue and dashboard count show what waits for that role."""
from __future__ import annotations

import re

import pytest

from .conftest import auth, move, submit

pytestmark = pytest.mark.usefixtures("clean_queues")


@pytest.mark.world("pending", "approved")
def test_each_role_sees_what_waits_for_them(world, app):
    """Staff check submitted requests, the director approves checked ones:
    the queue opens on, and the dashboard counts, what waits for each."""
    w = world
    checked = submit(w.stranger, w.dataset, [w.restricted["id"]])
    move(w.staff, "check", checked["id"])
    url = f"/organization/access-requests/{w.org['name']}"
    rows = lambda body: re.findall(r'utt1-queue-row" data-id="([^"]+)"', body)  # noqa: E731
    assert rows(app.get(url, headers=auth(w.staff)).body) == [w.requests["pending"]["id"]]
    assert rows(app.get(url, headers=auth(w.director)).body) == [checked["id"]]
    assert len(rows(app.get(url, query_string={"state": "all"}, headers=auth(w.director)).body)) == 3
    badge = r'คำขอที่รอพิจารณา\s*<span class="badge[^"]*">\s*(\d+)<'
    assert re.search(badge, app.get("/dashboard/access-requests", headers=auth(w.director)).body).group(1) == "1"
    assert re.search(badge, app.get("/dashboard/access-requests", headers=auth(w.staff)).body).group(1) == "1"
    move(w.staff, "check", w.requests["pending"]["id"])
    assert re.search(badge, app.get("/dashboard/access-requests", headers=auth(w.director)).body).group(1) == "2"
    assert re.search(badge, app.get("/dashboard/access-requests", headers=auth(w.staff)).body).group(1) == "0"
