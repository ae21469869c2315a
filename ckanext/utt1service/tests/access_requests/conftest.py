# -*- coding: utf-8 -*-
"""A small world for the access-request tests: the office's organization with
its director (admin), staff (editor) and a member; a dataset with a
restricted upload, a public upload and a public link; a stranger; and one
requester in each state that matters at the door (pending, rejected,
approved, approved but expired).

``build_world()`` is used by a module-scoped fixture in the door tests (which
only read) and by function-scoped fixtures elsewhere. Requests in a given
state without the workflow's steps: the factories of ``factories.py``,
registered here as fixtures (``access_request_factory``,
``access_grant_factory``).
"""
from __future__ import annotations

import datetime
import io
import re
import types
import uuid
from typing import Any

import pytest
from pytest_factoryboy import register

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.utt1service.access_requests.model import AccessGrant
from ckanext.utt1service.tests.access_requests.factories import (
    AccessGrantFactory,
    AccessRequestFactory,
)

register(AccessRequestFactory)
register(AccessGrantFactory)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "world(*states): requesters the world fixture creates (default: pending)"
    )


FORM = {
    "position": "ครู",
    "agency": "โรงเรียนบ้านหนองแก",
    "agency_type": "school",
    "affiliation": "สพป.อุทัยธานี เขต 1",
    "data_wanted": "จำนวนนักเรียนรายบุคคล",
    "intended_use": "วิจัยในชั้นเรียน",
    "delivery_channel": "download",
    "phone": "081-234-5678",
    "consent": True,
}


def upload(package_id: str, content: bytes, filename: str, **extra: Any) -> dict[str, Any]:
    site_user = helpers.call_action("get_site_user")
    return helpers.call_action(
        "resource_create",
        context={"user": site_user["name"]},
        package_id=package_id,
        url=filename,
        upload=FakeFileStorage(io.BytesIO(content), filename),
        name=extra.pop("name", filename),
        **extra,
    )


def as_user(user: dict[str, Any]) -> dict[str, Any]:
    return {"user": user["name"], "ignore_auth": False}


def submit(user: dict[str, Any], dataset: dict[str, Any], resource_ids: list[str],
           **fields: Any) -> dict[str, Any]:
    data = dict(FORM, package_id=dataset["id"], resource_ids=resource_ids)
    data.update(fields)
    return helpers.call_action("utt1service_request_create", context=as_user(user), **data)


def move(user: dict[str, Any], action: str, request_id: str, **data: Any) -> dict[str, Any]:
    return helpers.call_action(
        f"utt1service_request_{action}", context=as_user(user), id=request_id, **data
    )


def run_jobs() -> None:
    """What `ckan jobs worker` does (sends the mail), until the queue is empty."""
    from ckan.lib.jobs import Worker
    from ckan.lib.redis import connect_to_redis

    model.Session.remove()
    Worker(["default"], connection=connect_to_redis()).work(burst=True)
    model.Session.remove()


def send_mail_command(cli, *args: str):
    """`ckan utt1service send-mail` as cron runs it. The command reads the
    configuration file again: the test's SMTP server is passed the way a
    deployment passes it, in CKAN_SMTP_SERVER."""
    import ckan.plugins.toolkit as tk
    from ckan.cli.cli import ckan

    env = {"CKAN_SMTP_SERVER": tk.config["smtp.server"], "CKAN_SMTP_STARTTLS": "false"}
    return cli.invoke(ckan, ["utt1service", "send-mail", *args], env=env)


def expire_grants(request_id: str) -> None:
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    for grant in model.Session.query(AccessGrant).filter(AccessGrant.request_id == request_id):
        grant.expires_at = past
    model.Session.commit()


ALL_STATES = ("pending", "rejected", "approved", "expired")


def build_world(states: tuple[str, ...] = ALL_STATES) -> types.SimpleNamespace:
    w = types.SimpleNamespace()
    w.secret = f"SECRET-BYTES-{uuid.uuid4().hex}".encode() * 4
    w.public_bytes = f"PUBLIC-BYTES-{uuid.uuid4().hex}".encode()
    w.sysadmin = factories.SysadminWithToken()
    w.director = factories.UserWithToken(fullname="ผู้อำนวยการ กลุ่มนโยบายและแผน")
    w.staff = factories.UserWithToken(fullname="เจ้าหน้าที่ งานข้อมูล")
    w.member = factories.UserWithToken()
    w.stranger = factories.UserWithToken(fullname="คนแปลก หน้า")
    # the office's organization (ckanext.utt1service.office_organization):
    # the one that takes part in the service by default
    w.org = factories.Organization(
        name=tk.config.get("ckanext.utt1service.office_organization"),
        title="กลุ่มนโยบายและแผน",
        users=[
            {"name": w.director["name"], "capacity": "admin"},
            {"name": w.staff["name"], "capacity": "editor"},
            {"name": w.member["name"], "capacity": "member"},
        ]
    )
    w.dataset = factories.Dataset(owner_org=w.org["id"], title="ข้อมูลนักเรียนรายบุคคล")
    w.restricted = upload(
        w.dataset["id"], w.secret, "students-secret.csv", access_level="restricted",
        format="CSV", name="นักเรียนรายบุคคล.csv",
    )
    w.public = upload(w.dataset["id"], w.public_bytes, "summary.csv", format="CSV")
    w.link = helpers.call_action(
        "resource_create", context={"user": w.sysadmin["name"]}, package_id=w.dataset["id"], url="https://example.org/summary.pdf",
        name="A public link",
    )
    w.requesters = {}
    w.requests = {}
    for state in states:
        user = factories.UserWithToken(fullname=f"ผู้ขอ {state}")
        w.requesters[state] = user
        req = submit(user, w.dataset, [w.restricted["id"]])
        if state == "rejected":
            move(w.director, "reject", req["id"], comment="ไม่เข้าเกณฑ์")
        elif state in ("approved", "expired"):
            move(w.staff, "check", req["id"])
            move(w.director, "approve", req["id"])
        if state == "expired":
            expire_grants(req["id"])
        w.requests[state] = req
    model.Session.remove()
    return w


@pytest.fixture(scope="module")
def shared_world(_session_plugins, reset_db, migrate_db_for, reset_index) -> types.SimpleNamespace:
    """One world for a whole module whose tests only read it (or try what
    must be refused). Never mix it with ``world`` in one module: that one
    resets the database."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")
    reset_index()
    return build_world()


@pytest.fixture()
def world(request, clean_db, clean_index) -> types.SimpleNamespace:
    """A fresh world for tests that change it; with only a pending request
    unless the test asks for more with ``@pytest.mark.world(*states)``."""
    marker = request.node.get_closest_marker("world")
    return build_world(tuple(marker.args) if marker else ("pending",))


def auth(user: dict[str, Any] | None) -> dict[str, str]:
    return {"Authorization": user["token"]} if user else {}


def form_url(w: types.SimpleNamespace) -> str:
    return f"/dataset/{w.dataset['name']}/request-access?resource_id={w.restricted['id']}"


def text(response) -> str:
    """The page's visible text, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
