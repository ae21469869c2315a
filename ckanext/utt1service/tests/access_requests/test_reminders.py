# -*- coding: utf-8 -*-
"""Reminders (issue 19, part 2): `ckan utt1service send-digests`, run by
cron, sends each person one digest a day of what waits for them, late
first, and escalates requests late beyond the escalation days; run twice
the same day, it sends nothing more. Through a real local SMTP server."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.access_requests import notify
from ckanext.utt1service.access_requests.model import AccessRequest, Reminder
from ckanext.utt1service.common import workdays

from .conftest import FORM, as_user, move

pytestmark = pytest.mark.usefixtures("clean_queues")

UTC = dt.timezone.utc


def days_ago(n: float) -> dt.datetime:
    return dt.datetime.now(UTC) - dt.timedelta(days=n)


def age(request_id: str, days: float) -> None:
    request = model.Session.get(AccessRequest, request_id)
    request.submitted_at = request.state_since = days_ago(days)
    model.Session.commit()


def on_behalf(w, **fields):
    return helpers.call_action(
        "utt1service_request_create_on_behalf", context=as_user(w.staff),
        **dict(FORM, package_id=w.dataset["id"], resource_ids=[w.restricted["id"]],
               intake_channel="phone", consent_method="phone", **fields))


def send_digests_command(cli, *args: str):
    """`ckan utt1service send-digests` as cron runs it (the SMTP server of
    the test passed as a deployment passes it)."""
    from ckan.cli.cli import ckan

    env = {"CKAN_SMTP_SERVER": tk.config["smtp.server"], "CKAN_SMTP_STARTTLS": "false"}
    return cli.invoke(ckan, ["utt1service", "send-digests", *args], env=env)


@pytest.fixture()
def waiting(world, smtp_server):
    """A request late by 5 days waiting for the staff (late by more than
    the 3 escalation days), one just in, and a checked one for the
    director."""
    w = world
    w.late = w.requests["pending"]
    age(w.late["id"], 8)
    w.fresh = on_behalf(w, first_name="ใหม่", surname="เพิ่งมา")
    w.checked = on_behalf(w, first_name="รอ", surname="อนุมัติ")
    move(w.staff, "check", w.checked["id"])
    # (the mails of the workflow so far are sent and out of the way)
    assert notify.flush_pending()["failed"] == 0
    return w


def test_one_digest_per_person_late_first_and_running_twice_sends_once(waiting, smtp_server, cli):
    w = waiting
    before = len(smtp_server.messages)
    result = send_digests_command(cli)
    assert result.exit_code == 0, result.output
    assert "2 digest(s) and 1 escalation(s) written" in result.output

    [staff_digest] = [m for m in smtp_server.messages[before:]
                      if w.staff["email"] in m["X-Envelope-To"]]
    assert "คำขอใช้ข้อมูลที่รอท่านดำเนินการ: 2 รายการ (เกินกำหนด 1)" in staff_digest["Subject"]
    body = smtp_server.text(staff_digest)
    assert body.index(w.late["reference"]) < body.index(w.fresh["reference"])  # late first
    assert "เกินกำหนด 5 วัน" in body and "LATE by 5 day(s)" in body
    assert w.checked["reference"] not in body  # (it waits for the director)
    assert "ผู้ขอ pending" not in body  # no requester's name in a digest
    [director_digest] = [m for m in smtp_server.messages[before:]
                         if w.director["email"] in m["X-Envelope-To"]]
    assert w.checked["reference"] in smtp_server.text(director_digest)
    assert w.late["reference"] not in smtp_server.text(director_digest)
    [escalation] = [m for m in smtp_server.messages[before:]
                    if w.sysadmin["email"] in m["X-Envelope-To"]]
    assert "เกินกำหนดเกิน 3 วัน" in smtp_server.text(escalation)
    assert w.late["reference"] in smtp_server.text(escalation)
    assert w.fresh["reference"] not in smtp_server.text(escalation)
    sent = len(smtp_server.messages)
    assert sent == before + 3

    again = send_digests_command(cli)
    assert again.exit_code == 0, again.output
    assert "0 digest(s) and 0 escalation(s) written; 3 already sent today" in again.output
    assert len(smtp_server.messages) == sent
    assert model.Session.query(Reminder).count() == 3


def test_the_next_day_brings_a_new_digest_and_a_dry_run_sends_nothing(waiting, smtp_server):
    w = waiting
    sysadmin = {"user": w.sysadmin["name"], "ignore_auth": False}
    today = workdays.today()
    dry = helpers.call_action("utt1service_request_send_digests", context=sysadmin, dry_run=True)
    assert (dry["digests"], dry["escalations"]) == (2, 1)
    assert model.Session.query(Reminder).count() == 0
    first = helpers.call_action("utt1service_request_send_digests", context=sysadmin)
    assert first["digests"] == 2 and first["day"] == today.isoformat()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    dry = helpers.call_action("utt1service_request_send_digests", context=sysadmin,
                              dry_run=True)
    assert (dry["digests"], dry["already_sent"]) == (0, 3)
    second = helpers.call_action("utt1service_request_send_digests", context=sysadmin,
                                 day=tomorrow)
    assert (second["digests"], second["escalations"], second["already_sent"]) == (2, 1, 0)
    notify.flush_pending()
    assert len(smtp_server.to(w.staff["email"])) >= 2


def test_escalations_go_to_the_configured_address(waiting, smtp_server, ckan_config,
                                                  monkeypatch):
    w = waiting
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.escalation_email",
                        "director-office@example.org")
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.escalation_days", 6)
    sysadmin = {"user": w.sysadmin["name"], "ignore_auth": False}
    assert helpers.call_action("utt1service_request_send_digests",
                               context=sysadmin)["escalations"] == 0  # 5 days late: not yet
    age(w.late["id"], 10)  # 7 days late
    result = helpers.call_action("utt1service_request_send_digests", context=sysadmin,
                                 day=(workdays.today() + dt.timedelta(days=1)).isoformat())
    assert result["escalations"] == 1
    notify.flush_pending()
    [escalation] = smtp_server.to("director-office@example.org")
    assert w.late["reference"] in smtp_server.text(escalation)
    assert smtp_server.to(w.sysadmin["email"]) == []


def test_only_sysadmins_send_digests(waiting):
    w = waiting
    for user in (w.staff, w.director, w.stranger):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("utt1service_request_send_digests", context=as_user(user))
