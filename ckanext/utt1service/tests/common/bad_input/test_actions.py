# -*- coding: utf-8 -*-
"""Every action of the extension answers junk with a clear refusal, never a
500, and changes nothing (issue 11, part 2).

Each action the plugin registers is called through the real API, as a
sysadmin and anonymously, with a valid call (``baselines()``, aimed at the
world of ``conftest.py`` so that it is refused at its very end: a state
that does not allow the transition, a public file in a request, an
already-rated request) in which one to three of its declared fields (its
schema, ``utt1service_schema``) are replaced by junk: NUL bytes, broken
Unicode, huge and negative numbers, floats, lists, dicts, booleans, None,
very long text, white space.

The answer is never 500. Junk that the field must refuse (``must_refuse``)
is refused: 403 or 404, or a validation error that names the field. When
the answer is not a success, nothing changed in the database: every row of
the extension's tables and of the core dataset tables is as before.
"""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.logic
import ckan.plugins.toolkit as tk

from ckanext.utt1service import plugin
from ckanext.utt1service.tests.access_requests.conftest import FORM
from ckanext.utt1service.tests.common.bad_input.junk import (
    KNOWN_JUNK,
    field_kind,
    fingerprint,
    is_json_safe,
    junk,
    must_refuse,
)

ACTION_FUNCTIONS = plugin.public_names(plugin.ACTIONS)
ACTIONS = sorted(ACTION_FUNCTIONS)
CALLERS = ("sysadmin", "anonymous")
#: generated calls per action (besides every known junk value in every field)
EXAMPLES = 20


def baselines(w: Any) -> dict[str, dict[str, Any]]:
    """A call of each action that is well-formed but refused at its end (or
    harmless: reads, a dry run, the same analysis again)."""
    pending = w.requests["pending"]["id"]
    approved = w.requests["approved"]["id"]
    form = dict(FORM, first_name="สมชาย", surname="ใจดี", email="someone@example.org",
                package_id=w.dataset["id"], resource_ids=[w.public["id"]])  # (not restricted)
    ratings = dict.fromkeys(
        ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality"), 3)
    return {
        "utt1service_request_create": form,
        "utt1service_request_create_on_behalf": dict(form, intake_channel="phone",
                                                     consent_method="phone"),
        "utt1service_request_show": {"id": pending},
        "utt1service_request_list": {"q": "ผู้ขอ", "limit": 5, "offset": 0},
        "utt1service_request_confirm": {"id": pending, "token": "not-the-token"},
        "utt1service_request_check": {"id": approved, "comment": "ครบ"},
        "utt1service_request_return": {"id": approved, "comment": "ขาดข้อมูล"},
        "utt1service_request_resubmit": {"id": pending, "comment": "ครบแล้ว"},
        "utt1service_request_approve": {"id": pending, "comment": "ok",
                                        "conditions": "ใช้เพื่อการวิจัยเท่านั้น",
                                        "require_acceptance": True},
        "utt1service_request_bulk_decide": {"ids": [pending, approved], "decision": "reject",
                                            "comment": "ไม่เข้าเกณฑ์"},  # (none checked)
        "utt1service_request_renew": {"id": pending, "comment": "ยังต้องใช้ข้อมูล",
                                      "data_wanted": "เหมือนเดิม", "intended_use": "วิจัย",
                                      "delivery_channel": "download",
                                      "consent": True},  # (not approved)
        "utt1service_request_change_grant": {"id": pending, "expires_on": "2099-01-31",
                                             "comment": "ขยายเวลา"},  # (not approved)
        "utt1service_request_accept_conditions": {"id": approved, "token": "not-the-token"},
        "utt1service_request_reject": {"id": approved, "comment": "ไม่เข้าเกณฑ์"},
        "utt1service_request_deliver": {"id": pending, "comment": "ok"},
        "utt1service_request_close": {"id": pending, "comment": "ok"},
        "utt1service_request_withdraw": {"id": approved, "comment": "ok"},
        "utt1service_request_revoke": {"id": pending, "comment": "เหตุผล"},
        "utt1service_request_purge_personal_data": {"dry_run": True, "days": 365},
        "utt1service_resource_access": {"id": w.restricted["id"]},
        "utt1service_request_hand_over": {"id": pending, "received_by": "นายรับ เอกสาร",
                                          "handed_over_on": "2025-01-02", "comment": "ok"},
        "utt1service_request_send_by_email": {"id": pending},
        "utt1service_request_attach_signed_form": {"id": pending},
        "utt1service_request_file_show": {"id": approved, "resource_id": w.restricted["id"],
                                          "expires": 4_102_444_800, "sig": "not-the-signature"},
        "utt1service_request_waiting": {"owner_org": w.org["id"]},
        "utt1service_request_service_levels": {"fiscal_year": 2569, "half": 1,
                                               "owner_org": w.org["id"]},
        "utt1service_request_send_digests": {"dry_run": True, "day": "2026-12-01"},
        "utt1service_acting_approver_create": {
            "owner_org": w.org["id"], "user": w.stranger["name"], "starts_on": "2026-12-01",
            "ends_on": "2026-12-05", "comment": "ลาราชการ"},  # (not staff: refused)
        "utt1service_acting_approver_list": {"owner_org": w.org["id"]},
        "utt1service_acting_approver_end": {"id": "no-such-appointment", "comment": "กลับแล้ว"},
        "utt1service_download_event_create": {"resource_id": w.gone["id"], "channel": "email",
                                              "request_id": approved},
        "utt1service_download_count": {"resource_id": w.restricted["id"]},
        "utt1service_most_downloaded": {"limit": 3},
        "utt1service_survey_response_create": dict(
            ratings, suggestion="ดีมาก", respondent_type="school", mode="online",
            request_id=approved, request_token="not-the-token"),  # (already rated)
        "utt1service_survey_response_list": {"limit": 5, "offset": 0},
        "utt1service_complaint_create": {
            "category": "other", "description": "ทดสอบ", "contact_name": "ก ข",
            "consent": True, "kind": "complaint", "channel": "web",
            "survey_response_id": "no-such-survey-response"},
        "utt1service_complaint_list": {"q": "ทดสอบ", "limit": 5, "offset": 0},
        "utt1service_complaint_show": {"id": w.complaint["number"]},
        "utt1service_complaint_update": {"id": w.complaint["number"], "state": "closed",
                                         "comment": "ok"},  # (received cannot close)
        "utt1service_report_show": {"fiscal_year": 2569, "suggestion_limit": 3},
        "utt1service_report_analysis_update": {"fiscal_year": 2569, "problems": "ปัญหา",
                                               "improvements": "แนวทาง"},
        # (a period not over yet: refused before anything is printed)
        "utt1service_report_publish": {"fiscal_year": 2570, "acknowledged_name": "นายก ข",
                                       "acknowledged_position": "ผู้อำนวยการ",
                                       "acknowledged_on": "2026-04-20", "complaint_improvements": "ปรับปรุง"},
        "utt1service_report_unpublish": {"id": "no-such-publication", "reason": "ตรวจทาน"},
        "utt1service_report_publication_list": {"include_withdrawn": False},
        "utt1service_report_publication_show": {"id": "no-such-publication"},
        "utt1service_report_publication_file": {"id": "no-such-publication", "format": "pdf"},
        "utt1service_ropa_show": {"limit": 5},
    }


def declared_fields(action: str) -> list[str]:
    return sorted(ACTION_FUNCTIONS[action].utt1service_schema()) + ["unexpected_field"]


def call(app: Any, w: Any, action: str, data: dict[str, Any], caller: str) -> Any:
    headers = {"Authorization": w.sysadmin["token"]} if caller == "sysadmin" else {}
    return app.post(f"/api/3/action/{action}", json=data, headers=headers)


def check_answer(action: str, junked: dict[str, Any], response: Any) -> None:
    """No 500; junk that must be refused was refused, by name (with junk in
    several fields, a field refused first may hide the others' errors: then
    one of the junked fields is named)."""
    described = f"{action} with {junked!r}"[:600]
    assert response.status_code != 500, f"500 for {described}: {response.body[:300]}"
    refused = {f for f, v in junked.items() if must_refuse(field_kind(action, f), v)}
    if not refused:
        return
    assert response.status_code in (400, 403, 404, 409), (
        f"{response.status_code} (taken) for {described}")
    if response.status_code in (400, 409):
        error = response.json["error"]
        named = refused if len(junked) == 1 else set(junked)
        assert named & set(error), f"{described}: the error names none of {named}: {error}"


def test_every_action_the_plugin_registers_declares_its_fields(app, junk_world):
    tk.get_action("package_show")  # (fills CKAN's table of actions)
    registered = {name for name in ckan.logic._actions if name.startswith("utt1service_")}
    assert registered == set(ACTIONS)
    for name in ACTIONS:
        schema = ACTION_FUNCTIONS[name].utt1service_schema()
        assert schema, name
        for field in schema:
            field_kind(name, field)  # every field has a known kind
    assert set(baselines(junk_world)) == set(ACTIONS)


@pytest.mark.heavy  # the largest file of the suite: started first (tests/scheduling.py)
@pytest.mark.parametrize("action", ACTIONS)
def test_known_junk_in_every_field(app, junk_world, action):
    """Every value of the classes that answered 500 before, in every field."""
    w = junk_world
    base = baselines(w)[action]
    callers = [c for c in CALLERS if call(app, w, action, base, c).status_code != 403]
    for field in declared_fields(action):
        for value in KNOWN_JUNK:
            for caller in callers or ["anonymous"]:
                junked = {field: value}
                check_answer(action, junked, call(app, w, action, dict(base, **junked), caller))


@pytest.mark.parametrize("action", ACTIONS)
def test_generated_junk_is_refused_and_changes_nothing(app, junk_world, action):
    w = junk_world
    base = baselines(w)[action]
    fields = declared_fields(action)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(
        junked=st.dictionaries(st.sampled_from(fields), junk.filter(is_json_safe),
                               min_size=1, max_size=3),
        caller=st.sampled_from(CALLERS),
    )
    def attempt(junked: dict[str, Any], caller: str) -> None:
        before = fingerprint()
        response = call(app, w, action, dict(base, **junked), caller)
        check_answer(action, junked, response)
        if response.status_code != 200:
            changed = {t for t, digest in fingerprint().items() if before.get(t) != digest}
            assert not changed, (
                f"{action} with {junked!r} answered {response.status_code} but changed "
                f"{sorted(changed)}")

    attempt()


def test_the_examples_of_the_issue(app, junk_world):
    """The calls named in the issue, as a reader would try them."""
    w = junk_world
    anonymous = {}
    sysadmin = {"Authorization": w.sysadmin["token"]}
    shown = app.get("/api/3/action/utt1service_request_show?id=%00", headers=sysadmin)
    assert shown.status_code == 409
    assert "อักขระ NUL" in shown.json["error"]["id"][0]
    for number in (10**20, " "):
        listed = app.post("/api/3/action/utt1service_complaint_list",
                          json={"limit": number}, headers=sysadmin)
        assert listed.status_code == 409
        assert "จำนวนเต็ม" in listed.json["error"]["limit"][0]
        listed = app.post("/api/3/action/utt1service_request_list",
                          json={"offset": number}, headers=sysadmin)
        assert listed.status_code == 409
    for consent in (0, -1, [1], {"a": 1}):
        filed = app.post("/api/3/action/utt1service_complaint_create", headers=anonymous, json={
            "category": "other", "description": "x", "contact_name": "ก", "consent": consent})
        assert filed.status_code == 409
        assert "consent" in filed.json["error"]
    for bad_id in (1, [w.requests["pending"]["id"]], {"id": 1}, True):
        moved = app.post("/api/3/action/utt1service_request_check", json={"id": bad_id},
                         headers=sysadmin)
        assert moved.status_code == 409
        assert moved.json["error"]["id"]
    updated = app.post("/api/3/action/utt1service_report_analysis_update", headers=sysadmin,
                       json={"fiscal_year": 2569, "owner_org": 5})
    assert updated.status_code == 409
    assert updated.json["error"]["owner_org"]
