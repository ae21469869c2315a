# -*- coding: utf-8 -*-
"""Limits that cannot be gamed cheaply: the rate limits of the survey and
complaint forms follow the visitor's address (or account), not its user
agent; the API has the forms' protection and answers; a download gets one
survey response; staff deliveries count once."""
from __future__ import annotations

import concurrent.futures

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import SurveyResponse

from .conftest import BROWSER_UA, browser_headers, download_url, form_post

pytestmark = pytest.mark.usefixtures("clean_db")

ANSWERS = {
    "staff_courtesy": "3",
    "staff_reception": "3",
    "search_speed": "2",
    "data_match": "3",
    "data_quality": "1",
}
USER_AGENTS = [
    BROWSER_UA,
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
]
SURVEY_API = "/api/3/action/utt1service_survey_response_create"
COMPLAINT_API = "/api/3/action/utt1service_complaint_create"


def _responses() -> list[SurveyResponse]:
    model.Session.expire_all()
    return model.Session.query(SurveyResponse).all()


def _complaints() -> list[Complaint]:
    model.Session.expire_all()
    return model.Session.query(Complaint).all()


def _fresh_browser_post(app, url: str, data: dict, user_agent: str, **environ):
    """A new browser (no cookies) with its own user agent: GET the form,
    then POST it."""
    client = app.test_client()
    page = client.get(url, headers={"User-Agent": user_agent}, environ_base=environ)
    from .conftest import csrf_token

    data = dict(data, _csrf_token=csrf_token(page.get_data(as_text=True)))
    return client.post(url, data=data, headers={"User-Agent": user_agent}, environ_base=environ)


# --- the key: the address (or the account), not the user agent ------------------------


def test_a_new_user_agent_does_not_reset_the_survey_limit(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.survey_rate_limit", "2/hour")
    statuses = [
        _fresh_browser_post(app, "/survey/", ANSWERS, ua).status_code for ua in USER_AGENTS[:3]
    ]
    assert statuses == [200, 200, 429]  # the two accepted ones end on the thank-you page
    assert len(_responses()) == 2


def test_a_new_user_agent_does_not_reset_the_complaint_limit(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.complaint_rate_limit", "1/hour")
    statuses = [
        _fresh_browser_post(app, "/complaint/", {"category": "other", "description": f"เรื่องที่ {i}"}, ua)
        .status_code
        for i, ua in enumerate(USER_AGENTS[:2])
    ]
    assert statuses == [200, 429]
    assert len(_complaints()) == 1


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.complaint_rate_limit", "1/hour")
    complaint = {"category": "other", "description": "ทดสอบ"}

    # No trusted proxy: a made-up X-Forwarded-For does not make a new visitor.
    def post(forwarded_for: str):
        client = app.test_client()
        page = client.get("/complaint/", headers=browser_headers(**{"X-Forwarded-For": forwarded_for}))
        from .conftest import csrf_token

        return client.post(
            "/complaint/",
            data=dict(complaint, _csrf_token=csrf_token(page.get_data(as_text=True))),
            headers=browser_headers(**{"X-Forwarded-For": forwarded_for}),
        )

    assert [post(a).status_code for a in ("203.0.113.1", "203.0.113.2")] == [200, 429]

    # Behind one trusted proxy (nginx): the address it saw is the visitor.
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.trusted_proxies", 1)
    assert [post(a).status_code for a in ("203.0.113.3", "203.0.113.4", "203.0.113.3")] == [200, 200, 429]


def test_signed_in_users_each_have_their_own_limit(app, ckan_config, monkeypatch):
    """Behind one school's NAT, people with an account are not limited
    together (anonymous visitors there share the address's limit)."""
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.complaint_rate_limit", "1/hour")
    first, second = factories.UserWithToken(), factories.UserWithToken()
    body = {"category": "other", "description": "ทดสอบ"}
    answers = [
        app.post(COMPLAINT_API, json=body, headers={"Authorization": user["token"]}).status_code
        for user in (first, second, first)
    ]
    assert answers == [200, 200, 429]


# --- the API: the forms' protection and the forms' answer ------------------------------------


def test_the_api_answers_a_rate_limit_with_429_and_retry_after(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.survey_rate_limit", "1/hour")
    first = app.post(SURVEY_API, json=ANSWERS, headers={"User-Agent": USER_AGENTS[0]})
    assert first.status_code == 200 and first.json["success"]
    refused = app.post(SURVEY_API, json=ANSWERS, headers={"User-Agent": USER_AGENTS[1]})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert refused.json["success"] is False
    assert "ส่งแบบฟอร์มนี้บ่อยเกินไป" in refused.json["error"]["rate_limit"][0]
    assert len(_responses()) == 1


def test_the_form_and_the_api_share_one_limit(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.complaint_rate_limit", "1/hour")
    assert form_post(app.test_client(), "/complaint/", {"category": "other", "description": "หนึ่ง"}).status_code == 200
    refused = app.post(COMPLAINT_API, json={"category": "other", "description": "สอง"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert [c.description for c in _complaints()] == ["หนึ่ง"]


@pytest.mark.parametrize("url, body", [
    (SURVEY_API, dict(ANSWERS, website="http://spam.example")),
    (COMPLAINT_API, {"category": "other", "description": "spam", "website": "http://spam.example"}),
])
def test_the_api_refuses_the_honeypot_like_the_form(app, url, body):
    refused = app.post(url, json=body)
    assert refused.status_code == 400
    assert "ช่องที่ซ่อนไว้" in refused.json["error"]["honeypot"][0]
    assert _responses() == [] and _complaints() == []


@pytest.mark.parametrize("url, body", [
    (SURVEY_API, ANSWERS),
    (COMPLAINT_API, {"category": "other", "description": "ส่งจากเว็บอื่น"}),
])
def test_an_anonymous_api_call_must_be_json_so_no_other_site_can_post_it(app, url, body):
    """What an auto-submitting form on another web site would send."""
    refused = app.post(url, data=body, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 400
    assert "application/json" in refused.json["error"]["content_type"][0]
    assert _responses() == [] and _complaints() == []
    # with an API token (not something a browser sends by itself) a form body is fine
    user = factories.UserWithToken()
    assert app.post(url, data=body, headers={"Authorization": user["token"]}).status_code == 200


# --- one survey response per download -------------------------------------------------


def test_a_rated_download_refuses_a_second_answer_instead_of_storing_it_alone(app, public_file):
    client = app.test_client()
    client.get(download_url(public_file), headers=browser_headers())
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    url = f"/survey/?resource_id={public_file['resource']['id']}"
    first = form_post(client, url, dict(ANSWERS, download_event_id=event.id))
    assert "ขอบคุณที่ตอบแบบประเมิน" in first.get_data(as_text=True)

    # the same browser posts the form for that download again
    again = form_post(client, url, dict(ANSWERS, download_event_id=event.id, suggestion="อีกครั้ง"))
    assert "การดาวน์โหลดครั้งนี้ได้รับการประเมินแล้ว" in again.get_data(as_text=True)
    # another browser tries the same download
    other = form_post(app.test_client(), "/survey/", dict(ANSWERS, download_event_id=event.id))
    assert "การดาวน์โหลดครั้งนี้ได้รับการประเมินแล้ว" in other.get_data(as_text=True)

    [saved] = _responses()
    assert saved.download_event_id == event.id and saved.suggestion is None


# --- staff deliveries count once ------------------------------------------------------------


@pytest.fixture()
def staff(public_file, ckan_config, monkeypatch):
    """An editor of the file's organization, which takes part in the service."""
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.office_organization", public_file["org"]["name"])
    user = factories.User()
    helpers.call_action(
        "organization_member_create", id=public_file["org"]["id"], username=user["name"], role="editor"
    )
    return user


def _deliver(staff, public_file, **data):
    return helpers.call_action(
        "utt1service_download_event_create",
        context={"user": staff["name"], "ignore_auth": False},
        resource_id=public_file["resource"]["id"],
        **data,
    )


def test_a_request_delivered_twice_by_the_same_channel_counts_once(staff, public_file):
    first = _deliver(staff, public_file, channel="email", request_id="req-7")
    again = _deliver(staff, public_file, channel="email", request_id="req-7")
    assert first["counted"] and not again["counted"]
    assert again["counted_id"] == first["id"]
    # another channel, or another request, is another delivery
    assert _deliver(staff, public_file, channel="paper", request_id="req-7")["counted"]
    assert _deliver(staff, public_file, channel="email", request_id="req-8")["counted"]
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 3


def test_a_repeated_delivery_without_a_request_counts_once_in_the_window(
    staff, public_file, ckan_config, monkeypatch
):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    assert _deliver(staff, public_file, channel="paper")["counted"]
    assert not _deliver(staff, public_file, channel="paper")["counted"]  # a double click
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 0)
    assert _deliver(staff, public_file, channel="paper")["counted"]
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 2
    assert model.Session.query(DownloadEvent).count() == 3  # every call is kept


def test_concurrent_deliveries_of_one_request_count_once(staff, public_file):
    def deliver(_):
        return downloads.record_delivery(public_file["resource"]["id"], "email", staff["id"], "req-9")

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(deliver, range(16)))
    assert sum(r["counted"] for r in results) == 1
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 1
