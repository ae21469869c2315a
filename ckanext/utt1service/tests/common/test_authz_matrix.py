# -*- coding: utf-8 -*-
"""Who may do what in the service, role by role, through the real API and
pages (``ckanext/utt1service/authz.py`` decides it all).

Roles: the public (anonymous), a plain registered user, a user who made an
organization of their own (on a portal that allowed it) and the editor of
another organization that does not take part in the service, the office
organization's member, editor (staff) and admin (director), and a sysadmin.
Only the office's editors and admins and sysadmins are staff; only its
admins and sysadmins are directors. Being an editor or admin of some other
organization gives no role in the service.
"""
from __future__ import annotations

import types
from typing import Any, Optional

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.survey import SurveyResponse
from ckanext.utt1service.report.model import ReportAnalysis
from ckanext.utt1service.tests.access_requests.conftest import FORM, upload

ROLES = [
    "anonymous",
    "registered",
    "own_org_admin",
    "other_editor",
    "office_member",
    "office_editor",
    "office_admin",
    "sysadmin",
]
STAFF = {"office_editor", "office_admin", "sysadmin"}
DIRECTORS = {"office_admin", "sysadmin"}
ANSWERS = {
    "staff_courtesy": "3",
    "staff_reception": "3",
    "search_speed": "2",
    "data_match": "3",
    "data_quality": "1",
}


# The world is built once for the module; each test makes the requests,
# complaints and surveys it changes. (The plugins and the app are the
# worker's, tests/conftest.py: a module that unloaded the plugins at its end
# left the next module on its worker without them.)


def auth(user: Optional[dict[str, Any]]) -> dict[str, str]:
    return {"Authorization": user["token"]} if user else {}


def environ(role: str) -> dict[str, str]:
    """An address of the role's own: the public forms' rate limits count per
    visitor."""
    return {"REMOTE_ADDR": f"10.11.0.{ROLES.index(role) + 1}"}


@pytest.fixture(scope="module")
def world(_session_plugins, _session_app, reset_db, migrate_db_for, reset_index) -> types.SimpleNamespace:
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")
    reset_index()
    app = _session_app
    w = types.SimpleNamespace()
    w.sysadmin = factories.SysadminWithToken()
    w.registered = factories.UserWithToken()
    w.own_org_admin = factories.UserWithToken()
    w.other_editor = factories.UserWithToken()
    w.office_member = factories.UserWithToken()
    w.office_editor = factories.UserWithToken()
    w.office_admin = factories.UserWithToken()
    w.office = factories.Organization(
        name=tk.config.get("ckanext.utt1service.office_organization"),
        title="กลุ่มนโยบายและแผน",
        users=[
            {"name": w.office_member["name"], "capacity": "member"},
            {"name": w.office_editor["name"], "capacity": "editor"},
            {"name": w.office_admin["name"], "capacity": "admin"},
        ],
    )
    w.other_org = factories.Organization(
        name="another-org", users=[{"name": w.other_editor["name"], "capacity": "editor"}]
    )
    # A user makes an organization of their own, through the API, on a portal
    # that allows it (CKAN's default; the shipped configuration does not).
    tk.config["ckan.auth.user_create_organizations"] = True
    try:
        made = app.post("/api/3/action/organization_create", json={"name": "my-own-org"},
                        headers=auth(w.own_org_admin))
    finally:
        tk.config["ckan.auth.user_create_organizations"] = False
    assert made.status_code == 200, made.body
    w.own_org = made.json["result"]

    w.dataset = factories.Dataset(owner_org=w.office["id"], name="office-students")
    w.restricted = upload(w.dataset["id"], b"OFFICE-SECRET" * 8, "office.csv",
                          access_level="restricted")
    w.own_dataset = factories.Dataset(owner_org=w.own_org["id"], name="my-own-data")
    w.own_restricted = upload(w.own_dataset["id"], b"OWN-SECRET" * 8, "own.csv",
                              access_level="restricted")
    w.complaint = helpers.call_action(
        "utt1service_complaint_create", context={"user": "", "ignore_auth": False},
        category="data_wrong", description="ตัวเลขผิด", package=w.dataset["id"])
    w.own_complaint = helpers.call_action(
        "utt1service_complaint_create", context={"user": "", "ignore_auth": False},
        category="data_wrong", description="ข้อมูลขององค์กรที่สร้างเอง", package=w.own_dataset["id"])
    w.survey = helpers.call_action(
        "utt1service_survey_response_create", context={"user": "", "ignore_auth": False},
        suggestion="ข้อเสนอแนะส่วนตัว", **ANSWERS)
    model.Session.remove()
    return w


def who(w: types.SimpleNamespace, role: str) -> Optional[dict[str, Any]]:
    return None if role == "anonymous" else getattr(w, role)


def api_get(app, w, role, action, **params):
    return app.get(f"/api/3/action/{action}", query_string=params,
                   headers=auth(who(w, role)), environ_base=environ(role))


def api_post(app, w, role, action, **data):
    return app.post(f"/api/3/action/{action}", json=data,
                    headers=auth(who(w, role)), environ_base=environ(role))


def refused(response, role: str) -> bool:
    """Refused as the API and the pages refuse: 403 (an anonymous visitor
    may instead be sent to log in)."""
    if role == "anonymous" and response.status_code == 302:
        return "/user/login" in response.headers["Location"]
    return response.status_code == 403


def new_request(w, state: str = "submitted") -> str:
    """A new requester's request for the office's restricted file, moved by
    the office's own staff and director to ``state``."""
    requester = factories.User(fullname="ผู้ขอ ข้อมูล")
    data = dict(FORM, package_id=w.dataset["id"], resource_ids=[w.restricted["id"]])
    req = helpers.call_action("utt1service_request_create",
                              context={"user": requester["name"], "ignore_auth": False}, **data)
    steps = {"submitted": [], "checked": [("office_editor", "check")],
             "approved": [("office_editor", "check"), ("office_admin", "approve")]}[state]
    for role, action in steps:
        helpers.call_action(f"utt1service_request_{action}",
                            context={"user": getattr(w, role)["name"], "ignore_auth": False},
                            id=req["id"])
    return req["id"]


def state_of(request_id: str) -> str:
    model.Session.expire_all()
    return AccessRequest.get(request_id).state


# Survey responses

@pytest.mark.parametrize("role", ROLES)
def test_reading_survey_responses(app, world, role):
    w = world
    api = api_post(app, w, role, "utt1service_survey_response_list")
    page = app.get("/survey/responses", headers=auth(who(w, role)), follow_redirects=False)
    if role in STAFF:
        assert api.status_code == 200
        assert "ข้อเสนอแนะส่วนตัว" in {r["suggestion"] for r in api.json["result"]["results"]}
        assert page.status_code == 200 and "ข้อเสนอแนะส่วนตัว" in page.body
    else:
        assert api.status_code == 403, api.status_code
        assert refused(page, role) and "ข้อเสนอแนะส่วนตัว" not in page.body


@pytest.mark.parametrize("role", ROLES)
def test_entering_paper_surveys_that_change_the_report(app, world, role, clean_redis):
    w = world
    before = model.Session.query(SurveyResponse).filter(SurveyResponse.mode == "paper").count()
    response = api_post(app, w, role, "utt1service_survey_response_create",
                        mode="paper", answered_on="2025-09-30", **ANSWERS)
    model.Session.expire_all()
    after = model.Session.query(SurveyResponse).filter(SurveyResponse.mode == "paper").count()
    if role in STAFF:
        assert response.status_code == 200
        assert response.json["result"]["mode"] == "paper"
        assert after == before + 1
    else:
        assert response.status_code == 409
        assert "mode" in response.json["error"]
        assert after == before


# Complaints and problems

@pytest.mark.parametrize("role", ROLES)
def test_the_complaints_register(app, world, role):
    w = world
    listed = api_post(app, w, role, "utt1service_complaint_list")
    page = app.get("/complaint/register", headers=auth(who(w, role)), follow_redirects=False)
    shown = api_get(app, w, role, "utt1service_complaint_show", id=w.complaint["id"])
    own = api_get(app, w, role, "utt1service_complaint_show", id=w.own_complaint["id"])
    own_page = app.get(f"/complaint/{w.own_complaint['number']}", headers=auth(who(w, role)),
                       follow_redirects=False)
    if role in STAFF:
        # the office's staff see the whole register
        assert listed.status_code == 200
        numbers = {c["number"] for c in listed.json["result"]["results"]}
        assert {w.complaint["number"], w.own_complaint["number"]} <= numbers
        assert page.status_code == 200 and f'/complaint/{w.complaint["number"]}"' in page.body
        assert shown.status_code == 200 and own.status_code == 200
        assert own_page.status_code == 200
    else:
        # nobody else, not even about their own organization's dataset
        assert listed.status_code == 403
        assert refused(page, role)
        assert shown.status_code == 403 and own.status_code == 403
        assert refused(own_page, role)
        assert "ข้อมูลขององค์กรที่สร้างเอง" not in own_page.body


@pytest.mark.parametrize("role", ROLES)
def test_updating_a_complaint(app, world, role):
    w = world
    complaint = helpers.call_action(
        "utt1service_complaint_create", context={"user": "", "ignore_auth": False},
        category="slow_service", description="ช้า", package=w.own_dataset["id"])
    response = api_post(app, w, role, "utt1service_complaint_update",
                        id=complaint["id"], state="in_progress")
    model.Session.expire_all()
    state = model.Session.get(Complaint, complaint["id"]).state
    if role in STAFF:
        assert response.status_code == 200 and state == "in_progress"
    else:
        assert response.status_code == 403 and state == "received"


@pytest.mark.parametrize("role", ROLES)
def test_recording_problems_and_complaints_taken_by_phone(app, world, role, clean_redis):
    w = world
    before = model.Session.query(Complaint).count()
    problem = api_post(app, w, role, "utt1service_complaint_create", kind="problem",
                       category="data_wrong", description="ปัญหาการให้บริการ", channel="phone",
                       package=w.dataset["name"])
    model.Session.expire_all()
    if role in STAFF:
        assert problem.status_code == 200 and problem.json["result"]["kind"] == "problem"
        assert model.Session.query(Complaint).count() == before + 1
    else:
        assert problem.status_code == 409
        assert {"kind", "channel"} <= set(problem.json["error"])
        assert model.Session.query(Complaint).count() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.ckan_config("ckanext.utt1service.complaint_rate_limit", "2/hour")
def test_only_staff_file_complaints_without_limit(app, world, role, clean_redis):
    w = world
    answers = [
        api_post(app, w, role, "utt1service_complaint_create", category="data_wrong",
                 description=f"ร้องเรียน {n}").status_code
        for n in range(3)
    ]
    if role in STAFF:
        assert answers == [200, 200, 200]
    else:
        assert answers[:2] == [200, 200]
        assert answers[2] != 200


# Downloads delivered by e-mail or on paper

@pytest.mark.parametrize("role", ROLES)
def test_recording_deliveries(app, world, role):
    w = world
    response = api_post(app, w, role, "utt1service_download_event_create",
                        resource_id=w.restricted["id"], channel="paper")
    own = api_post(app, w, role, "utt1service_download_event_create",
                   resource_id=w.own_restricted["id"], channel="email")
    if role in STAFF:
        assert response.status_code == 200 and own.status_code == 200
    else:
        assert response.status_code == 403 and own.status_code == 403


# Access requests: the queue and the decisions

@pytest.mark.parametrize("role", ROLES)
def test_the_request_queue(app, world, role):
    w = world
    request_id = new_request(w)
    listed = api_get(app, w, role, "utt1service_request_list")
    # every state: who may see the queue (it opens on what waits for the role)
    queue = app.get(f"/organization/access-requests/{w.office['name']}?state=all",
                    headers=auth(who(w, role)), follow_redirects=False)
    shown = api_get(app, w, role, "utt1service_request_show", id=request_id)
    own_queue = app.get(f"/organization/access-requests/{w.own_org['name']}",
                        headers=auth(who(w, role)), follow_redirects=False)
    if role in STAFF:
        assert listed.status_code == 200
        assert request_id in {r["id"] for r in listed.json["result"]["results"]}
        assert queue.status_code == 200 and "ผู้ขอ ข้อมูล" in queue.body
        assert shown.status_code == 200
    else:
        assert listed.status_code == 403
        assert refused(queue, role) and "ผู้ขอ ข้อมูล" not in queue.body
        assert shown.status_code == 403
    # the queue of a user-made organization is the sysadmins' alone
    assert (own_queue.status_code == 200) == (role == "sysadmin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "state", "after", "allowed"),
    [
        ("check", "submitted", "checked", STAFF),
        ("approve", "checked", "approved", DIRECTORS),
        ("reject", "checked", "rejected", DIRECTORS),
        ("revoke", "approved", "closed", DIRECTORS),
    ],
)
def test_request_decisions(app, world, role, action, state, after, allowed):
    w = world
    request_id = new_request(w, state)
    response = api_post(app, w, role, f"utt1service_request_{action}", id=request_id,
                        comment="เหตุผลของการตัดสินใจ")
    if role in allowed:
        assert response.status_code == 200, response.json
        assert state_of(request_id) == after
    else:
        assert response.status_code == 403
        assert state_of(request_id) == state


# Service levels (issue 19)

@pytest.mark.parametrize("role", ROLES)
def test_what_waits_for_each_role_and_the_service_level_statistics(app, world, role):
    w = world
    new_request(w)  # waits for the staff
    new_request(w, "checked")  # waits for the director
    waiting = api_get(app, w, role, "utt1service_request_waiting")
    stats = api_get(app, w, role, "utt1service_request_service_levels",
                    owner_org=w.office["name"])
    whole = api_get(app, w, role, "utt1service_request_service_levels")
    if role == "anonymous":
        assert waiting.status_code == 403
    else:
        counts = waiting.json["result"]
        assert (counts["staff"]["count"] > 0) == (role in STAFF)
        assert (counts["director"]["count"] > 0) == (role in DIRECTORS)
        assert counts["decides"] == (role in DIRECTORS)
    assert (stats.status_code == 200) == (role in DIRECTORS)
    assert (whole.status_code == 200) == (role == "sysadmin")
    assert stats.status_code in (200, 403) and whole.status_code in (200, 403)


# The service report

@pytest.mark.parametrize("role", ROLES)
def test_the_service_report(app, world, role):
    w = world
    shown = api_get(app, w, role, "utt1service_report_show", owner_org=w.office["name"])
    before = model.Session.query(ReportAnalysis).count()
    updated = api_post(app, w, role, "utt1service_report_analysis_update",
                       owner_org=w.office["name"], fiscal_year=2569,
                       problems=f"ปัญหา ({role})", improvements="แนวทาง")
    page = app.get(f"/organization/service-report/{w.office['name']}",
                   headers=auth(who(w, role)), follow_redirects=False)
    model.Session.expire_all()
    if role in DIRECTORS:
        assert shown.status_code == 200 and updated.status_code == 200
        assert updated.json["result"]["problems"] == f"ปัญหา ({role})"
        assert page.status_code == 200
    else:
        assert shown.status_code == 403 and updated.status_code == 403
        assert refused(page, role)
        assert model.Session.query(ReportAnalysis).count() == before


# What the pages offer

@pytest.mark.parametrize("role", ROLES)
def test_the_pages_offer_staff_links_to_staff_only(app, world, role):
    w = world
    home = app.get("/", headers=auth(who(w, role))).body
    office_page = app.get(f"/organization/{w.office['name']}", headers=auth(who(w, role))).body
    assert ("/complaint/register" in home) == (role in STAFF)
    queue_tab = f"/organization/access-requests/{w.office['name']}"
    report_tab = f"/organization/service-report/{w.office['name']}"
    assert (queue_tab in office_page) == (role in STAFF)
    assert (report_tab in office_page) == (role in DIRECTORS)


def test_a_user_made_organization_gives_no_role_in_the_service(app, world):
    """Its creator (its admin) gets no tab, queue or report for it, but may
    still download its own restricted files (members of the owning
    organization may)."""
    w = world
    headers = auth(w.own_org_admin)
    page = app.get(f"/organization/{w.own_org['name']}", headers=headers).body
    assert f"/organization/access-requests/{w.own_org['name']}" not in page
    assert f"/organization/service-report/{w.own_org['name']}" not in page
    assert app.get(f"/organization/service-report/{w.own_org['name']}",
                   headers=headers).status_code == 403
    own_file = (f"/dataset/{w.own_dataset['name']}/resource/{w.own_restricted['id']}"
                "/download/own.csv")
    assert app.get(own_file, headers=headers).data == b"OWN-SECRET" * 8
    office_file = (f"/dataset/{w.dataset['name']}/resource/{w.restricted['id']}"
                   "/download/office.csv")
    assert app.get(office_file, headers=headers).status_code == 403
    # A request for the user-made organization's file is the sysadmins' to handle.
    data = dict(FORM, package_id=w.own_dataset["id"], resource_ids=[w.own_restricted["id"]])
    req = helpers.call_action("utt1service_request_create",
                              context={"user": w.registered["name"], "ignore_auth": False}, **data)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("utt1service_request_check",
                            context={"user": w.own_org_admin["name"], "ignore_auth": False},
                            id=req["id"])
    helpers.call_action("utt1service_request_check",
                        context={"user": w.sysadmin["name"], "ignore_auth": False}, id=req["id"])


def test_the_shipped_configuration_lets_no_user_make_organizations_or_groups(app, world):
    headers = auth(world.registered)
    for action, data in (
        ("organization_create", {"name": "yet-another-org"}),
        ("group_create", {"name": "a-group"}),
        ("package_create", {"name": "an-unowned-dataset"}),
    ):
        response = app.post(f"/api/3/action/{action}", json=data, headers=headers)
        assert response.status_code == 403, (action, response.status_code)
    assert model.Group.get("yet-another-org") is None
    assert model.Package.get("an-unowned-dataset") is None


def test_the_office_admin_cannot_delete_the_office_organization(app, world):
    """Deleting it would end every role of the service at once: only
    sysadmins may (shipped configuration). Last in the module: on a
    configuration that allowed it, the office would be gone."""
    response = app.post("/api/3/action/organization_delete", json={"id": world.office["id"]},
                        headers=auth(world.office_admin))
    assert response.status_code == 403
    assert model.Group.get(world.office["id"]).state == "active"
