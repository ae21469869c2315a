# -*- coding: utf-8 -*-
"""Faults survived, with the real services: the SMTP server, Redis or Solr
is down (the test points CKAN at a port where nothing listens; the shared
services keep running) while people use the portal.

- SMTP down through the whole workflow: every request is saved and decided,
  the requester downloads, and when the server is back cron's
  ``send-mail`` sends every mail exactly once.
- Redis down: the survey and complaint forms still answer (the rate limit
  fails open, by design), downloads go out and are counted, requests are
  saved and their mail goes out later.
- Solr down: the request pages, decisions and downloads still work; the
  search page says clearly, in Thai, that search is unavailable (503, not
  a 500).
"""
from __future__ import annotations

import collections

import pytest

import ckan.lib.redis as ckan_redis
import ckan.model as model

from ckanext.utt1service.access_requests.model import AccessRequest, RequestMail
from ckanext.utt1service.common import compat, event_buffer
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import SurveyResponse
from ckanext.utt1service.tests.monitoring.conftest import browser_headers, form_post

from .conftest import (
    FORM,
    auth,
    form_url,
    move,
    run_jobs,
    send_mail_command,
    submit,
    text,
)

pytestmark = pytest.mark.usefixtures("clean_queues")

NOTHING_LISTENS = "127.0.0.1:9"
ANSWERS = dict.fromkeys(
    ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality"), "3"
)


@pytest.fixture()
def redis_down(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.redis.url", f"redis://{NOTHING_LISTENS}/1")
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    monkeypatch.setattr(downloads, "_salt_cache", {})


@pytest.fixture()
def solr_down(ckan_config, monkeypatch):
    url = f"http://{NOTHING_LISTENS}/solr/ckan_test"
    if compat.CKAN_2_12:  # CKAN reads solr_url at each connection
        monkeypatch.setitem(ckan_config, "solr_url", url)
    else:
        from ckan.lib.search.common import SolrSettings
        monkeypatch.setattr(SolrSettings, "_url", url)


def _download(app, w, resource, user=None):
    url = f"/dataset/{w.dataset['id']}/resource/{resource['id']}/download/file.csv"
    return app.get(url, headers=dict(browser_headers(), **auth(user)))


def _mail_states() -> collections.Counter:
    model.Session.expire_all()
    return collections.Counter(m.state for m in model.Session.query(RequestMail))


def test_smtp_down_through_the_workflow_nothing_is_lost(world, app, smtp_server, monkeypatch, cli):
    import ckan.plugins.toolkit as tk

    w = world
    working = tk.config["smtp.server"]
    run_jobs()  # the world's own mails
    sent_before = len(smtp_server.messages)
    monkeypatch.setitem(tk.config, "smtp.server", NOTHING_LISTENS)

    requester = w.requesters["pending"]
    req = w.requests["pending"]
    # the whole workflow while no mail can go out
    assert app.post(f"/access-request/{req['id']}/do/check", data={"comment": "ครบ"},
                    headers=auth(w.staff)).status_code == 200
    assert app.post(f"/access-request/{req['id']}/do/approve", data={},
                    headers=auth(w.director)).status_code == 200
    other = submit(w.stranger, w.dataset, [w.restricted["id"]], intended_use="ครั้งที่สอง")
    run_jobs()
    assert len(smtp_server.messages) == sent_before
    assert model.Session.get(AccessRequest, req["id"]).state == "approved"
    assert model.Session.get(AccessRequest, other["id"]).state == "submitted"
    # the approved requester downloads at once
    got = _download(app, w, w.restricted, requester)
    assert got.status_code == 200 and got.data == w.secret
    waiting = _mail_states()["pending"]
    assert waiting >= 5  # checked, to_director, approved, received, new

    # the server is back: cron's send-mail sends every waiting mail once
    monkeypatch.setitem(tk.config, "smtp.server", working)
    result = send_mail_command(cli)
    assert result.exit_code == 0, result.output
    assert f"{waiting} sent" in result.output
    assert _mail_states() == {"sent": sent_before + waiting}
    assert len(smtp_server.messages) == sent_before + waiting
    subjects = [m["Subject"] for m in smtp_server.to(requester["email"])]
    assert any("อนุมัติ" in s for s in subjects)
    assert len(smtp_server.to(w.stranger["email"])) == 1
    # and never twice
    assert send_mail_command(cli).output.startswith("0 e-mail(s) waiting")
    assert len(smtp_server.messages) == sent_before + waiting


def test_redis_down_the_forms_still_answer(world, app, smtp_server, redis_down, ckan_config, monkeypatch, cli):
    w = world
    # Rate limits fail open: with Redis gone, a limit of one still lets a
    # second response through (a warning is logged) rather than refusing
    # or breaking the form.
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.survey_rate_limit", "1/hour")
    for _ in range(2):
        answered = form_post(app.test_client(), "/survey/", ANSWERS)
        assert answered.status_code == 200 and "ขอบคุณที่ตอบแบบประเมิน" in answered.get_data(as_text=True)
    assert model.Session.query(SurveyResponse).count() == 2

    complaint = form_post(app.test_client(), "/complaint/", {
        "category": "other", "description": "ระบบช้า", "contact_email": "parent@example.org",
        "consent": "true",
    })
    assert complaint.status_code == 200
    assert "utt1service-ack-number" in complaint.get_data(as_text=True)  # its number is shown
    assert model.Session.query(Complaint).count() == 1

    # downloads go out and are counted
    got = _download(app, w, w.public)
    assert got.status_code == 200 and got.data == w.public_bytes
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    assert event.counted

    # an access request through the web form is saved; its mail waits …
    posted = app.post(form_url(w), data=dict(FORM, resource_ids=w.restricted["id"], consent="on"),
                      headers=auth(w.stranger))
    assert posted.status_code == 200
    assert model.Session.query(AccessRequest).filter_by(user_id=w.stranger["id"]).one().state == "submitted"
    assert _mail_states()["pending"] >= 2
    # … and cron sends it, Redis or not
    result = send_mail_command(cli)
    assert result.exit_code == 0, result.output
    assert _mail_states()["pending"] == 0
    assert smtp_server.to(w.stranger["email"])


def test_solr_down_requests_and_downloads_work_and_search_says_so(world, app, solr_down):
    w = world
    req = w.requests["pending"]
    requester = w.requesters["pending"]

    # the dataset page and the request form open
    assert app.get(f"/dataset/{w.dataset['name']}", headers=auth(w.stranger)).status_code == 200
    assert app.get(form_url(w), headers=auth(w.stranger)).status_code == 200
    # a request is sent, checked and approved through the pages
    posted = app.post(form_url(w), data=dict(FORM, resource_ids=w.restricted["id"], consent="on"),
                      headers=auth(w.stranger))
    assert posted.status_code == 200
    assert app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff)).status_code == 200
    assert app.post(f"/access-request/{req['id']}/do/check", data={}, headers=auth(w.staff)).status_code == 200
    approved = app.post(f"/access-request/{req['id']}/do/approve", data={}, headers=auth(w.director))
    assert approved.status_code == 200
    assert app.get(f"/access-request/{req['id']}", headers=auth(requester)).status_code == 200
    # files go out
    restricted = _download(app, w, w.restricted, requester)
    assert restricted.status_code == 200 and restricted.data == w.secret
    public = _download(app, w, w.public)
    assert public.status_code == 200 and public.data == w.public_bytes
    move(w.director, "close", req["id"])

    # the search page explains, in Thai, instead of a 500
    for url in ("/dataset/", "/dataset/?q=นักเรียน"):
        page = app.get(url)
        assert page.status_code == 503
        assert "ระบบค้นหาข้อมูลใช้งานไม่ได้ชั่วคราว" in text(page)
        assert int(page.headers["Retry-After"]) > 0
    english = app.get("/en/dataset/")
    assert english.status_code == 503 and "Search is not available at the moment" in text(english)
