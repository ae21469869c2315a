# -*- coding: utf-8 -*-
"""Reads of a table in the DataStore are uses of the data: its preview, the
row API and the dump are counted in their own channel ("datastore", shown as
"ตัวอย่างตาราง / API ข้อมูล"), once per visitor and file in the dedup
window; refused reads and bots are not counted."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.utt1service.common import event_buffer, vocabularies
from ckanext.utt1service.monitoring.model.download import DownloadEvent

from .conftest import GOOGLEBOT_UA, browser_headers

pytestmark = pytest.mark.usefixtures("clean_db")


def _events() -> list[DownloadEvent]:
    model.Session.expire_all()
    event_buffer.flush_for_reading()  # the downloads' buffer written
    return model.Session.query(DownloadEvent).order_by(DownloadEvent.created).all()


def _table(public_file) -> str:
    rid = public_file["resource"]["id"]
    helpers.call_action("datastore_create", context={"ignore_auth": True,
                        "user": factories.Sysadmin()["name"]}, resource_id=rid, force=True,
                        records=[{"school": "บ้านหนองฉาง", "students": "10"}])
    return rid


def test_a_preview_and_api_reads_count_once_in_their_own_channel(app, public_file):
    rid = _table(public_file)
    assert _events() == []  # loading the table is no use of it
    for q in ("", "บ้าน", "หนอง"):
        found = app.get("/api/3/action/datastore_search",
                        query_string={"resource_id": rid, "q": q}, headers=browser_headers())
        assert found.status_code == 200
    dump = app.get(f"/datastore/dump/{rid}", headers=browser_headers())
    assert dump.status_code == 200
    [event] = _events()
    assert event.channel == "datastore" and event.counted and not event.is_bot
    assert event.resource_id == rid and event.package_id == public_file["dataset"]["id"]
    # another visitor (logged in through the API) is another use
    user = factories.UserWithToken()
    app.get("/api/3/action/datastore_search", query_string={"resource_id": rid},
            headers={"Authorization": user["token"]})
    assert [e.channel for e in _events()] == ["datastore", "datastore"]
    # the file's own download stays a download of the web channel
    app.get(f"/dataset/{public_file['dataset']['id']}/resource/{rid}/download/students.csv",
            headers=browser_headers())
    assert sorted(e.channel for e in _events()) == ["datastore", "datastore", "web"]


def test_bots_and_refused_reads_are_not_counted(app, public_file, create_with_upload):
    rid = _table(public_file)
    app.get("/api/3/action/datastore_search", query_string={"resource_id": rid},
            headers={"User-Agent": GOOGLEBOT_UA})
    [bot] = _events()
    assert bot.is_bot
    restricted = create_with_upload(
        "school,students\nB,3\n", "secret.csv", context={"user": factories.Sysadmin()["name"]},
        package_id=public_file["dataset"]["id"], format="CSV", access_level="restricted")
    refused = app.get("/api/3/action/datastore_search",
                      query_string={"resource_id": restricted["id"]}, headers=browser_headers())
    assert refused.status_code in (403, 404)
    assert len(_events()) == 1


def test_the_channel_has_a_thai_label(app):
    with app.flask_app.test_request_context(headers={"Accept-Language": "th"}):
        assert "datastore" in vocabularies.SERVICE_CHANNELS
        assert "datastore" not in vocabularies.STAFF_DELIVERY_CHANNELS


def test_xloader_fetching_a_file_is_no_download(app, public_file):
    """xloader's job downloads the upload with the site user's token."""
    site_user = helpers.call_action("get_site_user")
    token = helpers.call_action("api_token_create", context={"ignore_auth": True},
                                user=site_user["name"], name="xloader")["token"]
    rid = public_file["resource"]["id"]
    got = app.get(f"/dataset/{public_file['dataset']['id']}/resource/{rid}/download/students.csv",
                  headers={"Authorization": token, "User-Agent": "python-requests/2.33"})
    assert got.status_code == 200
    assert _events() == []
