# -*- coding: utf-8 -*-
"""Acting approvers (issue 19, part 3): the director names a member of the
staff (ผู้รักษาราชการแทน) for a range of Bangkok days; during it, and only
then, that person approves, rejects and revokes; every decision records
"acting for …" and the requester's e-mail says who decided."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.common import acting, authz

from .conftest import as_user, auth, move, run_jobs, text

pytestmark = pytest.mark.usefixtures("clean_queues")

UTC = dt.timezone.utc


def at(monkeypatch, *args: int) -> None:
    """Judge appointments at this UTC moment."""
    moment = dt.datetime(*args, tzinfo=UTC)
    monkeypatch.setattr(acting, "now", lambda: moment)


def appoint(w, by=None, **fields):
    data = dict(owner_org=w.org["id"], user=w.staff["name"], starts_on="2026-12-10",
                ends_on="2026-12-12", comment="ไปราชการต่างจังหวัด")
    data.update(fields)
    return helpers.call_action("utt1service_acting_approver_create",
                               context=as_user(by or w.director), **data)


@pytest.mark.parametrize("moment, acting_now", [
    ((2026, 12, 9, 16, 59, 59), False),   # 9 Dec 23:59:59 in Bangkok
    ((2026, 12, 9, 17, 0, 0), True),      # 10 Dec 00:00 in Bangkok: the first day
    ((2026, 12, 12, 16, 59, 59), True),   # 12 Dec 23:59:59 in Bangkok: the last day
    ((2026, 12, 12, 17, 0, 0), False),    # 13 Dec 00:00 in Bangkok
])
def test_the_range_holds_from_the_first_to_the_last_bangkok_day(world, monkeypatch, moment,
                                                                acting_now):
    w = world
    appoint(w)
    at(monkeypatch, *moment)
    assert authz.may_decide(w.staff["name"], w.org["id"]) is acting_now
    assert authz.is_director(w.staff["name"], w.org["id"]) is False  # (no other right)
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    if acting_now:
        assert move(w.staff, "approve", req["id"])["state"] == "approved"
    else:
        with pytest.raises(tk.NotAuthorized):
            move(w.staff, "approve", req["id"])


def test_a_decision_records_for_whom_and_the_mail_says_who_decided(world, app, monkeypatch,
                                                                   smtp_server):
    w = world
    appoint(w)
    at(monkeypatch, 2026, 12, 11, 3, 0, 0)
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    move(w.staff, "reject", req["id"], comment="ข้อมูลส่วนบุคคล")
    run_jobs()
    rejected = smtp_server.to(w.requesters["pending"]["email"])[-1]
    body = smtp_server.text(rejected)
    assert "ผู้พิจารณา: เจ้าหน้าที่ งานข้อมูล รักษาราชการแทน ผู้อำนวยการ กลุ่มนโยบายและแผน" in body
    assert ("Decided by เจ้าหน้าที่ งานข้อมูล, acting for ผู้อำนวยการ กลุ่มนโยบายและแผน."
            in body)
    shown = helpers.call_action("utt1service_request_show", context=as_user(w.director),
                                id=req["id"])
    [decision] = [e for e in shown["audit"] if e["action"] == "reject"]
    assert decision["data"]["acting_for_name"] == "ผู้อำนวยการ กลุ่มนโยบายและแผน"
    page = text(app.get(f"/access-request/{req['id']}", headers=auth(w.director)))
    assert "รักษาราชการแทน ผู้อำนวยการ กลุ่มนโยบายและแผน" in page


def test_the_director_deciding_is_named_without_acting(world, smtp_server):
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    move(w.director, "approve", req["id"])
    run_jobs()
    body = smtp_server.text(smtp_server.to(w.requesters["pending"]["email"])[-1])
    assert "ผู้พิจารณา: ผู้อำนวยการ กลุ่มนโยบายและแผน" in body
    assert "รักษาราชการแทน" not in body


def test_revoking_and_ending_early(world, monkeypatch):
    w = world
    appointment = appoint(w)
    at(monkeypatch, 2026, 12, 10, 2, 0, 0)
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    move(w.director, "approve", req["id"])
    assert move(w.staff, "revoke", req["id"], comment="ผิดพลาด")["state"] == "closed"
    helpers.call_action("utt1service_acting_approver_end", context=as_user(w.director),
                        id=appointment["id"], comment="กลับมาแล้ว")
    at(monkeypatch, 2026, 12, 10, 3, 0, 0)
    assert authz.may_decide(w.staff["name"], w.org["id"]) is False
    listed = helpers.call_action("utt1service_acting_approver_list", context=as_user(w.staff),
                                 owner_org=w.org["name"])["results"]
    assert listed[0]["ended_at"] and not listed[0]["active"]


def test_who_may_name_whom(world):
    w = world
    with pytest.raises(tk.NotAuthorized):
        appoint(w, by=w.staff)
    with pytest.raises(tk.ValidationError) as refused:
        appoint(w, user=w.stranger["name"])  # not of the organization's staff
    assert "user" in refused.value.error_dict
    with pytest.raises(tk.ValidationError) as refused:
        appoint(w, starts_on="2026-12-12", ends_on="2026-12-10")
    assert "ends_on" in refused.value.error_dict
    made = appoint(w, by=w.sysadmin, for_user=w.director["name"])
    assert made["for_display_name"] == "ผู้อำนวยการ กลุ่มนโยบายและแผน"


def test_the_director_names_one_on_the_queue_page(world, app, monkeypatch):
    w = world
    queue = app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.director))
    assert "ผู้รักษาราชการแทนระหว่างที่ผู้อำนวยการไม่อยู่" in queue.body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', queue.body).group(1)
    posted = app.post(f"/organization/access-requests/{w.org['name']}/acting",
                      data={"_csrf_token": token, "user": w.staff["name"],
                            "starts_on": "2026-12-10", "ends_on": "2026-12-12"},
                      headers=auth(w.director), follow_redirects=True)
    assert posted.status_code == 200
    assert "รักษาราชการแทนในการอนุมัติ ตั้งแต่ 10 ธันวาคม 2569 ถึง 12 ธันวาคม 2569" in text(posted)
    staff_queue = app.get(f"/organization/access-requests/{w.org['name']}",
                          headers=auth(w.staff))
    assert "ผู้รักษาราชการแทนระหว่างที่ผู้อำนวยการไม่อยู่" not in staff_queue.body
