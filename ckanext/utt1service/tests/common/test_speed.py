# -*- coding: utf-8 -*-
"""Fingerprinted assets are kept by browsers, static files for a day, text is
gzipped; downloads are neither compressed nor buffered (common/speed.py)."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from ckan.tests import factories, helpers

from ckanext.utt1service.common import speed
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


def _streamed_json(chunks: int, consumed: list[int]):
    """A WSGI app answering JSON as a generator (no Content-Length), like
    CKAN's DataStore dump; ``consumed`` counts the chunks read from it."""
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])

        def body():
            yield b"["
            for i in range(chunks):
                consumed[0] += 1
                yield (b"," if i else b"") + b'{"school": "\xe0\xb8\x9a", "n": %d}' % i
            yield b"]"
        return body()
    return app


def _call(app, headers=None):
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured.update(status=status, headers=dict(response_headers))
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/datastore/dump/x", "HTTP_ACCEPT_ENCODING": "gzip"}
    environ.update(headers or {})
    body = app(environ, start_response)
    return captured, body


def test_a_streamed_json_response_is_passed_on_as_a_stream_not_held_and_compressed():
    from ckanext.utt1service.common.speed import SpeedMiddleware

    consumed = [0]
    captured, body = _call(SpeedMiddleware(_streamed_json(5000, consumed)))
    # nothing of the body has been read yet: it goes out as it is produced
    assert consumed[0] == 0
    assert "Content-Encoding" not in captured["headers"]
    first = next(iter(body))
    assert first == b"[" and consumed[0] == 0
    rest = b"".join(body)
    rows = json.loads(first + rest)
    assert len(rows) == 5000 and rows[-1] == {"school": "บ", "n": 4999}


def test_a_json_body_larger_than_the_limit_is_not_compressed_in_memory():
    from ckanext.utt1service.common import speed

    big = b'{"rows": "' + b"x" * (speed.MAX_SIZE + 1) + b'"}'

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(big)))])
        return [big]
    captured, body = _call(speed.SpeedMiddleware(app))
    assert "Content-Encoding" not in captured["headers"]
    assert b"".join(body) == big

    small = b'{"rows": "' + b"x" * 5000 + b'"}'

    def small_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(small)))])
        return [small]
    captured, body = _call(speed.SpeedMiddleware(small_app))
    assert captured["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(body)) == small


def test_the_datastore_dump_as_json_is_streamed_and_whole(app):
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"], url="http://example.org/s.csv", format="CSV")
    records = [{"โรงเรียน": f"บ้านหนองแก {i}", "นักเรียน": i} for i in range(3000)]
    helpers.call_action("datastore_create", context={"user": sysadmin["name"], "ignore_auth": True},
                        resource_id=resource["id"], force=True,
                        fields=[{"id": "โรงเรียน", "type": "text"}, {"id": "นักเรียน", "type": "int"}],
                        records=records)
    response = app.get(f"/datastore/dump/{resource['id']}?format=json", headers=GZIP)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") is None
    assert response.is_streamed
    dump = json.loads(response.get_data())
    assert [r[1:] for r in dump["records"]] == [[r["โรงเรียน"], r["นักเรียน"]] for r in records]

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



def test_asset_bundles_are_built_once_and_pages_link_the_same_files(app):
    """The bundles are built at a process's first request; then pages take
    their addresses from memory (webassets' auto_build off) and link the very
    files that CKAN's check of every bundle on every page gives."""
    from ckan.lib import webassets_tools

    # as in a new process: the test app is shared by the tests of a worker,
    # and a test that makes an application of its own (test_session_rollback)
    # replaces CKAN's webassets environment, which then checks again
    middleware, env = app.flask_app.wsgi_app, webassets_tools.env
    assert isinstance(middleware, speed.SpeedMiddleware)
    before = middleware.assets_pending, env.auto_build
    middleware.assets_pending, env.auto_build = True, True
    try:
        home = _asset_urls(app)
        survey = re.findall(r'(?:href|src)="(/webassets/[^"]+)"', app.get("/survey/").body)
        assert not env.auto_build, "pages no longer check the bundles' sources"
        assert home and survey and all(app.get(u).status_code == 200 for u in home + survey)
        env.auto_build = True  # CKAN's way, for comparison
        assert _asset_urls(app) == home
        assert re.findall(r'(?:href|src)="(/webassets/[^"]+)"', app.get("/survey/").body) == survey
    finally:
        middleware.assets_pending, env.auto_build = before


def _checks_on_every_page(**options) -> bool:
    """Whether a request through the middleware leaves webassets checking
    the bundles on every page."""
    from ckan.lib import webassets_tools

    env = webassets_tools.env
    before = env.auto_build, env.debug
    env.auto_build, env.debug = True, options.pop("debug", False)

    def ckan(environ, start_response):
        start_response("200 OK", [])
        return [b"page"]

    try:
        assert speed.SpeedMiddleware(ckan, **options)({"PATH_INFO": "/"}, lambda *a: None) == [b"page"]
        return env.auto_build
    finally:
        env.auto_build, env.debug = before


def test_the_bundles_are_checked_on_every_page_when_turned_off_or_in_debug_mode():
    assert _checks_on_every_page(assets_built_once=False)
    assert _checks_on_every_page(assets_built_once=True, debug=True)


def test_a_bundle_that_cannot_be_built_leaves_ckans_check_and_the_page_answers(monkeypatch):
    from ckan.lib import webassets_tools

    bundle = next(iter(webassets_tools.env))

    def broken(*args, **kwargs):
        raise ValueError("a filter failed")

    monkeypatch.setattr(bundle, "urls", broken)
    assert _checks_on_every_page(assets_built_once=True)
