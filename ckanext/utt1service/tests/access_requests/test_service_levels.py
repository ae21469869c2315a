# -*- coding: utf-8 -*-
"""Service levels (issue 19, part 1): the due date of the step a request
waits in, late and due-soon marks in words on the queue and the request
page, each role's dashboard count of what waits for it and how much is
late, and the statistics the service report reads."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.access_requests import service_levels
from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.model import AuditEvent

from .conftest import FORM, as_user, auth, move, text

pytestmark = pytest.mark.usefixtures("clean_queues")

UTC = dt.timezone.utc


def days_ago(n: float) -> dt.datetime:
    return dt.datetime.now(UTC) - dt.timedelta(days=n)


def set_times(request_id: str, **columns: dt.datetime) -> None:
    request = model.Session.get(AccessRequest, request_id)
    for key, value in columns.items():
        setattr(request, key, value)
    model.Session.commit()


def on_behalf(w, **fields):
    """A request staff record for someone who phoned (in the queue at once)."""
    return helpers.call_action(
        "utt1service_request_create_on_behalf", context=as_user(w.staff),
        **dict(FORM, package_id=w.dataset["id"], resource_ids=[w.restricted["id"]],
               intake_channel="phone", consent_method="phone", **fields))


def test_due_dates_count_bangkok_days_from_the_step_start(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_check", 3)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_overall", 15)
    # received 2026-12-01 00:30 in Bangkok (still 30 Nov in UTC)
    received = dt.datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    request = AccessRequest(state="submitted", delivery_channel="download",
                            submitted_at=received, state_since=received, created=received)
    on_time = service_levels.status(request, today=dt.date(2026, 12, 4))
    assert on_time.step == "check" and on_time.waiting_for == "staff"
    assert on_time.step_due == dt.date(2026, 12, 4)
    assert on_time.overall_due == dt.date(2026, 12, 16)
    assert (on_time.late, on_time.due_soon, on_time.days_left) == (False, True, 0)
    late = service_levels.status(request, today=dt.date(2026, 12, 6))
    assert (late.late, late.days_late, late.due_soon) == (True, 2, False)
    early = service_levels.status(request, today=dt.date(2026, 12, 1))
    assert (early.late, early.due_soon, early.days_left) == (False, False, 3)


def test_working_days_skip_weekends_and_the_configured_holidays(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.service_working_days", True)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.holidays", "2026-12-07 2026-12-10")
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_decision", 3)
    checked = dt.datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # Friday
    request = AccessRequest(state="checked", delivery_channel="paper",
                            submitted_at=checked, state_since=checked, created=checked)
    found = service_levels.status(request, today=dt.date(2026, 12, 14))
    assert found.step == "decision" and found.waiting_for == "director"
    assert found.step_due == dt.date(2026, 12, 11)
    assert found.days_late == 1  # Monday 14 is the first working day after Friday 11


def test_only_what_waits_for_the_office_has_a_due_date():
    now = dt.datetime.now(UTC)
    for state, channel, step in [
        ("approved", "email", "delivery"), ("approved", "paper", "delivery"),
        ("approved", "download", None), ("returned", "download", None),
        ("delivered", "email", None), ("unconfirmed", "download", None),
    ]:
        request = AccessRequest(state=state, delivery_channel=channel, submitted_at=now,
                                state_since=now, created=now)
        found = service_levels.status(request)
        assert (found.step if found else None) == step, (state, channel)


def test_the_queue_and_the_request_page_say_late_and_due_soon_in_words(world, app, ckan_config,
                                                                       monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_check", 3)
    w = world
    late = w.requests["pending"]
    set_times(late["id"], submitted_at=days_ago(5), state_since=days_ago(5))
    soon = on_behalf(w, first_name="ใกล้", surname="กำหนด")
    set_times(soon["id"], submitted_at=days_ago(2.9), state_since=days_ago(2.9))
    queue = text(app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff)))
    assert "เกินกำหนด 2 วัน" in queue
    assert "ใกล้ครบกำหนด" in queue
    assert "ตรวจสอบโดยเจ้าหน้าที่ · รอเจ้าหน้าที่" in queue
    page = text(app.get(f"/access-request/{late['id']}", headers=auth(w.staff)))
    assert "เกินกำหนด 2 วัน" in page
    english = text(app.get(f"/en/access-request/{late['id']}", headers=auth(w.staff)))
    assert "Late by 2 days" in english and "Check by the staff" in english
    # the requester is not shown the office's deadlines
    mine = text(app.get(f"/access-request/{late['id']}", headers=auth(w.requesters["pending"])))
    assert "เกินกำหนด" not in mine


def test_each_role_counts_what_waits_for_it_and_how_much_is_late(world, app):
    w = world
    first = w.requests["pending"]
    move(w.staff, "check", first["id"])  # now waits for the director
    set_times(first["id"], state_since=days_ago(9), submitted_at=days_ago(10))
    on_behalf(w, first_name="ก", surname="ข")
    staff = helpers.call_action("utt1service_request_waiting", context=as_user(w.staff))
    assert staff["staff"]["count"] == 1 and staff["staff"]["late"] == 0
    assert staff["director"]["count"] == 0 and staff["decides"] is False
    director = helpers.call_action("utt1service_request_waiting", context=as_user(w.director))
    assert director["director"] == {"count": 1, "late": 1, "due_soon": 0, "escalated": 1}
    stranger = helpers.call_action("utt1service_request_waiting", context=as_user(w.stranger))
    assert stranger["staff"]["count"] == 0 and stranger["director"]["count"] == 0

    dashboard = text(app.get("/dashboard/datasets", headers=auth(w.director)))
    assert "รอพิจารณาอนุมัติ: 1, เกินกำหนด 1" in dashboard
    dashboard = text(app.get("/dashboard/datasets", headers=auth(w.staff)))
    assert "รอตรวจสอบหรือส่งมอบ: 1" in dashboard
    assert "รอพิจารณาอนุมัติ" not in dashboard


def test_the_statistics_of_a_fiscal_year_for_the_report(world, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_check", 3)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_decision", 5)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_overall", 15)
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    move(w.director, "approve", req["id"])
    received = days_ago(12)
    set_times(req["id"], submitted_at=received)
    for event in model.Session.query(AuditEvent).filter(AuditEvent.object_id == req["id"]):
        if event.action == "check":
            event.created = days_ago(7)  # 5 days to check: late
        elif event.action == "approve":
            event.created = days_ago(4)  # 3 days to decide: on time
    model.Session.commit()
    fiscal_year = thaidate.fiscal_year_of(received)
    stats = helpers.call_action("utt1service_request_service_levels",
                                context=as_user(w.director), owner_org=w.org["name"],
                                fiscal_year=fiscal_year)
    assert stats["received"] == 1
    assert stats["steps"]["check"]["count"] == 1
    assert stats["steps"]["check"]["late"] == 1 and stats["steps"]["check"]["median_days"] == 5
    assert stats["steps"]["decision"]["on_time"] == 1
    assert stats["steps"]["overall"]["count"] == 1 and stats["steps"]["overall"]["late"] == 0
    assert stats["steps"]["overall"]["median_days"] == 8
    assert stats["targets"]["check"] == 3

    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("utt1service_request_service_levels", context=as_user(w.staff),
                            owner_org=w.org["id"])
    with pytest.raises(tk.NotAuthorized):  # the whole office: sysadmins only
        helpers.call_action("utt1service_request_service_levels", context=as_user(w.director))
    whole = helpers.call_action("utt1service_request_service_levels",
                                context=as_user(w.sysadmin))
    assert whole["received"] >= 1
