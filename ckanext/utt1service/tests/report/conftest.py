# -*- coding: utf-8 -*-
"""A known set of downloads, access requests, survey responses and
complaints for the service report tests, with events on both sides of the
fiscal-year boundaries (30 Sep 23:59 / 1 Oct 00:00 Bangkok time) and of the
half-year boundary (31 Mar 23:59 / 1 Apr 00:00). ``test_report_numbers.py``
holds the figures computed by hand from this data.

Rows are written through the models with explicit times (as the features
that own them would have written them at those times).
"""
from __future__ import annotations

import datetime
import types
import uuid
from typing import Any, Optional

import pytest

import ckan.model as model
from ckan.tests import factories

from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.common.thaidate import BANGKOK
from ckanext.utt1service.tests.factories import (
    AuditEventFactory,
    ComplaintFactory,
    DownloadEventFactory,
    SurveyResponseFactory,
)


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A moment in Bangkok time (Gregorian year)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def _download(resource: dict, dataset: dict, when: datetime.datetime, channel: str, topic: Optional[str],
              counted: bool = True, is_bot: bool = False, request_id: Optional[str] = None) -> None:
    DownloadEventFactory(dataset=dataset, resource=resource, created=when, topic=topic, channel=channel,
                         counted=counted, is_bot=is_bot, request_id=request_id)


def _request(dataset: dict, agency: Optional[str], agency_type: Optional[str], channel: str,
             steps: list[tuple[str, datetime.datetime]]) -> AccessRequest:
    """A request and its audit trail: ``steps`` are (state, when) after the
    creation (which is the first step's time). ``agency_type`` None is a
    request made before the form asked for it."""
    created = steps[0][1]
    request = AccessRequest(
        id=str(uuid.uuid4()),
        package_id=dataset["id"],
        owner_org=dataset["owner_org"],
        state=steps[-1][0],
        agency=agency,
        agency_type=agency_type,
        first_name="ทดสอบ",
        surname="รายงาน",
        delivery_channel=channel,
        created=created,
        modified=steps[-1][1],
        # entering the queue (the last time: a returned request sent again
        # starts its clocks again), as the workflow sets it
        submitted_at=max((when for state, when in steps if state == "submitted"), default=None),
    )
    model.Session.add(request)
    previous = None
    for index, (state, when) in enumerate(steps):
        AuditEvent.record(
            "access_request", request.id, "create" if index == 0 else state,
            from_state=previous, to_state=state,
        ).created = when
        previous = state
    return request


def _survey(dataset: Optional[dict], when: datetime.datetime, ratings: tuple[int, ...],
            suggestion: Optional[str] = None) -> None:
    SurveyResponseFactory(dataset=dataset, created=when, ratings=ratings, suggestion=suggestion)


def _complaint(dataset: Optional[dict], kind: str, category: str, steps: list[tuple[str, datetime.datetime]]) -> None:
    times = dict(steps)
    state = steps[-1][0]
    complaint = ComplaintFactory(
        dataset=dataset, kind=kind, category=category, state=state,
        resolution="แก้ไขแล้ว" if state in ("resolved", "closed") else None,
        created=steps[0][1], updated=steps[-1][1],
        resolved_at=times.get("resolved"), closed_at=times.get("closed"),
    )
    previous = None
    for index, (step_state, when) in enumerate(steps):
        AuditEventFactory(object_type="complaint", object_id=complaint.id,
                          action="create" if index == 0 else "change_state",
                          from_state=previous, to_state=step_state, created=when)
        previous = step_state


def build_known_world() -> types.SimpleNamespace:
    w = types.SimpleNamespace()
    w.sysadmin = factories.SysadminWithToken()
    w.admin1 = factories.UserWithToken()
    w.editor1 = factories.UserWithToken()
    w.admin2 = factories.UserWithToken()
    w.stranger = factories.UserWithToken()
    w.org1 = factories.Organization(
        name="report-office",
        title="กลุ่มนโยบายและแผน",
        users=[{"name": w.admin1["name"], "capacity": "admin"}, {"name": w.editor1["name"], "capacity": "editor"}],
    )
    w.org2 = factories.Organization(
        name="report-schools", title="Schools group", users=[{"name": w.admin2["name"], "capacity": "admin"}]
    )
    w.a = factories.Dataset(owner_org=w.org1["id"], name="students-2569", title="จำนวนนักเรียน ปีการศึกษา 2569")
    w.b = factories.Dataset(owner_org=w.org1["id"], name="teachers-2569", title="Teachers 2569")
    w.c = factories.Dataset(owner_org=w.org2["id"], name="schools-2569", title="Schools 2569")
    w.a1 = factories.Resource(package_id=w.a["id"], name="students-by-grade.csv", url="http://example.org/a1.csv")
    w.a2 = factories.Resource(package_id=w.a["id"], name="students-by-school.xlsx", url="http://example.org/a2.xlsx")
    w.b1 = factories.Resource(package_id=w.b["id"], name="teachers.csv", url="http://example.org/b1.csv")
    w.c1 = factories.Resource(package_id=w.c["id"], name="schools.csv", url="http://example.org/c1.csv")
    a, b, c = w.a, w.b, w.c

    # Downloads (15 events; 7 count in FY 2569, 4 in FY 2568).
    _download(w.a1, a, bkk(2024, 9, 30, 23, 59), "web", "students")      # FY 2567
    _download(w.a1, a, bkk(2024, 10, 1, 0, 0), "web", "students")        # FY 2568 H1 Oct
    _download(w.b1, b, bkk(2025, 3, 31, 23, 59), "qr", "teachers")       # FY 2568 H1 Mar
    _download(w.b1, b, bkk(2025, 4, 1, 0, 0), "qr", "teachers")          # FY 2568 H2 Apr
    _download(w.a2, a, bkk(2025, 9, 30, 23, 59), "email", "students")    # FY 2568 H2 Sep
    _download(w.a1, a, bkk(2025, 10, 1, 0, 0), "web", "students")        # FY 2569 H1 Oct
    _download(w.a1, a, bkk(2025, 10, 15, 10, 0), "web", "students")      # FY 2569 H1 Oct
    _download(w.a1, a, bkk(2025, 10, 15, 10, 1), "web", "students", counted=False)  # repeat: no
    _download(w.a2, a, bkk(2025, 11, 2, 9, 0), "api", "students")        # FY 2569 H1 Nov
    _download(w.a2, a, bkk(2025, 11, 2, 9, 5), "web", "students", is_bot=True)      # bot: no
    _download(w.b1, b, bkk(2026, 3, 31, 23, 59), "qr", "teachers")       # FY 2569 H1 Mar
    _download(w.b1, b, bkk(2026, 4, 1, 0, 0), "paper", "teachers")       # FY 2569 H2 Apr
    _download(w.c1, c, bkk(2026, 6, 10, 14, 0), "web", None)             # FY 2569 H2 Jun
    _download(w.c1, c, bkk(2026, 9, 30, 23, 59), "web", None)            # FY 2569 H2 Sep
    _download(w.c1, c, bkk(2026, 10, 1, 0, 0), "web", None)              # FY 2570

    # Access requests.
    school = "โรงเรียนบ้านหนองฉาง"
    w.r1 = _request(a, school, "school", "download", [
        ("submitted", bkk(2025, 9, 30, 23, 59)), ("checked", bkk(2025, 10, 1, 9, 0)),
        ("approved", bkk(2025, 10, 2, 23, 59)), ("delivered", bkk(2025, 10, 4, 11, 59))])
    w.r2 = _request(a, "สำนักงานสถิติจังหวัดอุทัยธานี", "government", "download", [
        ("submitted", bkk(2025, 10, 1, 0, 0)), ("rejected", bkk(2025, 10, 6, 0, 0))])
    w.r3 = _request(a, "  โรงเรียนบ้านหนองฉาง  ", "school", "download", [
        ("submitted", bkk(2025, 11, 10, 9, 0)), ("checked", bkk(2025, 11, 10, 15, 0)),
        ("approved", bkk(2025, 11, 11, 9, 0))])
    # r3 is delivered by the requester's first download through the grant
    # (a repeat, so it does not count as a download).
    _download(w.a1, a, bkk(2025, 11, 12, 21, 0), "web", "students", counted=False, request_id=w.r3.id)
    w.r4 = _request(b, school, "school", "email", [
        ("submitted", bkk(2026, 3, 31, 23, 59)), ("withdrawn", bkk(2026, 4, 1, 0, 0))])
    w.r5 = _request(c, "มหาวิทยาลัยนเรศวร", "university", "download", [("submitted", bkk(2026, 9, 30, 23, 59))])
    w.r6 = _request(a, "ไม่ยืนยันอีเมล", "public", "download", [("unconfirmed", bkk(2026, 5, 1, 8, 0))])
    w.r7 = _request(a, "ปีหน้า", "private", "download", [("submitted", bkk(2026, 10, 1, 0, 0))])
    w.r8 = _request(b, "สพป.อุทัยธานี เขต 2", "area_office", "email", [
        ("submitted", bkk(2024, 11, 1, 10, 0)), ("checked", bkk(2024, 11, 2, 10, 0)),
        ("approved", bkk(2024, 11, 5, 10, 0)), ("delivered", bkk(2024, 11, 6, 10, 0))])
    w.r9 = _request(a, "มหาวิทยาลัยนเรศวร", "university", "download", [
        ("submitted", bkk(2025, 5, 1, 0, 0)), ("checked", bkk(2025, 5, 2, 0, 0)),
        ("approved", bkk(2025, 10, 10, 0, 0))])
    w.r10 = _request(a, None, None, "paper", [
        ("unconfirmed", bkk(2025, 12, 1, 20, 0)), ("submitted", bkk(2025, 12, 2, 10, 0)),
        ("returned", bkk(2025, 12, 3, 10, 0)), ("submitted", bkk(2025, 12, 10, 10, 0)),
        ("checked", bkk(2025, 12, 11, 10, 0)), ("approved", bkk(2025, 12, 12, 10, 0))])

    # Survey responses (items 1.1, 1.2, 2.1, 2.2, 2.3).
    _survey(a, bkk(2025, 10, 1, 0, 0), (3, 3, 3, 3, 3), "ควรเพิ่มข้อมูลรายโรงเรียน")
    _survey(b, bkk(2025, 12, 15, 12, 0), (3, 2, 2, 3, 1), "   ")
    _survey(None, bkk(2026, 3, 31, 23, 59), (2, 2, 1, 3, 3))
    _survey(c, bkk(2026, 4, 1, 0, 0), (3, 3, 2, 2, 2), "ดาวน์โหลดเร็วดีมาก")
    _survey(a, bkk(2025, 9, 30, 23, 59), (1, 1, 1, 1, 1), "เว็บช้า")
    _survey(a, bkk(2025, 5, 1, 0, 0), (3, 3, 3, 3, 2))
    _survey(a, bkk(2026, 10, 1, 0, 0), (3, 3, 3, 3, 3), "ปีหน้า")

    # Problems and complaints.
    _complaint(a, "complaint", "data_wrong", [
        ("received", bkk(2025, 10, 1, 0, 0)), ("in_progress", bkk(2025, 10, 2, 0, 0)),
        ("resolved", bkk(2025, 10, 4, 0, 0)), ("closed", bkk(2025, 10, 10, 0, 0))])
    _complaint(None, "problem", "system_error", [
        ("received", bkk(2026, 3, 31, 23, 59)), ("in_progress", bkk(2026, 4, 2, 0, 0))])
    _complaint(c, "complaint", "slow_service", [("received", bkk(2026, 9, 30, 23, 59))])
    _complaint(a, "complaint", "data_wrong", [
        ("received", bkk(2025, 9, 30, 23, 0)), ("in_progress", bkk(2025, 9, 30, 23, 59)),
        ("resolved", bkk(2025, 10, 1, 0, 0)), ("closed", bkk(2026, 10, 5, 0, 0))])
    _complaint(b, "complaint", "cannot_find", [
        ("received", bkk(2025, 6, 1, 0, 0)), ("in_progress", bkk(2025, 6, 2, 0, 0)),
        ("resolved", bkk(2025, 6, 8, 0, 0)), ("closed", bkk(2025, 6, 9, 0, 0))])
    _complaint(a, "complaint", "other", [("received", bkk(2026, 10, 1, 0, 0))])

    model.Session.commit()
    return w


@pytest.fixture()
def known_world(clean_db, clean_index) -> types.SimpleNamespace:
    return build_known_world()


def auth(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": user["token"]}


@pytest.fixture(autouse=True)
def _service_organizations(ckan_config, monkeypatch):
    """Both organizations of these tests take part in the service, so their
    admins are its directors (``authz``); the office's organization is left
    as configured (it also answers for what belongs to no dataset)."""
    monkeypatch.setitem(
        ckan_config, "ckanext.utt1service.service_organizations", "report-office report-schools"
    )
