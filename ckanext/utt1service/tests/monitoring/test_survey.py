# -*- coding: utf-8 -*-
"""The satisfaction survey: wording, validation, one response per download
or request, staff entries, honeypot, rate limit, invitation."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.common.thaidate import fiscal_year_of
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.logic.action import request_survey_token
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import SurveyResponse

from .conftest import browser_headers, csrf_token, download_url, form_post

pytestmark = pytest.mark.usefixtures("clean_db")

ANSWERS = {
    "staff_courtesy": "3",
    "staff_reception": "3",
    "search_speed": "2",
    "data_match": "3",
    "data_quality": "1",
}


def _responses() -> list[SurveyResponse]:
    model.Session.expire_all()
    return model.Session.query(SurveyResponse).order_by(SurveyResponse.created).all()


def test_the_form_has_the_offices_exact_wording(app):
    body = app.get("/survey/").get_data(as_text=True)
    for text in (
        "แบบประเมินความพึงพอใจในการขอรับบริการข้อมูล",
        "1. การบริการในการขอข้อมูล",
        "1.1 เจ้าหน้าที่มีมนุษยสัมพันธ์ที่ดี",
        "1.2 การต้อนรับของเจ้าหน้าที่",
        "2. กระบวนการในการขอข้อมูล",
        "2.1 ความรวดเร็วในการสืบค้น",
        "2.2 ข้อมูลตรงกับความต้องการของท่าน",
        "2.3 ความทันสมัย ครบถ้วน ถูกต้องของข้อมูล",
        "ดีมาก",
        "พอใช้",
        "ควรปรับปรุง",
        "ข้อเสนอแนะ",
        "โรงเรียน",
        "ประชาชนทั่วไป",
    ):
        assert text in body, text
    # five items × three choices, nothing else to rate
    assert body.count('type="radio"') == 15
    english = app.get("/en/survey/").get_data(as_text=True)
    assert "Staff are courteous" in english and "Needs improvement" in english


def test_missing_answers_are_explained_and_what_was_typed_is_kept(app):
    client = app.test_client()
    data = dict(ANSWERS, suggestion="ควรเพิ่มข้อมูลรายอำเภอ")
    del data["data_match"]
    data["search_speed"] = "7"
    response = form_post(client, "/survey/", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "กรุณาเลือก ดีมาก พอใช้ หรือ ควรปรับปรุง" in body
    assert "2.2 ข้อมูลตรงกับความต้องการของท่าน" in body
    assert "ควรเพิ่มข้อมูลรายอำเภอ" in body  # kept
    assert 'name="staff_courtesy" value="3"\n                        checked' in body
    assert _responses() == []


def test_a_standalone_response_is_saved_anonymously(app):
    client = app.test_client()
    data = dict(ANSWERS, suggestion="ดีมากครับ", respondent_type="school")
    response = form_post(client, "/survey/", data)
    assert "ขอบคุณที่ตอบแบบประเมิน" in response.get_data(as_text=True)
    [saved] = _responses()
    assert (saved.staff_courtesy, saved.search_speed, saved.data_quality) == (3, 2, 1)
    assert saved.respondent_type == "school" and saved.mode == "online"
    assert saved.download_event_id is None and saved.entered_by is None


def test_a_download_accepts_one_response(app, public_file):
    client = app.test_client()
    client.get(download_url(public_file), headers=browser_headers())
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()

    form = client.get(f"/survey/?resource_id={public_file['resource']['id']}", headers=browser_headers())
    body = form.get_data(as_text=True)
    assert event.id in body  # the form is tied to that download
    assert "students.csv" in body

    response = form_post(client, f"/survey/?resource_id={public_file['resource']['id']}", dict(ANSWERS, download_event_id=event.id))
    assert "ขอบคุณที่ตอบแบบประเมิน" in response.get_data(as_text=True)
    [saved] = _responses()
    assert saved.download_event_id == event.id
    assert saved.package_id == public_file["dataset"]["id"]
    assert saved.owner_org == public_file["org"]["id"]

    # the same download again: refused, and the page says why
    again = helpers.call_action  # through the API as well
    with pytest.raises(helpers.logic.ValidationError) as err:
        again("utt1service_survey_response_create", context={"user": "", "ignore_auth": False}, download_event_id=event.id, **ANSWERS)
    assert "download_event_id" in err.value.error_dict
    assert len(_responses()) == 1


def test_a_response_for_someone_elses_download_is_not_tied(app, public_file):
    owner = app.test_client()
    owner.get(download_url(public_file), headers=browser_headers())
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    stranger = app.test_client()
    form_post(stranger, "/survey/", dict(ANSWERS, download_event_id=event.id))
    [saved] = _responses()
    assert saved.download_event_id is None


def test_a_request_accepts_one_response_with_its_link_token(app):
    client = app.test_client()
    url = f"/survey/?request_id=REQ-1&token={request_survey_token('REQ-1')}"
    page = client.get(url).get_data(as_text=True)
    assert "REQ-1" in page
    form_post(client, url, dict(ANSWERS, request_id="REQ-1", request_token=request_survey_token("REQ-1")))
    [saved] = _responses()
    assert saved.request_id == "REQ-1"

    # the link opened again says so instead of showing the form ...
    again = app.test_client()
    assert "คำขอนี้ได้รับการประเมินแล้ว" in again.get(url, follow_redirects=True).get_data(as_text=True)
    # ... and a second answer sent anyway is refused
    token = csrf_token(again.get("/survey/", headers=browser_headers()).get_data(as_text=True))
    second = again.post(url, data=dict(ANSWERS, request_id="REQ-1", request_token=request_survey_token("REQ-1"),
                                       _csrf_token=token), headers=browser_headers())
    assert "คำขอนี้ได้รับการประเมินแล้ว" in second.get_data(as_text=True)

    forged = form_post(app.test_client(), "/survey/", dict(ANSWERS, request_id="REQ-2", request_token="guess"))
    assert "ลิงก์แบบประเมินนี้ไม่ถูกต้อง" in forged.get_data(as_text=True)
    assert len(_responses()) == 1


def test_staff_enter_paper_surveys_marked_as_such(app, office):
    staff = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=office["id"], username=staff["name"], role="editor")
    response = app.post(
        "/survey/",
        data=dict(ANSWERS, mode="paper", request_id="REQ-9", answered_on="2025-09-30"),
        headers={"Authorization": staff["token"]},
    )
    assert "บันทึกแบบประเมินแล้ว" in response.get_data(as_text=True)
    [saved] = _responses()
    assert saved.mode == "paper" and saved.entered_by == staff["id"] and saved.request_id == "REQ-9"
    # the paper form's own date decides its fiscal year (30 Sep 2025 is in FY 2568)
    assert fiscal_year_of(saved.created) == 2568

    future = app.post(
        "/survey/",
        data=dict(ANSWERS, mode="phone", answered_on="2999-01-01"),
        headers={"Authorization": staff["token"]},
    )
    assert "วันที่ต้องไม่เป็นวันในอนาคต" in future.get_data(as_text=True)

    # the public cannot pretend to be a paper form
    with pytest.raises(helpers.logic.ValidationError) as err:
        helpers.call_action("utt1service_survey_response_create", context={"user": "", "ignore_auth": False}, mode="paper", **ANSWERS)
    assert "mode" in err.value.error_dict


def test_the_honeypot_refuses_robots_and_says_why(app):
    response = form_post(app.test_client(), "/survey/", dict(ANSWERS, website="http://spam.example"))
    assert response.status_code == 400
    assert "ช่องที่ซ่อนไว้" in response.get_data(as_text=True)
    assert _responses() == []


def test_the_form_needs_its_csrf_token(app):
    response = app.test_client().post("/survey/", data=ANSWERS, headers=browser_headers())
    assert response.status_code == 400
    assert "แบบฟอร์มนี้หมดอายุ" in response.get_data(as_text=True)
    english = app.test_client().post("/en/survey/", data=dict(ANSWERS, _csrf_token="forged"))
    assert english.status_code == 400
    assert "This form has expired" in english.get_data(as_text=True)
    assert _responses() == []


def test_the_rate_limit_refuses_a_visitor_and_says_when_to_retry(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.survey_rate_limit", "2/hour")
    client = app.test_client()
    for _ in range(2):
        form_post(client, "/survey/", ANSWERS)
    refused = form_post(client, "/survey/", ANSWERS)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "ส่งแบบฟอร์มนี้บ่อยเกินไป" in refused.get_data(as_text=True)
    english = form_post(client, "/en/survey/", ANSWERS)
    assert "You have sent this form too many times" in english.get_data(as_text=True)
    # another visitor is not affected
    other = form_post(app.test_client(), "/survey/", ANSWERS, environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert other.status_code == 200
    assert len(_responses()) == 3


def test_the_invitation_follows_a_download_until_dismissed(app, public_file):
    client = app.test_client()
    page = f"/dataset/{public_file['dataset']['name']}"
    before = client.get(page, headers=browser_headers()).get_data(as_text=True)
    assert "data-utt1service-invite hidden" in before  # ready for the script, not shown

    client.get(download_url(public_file), headers=browser_headers())
    after = client.get(page, headers=browser_headers()).get_data(as_text=True)
    assert "data-utt1service-invite role" in after  # shown by the server (no JavaScript needed)
    assert "ขอบคุณที่ดาวน์โหลดข้อมูล" in after
    resource_page = client.get(
        f"{page}/resource/{public_file['resource']['id']}", headers=browser_headers()
    ).get_data(as_text=True)
    assert "data-utt1service-invite role" in resource_page

    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    client.post(
        "/survey/dismiss",
        data={"event": event.id, "next": page, "_csrf_token": csrf_token(after)},
        headers=browser_headers(),
    )
    gone = client.get(page, headers=browser_headers()).get_data(as_text=True)
    assert "data-utt1service-invite hidden" in gone


def test_the_invitation_goes_once_the_download_is_rated(app, public_file):
    client = app.test_client()
    page = f"/dataset/{public_file['dataset']['name']}"
    client.get(download_url(public_file), headers=browser_headers())
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    form_post(client, f"/survey/?resource_id={public_file['resource']['id']}", dict(ANSWERS, download_event_id=event.id))
    body = client.get(page, headers=browser_headers()).get_data(as_text=True)
    assert "data-utt1service-invite hidden" in body


def test_a_rated_file_is_not_offered_the_survey_again_after_a_new_download(app, public_file):
    """Once this browser rated a file, a later download of it brings no
    invitation: not on the dataset or resource page (server) and not from
    the sheet's script, which asks /survey/invitation."""
    client = app.test_client()
    page = f"/dataset/{public_file['dataset']['name']}"
    resource_id = public_file["resource"]["id"]
    check = f"/survey/invitation?resource_id={resource_id}"
    client.get(download_url(public_file), headers=browser_headers())
    assert client.get(check, headers=browser_headers()).json["invite"] is True
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    form_post(client, f"/survey/?resource_id={resource_id}", dict(ANSWERS, download_event_id=event.id))

    client.get(download_url(public_file), headers=browser_headers())
    body = client.get(page, headers=browser_headers()).get_data(as_text=True)
    assert "data-utt1service-invite hidden" in body
    resource_page = client.get(f"{page}/resource/{resource_id}", headers=browser_headers()).get_data(as_text=True)
    assert "data-utt1service-invite hidden" in resource_page
    answer = client.get(check, headers=browser_headers())
    assert answer.json["invite"] is False
    assert "no-store" in answer.headers["Cache-Control"]
    # another browser that downloads the file is still invited
    other = app.test_client()
    other.get(download_url(public_file), headers=browser_headers(), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.get(check, headers=browser_headers()).json["invite"] is True
    assert "data-utt1service-invite role" in other.get(page, headers=browser_headers()).get_data(as_text=True)


def test_a_logged_in_user_who_rated_a_file_is_not_invited_from_another_browser(app, public_file):
    user = factories.UserWithToken()
    headers = browser_headers(Authorization=user["token"])
    resource_id = public_file["resource"]["id"]
    first = app.test_client()
    first.get(download_url(public_file), headers=headers)
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    helpers.call_action("utt1service_survey_response_create", context={"user": user["name"], "ignore_auth": True},
                        download_event_id=event.id, **ANSWERS)
    second = app.test_client()
    second.get(download_url(public_file), headers=headers)
    assert second.get(f"/survey/invitation?resource_id={resource_id}", headers=headers).json["invite"] is False


def test_the_invitation_check_refuses_a_bad_resource_id(app):
    response = app.get("/survey/invitation?resource_id=../../etc", status=400)
    assert "resource_id" in response.json["error"]
    app.get("/survey/invitation", status=400)


def test_two_browsers_behind_one_address_each_rate_their_own_download(app, public_file, ckan_config,
                                                                       monkeypatch):
    """Two teachers of one school (one address, so one visitor for the count)
    download the same file: it counts once, yet each browser is invited and
    each answer is kept, tied to that browser's own download. A browser that
    downloads the file again rates its first download of it, once."""
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    resource_id = public_file["resource"]["id"]
    school = {"REMOTE_ADDR": "10.20.30.40"}
    first, second = app.test_client(), app.test_client()
    for client in (first, second, first):
        assert client.get(download_url(public_file), headers=browser_headers(),
                          environ_base=school).status_code == 200
    event_buffer.flush_for_reading()
    events = model.Session.query(DownloadEvent).order_by(DownloadEvent.created).all()
    assert [e.counted for e in events] == [True, False, False]
    for client, event in ((first, events[0]), (second, events[1])):
        check = client.get(f"/survey/invitation?resource_id={resource_id}", headers=browser_headers(),
                           environ_base=school)
        assert check.json["invite"] is True
        form = client.get(f"/survey/?resource_id={resource_id}", headers=browser_headers(),
                          environ_base=school).get_data(as_text=True)
        assert event.id in form
        form_post(client, f"/survey/?resource_id={resource_id}", dict(ANSWERS, download_event_id=event.id))
    assert sorted(r.download_event_id for r in _responses()) == sorted([events[0].id, events[1].id])
    assert downloads.download_count(resource_id=resource_id) == 1
