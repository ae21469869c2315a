# -*- coding: utf-8 -*-
"""The requester's agency type (ประเภทหน่วยงาน): required on the online form
and on the staff's on-behalf form, refused when missing or unknown with a
clear message, shown wherever the request is shown, kept by the
personal-data purge, and NULL ("not stated") for requests made before the
migration that added it."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.db import _run_migrations
from ckan.tests import factories, helpers

from ckanext.utt1service.access_requests.model import AccessRequest

from .conftest import FORM, as_user, auth, form_url, move, text

pytestmark = pytest.mark.usefixtures("clean_queues")

MESSAGE_TH = "โปรดเลือกประเภทหน่วยงานจากรายการ"
MESSAGE_EN = "Choose the agency type from the list."


def _csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


@pytest.mark.parametrize("agency_type", [None, "", "ministry"])
def test_the_form_refuses_a_missing_or_unknown_agency_type(world, app, agency_type):
    w = world
    browser = app.test_client()
    page = browser.get(form_url(w))
    # The select offers the seven types, in Thai, after a "choose" line.
    options = re.findall(r'<option value="([^"]*)"', page.body[page.body.index('id="field-agency_type"'):])
    assert options[:8] == ["", "school", "area_office", "government", "university", "private",
                           "public", "other"]
    assert "โรงเรียนในสังกัด" in page.body and "สถาบันอุดมศึกษา/นักวิจัย" in page.body

    data = dict(FORM, first_name="มานะ", surname="ใจดี", email="mana@example.org",
                resource_ids=w.restricted["id"], consent="on", _csrf_token=_csrf(page.body))
    data.pop("agency_type")
    if agency_type is not None:
        data["agency_type"] = agency_type
    before = model.Session.query(AccessRequest).count()
    posted = browser.post(form_url(w), data=data)
    assert posted.status_code == 200
    shown = text(posted)
    assert MESSAGE_TH in shown
    # In the summary at the top, under the field's label.
    assert f'<li data-field-label="ประเภทหน่วยงาน">ประเภทหน่วยงาน: {MESSAGE_TH}</li>' in posted.body
    # What was typed is kept.
    for kept in ('value="มานะ"', 'value="โรงเรียนบ้านหนองแก"', 'value="mana@example.org"',
                 ">วิจัยในชั้นเรียน</textarea>"):
        assert kept in posted.body, kept
    assert model.Session.query(AccessRequest).count() == before

    english = browser.post("/en" + form_url(w), data=data)
    assert english.status_code == 200
    assert MESSAGE_EN in english.body


def test_the_chosen_type_is_kept_when_another_field_is_wrong(world, app):
    w = world
    browser = app.test_client()
    data = dict(FORM, first_name="มานะ", surname="ใจดี", email="not-an-address",
                agency_type="university", resource_ids=w.restricted["id"], consent="on",
                _csrf_token=_csrf(browser.get(form_url(w)).body))
    posted = browser.post(form_url(w), data=data)
    assert posted.status_code == 200
    assert '<option value="university" selected>' in posted.body
    assert MESSAGE_TH not in text(posted)


@pytest.mark.parametrize("value", [None, "", "School", ["school"], 3])
def test_the_api_refuses_it_too(world, value):
    w = world
    data = dict(FORM, package_id=w.dataset["id"], resource_ids=[w.restricted["id"]])
    if value is None:
        data.pop("agency_type")
    else:
        data["agency_type"] = value
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("utt1service_request_create", context=as_user(w.stranger), **data)
    assert e.value.error_dict["agency_type"] == [MESSAGE_EN]


def test_staff_on_behalf_form_asks_for_it_and_every_view_shows_it(world, app):
    w = world
    url = f"/dataset/{w.dataset['name']}/request-access/on-behalf"
    assert 'id="field-agency_type"' in app.get(url, headers=auth(w.staff)).body
    form = dict(FORM, first_name="สมศรี", surname="ใจดี", resource_ids=w.restricted["id"],
                consent="on", intake_channel="phone", consent_method="phone")
    form.pop("agency_type")
    page = app.post(url, data=form, headers=auth(w.staff))
    assert page.status_code == 200
    assert MESSAGE_TH in text(page) and 'value="สมศรี"' in page.body
    assert not model.Session.query(AccessRequest).filter_by(first_name="สมศรี").count()

    form["agency_type"] = "university"
    res = app.post(url, data=form, headers=auth(w.staff), follow_redirects=False)
    assert res.status_code == 302
    req = model.Session.query(AccessRequest).filter_by(first_name="สมศรี").one()
    assert req.agency_type == "university"

    # The request page, in Thai and in English.
    fields = app.get(f"/access-request/{req.id}", headers=auth(w.director)).body
    row = fields[fields.index('class="utt1-agency-type"'):]
    assert "ประเภทหน่วยงาน" in row[:300] and "สถาบันอุดมศึกษา/นักวิจัย" in row[:300]
    english = app.get(f"/en/access-request/{req.id}", headers=auth(w.director)).body
    assert "Higher education institution or researcher" in english
    # The staff's queue, beside the agency.
    queue = app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff))
    assert "โรงเรียนบ้านหนองแก · สถาบันอุดมศึกษา/นักวิจัย" in text(queue)
    # The printable form, right after the agency.
    printed = app.get(f"/access-request/{req.id}/form", headers=auth(w.staff)).body
    start = printed.index("<h1>")
    positions = [printed.index(word, start) for word in
                 ("หน่วยงาน", "โรงเรียนบ้านหนองแก", "ประเภทหน่วยงาน", "สถาบันอุดมศึกษา/นักวิจัย",
                  "มีความประสงค์ขอข้อมูลเกี่ยวกับ")]
    assert positions == sorted(positions)
    # The API.
    shown = helpers.call_action("utt1service_request_show", context=as_user(w.staff), id=req.id)
    assert shown["agency_type"] == "university"


@pytest.mark.world("pending")
def test_a_returned_request_is_answered_with_its_type_and_may_change_it(world, app):
    w = world
    req = w.requests["pending"]
    move(w.staff, "return", req["id"], comment="โปรดระบุโรงเรียน")
    requester = w.requesters["pending"]
    edit = app.get(f"/access-request/{req['id']}/edit", headers=auth(requester))
    assert '<option value="school" selected>' in edit.body
    move(requester, "resubmit", req["id"], agency_type="other")
    assert AccessRequest.get(req["id"]).agency_type == "other"


@pytest.mark.world("expired")
def test_the_personal_data_purge_keeps_the_agency_type(world):
    w = world
    req = w.requests["expired"]
    helpers.call_action("utt1service_request_purge_personal_data",
                        context=as_user(w.sysadmin), days=0)
    model.Session.remove()
    purged = AccessRequest.get(req["id"])
    assert purged.anonymised_at is not None and purged.agency is None
    assert purged.agency_type == "school"


@pytest.mark.usefixtures("clean_db")
def test_the_migration_adds_the_column_and_leaves_older_requests_not_stated(app):
    sysadmin = factories.SysadminWithToken()
    columns = lambda: {  # noqa: E731
        c["name"] for c in sa.inspect(model.meta.engine).get_columns("utt1service_access_request")
    }
    assert "agency_type" in columns()
    _run_migrations("utt1service", version="d7b4e5f6a7b8", forward=False)
    assert "agency_type" not in columns()
    assert "intake_channel" in columns()  # the migration before it stays
    # A request made before the column existed.
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO utt1service_access_request (id, package_id, owner_org, state, agency,"
            " delivery_channel, created, modified) VALUES ('old-1', 'p', 'o', 'closed',"
            " 'โรงเรียนเก่า', 'paper', now(), now())"))
    _run_migrations("utt1service", forward=True)
    assert "agency_type" in columns()
    model.Session.remove()
    assert AccessRequest.get("old-1").agency_type is None
    page = app.get("/access-request/old-1", headers=auth(sysadmin)).body
    row = page[page.index('class="utt1-agency-type"'):]
    assert "ไม่ระบุ" in row[:300]
