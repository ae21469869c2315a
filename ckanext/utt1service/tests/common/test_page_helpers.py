# -*- coding: utf-8 -*-
"""Helpers made cheaper for the busy pages give what CKAN's own give
(issue 20): the links of the search page's facets, sort and pages, the
descriptions under the datasets of a list."""
from __future__ import annotations

import re

import pytest

from ckan.lib import helpers as core
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

QUERIES = [
    "/dataset/",
    "/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99",
    "/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81&tags=a+b&tags=%E0%B8%84%E0%B8%A3%E0%B8%B9&page=3",
    "/dataset/?page=2",
    "/dataset/?sort=title_string+asc&ext_x=1%262%3D3&q=O-NET",
]
NEW_PARAMS = [
    None,
    {},
    {"topic_category": "students"},
    {"organization": "สพป.อุทัยธานี เขต 1"},
    {"fiscal_year": 2568},
    {"q": "a&b=c", "sort": "score desc"},
]


@pytest.mark.parametrize("path", QUERIES)
def test_add_url_param_builds_the_links_ckan_builds(app, path):
    with app.flask_app.test_request_context(path):
        app.flask_app.preprocess_request()
        for new in NEW_PARAMS:
            for kwargs in ({}, {"alternative_url": "/organization/utt1"},
                           {"controller": "dataset", "action": "search"},
                           {"extras": {"package_type": "dataset"}}):
                # twice: the second is built from what the first kept
                for _ in range(2):
                    ours = core.helper_functions["add_url_param"](new_params=new, **kwargs)
                    assert ours == core.add_url_param(new_params=new, **kwargs), (path, new, kwargs)


def test_the_search_pages_facet_links_filter_and_keep_the_query(app):
    org = factories.Organization(name="utt1", title="สพป.อุทัยธานี เขต 1")
    factories.Dataset(owner_org=org["id"], title="นักเรียน ปีการศึกษา 2568", tags=[{"name": "ครู"}])
    body = app.get("/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99").body
    links = set(re.findall(r'href="(/dataset/\?q=[^"]+)"', body))
    assert "/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99" \
           "&amp;organization=utt1" in links
    assert "/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99" \
           "&amp;tags=%E0%B8%84%E0%B8%A3%E0%B8%B9" in links
    filtered = app.get("/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99"
                       "&organization=utt1").body
    assert "นักเรียน ปีการศึกษา 2568" in filtered


def test_a_request_drawn_inside_another_gets_its_own_links(app):
    """A request context pushed inside a request (the mails and reports drawn
    in another language) shares flask.g, not its address."""
    with app.flask_app.test_request_context("/dataset/?q=first"):
        app.flask_app.preprocess_request()
        outer = core.helper_functions["add_url_param"](new_params={"tags": "x"})
        assert outer == "/dataset/?q=first&tags=x"
        with app.flask_app.test_request_context("/organization/?q=second"):
            app.flask_app.preprocess_request()
            inner = core.helper_functions["add_url_param"](new_params={"tags": "x"})
            assert inner == core.add_url_param(new_params={"tags": "x"})
            assert "second" in inner and "first" not in inner
        assert core.helper_functions["add_url_param"](new_params={"tags": "x"}) == outer


NOTES = [
    "",
    "ข้อมูลนักเรียน **ปีการศึกษา 2568** จำแนกตาม[โรงเรียน](https://example.org/a?b=1&c=2)",
    "# หัวข้อ\n\n<script>alert(1)</script> &amp; <b>ตัวหนา</b> " + "ยาวมาก " * 60,
    "* one\n* two\n\n`code` &lt;tag&gt;",
]


@pytest.mark.parametrize("length", [190, 180, 0, 20])
def test_the_description_extract_is_ckans_and_follows_an_edited_text(length):
    ours = core.helper_functions["markdown_extract"]
    for text in NOTES + NOTES:  # twice: the second time from what was kept
        assert ours(text, extract_length=length) == core.markdown_extract(text, extract_length=length)
    edited = NOTES[1].replace("2568", "2569")
    assert ours(edited, extract_length=length) == core.markdown_extract(edited, extract_length=length)
    assert "2569" in ours(edited)
    assert ours(None) == core.markdown_extract(None) == ""


def test_the_search_page_shows_a_datasets_edited_description(app):
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"], title="ครูและบุคลากร", notes="จำนวน **ครู** ปี 2568")
    assert "จำนวน ครู ปี 2568" in app.get("/dataset/").body
    editor = factories.Sysadmin()
    helpers.call_action("package_patch", {"user": editor["name"]}, id=dataset["id"], notes="จำนวน **ครู** ปี 2569")
    body = app.get("/dataset/").body
    assert "จำนวน ครู ปี 2569" in body and "ปี 2568" not in body
