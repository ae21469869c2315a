# -*- coding: utf-8 -*-
"""E-mails of the workflow through real background jobs (RQ on Redis, a
burst worker) to a real local SMTP server; and the anonymous requester's
confirmation and private tracking link."""
from __future__ import annotations

import datetime
import re

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.utt1service.access_requests import notify
from ckanext.utt1service.access_requests.model import AccessRequest, RequestMail
from ckanext.utt1service.common import thaidate

from .conftest import FORM, as_user, auth, move, run_jobs, send_mail_command, submit

pytestmark = pytest.mark.usefixtures("clean_queues")


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def test_every_step_mails_the_right_people_in_thai_then_english(world, smtp_server):
    w = world
    requester = w.requesters["pending"]
    req = w.requests["pending"]
    run_jobs()
    [received] = smtp_server.to(requester["email"])
    assert received["Subject"].startswith("เราได้รับคำขอใช้ข้อมูล")
    assert "/ We received your data request" in received["Subject"]
    body = smtp_server.text(received)
    assert body.index("เรียน") < body.index("-- English --") < body.index("Hello")
    assert f"/access-request/{req['id']}" in body
    [new] = smtp_server.to(w.staff["email"])  # staff = the editors
    assert req["reference"] in new["Subject"]
    assert "ผู้ขอ pending" in smtp_server.text(new)
    assert smtp_server.to(w.director["email"]) == []
    assert smtp_server.to(w.member["email"]) == []

    move(w.staff, "check", req["id"], comment="เอกสารครบ")
    run_jobs()
    [to_director] = smtp_server.to(w.director["email"])
    assert "เอกสารครบ" in smtp_server.text(to_director)
    assert len(smtp_server.to(requester["email"])) == 2  # "checked"

    move(w.director, "approve", req["id"])
    run_jobs()
    approved = smtp_server.to(requester["email"])[-1]
    text = smtp_server.text(approved)
    assert "อนุมัติ" in approved["Subject"] and "approved" in approved["Subject"]
    # the mail gives the day in Bangkok time (already tomorrow after 17:00 UTC)
    expires = thaidate.to_bangkok(
        datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).date()
    assert f"{expires.year + 543}" in text  # Buddhist Era in Thai ...
    assert f"{expires.day} " in text and str(expires.year) in text  # ... Gregorian in English
    assert "นักเรียนรายบุคคล.csv" in text
    # the satisfaction survey about this request, with its token
    assert "ประเมินความพึงพอใจ" in text
    assert re.search(rf"/survey/?\?request_id={req['id']}&(amp;)?token=\S+", text)
    assert all(m.state == "sent" for m in model.Session.query(RequestMail))


def test_the_requester_gets_the_reason_of_a_rejection(world, smtp_server):
    w = world
    move(w.director, "reject", w.requests["pending"]["id"], comment="เป็นข้อมูลส่วนบุคคลของนักเรียน")
    run_jobs()
    rejected = smtp_server.to(w.requesters["pending"]["email"])[-1]
    assert "ไม่ได้รับอนุมัติ" in rejected["Subject"]
    assert "เป็นข้อมูลส่วนบุคคลของนักเรียน" in smtp_server.text(rejected)


def test_smtp_down_the_request_is_saved_and_the_mail_goes_out_later(
    world, app, smtp_server, monkeypatch, cli
):
    w = world
    import ckan.plugins.toolkit as tk

    working = tk.config["smtp.server"]
    run_jobs()  # the world's own mail
    sent_before = len(smtp_server.messages)

    # The SMTP server is down (nothing listens on its port).
    monkeypatch.setitem(tk.config, "smtp.server", "127.0.0.1:9")
    requester = w.requesters["pending"]
    helpers.call_action("utt1service_request_withdraw", context=as_user(requester),
                        id=w.requests["pending"]["id"])
    req = submit(requester, w.dataset, [w.restricted["id"]], intended_use="ครั้งที่สอง")
    assert req["state"] == "submitted"
    run_jobs()
    assert len(smtp_server.messages) == sent_before
    waiting = model.Session.query(RequestMail).filter(RequestMail.state == "pending").all()
    assert {m.kind for m in waiting} == {"received", "new"}
    assert all(m.attempts == 1 and m.last_error for m in waiting)
    # The request is in the queue, and staff see that its mail is waiting.
    page = app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff))
    assert req["reference"] in page.body
    assert "utt1-mail-warning" in page.body

    # The server is back and a retry is due. Staff opening the queue send
    # nothing (a page view is no mail timer); cron's send-mail does, once.
    monkeypatch.setitem(tk.config, "smtp.server", working)
    for m in model.Session.query(RequestMail).filter(RequestMail.state == "pending"):
        m.next_attempt_at = datetime.datetime.now(datetime.timezone.utc)
    model.Session.commit()
    app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff))
    run_jobs()
    assert len(smtp_server.messages) == sent_before
    result = send_mail_command(cli, "--due-only")
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    run_jobs()
    new = [m for m in smtp_server.to(w.staff["email"]) if req["reference"] in m["Subject"]]
    assert len(new) == 1
    assert len(smtp_server.to(requester["email"])) == 2
    assert model.Session.query(RequestMail).filter(RequestMail.state != "sent").count() == 0


def test_a_failed_mail_goes_out_with_the_next_one(world, smtp_server, monkeypatch):
    w = world
    import ckan.plugins.toolkit as tk

    working = tk.config["smtp.server"]
    monkeypatch.setitem(tk.config, "smtp.server", "127.0.0.1:9")
    run_jobs()
    assert smtp_server.messages == []
    monkeypatch.setitem(tk.config, "smtp.server", working)
    move(w.staff, "check", w.requests["pending"]["id"])
    run_jobs()
    kinds = sorted(m.kind for m in model.Session.query(RequestMail).filter_by(state="sent"))
    assert kinds == ["checked", "new", "received", "to_director"]
    assert len(smtp_server.messages) == 4


def test_opening_the_queue_sends_no_mail_the_cron_command_does(world, app, smtp_server, monkeypatch, cli):
    """Retries are driven by `ckan utt1service send-mail --due-only` (cron),
    not by staff opening their queue; the command sends without Redis or
    the worker, and only the mails whose retry is due."""
    import ckan.plugins.toolkit as tk
    from ckan.lib.jobs import get_queue

    w = world
    working = tk.config["smtp.server"]
    monkeypatch.setitem(tk.config, "smtp.server", "127.0.0.1:9")
    run_jobs()  # the world's two mails fail
    monkeypatch.setitem(tk.config, "smtp.server", working)
    rows = model.Session.query(RequestMail).all()
    assert [(m.state, m.attempts) for m in rows] == [("pending", 1), ("pending", 1)]

    # due now: opening the queue enqueues nothing and sends nothing
    for m in rows:
        m.next_attempt_at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    model.Session.commit()
    page = app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff))
    assert page.status_code == 200 and "utt1-mail-warning" in page.body
    waiting = helpers.call_action("utt1service_request_list", context=as_user(w.staff))["mail"]
    assert waiting["count"] == 2 and waiting["next_attempt_at"]
    assert get_queue().jobs == []
    run_jobs()
    assert smtp_server.messages == []

    # not due yet: cron leaves it for later
    second = model.Session.query(RequestMail).order_by(RequestMail.created).all()[1]
    second.next_attempt_at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    model.Session.commit()
    result = send_mail_command(cli, "--due-only")
    assert result.exit_code == 0, result.output
    assert "2 e-mail(s) waiting; 1 sent" in result.output
    assert len(smtp_server.messages) == 1
    # without --due-only it sends everything still waiting, once
    assert "1 sent" in send_mail_command(cli).output
    assert send_mail_command(cli).output.startswith("0 e-mail(s) waiting; 0 sent")
    assert len(smtp_server.messages) == 2
    model.Session.expire_all()
    assert {m.state for m in model.Session.query(RequestMail)} == {"sent"}


# Anonymous requesters

def test_anonymous_request_confirm_email_and_follow_the_private_link(world, app, smtp_server):
    w = world
    browser = app.test_client()
    form_url = f"/dataset/{w.dataset['name']}/request-access?resource_id={w.restricted['id']}"
    page = browser.get(form_url)
    assert page.status_code == 200
    data = dict(FORM, first_name="สมหญิง", surname="รักเรียน", email="somying@example.org",
                consent="on", resource_ids=w.restricted["id"], _csrf_token=csrf(page.body))
    posted = browser.post(form_url, data=data)
    assert posted.status_code == 200
    assert "somying@example.org" in posted.body  # "we sent a link to …"
    req = model.Session.query(AccessRequest).filter_by(email="somying@example.org").one()
    assert req.state == "unconfirmed" and req.number is None
    # Not in the staff's queue yet, and nobody but the requester is mailed.
    queue = helpers.call_action("utt1service_request_list", context=as_user(w.staff))
    assert req.id not in [r["id"] for r in queue["results"]]
    run_jobs()
    staff_before = len(smtp_server.to(w.staff["email"]))
    [confirm] = smtp_server.to("somying@example.org")
    link = re.search(r"https?://\S+/access-request/\S+/track/\S+", smtp_server.text(confirm)).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)

    # The link is private: a wrong token is "not found", and the request is
    # not visible without it.
    assert app.get(path[:-4] + "xxxx", follow_redirects=False).status_code == 404
    assert app.get(f"/access-request/{req.id}", follow_redirects=False).status_code in (302, 403)

    opened = browser.get(path)
    assert opened.status_code == 200
    assert "no-referrer" == opened.headers["Referrer-Policy"]
    assert "no-store" in opened.headers["Cache-Control"]
    assert "สมหญิง" in opened.body and "utt1-action-confirm" in opened.body
    confirmed = browser.post(f"/access-request/{req.id}/do/confirm",
                             data={"_csrf_token": csrf(opened.body)})
    assert confirmed.status_code == 200
    model.Session.expire_all()
    req = model.Session.get(AccessRequest, req.id)
    assert req.state == "submitted" and req.number is not None
    run_jobs()
    assert len(smtp_server.to(w.staff["email"])) == staff_before + 1

    move(w.staff, "check", req.id)
    move(w.director, "approve", req.id)
    run_jobs()
    approved = smtp_server.to("somying@example.org")[-1]
    assert path in smtp_server.text(approved)  # the same private link

    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/x.csv"
    got = browser.get(url)
    assert got.status_code == 200 and got.data == w.secret
    assert "no-store" in got.headers["Cache-Control"] and "public" not in got.headers["Cache-Control"]
    # Another browser at the same address gets nothing.
    stranger = app.test_client().get(url)
    assert stranger.status_code == 403 and w.secret not in stranger.data


@pytest.mark.ckan_config("ckanext.utt1service.anonymous_requests", False)
def test_anonymous_requests_can_be_switched_off(world, app):
    w = world
    page = app.get(f"/dataset/{w.dataset['name']}/request-access", follow_redirects=False)
    assert page.status_code == 302 and "/user/login" in page.headers["Location"]


def test_an_address_cannot_be_flooded_with_confirmations(world, app):
    w = world
    context = {"user": "", "ignore_auth": False}
    data = dict(FORM, package_id=w.dataset["id"], resource_ids=[w.restricted["id"]],
                first_name="ก", surname="ข", email="victim@example.org")
    for _ in range(request_mail_limit()):
        helpers.call_action("utt1service_request_create", context=dict(context), **data)
    import ckan.plugins.toolkit as tk

    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("utt1service_request_create", context=dict(context), **data)
    assert "email" in e.value.error_dict


def request_mail_limit() -> int:
    from ckanext.utt1service.access_requests.logic.action import UNCONFIRMED_PER_DAY

    return UNCONFIRMED_PER_DAY


def test_mail_is_rendered_in_both_languages():
    subject, body = notify.bilingual(
        "rejected", recipient_name="สมชาย ใจดี", reference="7/2569", comment="เหตุผล",
        requester_url="http://x/y",
    )
    assert subject == (
        "คำขอใช้ข้อมูลเลขที่ 7/2569 ของท่านไม่ได้รับอนุมัติ / "
        "Your data request 7/2569 was not approved"
    )
    assert body.index("เรียน สมชาย ใจดี") < body.index("Hello สมชาย ใจดี")
