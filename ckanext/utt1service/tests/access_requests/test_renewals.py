# -*- coding: utf-8 -*-
"""Grants that end well (issue 19, part 6): the requester is told once
before the access ends, asks for a renewal from the request page (a new
request filled in from the original, linked to it, checked and approved
like any request), and staff extend or shorten a grant with a reason."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.access_requests import notify
from ckanext.utt1service.access_requests.model import AccessGrant, AccessRequest
from ckanext.utt1service.common import thaidate

from .conftest import as_user, auth, expire_grants, move, text

pytestmark = pytest.mark.usefixtures("clean_queues")

UTC = dt.timezone.utc


def ends_in(request_id: str, days: float) -> None:
    end = dt.datetime.now(UTC) + dt.timedelta(days=days)
    for grant in model.Session.query(AccessGrant).filter(AccessGrant.request_id == request_id):
        grant.expires_at = end
    model.Session.commit()


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def digests(w, **data):
    return helpers.call_action("utt1service_request_send_digests",
                               context=as_user(w.sysadmin), **data)


@pytest.mark.world("approved")
def test_the_requester_is_told_once_before_the_access_ends(world, smtp_server):
    w = world
    req = w.requests["approved"]
    requester = w.requesters["approved"]
    ends_in(req["id"], 20)  # beyond the 7 days of the notice
    assert digests(w)["expiry_notices"] == 0
    ends_in(req["id"], 5)
    assert digests(w)["expiry_notices"] == 1
    tomorrow = (thaidate.to_bangkok(dt.datetime.now(UTC)).date() + dt.timedelta(days=1))
    assert digests(w, day=tomorrow.isoformat())["expiry_notices"] == 0  # once
    notify.flush_pending()
    [notice] = [m for m in smtp_server.to(requester["email"]) if "ใกล้สิ้นสุด" in m["Subject"]]
    body = smtp_server.text(notice)
    assert "โปรดขอต่ออายุที่หน้าคำขอ" in body and f"/access-request/{req['id']}" in body
    # a new end of access: a new notice before it
    until = (thaidate.to_bangkok(dt.datetime.now(UTC)).date() + dt.timedelta(days=3))
    move(w.staff, "change_grant", req["id"], expires_on=until.isoformat(), comment="สั้นลง")
    assert digests(w, day=tomorrow.isoformat())["expiry_notices"] == 1


@pytest.mark.world("approved")
def test_the_renewal_chain(world, app, smtp_server):
    w = world
    original = w.requests["approved"]
    requester = w.requesters["approved"]
    expire_grants(original["id"])
    page = app.get(f"/access-request/{original['id']}", headers=auth(requester))
    assert "ขอต่ออายุ" in page.body and "วิจัยในชั้นเรียน" in page.body  # prefilled
    sent = app.post(f"/access-request/{original['id']}/renew", headers=auth(requester),
                    data={"_csrf_token": csrf(page.body), "comment": "ต้องใช้ต่ออีกภาคเรียน",
                          "data_wanted": "จำนวนนักเรียนรายบุคคล", "intended_use": "วิจัยต่อเนื่อง",
                          "consent": "true"},
                    follow_redirects=True)
    assert "ส่งคำขอต่ออายุ" in text(sent)
    [renewal] = model.Session.query(AccessRequest).filter(
        AccessRequest.renewal_of == original["id"]).all()
    assert renewal.state == "submitted" and renewal.reference != original["reference"]
    assert renewal.intended_use == "วิจัยต่อเนื่อง" and renewal.agency == "โรงเรียนบ้านหนองแก"
    assert renewal.user_id == requester["id"]
    shown = text(app.get(f"/access-request/{renewal.id}", headers=auth(w.staff)))
    assert f"ต่ออายุจากคำขอ {original['reference']}" in shown
    assert "ต้องใช้ต่ออีกภาคเรียน" in shown  # the reason, in the history
    first = text(app.get(f"/access-request/{original['id']}", headers=auth(requester)))
    assert f"ต่ออายุโดยคำขอ {renewal.reference}" in first
    with pytest.raises(tk.ValidationError):  # one renewal at a time
        move(requester, "renew", original["id"], comment="อีกครั้ง", consent=True)

    # checked and approved like any request: the files come back
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    assert app.get(url, headers=auth(requester)).status_code == 403
    move(w.staff, "check", renewal.id)
    move(w.director, "approve", renewal.id)
    assert app.get(url, headers=auth(requester)).status_code == 200


@pytest.mark.world("approved")
def test_who_may_renew_and_what(world):
    w = world
    req = w.requests["approved"]
    for user in (w.staff, w.stranger):
        with pytest.raises(tk.NotAuthorized):
            move(user, "renew", req["id"], comment="ขอต่อ", consent=True)
    with pytest.raises(tk.ValidationError):  # a reason is required
        move(w.requesters["approved"], "renew", req["id"], consent=True)
    move(w.director, "revoke", req["id"], comment="ผิดพลาด")
    with pytest.raises(tk.ValidationError) as refused:
        move(w.requesters["approved"], "renew", req["id"], comment="ขอต่อ", consent=True)
    assert "ยื่นคำขอใหม่" in str(refused.value.error_dict) or "new request" in str(
        refused.value.error_dict)


@pytest.mark.world("approved")
def test_staff_extend_or_shorten_a_grant_with_a_reason(world, app, smtp_server):
    w = world
    req = w.requests["approved"]
    requester = w.requesters["approved"]
    today = thaidate.to_bangkok(dt.datetime.now(UTC)).date()
    later = today + dt.timedelta(days=60)
    changed = move(w.director, "change_grant", req["id"], expires_on=later.isoformat(),
                   comment="ขยายเวลาให้ครบภาคเรียน")
    [res] = changed["resources"]
    assert thaidate.to_bangkok(res["granted_until"]).date() == later + dt.timedelta(days=1)
    assert thaidate.to_bangkok(res["granted_until"]).hour == 0  # the end of the Bangkok day
    [event] = [e for e in changed["audit"] if e["action"] == "change_grant"]
    assert event["comment"] == "ขยายเวลาให้ครบภาคเรียน" and event["data"]["from"]
    notify.flush_pending()
    mail = smtp_server.to(requester["email"])[-1]
    assert "ขยายเวลาให้ครบภาคเรียน" in smtp_server.text(mail)

    # shortened to today: still today, not after
    move(w.staff, "change_grant", req["id"], expires_on=today.isoformat(), comment="สั้นลง")
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    assert app.get(url, headers=auth(requester)).status_code == 200
    with pytest.raises(tk.ValidationError) as refused:
        move(w.staff, "change_grant", req["id"],
             expires_on=(today - dt.timedelta(days=1)).isoformat(), comment="อดีต")
    assert "expires_on" in refused.value.error_dict
    with pytest.raises(tk.ValidationError):  # a reason is required
        move(w.staff, "change_grant", req["id"], expires_on=later.isoformat())
    for user in (requester, w.stranger):
        with pytest.raises(tk.NotAuthorized):
            move(user, "change_grant", req["id"], expires_on=later.isoformat(), comment="x")
    page = text(app.get(f"/access-request/{req['id']}", headers=auth(w.staff)))
    assert "ขยายหรือลดระยะเวลาสิทธิ์" in page and "เปลี่ยนวันสิ้นสุดสิทธิ์" in page


@pytest.mark.world("approved")
def test_a_renewal_asks_for_consent_again_and_records_it(world, app):
    w = world
    original = w.requests["approved"]
    requester = w.requesters["approved"]
    expire_grants(original["id"])
    before = model.Session.get(AccessRequest, original["id"]).consent_at

    # the form shows the PDPA notice and a box to tick (not ticked)
    page = app.get(f"/access-request/{original['id']}", headers=auth(requester))
    form = re.search(r'<section class="utt1-renew.*?</section>', page.body, re.S).group(0)
    assert "ข้อมูลส่วนบุคคล (PDPA)" in form and "วัตถุประสงค์" in form
    box = re.search(r'<input[^>]*name="consent"[^>]*>', form).group(0)
    assert "required" in box and "checked" not in box

    # without the consent: refused, by the action and by the form, no renewal
    with pytest.raises(tk.ValidationError) as refused:
        move(requester, "renew", original["id"], comment="ขอต่อ")
    assert "consent" in refused.value.error_dict
    sent = app.post(f"/access-request/{original['id']}/renew", headers=auth(requester),
                    data={"_csrf_token": csrf(page.body), "comment": "ขอต่อ"},
                    follow_redirects=True)
    assert "โปรดให้ความยินยอม" in text(sent)
    assert not model.Session.query(AccessRequest).filter(
        AccessRequest.renewal_of == original["id"]).count()

    # with it: recorded now, on the renewal, with today's retention period
    app.post(f"/access-request/{original['id']}/renew", headers=auth(requester),
             data={"_csrf_token": csrf(page.body), "comment": "ขอต่อ", "consent": "true"})
    renewal = model.Session.query(AccessRequest).filter(
        AccessRequest.renewal_of == original["id"]).one()
    assert renewal.consent_at > before
    assert renewal.consent_method is None  # given by the requester online, not taken over
    shown = helpers.call_action("utt1service_request_show", context=as_user(w.staff), id=renewal.id)
    [created] = [e for e in shown["audit"] if e["action"] == "create"]
    assert created["data"]["consent_at"] and created["data"]["consent_retention_days"]
