# -*- coding: utf-8 -*-
"""The problems and complaints register: the public form and its
acknowledgement, who may see what, the audited workflow."""
from __future__ import annotations

import datetime

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.jobs import Worker
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.monitoring.model.complaint import Complaint

from .conftest import form_post

pytestmark = pytest.mark.usefixtures("clean_db", "clean_queues")


def _complaints() -> list[Complaint]:
    model.Session.expire_all()
    return model.Session.query(Complaint).order_by(Complaint.number).all()


def _staff(org: dict, role: str = "editor") -> dict:
    user = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"], role=role)
    return user


def _file(context_user: str = "", **data) -> dict:
    return helpers.call_action(
        "utt1service_complaint_create",
        context={"user": context_user, "ignore_auth": False},
        **dict({"category": "data_wrong", "description": "ตัวเลขไม่ตรงกับรายงาน"}, **data),
    )


def test_the_public_files_a_complaint_and_gets_an_acknowledgement(app, smtp_server, office):
    dataset = factories.Dataset(owner_org=factories.Organization()["id"], name="onet-2567")
    client = app.test_client()
    form = client.get("/complaint/?dataset=onet-2567").get_data(as_text=True)
    for text in ("ข้อมูลไม่ถูกต้องหรือไม่เป็นปัจจุบัน", "ค้นหาข้อมูลไม่พบ", "การให้บริการล่าช้า",
                 "พฤติกรรมการให้บริการของเจ้าหน้าที่", "ระบบขัดข้อง", "อื่น ๆ", "onet-2567"):
        assert text in form, text

    response = form_post(client, "/complaint/", {
        "category": "data_wrong",
        "description": "คะแนนเฉลี่ยวิชาคณิตศาสตร์ไม่ตรงกับประกาศ สทศ. & ต้องแก้ไข",
        "package": "onet-2567",
        "contact_name": "สมชาย ใจดี",
        "contact_email": "somchai@example.org",
        "consent": "true",
    })
    body = response.get_data(as_text=True)
    assert "ได้รับเรื่องของท่านแล้ว" in body
    [complaint] = _complaints()
    assert f"<strong>{complaint.number}</strong>" in body
    assert complaint.state == "received" and complaint.kind == "complaint" and complaint.channel == "web"
    assert complaint.package_id == dataset["id"] and complaint.owner_org == dataset["owner_org"]
    assert complaint.consent_at is not None and complaint.lang == "th"
    [created] = AuditEvent.trail("complaint", complaint.id)
    assert created.action == "create" and created.to_state == "received"

    # the acknowledgement goes by e-mail, from a background job
    assert smtp_server.to("somchai@example.org") == []
    Worker(["default"], connection=connect_to_redis()).work(burst=True)
    [mail] = smtp_server.to("somchai@example.org")
    assert f"เลขที่ {complaint.number}" in mail["Subject"]
    text = smtp_server.text(mail)
    assert "เรียน สมชาย ใจดี" in text
    assert "ข้อมูลไม่ถูกต้องหรือไม่เป็นปัจจุบัน" in text
    assert "สทศ. & ต้องแก้ไข" in text  # plain text, not HTML-escaped
    office = tk.config.get("ckanext.utt1service.office_name")
    assert mail["Subject"].endswith(office) and office in text
    assert str(thaidate.to_bangkok(complaint.created).year + 543) in text  # the date in the Buddhist Era


def test_no_mail_without_an_address_and_the_thanks_page_is_private(app, smtp_server):
    client = app.test_client()
    form_post(client, "/complaint/", {"category": "slow_service", "description": "รอนานมาก"})
    Worker(["default"], connection=connect_to_redis()).work(burst=True)
    assert smtp_server.messages == []
    # another browser does not see the acknowledgement
    other = app.test_client().get("/complaint/thanks")
    assert "ได้รับเรื่องของท่านแล้ว" not in other.get_data(as_text=True)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"category": "", "description": "x"}, "category", "กรุณาเลือกจากรายการ"),
        ({"category": "nonsense", "description": "x"}, "category", "กรุณาเลือกจากรายการ"),
        ({"category": "other", "description": "   "}, "description", "ต้องระบุ"),
        ({"category": "other", "description": "x", "contact_email": "a@b.org"}, "consent", "กรุณายินยอม"),
        ({"category": "other", "description": "x", "contact_email": "not-an-address", "consent": "true"},
         "contact_email", "อีเมล"),
        ({"category": "other", "description": "x", "contact_phone": "call me", "consent": "true"},
         "contact_phone", "หมายเลขโทรศัพท์"),
        ({"category": "other", "description": "x", "package": "no-such-dataset"}, "package", "ไม่พบชุดข้อมูล"),
        ({"category": "other", "description": "x", "kind": "problem"}, "kind", "เฉพาะเจ้าหน้าที่"),
    ],
)
def test_bad_input_is_explained_and_kept(app, data, field, message):
    response = form_post(app.test_client(), "/complaint/", dict(data))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body, body[body.find("error-explanation"):][:600]
    if data.get("contact_email"):
        assert data["contact_email"] in body
    assert _complaints() == []


def test_who_sees_what(app, office, ckan_config, monkeypatch):
    org_a, org_b = factories.Organization(), factories.Organization()
    # both take part in the service; org_c does not
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.service_organizations",
                        f"{org_a['name']} {org_b['name']}")
    org_c = factories.Organization()
    dataset_a = factories.Dataset(owner_org=org_a["id"])
    dataset_c = factories.Dataset(owner_org=org_c["id"])
    about_a = _file(package=dataset_a["id"])
    about_c = _file(package=dataset_c["id"])
    general = _file(category="slow_service", description="บริการช้า")

    editor_a, editor_b, admin_c = _staff(org_a), _staff(org_b), _staff(org_c, role="admin")
    office_staff = _staff(office, role="admin")
    member_a = _staff(org_a, role="member")
    sysadmin = factories.SysadminWithToken()
    nobody = factories.UserWithToken()

    def visible(user) -> set[int]:
        res = app.get("/complaint/register", headers={"Authorization": user["token"]})
        if res.status_code != 200:
            return set()
        body = res.get_data(as_text=True)
        return {n for n in (about_a["number"], general["number"]) if f'/complaint/{n}"' in body}

    assert visible(editor_a) == {about_a["number"]}
    assert visible(editor_b) == set()
    assert visible(office_staff) == {about_a["number"], general["number"]}
    assert visible(sysadmin) == {about_a["number"], general["number"]}

    # the public, plain members and the admins of an organization that does
    # not take part never see the register or an entry (not even about
    # their own organization's dataset)
    for headers in ({}, {"Authorization": nobody["token"]}, {"Authorization": member_a["token"]},
                    {"Authorization": admin_c["token"]}):
        assert app.get("/complaint/register", headers=headers).status_code == 403
        assert app.get(f"/complaint/{about_a['number']}", headers=headers).status_code == 403
        assert app.get(f"/complaint/{about_c['number']}", headers=headers).status_code == 403
    assert app.get(f"/complaint/{about_a['number']}", headers={"Authorization": editor_b["token"]}).status_code == 403
    assert app.get(f"/complaint/{general['number']}", headers={"Authorization": editor_a["token"]}).status_code == 403
    page = app.get(f"/complaint/{about_a['number']}", headers={"Authorization": editor_a["token"]})
    assert page.status_code == 200 and "ตัวเลขไม่ตรงกับรายงาน" in page.get_data(as_text=True)
    assert app.get("/complaint/99999", headers={"Authorization": sysadmin["token"]}).status_code == 404

    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action("utt1service_complaint_list", context={"user": "", "ignore_auth": False})
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action("utt1service_complaint_show", context={"user": nobody["name"], "ignore_auth": False},
                            id=about_a["id"])


def test_the_workflow_is_enforced_and_audited(app, office):
    complaint = _file(contact_phone="056 511 234", consent=True)
    staff = _staff(office)
    headers = {"Authorization": staff["token"]}
    url = f"/complaint/{complaint['number']}"

    def move(**data):
        return app.post(url, data=data, headers=headers).get_data(as_text=True)

    assert "ไม่สามารถเปลี่ยนจากสถานะนี้" in move(state="resolved", resolution="แก้แล้ว")
    assert "ไม่สามารถเปลี่ยนจากสถานะนี้" in move(state="closed")
    assert "กำลังดำเนินการ" in move(state="in_progress", comment="ส่งให้ผู้รับผิดชอบข้อมูลตรวจสอบ")
    body = move(state="resolved")
    assert "กรุณาระบุวิธีการแก้ไข" in body
    move(state="resolved", resolution="แก้ไขตัวเลขในไฟล์แล้ว")
    body = move(state="closed")
    assert "ปิดเรื่อง" in body
    assert "ย้ายสถานะ" not in body  # nothing left to do

    [saved] = _complaints()
    assert saved.state == "closed" and saved.resolution == "แก้ไขตัวเลขในไฟล์แล้ว"
    assert saved.resolved_at is not None and saved.closed_at is not None
    trail = AuditEvent.trail("complaint", saved.id)
    assert [(e.from_state, e.to_state) for e in trail] == [
        (None, "received"), ("received", "in_progress"), ("in_progress", "resolved"), ("resolved", "closed")
    ]
    assert {e.actor_id for e in trail[1:]} == {staff["id"]}
    assert trail[1].comment == "ส่งให้ผู้รับผิดชอบข้อมูลตรวจสอบ"
    assert "056 511 234" in app.get(url, headers=headers).get_data(as_text=True)


def test_staff_record_a_problem_of_a_service_event(app, office):
    staff = _staff(office)
    survey = helpers.call_action(
        "utt1service_survey_response_create", context={"user": ""},
        staff_courtesy=1, staff_reception=1, search_speed=2, data_match=2, data_quality=2,
    )
    form = app.get(f"/complaint/?kind=problem&request_id=REQ-5&survey={survey['id']}",
                   headers={"Authorization": staff["token"]}).get_data(as_text=True)
    assert "บันทึกประเด็นปัญหาของการให้บริการ" in form
    response = app.post("/complaint/", headers={"Authorization": staff["token"]}, data={
        "kind": "problem", "channel": "walk_in", "category": "slow_service",
        "description": "ผู้ขอรอเอกสารนาน 3 วัน", "request_id": "REQ-5", "survey_response_id": survey["id"],
    })
    [problem] = _complaints()
    assert f"/complaint/{problem.number}" in response.request.path
    assert (problem.kind, problem.channel, problem.request_id, problem.survey_response_id) == (
        "problem", "walk_in", "REQ-5", survey["id"])
    assert problem.created_by == staff["id"]


def test_the_register_filters_and_shows_ages(app, office):
    old = _file(category="system_error", description="ระบบล่มตอนดาวน์โหลด")
    _file(category="cannot_find", description="หาไม่เจอ")
    row = model.Session.get(Complaint, old["id"])
    row.created = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=12, hours=1)
    model.Session.commit()
    staff = _staff(office)
    headers = {"Authorization": staff["token"]}

    body = app.get("/complaint/register?category=system_error&state=open", headers=headers).get_data(as_text=True)
    assert "ระบบล่มตอนดาวน์โหลด" in body and "หาไม่เจอ" not in body
    assert "<td>12</td>" in body  # age in days
    result = helpers.call_action("utt1service_complaint_list", context={"user": staff["name"]}, state="closed")
    assert result["count"] == 0
    result = helpers.call_action("utt1service_complaint_list", context={"user": staff["name"]}, q="หาไม่")
    assert [r["category"] for r in result["results"]] == ["cannot_find"]
    bad = app.get("/complaint/register?state=whatever", headers=headers)
    assert bad.status_code == 200 and "กรุณาเลือกจากรายการ" in bad.get_data(as_text=True)


def test_the_complaint_rate_limit(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.complaint_rate_limit", "1/hour")
    client = app.test_client()
    form_post(client, "/complaint/", {"category": "other", "description": "หนึ่ง"})
    refused = form_post(client, "/complaint/", {"category": "other", "description": "สอง"})
    assert refused.status_code == 429
    assert "ส่งแบบฟอร์มนี้บ่อยเกินไป" in refused.get_data(as_text=True)
    assert "สอง" in refused.get_data(as_text=True)  # kept for later
    assert len(_complaints()) == 1


def test_the_form_needs_its_csrf_token(app):
    response = app.test_client().post("/complaint/", data={"category": "other", "description": "x"})
    assert response.status_code == 400
    assert "แบบฟอร์มนี้หมดอายุ" in response.get_data(as_text=True)
    assert _complaints() == []


def test_the_honeypot(app):
    refused = form_post(app.test_client(), "/complaint/", {"category": "other", "description": "x", "website": "x"})
    assert refused.status_code == 400
    assert _complaints() == []


def test_contact_details_are_purged_after_the_retention_period(cli):
    from ckanext.utt1service.monitoring.cli import purge_complaint_contacts

    old = _file(contact_email="old@example.org", consent=True)
    recent = _file(contact_email="recent@example.org", consent=True)
    still_open = _file(contact_email="open@example.org", consent=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    for item, closed_days_ago in ((old, 400), (recent, 10)):
        row = model.Session.get(Complaint, item["id"])
        row.state, row.resolution = "closed", "ตอบแล้ว"
        row.closed_at = now - datetime.timedelta(days=closed_days_ago)
    model.Session.commit()

    result = cli.invoke(purge_complaint_contacts, ["--days", "365"])
    assert result.exit_code == 0, result.output
    assert "1 complaint contact(s) purged" in result.output
    by_id = {c.id: c for c in _complaints()}
    assert by_id[old["id"]].contact_email is None
    assert by_id[old["id"]].description  # the complaint itself stays
    assert by_id[recent["id"]].contact_email == "recent@example.org"
    assert by_id[still_open["id"]].contact_email == "open@example.org"
    assert AuditEvent.trail("complaint", old["id"])[-1].action == "purge_contact"
