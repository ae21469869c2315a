# -*- coding: utf-8 -*-
"""Bulk decisions (issue 19, part 5): the director approves or rejects
several checked requests in one step; each gets its own audit row and
e-mail; a request that changed meanwhile is skipped and reported, never
decided twice, also when a single decision races the bulk one."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.common.model import AuditEvent

from .conftest import FORM, as_user, auth, move, run_jobs, text
from .test_concurrency import _waiting_for_locks

pytestmark = pytest.mark.usefixtures("clean_queues")


def checked_requests(w, n: int = 3) -> list[dict]:
    """The world's pending request and n-1 recorded by phone, all checked."""
    found = [w.requests["pending"]]
    for i in range(n - 1):
        found.append(helpers.call_action(
            "utt1service_request_create_on_behalf", context=as_user(w.staff),
            **dict(FORM, first_name=f"ผู้ขอ{i}", surname="โทรมา", email=f"phone{i}@example.org",
                   package_id=w.dataset["id"], resource_ids=[w.restricted["id"]],
                   intake_channel="phone", consent_method="phone")))
    for req in found:
        move(w.staff, "check", req["id"])
    return found


def decisions(request_id: str) -> list[AuditEvent]:
    model.Session.expire_all()
    return [e for e in AuditEvent.trail("access_request", request_id)
            if e.action in ("approve", "reject")]


def bulk(w, user=None, **data):
    return helpers.call_action("utt1service_request_bulk_decide",
                               context=as_user(user or w.director), **data)


def test_approving_several_gives_each_its_own_audit_row_and_mail(world, smtp_server):
    w = world
    reqs = checked_requests(w)
    result = bulk(w, ids=[r["id"] for r in reqs], decision="approve", comment="อนุมัติทั้งชุด")
    assert sorted(d["reference"] for d in result["decided"]) == sorted(r["reference"] for r in reqs)
    assert result["skipped"] == []
    for req in reqs:
        [decision] = decisions(req["id"])
        assert decision.to_state == "approved" and decision.comment == "อนุมัติทั้งชุด"
    run_jobs()
    for address in (w.requesters["pending"]["email"], "phone0@example.org", "phone1@example.org"):
        assert any("อนุมัติ" in m["Subject"] for m in smtp_server.to(address)), address


def test_rejecting_several_needs_one_reason_for_all(world, smtp_server):
    w = world
    reqs = checked_requests(w, 2)
    with pytest.raises(tk.ValidationError) as refused:
        bulk(w, ids=[r["id"] for r in reqs], decision="reject")
    assert "comment" in refused.value.error_dict
    result = bulk(w, ids=[r["id"] for r in reqs], decision="reject", comment="ไม่เข้าเกณฑ์")
    assert len(result["decided"]) == 2
    run_jobs()
    assert "ไม่เข้าเกณฑ์" in smtp_server.text(smtp_server.to("phone0@example.org")[-1])


def test_a_request_that_changed_meanwhile_is_skipped_and_reported(world):
    w = world
    first, second, third = checked_requests(w)
    # after the director chose them, someone returned one and decided another
    move(w.staff, "return", second["id"], comment="ขาดเอกสาร")
    move(w.director, "reject", third["id"], comment="ไม่เข้าเกณฑ์")
    result = bulk(w, ids=[first["id"], second["id"], third["id"]], decision="approve")
    assert [d["id"] for d in result["decided"]] == [first["id"]]
    skipped = {s["id"]: s for s in result["skipped"]}
    assert set(skipped) == {second["id"], third["id"]}
    assert skipped[third["id"]]["state"] == "rejected"
    reason = skipped[third["id"]]["reason"]
    assert "โหลดหน้านี้ใหม่" in reason or "reload the page" in reason
    assert [e.to_state for e in decisions(third["id"])] == ["rejected"]  # not decided twice
    assert decisions(second["id"]) == []


def test_only_those_who_decide_may_and_each_request_checks_its_own_right(world):
    w = world
    reqs = checked_requests(w, 2)
    with pytest.raises(tk.NotAuthorized):
        bulk(w, user=w.staff, ids=[reqs[0]["id"]], decision="approve")
    # the director's own request (a sysadmin's bulk decision may decide it;
    # the director's may not): skipped with the reason
    own = helpers.call_action(
        "utt1service_request_create", context=as_user(w.director),
        **dict(FORM, package_id=w.dataset["id"], resource_ids=[w.restricted["id"]]))
    move(w.staff, "check", own["id"])
    result = bulk(w, ids=[own["id"], reqs[0]["id"]], decision="approve")
    assert [d["id"] for d in result["decided"]] == [reqs[0]["id"]]
    assert result["skipped"][0]["id"] == own["id"]


def test_a_single_decision_racing_the_bulk_one_is_recorded_once(world, app):
    w = world
    first, contested = checked_requests(w, 2)
    results: dict[str, object] = {}

    def run(name, call):
        with app.flask_app.test_request_context():
            try:
                results[name] = call()
            except tk.ValidationError as e:
                results[name] = e
            finally:
                model.Session.remove()

    engine = model.meta.engine
    with engine.connect() as holder, engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as observer:
        tx = holder.begin()
        holder.execute(sa.text(
            "SELECT id FROM utt1service_access_request WHERE id = :id FOR UPDATE"),
            {"id": contested["id"]})
        threads = [
            threading.Thread(target=run, args=("bulk", lambda: bulk(
                w, ids=[first["id"], contested["id"]], decision="approve"))),
            threading.Thread(target=run, args=("single", lambda: move(
                w.director, "reject", contested["id"], comment="ผิดเงื่อนไข"))),
        ]
        threads[0].start()
        threads[1].start()
        both_waiting = _waiting_for_locks(observer, 2)
        tx.rollback()
        for t in threads:
            t.join(timeout=60)
    assert both_waiting, "the two deciders never waited for the row lock"
    [decision] = decisions(contested["id"])
    outcome = results["bulk"]
    assert isinstance(outcome, dict)
    assert first["id"] in [d["id"] for d in outcome["decided"]]
    if decision.to_state == "rejected":  # the single decision came first
        assert [s["id"] for s in outcome["skipped"]] == [contested["id"]]
    else:  # the bulk decision came first: the single one was told
        assert isinstance(results["single"], tk.ValidationError)
        assert contested["id"] in [d["id"] for d in outcome["decided"]]


def test_the_queue_offers_the_bulk_form_on_checked_requests(world, app):
    w = world
    reqs = checked_requests(w, 2)
    url = f"/organization/access-requests/{w.org['name']}?state=checked"
    page = app.get(url, headers=auth(w.director))
    assert "ตัดสินคำขอที่เลือก" in page.body
    assert "ตัดสินคำขอที่เลือก" not in app.get(url, headers=auth(w.staff)).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.body).group(1)
    done = app.post("/access-request/bulk-decision", headers=auth(w.director),
                    data={"_csrf_token": token, "owner_org": w.org["name"],
                          "ids": [r["id"] for r in reqs], "decision": "approve",
                          "comment": ""}, follow_redirects=True)
    assert "อนุมัติแล้ว: " in text(done)
    assert all(decisions(r["id"])[0].to_state == "approved" for r in reqs)
