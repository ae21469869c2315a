# -*- coding: utf-8 -*-
"""The resource page shows how often its file was downloaded."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def test_the_resource_page_shows_its_download_count(app, download_event_factory):
    org = factories.Organization()
    pkg = factories.Dataset(owner_org=org["id"])
    res = factories.Resource(package_id=pkg["id"], url="http://example.org/a.csv")
    for counted, is_bot in [(True, False)] * 3 + [(False, False), (True, True)]:
        download_event_factory(dataset=pkg, resource=res, counted=counted, is_bot=is_bot)
    model.Session.commit()

    body = app.get(f"/en/dataset/{pkg['id']}/resource/{res['id']}").get_data(as_text=True)
    assert "Downloaded 3 times" in body
    body = app.get(f"/dataset/{pkg['id']}/resource/{res['id']}").get_data(as_text=True)
    assert "ดาวน์โหลดแล้ว 3 ครั้ง" in body
