# -*- coding: utf-8 -*-
"""Sample service activity for `make dev`: downloads through every channel,
satisfaction survey responses and a few problems and complaints, spread from
the start of fiscal year 2568 (1 Oct 2024) until now, so that the service
report and the landing page's most-downloaded list show real-looking figures;
and a few access requests that staff recorded for people who asked by phone
or at the counter, taken through the real workflow (check, approval or
rejection, paper hand-over) by the demo's staff member and director.

Added only to a portal that has no download (no request) yet; every row is
sample data (the visitor key ``demo-sample``, names and texts say so).
"""
from __future__ import annotations

import datetime
import random
from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import SurveyResponse

DEMO_VISITOR = "demo-sample"
FIRST_FISCAL_YEAR = 2568
DOWNLOADS = 900
SURVEY_RESPONSES = 120

#: channel → weight (the self-service web menu carries most of the service)
CHANNEL_WEIGHTS = {"web": 60, "qr": 18, "api": 8, "email": 8, "paper": 6}
#: rating → weight, per survey item: most users are satisfied
RATING_WEIGHTS = {3: 62, 2: 31, 1: 7}
RESPONDENT_WEIGHTS = {
    "school": 40, "office_staff": 15, "government": 15, "private": 5, "public": 15, "student": 10,
}
SUGGESTIONS = (
    "(ตัวอย่าง) อยากให้มีข้อมูลนักเรียนรายอำเภอเป็นไฟล์ Excel",
    "(ตัวอย่าง) ค้นหาข้อมูลได้รวดเร็วดี ขอบคุณครับ",
    "(ตัวอย่าง) ควรปรับปรุงข้อมูลอาคารเรียนให้เป็นปัจจุบัน",
    "(ตัวอย่าง) เจ้าหน้าที่ให้คำแนะนำดีมาก",
    "(ตัวอย่าง) อยากให้มีข้อมูลย้อนหลัง 5 ปี",
)
#: category, kind, channel, description, days to resolve (None: still open)
COMPLAINTS = (
    ("data_wrong", "complaint", "web",
     "(ข้อมูลตัวอย่าง) จำนวนนักเรียนชั้น ป.1 ของโรงเรียนบ้านหนองแกไม่ตรงกับ DMC", 6),
    ("cannot_find", "problem", "phone",
     "(ข้อมูลตัวอย่าง) หาข้อมูลงบประมาณรายหัวปีก่อนไม่พบ", 2),
    ("slow_service", "complaint", "walk_in",
     "(ข้อมูลตัวอย่าง) รอรับเอกสารนานกว่าที่แจ้งไว้", 9),
    ("system_error", "problem", "web",
     "(ข้อมูลตัวอย่าง) ดาวน์โหลดไฟล์ CSV แล้วภาษาไทยอ่านไม่ออกใน Excel รุ่นเก่า", 3),
    ("other", "complaint", "email",
     "(ข้อมูลตัวอย่าง) ขอให้เพิ่มช่องทางติดต่อทาง LINE", None),
)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _moment(rng: random.Random, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    """A time between start and end, more often in office hours on weekdays."""
    while True:
        at = start + (end - start) * rng.random()
        local = at.astimezone(thaidate.BANGKOK)
        if local.weekday() < 5 and 8 <= local.hour < 17 or rng.random() < 0.15:
            return at


def _public_files() -> list[tuple[Any, Any]]:
    """(resource, dataset) of the public files of active datasets."""
    rows = (
        model.Session.query(model.Resource, model.Package)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.state == "active", model.Package.state == "active")
        .filter(model.Package.private.is_(False))
        .all()
    )
    return [(r, p) for r, p in rows if (r.extras or {}).get("access_level", "public") == "public"]


#: agency, agency type, intake channel, what happens after the staff's check
REQUESTS = (
    ("โรงเรียนบ้านหนองแก (ตัวอย่าง)", "school", "counter", "handed_over"),
    ("มหาวิทยาลัยนเรศวร (ตัวอย่าง)", "university", "phone", "approved"),
    ("สำนักงานสาธารณสุขอำเภอ (ตัวอย่าง)", "government", "phone", "rejected"),
    ("ผู้ปกครองนักเรียน (ตัวอย่าง)", "public", "counter", "checked"),
    ("โรงเรียนวัดทุ่งแก้ว (ตัวอย่าง)", "school", "phone", "submitted"),
)


def _restricted_files() -> dict[str, list[str]]:
    """Ids of the restricted files per dataset (name) of the demo."""
    files: dict[str, list[str]] = {}
    for resource, package in (
        model.Session.query(model.Resource, model.Package)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.state == "active", model.Package.state == "active")
    ):
        if (resource.extras or {}).get("access_level") == "restricted":
            files.setdefault(package.name, []).append(resource.id)
    return files


def seed_requests(staff: str, director: str, echo: Callable[[str], None]) -> None:
    """Requests recorded by ``staff`` on the requesters' behalf (no e-mail
    address, delivery on paper) and decided by ``director``."""
    from ckanext.utt1service.access_requests.model import AccessRequest

    if model.Session.query(AccessRequest.id).first() is not None:
        echo("sample requests: the portal already has access requests (kept as they are)")
        return
    files = sorted(_restricted_files().items())
    if not files or not model.User.get(staff) or not model.User.get(director):
        echo("sample requests: no restricted file or demo staff (skipped)")
        return
    act = tk.get_action
    for number, (agency, agency_type, channel, outcome) in enumerate(REQUESTS):
        package, resource_ids = files[number % len(files)]
        request = act("utt1service_request_create_on_behalf")({"user": staff}, {
            "package_id": package,
            "resource_ids": resource_ids,
            "first_name": f"ผู้ขอ{number + 1}",
            "surname": "ตัวอย่าง",
            "position": "ครู" if agency_type == "school" else "เจ้าหน้าที่",
            "agency": agency,
            "agency_type": agency_type,
            "data_wanted": "ข้อมูลนักเรียนรายบุคคลเพื่อวางแผนการสอน (ตัวอย่าง)",
            "intended_use": "ใช้ประกอบการวางแผน (ข้อมูลตัวอย่าง)",
            "delivery_channel": "paper",
            "phone": "056-000-000",
            "intake_channel": channel,
            "consent_method": "paper" if channel == "counter" else "phone",
            "consent": True,
        })
        if outcome == "submitted":
            continue
        act("utt1service_request_check")({"user": staff}, {"id": request["id"]})
        if outcome == "rejected":
            act("utt1service_request_reject")({"user": director}, {
                "id": request["id"],
                "comment": "ข้อมูลรายบุคคลให้ได้เฉพาะหน่วยงานการศึกษา (ตัวอย่าง)",
            })
        elif outcome in ("approved", "handed_over"):
            act("utt1service_request_approve")({"user": director}, {"id": request["id"]})
        if outcome == "handed_over":
            act("utt1service_request_hand_over")({"user": staff}, {
                "id": request["id"], "received_by": "ผู้ขอ1 ตัวอย่าง",
            })
    echo(f"sample requests: {len(REQUESTS)} recorded by {staff}, decided by {director}")


def seed(echo: Callable[[str], None]) -> None:
    if model.Session.query(DownloadEvent.id).first() is not None:
        echo("sample activity: the portal already has downloads (kept as they are)")
        return
    files = _public_files()
    if not files:
        echo("sample activity: no public file to download (skipped)")
        return
    rng = random.Random(FIRST_FISCAL_YEAR)
    start, _end = thaidate.fiscal_year_bounds(FIRST_FISCAL_YEAR)
    now = datetime.datetime.now(datetime.timezone.utc)
    topic_field = tk.config.get("ckanext.utt1service.download_topic_field") or ""
    # some files are wanted far more than others
    popularity = [rng.randint(1, 12) for _ in files]

    def a_file() -> dict[str, Any]:
        """When and which file: the fields a download and a response share."""
        resource, package = rng.choices(files, weights=popularity)[0]
        return {"created": _moment(rng, start, now), "resource_id": resource.id,
                "package_id": package.id, "owner_org": package.owner_org}

    events = []
    for _ in range(DOWNLOADS):
        where = a_file()
        package = model.Package.get(where["package_id"])
        events.append(DownloadEvent(
            **where,
            topic=package.extras.get(topic_field) if topic_field else None,
            channel=_weighted(rng, CHANNEL_WEIGHTS),
            visitor_key=DEMO_VISITOR,
        ))
    model.Session.add_all(events)

    responses = []
    for _ in range(SURVEY_RESPONSES):
        responses.append(SurveyResponse(
            **a_file(),
            staff_courtesy=_weighted(rng, RATING_WEIGHTS),
            staff_reception=_weighted(rng, RATING_WEIGHTS),
            search_speed=_weighted(rng, RATING_WEIGHTS),
            data_match=_weighted(rng, RATING_WEIGHTS),
            data_quality=_weighted(rng, RATING_WEIGHTS),
            suggestion=rng.choice(SUGGESTIONS) if rng.random() < 0.2 else None,
            respondent_type=_weighted(rng, RESPONDENT_WEIGHTS),
            mode="online" if rng.random() < 0.85 else "paper",
        ))
    model.Session.add_all(responses)

    for category, kind, channel, description, days in COMPLAINTS:
        resource, package = rng.choice(files)
        received = _moment(rng, start, now - datetime.timedelta(days=15))
        resolved = received + datetime.timedelta(days=days) if days is not None else None
        model.Session.add(Complaint(
            kind=kind,
            category=category,
            description=description,
            package_id=package.id,
            owner_org=package.owner_org,
            channel=channel,
            lang="th",
            state="resolved" if resolved else "received",
            resolution="(ข้อมูลตัวอย่าง) แก้ไขและแจ้งผู้ร้องเรียนแล้ว" if resolved else None,
            created=received,
            updated=resolved or received,
            resolved_at=resolved,
        ))
    model.Session.commit()
    echo(
        f"sample activity: {DOWNLOADS} downloads, {SURVEY_RESPONSES} survey responses and "
        f"{len(COMPLAINTS)} problems/complaints since fiscal year {FIRST_FISCAL_YEAR}"
    )
