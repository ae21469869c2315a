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
    staff_badge = r'utt1-waiting-staff">\s*รอตรวจสอบหรือส่งมอบ: (\d+)'
    director_badge = r'utt1-waiting-director">\s*รอพิจารณาอนุมัติ: (\d+)'

    def badge(pattern: str, user: dict) -> "str | None":
        found = re.search(pattern, app.get("/dashboard/access-requests", headers=auth(user)).body)
        return found.group(1) if found else None

    assert badge(director_badge, w.director) == "1"
    assert badge(director_badge, w.staff) is None  # staff do not decide
    staff_before = int(badge(staff_badge, w.staff))
    assert staff_before >= 1
    move(w.staff, "check", w.requests["pending"]["id"])
    assert badge(director_badge, w.director) == "2"
    assert int(badge(staff_badge, w.staff)) == staff_before - 1
