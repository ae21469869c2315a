# -*- coding: utf-8 -*-
"""Fingerprinted assets are kept by browsers, static files for a day, text is
gzipped; downloads are neither compressed nor buffered (common/speed.py)."""
from __future__ import annotations

import gzip
import re

import pytest

from ckan.tests import factories

from ckanext.utt1service.tests.access_requests.conftest import upload

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _asset_urls(app) -> list[str]:
    return re.findall(r'(?:href|src)="(/webassets/[^"]+\.(?:css|js))"', app.get("/").body)


def test_fingerprinted_assets_are_kept_a_year_and_compressed(app):
    urls = _asset_urls(app)
    assert urls, "the home page links its asset bundles"
    for url in urls:
        response = app.get(url, headers=GZIP)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "cookie" not in response.headers.get("Vary", "").lower()
        if int(response.headers["Content-Length"]) >= 1024 or response.headers.get("Content-Encoding"):
            assert response.headers.get("Content-Encoding") == "gzip"
            plain = app.get(url)
            assert plain.headers.get("Content-Encoding") is None
            assert gzip.decompress(response.get_data()) == plain.get_data()


def test_static_files_are_kept_a_day(app):
    response = app.get("/utt1service/emblem.svg")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert app.get("/base/images/ckan-logo.png").headers["Cache-Control"] == "public, max-age=86400"


def test_pages_are_gzipped_when_the_browser_accepts_it_and_keep_ckans_cache_policy(app):
    page = app.get("/dataset/", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert "max-age=31536000" not in page.headers.get("Cache-Control", "")
    html = gzip.decompress(page.get_data()).decode()
    assert "<html" in html and "ชุดข้อมูล" in html
    assert app.get("/dataset/").headers.get("Content-Encoding") is None


def test_downloads_are_sent_as_they_are(app):
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    content = ("โรงเรียน,นักเรียน\n" + "บ้านหนองแก,120\n" * 500).encode()
    resource = upload(dataset["id"], content, "students.csv", format="CSV")
    response = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download/students.csv", headers=GZIP)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") is None
    assert response.get_data() == content


def test_a_public_page_loads_only_the_small_script(app):
    """The home page needs none of CKAN's JavaScript bundles (README "Only the
    bundles a page needs"); a page with forms keeps them."""
    urls = _asset_urls(app)
    assert any(u.endswith("_light.js") for u in urls)
    assert not [u for u in urls if "/vendor/" in u and u.endswith(".js") or "/base/" in u and u.endswith(".js")]
    assert any(u.endswith("_fontawesome.css") for u in urls)  # the icons stay
    survey = re.findall(r'src="(/webassets/[^"]+\.js)"', app.get("/survey/").body)
    assert any("/base/" in u for u in survey) and not any(u.endswith("_light.js") for u in survey)


@pytest.mark.ckan_config("ckanext.utt1service.light_pages", "false")
def test_light_pages_can_be_turned_off(app):
    urls = _asset_urls(app)
    assert any("/base/" in u and u.endswith(".js") for u in urls)
    assert not any(u.endswith("_light.js") for u in urls)
