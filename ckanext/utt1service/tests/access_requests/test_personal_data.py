# -*- coding: utf-8 -*-
"""Personal data (PDPA): only the requester, the organization's staff and
director, and sysadmins see it; never the activity stream, the search index
or public API results; and ``ckan utt1service purge-personal-data``
anonymises finished requests after the retention period, keeping the counts."""
from __future__ import annotations

import datetime
import json

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.cli.db import _run_migrations
from ckan.tests import helpers

from ckanext.utt1service.access_requests.model import (
    AccessGrant,
    AccessRequest,
    RequestMail,
)
from ckanext.utt1service.common.model import AuditEvent

from .conftest import as_user, auth, expire_grants, move, submit

pytestmark = pytest.mark.usefixtures("clean_queues")

# What a requester types that must not travel.
MARKS = {
    "first_name": "วิลาวัลย์",
    "surname": "ตั้งใจเรียนดีเด่น",
    "phone": "089-765-4321",
    "agency": "ศูนย์วิจัยลับเฉพาะ",
    "intended_use": "ใช้เพื่อวิเคราะห์ครอบครัวนักเรียนรายบุคคล",
}


@pytest.mark.world("pending", "approved")
def test_personal_data_never_reaches_activity_search_or_public_api(world, app):
    w = world
    requester = w.requesters["pending"]
    move(requester, "withdraw", w.requests["pending"]["id"])
    req = submit(requester, w.dataset, [w.restricted["id"]], **MARKS)
    move(w.staff, "check", req["id"], comment="ตรวจแล้ว")
    move(w.director, "approve", req["id"])
    email = requester["email"]

    def clean(response):
        text = response.get_data(as_text=True)
        body = json.dumps(response.json, ensure_ascii=False) if response.is_json else text
        for value in list(MARKS.values()):
            assert value not in body, (response.request.path, value)
        return body

    site = auth(w.sysadmin)
    for path, params in [
        ("package_activity_list", {"id": w.dataset["id"]}),
        ("organization_activity_list", {"id": w.org["id"]}),
        ("recently_changed_packages_activity_list", {}),
        ("user_activity_list", {"id": requester["id"]}),
        ("package_show", {"id": w.dataset["id"]}),
        ("resource_show", {"id": w.restricted["id"]}),
        ("organization_show", {"id": w.org["id"], "include_datasets": True}),
        ("current_package_list_with_resources", {}),
        ("package_search", {"q": "*:*", "fl": "*"}),
    ]:
        for headers in ({}, site):
            response = app.get(f"/api/3/action/{path}", query_string=params, headers=headers)
            clean(response)
    for value in list(MARKS.values()) + [email]:
        found = app.get("/api/3/action/package_search", query_string={"q": f'"{value}"'},
                        headers=site)
        assert found.json["result"]["count"] == 0, value
    for page in (f"/dataset/{w.dataset['name']}", f"/dataset/activity/{w.dataset['name']}",
                 f"/organization/activity/{w.org['name']}", "/dataset/"):
        clean(app.get(page, headers=site))

    # The request itself: to its people only.
    for user in (None, w.stranger, w.member, w.requesters["approved"]):
        response = app.get("/api/3/action/utt1service_request_show",
                           query_string={"id": req["id"]}, headers=auth(user))
        assert response.status_code == 403
        clean(response)
        listed = app.get("/api/3/action/utt1service_request_list", headers=auth(user))
        assert listed.status_code == 403
        page = app.get(f"/access-request/{req['id']}", headers=auth(user))
        assert page.status_code in (403, 200) and MARKS["phone"] not in page.body
    for user in (requester, w.staff, w.director, w.sysadmin):
        shown = app.get("/api/3/action/utt1service_request_show",
                        query_string={"id": req["id"]}, headers=auth(user))
        assert shown.json["result"]["phone"] == MARKS["phone"]


def _age(request_id: str, days: int) -> None:
    """Make a request look as if its last change was ``days`` ago."""
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    model.Session.execute(
        sa.text("UPDATE utt1service_access_request SET modified = :when, created = :when "
                "WHERE id = :id"),
        {"when": when, "id": request_id},
    )
    model.Session.execute(
        sa.text("UPDATE utt1service_access_grant SET expires_at = :when WHERE request_id = :id "
                "AND expires_at < now()"),
        {"when": when, "id": request_id},
    )
    model.Session.commit()


@pytest.mark.world("pending", "rejected", "approved", "expired")
@pytest.mark.ckan_config("ckanext.utt1service.personal_data_retention_days", 365)
def test_purge_command_anonymises_finished_requests_and_keeps_the_counts(world, cli):
    w = world
    reqs = w.requests
    # An anonymous requester who never confirmed the address.
    unconfirmed = helpers.call_action(
        "utt1service_request_create", context={"user": "", "ignore_auth": False},
        package_id=w.dataset["id"], resource_ids=[w.restricted["id"]], first_name="ไม่",
        surname="ยืนยัน", email="never@example.org", position="-", agency="-", agency_type="public",
        data_wanted="x", intended_use="y", phone="0812345678", consent=True,
    )
    for key in ("pending", "rejected", "expired"):
        _age(reqs[key]["id"], 400)
    _age(unconfirmed["id"], 400)
    # "approved" stays recent and valid; "pending" is old but still open.
    counts_before = dict(
        model.Session.query(AccessRequest.state, sa.func.count()).group_by(AccessRequest.state).all()
    )
    trail_before = model.Session.query(AuditEvent).count()

    dry = cli.invoke(ckan, ["utt1service", "purge-personal-data", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "3 access request(s) would be anonymised" in dry.output
    model.Session.remove()
    assert model.Session.query(AccessRequest).filter(AccessRequest.anonymised_at.isnot(None)).count() == 0

    result = cli.invoke(ckan, ["utt1service", "purge-personal-data"])
    assert result.exit_code == 0, result.output
    assert "3 access request(s) anonymised" in result.output
    model.Session.remove()

    gone = {reqs["rejected"]["id"], reqs["expired"]["id"], unconfirmed["id"]}
    for request in model.Session.query(AccessRequest):
        if request.id in gone:
            assert request.anonymised_at is not None
            assert [request.first_name, request.surname, request.email, request.phone,
                    request.position, request.agency, request.intended_use,
                    request.data_wanted, request.user_id] == [None] * 9
            assert all(g.user_id is None for g in request.grants)
            comments = [e.comment for e in AuditEvent.trail("access_request", request.id)]
            assert comments and not any(comments)
            assert model.Session.query(RequestMail).filter_by(request_id=request.id).count() == 0
        else:
            assert request.anonymised_at is None and request.email
    # The numbers reports count stay: states, datasets, dates, the trail.
    counts_after = dict(
        model.Session.query(AccessRequest.state, sa.func.count()).group_by(AccessRequest.state).all()
    )
    assert counts_after == counts_before
    # + "anonymise" for each of the 3, + the run itself (shown in the RoPA)
    assert model.Session.query(AuditEvent).count() == trail_before + 3 + 1
    [run] = model.Session.query(AuditEvent).filter_by(object_type="purge_run").all()
    assert run.action == "purge_personal_data" and run.data["anonymised"] == 3
    assert model.Session.query(AccessRequest).filter(
        AccessRequest.id == reqs["rejected"]["id"], AccessRequest.package_id == w.dataset["id"],
        AccessRequest.number.isnot(None)).count() == 1

    # The requester's "My requests" no longer shows it; nothing left to purge.
    mine = helpers.call_action("utt1service_request_list",
                               context=as_user(w.requesters["rejected"]), mine=True)
    assert mine["count"] == 0
    again = cli.invoke(ckan, ["utt1service", "purge-personal-data"])
    assert "0 access request(s) anonymised" in again.output


@pytest.mark.world("expired")
def test_purge_is_for_sysadmins_only(world):
    w = world
    for user in (w.staff, w.director, w.requesters["expired"]):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("utt1service_request_purge_personal_data",
                                context=as_user(user))
    result = helpers.call_action("utt1service_request_purge_personal_data",
                                 context=as_user(w.sysadmin), days=0)
    assert result["anonymised"] == 1  # the expired one, with days=0


@pytest.mark.usefixtures("clean_db")
def test_migration_goes_down_and_up():
    tables = {"utt1service_access_request", "utt1service_access_request_resource",
              "utt1service_access_grant", "utt1service_request_mail"}
    names = lambda: set(sa.inspect(model.meta.engine).get_table_names())  # noqa: E731
    assert tables <= names()
    _run_migrations("utt1service", version="9a1c2e3d4b5f", forward=False)
    assert not tables & names()
    assert "utt1service_audit" in names()
    _run_migrations("utt1service", forward=True)
    assert tables <= names()


def test_expire_helper_is_honest(world):
    """(The helper the door tests rely on really ends a grant.)"""
    w = world
    move(w.staff, "check", w.requests["pending"]["id"])
    move(w.director, "approve", w.requests["pending"]["id"])
    expire_grants(w.requests["pending"]["id"])
    [grant] = model.Session.query(AccessGrant).filter_by(
        request_id=w.requests["pending"]["id"]).all()
    assert not grant.is_valid()
