# -*- coding: utf-8 -*-
"""The "Big Data" landing page: main-menu link, topic counts, newest and
most-downloaded datasets, search box and the catalogue's QR code."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

from ckanext.utt1service.catalog import bigdata

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _topics(soup: BeautifulSoup) -> dict[str, tuple[str, int, str]]:
    """label -> (link, count) of each topic on the page."""
    found = {}
    for item in soup.select(".utt1service-topic a"):
        label = item.select_one(".utt1service-topic-label").get_text(strip=True)
        count = int(item.select_one(".utt1service-topic-count").get_text(strip=True))
        found[label] = (item["href"], count)
    return found


def _titles(section) -> list[str]:
    """The dataset titles listed in a section of the landing page."""
    return [a.get_text(strip=True) for a in section.select("a.utt1service-bigdata-link")]


def _search_titles(soup) -> list[str]:
    """The dataset titles of a search result page."""
    return [a.get_text(strip=True) for a in soup.select(".dataset-heading a")]


def test_main_menu_links_to_big_data_in_thai_and_english(app):
    thai = _soup(app.get("/"))
    english = _soup(app.get("/en/"))

    link = thai.select_one("header nav a[href='/bigdata']")
    assert link.get_text(strip=True) == "Big Data / ข้อมูลสารสนเทศ"
    assert english.select_one("header nav a[href='/en/bigdata']").get_text(strip=True) == "Big Data"


def test_topics_are_counted_for_what_the_visitor_may_see(app, org, topic_schema):
    first, second, third = (t["value"] for t in topic_schema[:3])
    member = factories.UserWithToken()
    factories.Dataset(owner_org=org["id"], topic_category=first)
    factories.Dataset(owner_org=org["id"], topic_category=first)
    factories.Dataset(owner_org=org["id"], topic_category=second)
    secret_org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    factories.Dataset(owner_org=secret_org["id"], topic_category=third, private=True)

    anonymous = _topics(_soup(app.get("/bigdata")))
    insider = _topics(_soup(app.get("/bigdata", headers={"Authorization": member["token"]})))

    labels = [t["label"]["th"] for t in topic_schema]
    assert list(anonymous) == labels  # every category, in schema order
    assert anonymous[labels[0]] == (f"/dataset/?topic_category={first}", 2)
    assert anonymous[labels[1]][1] == 1
    assert anonymous[labels[2]][1] == 0
    assert insider[labels[2]][1] == 1


def test_a_topic_link_lists_the_datasets_of_that_topic(app, org, topic_schema):
    first, second = (t["value"] for t in topic_schema[:2])
    factories.Dataset(owner_org=org["id"], title="Students by grade", topic_category=first)
    factories.Dataset(owner_org=org["id"], title="Students by school", topic_category=first)
    factories.Dataset(owner_org=org["id"], title="Teachers by school", topic_category=second)

    href, count = _topics(_soup(app.get("/bigdata")))[topic_schema[0]["label"]["th"]]
    results = _soup(app.get(href))

    assert sorted(_search_titles(results)) == ["Students by grade", "Students by school"]
    assert count == 2


def test_topic_labels_follow_the_language(app, org, topic_schema):
    english = _topics(_soup(app.get("/en/bigdata")))

    assert list(english) == [t["label"]["en"] for t in topic_schema]


def test_without_a_topic_field_the_page_has_no_topic_section(app, org, monkeypatch):
    from ckanext.scheming import plugins as scheming

    plugin = scheming.SchemingDatasetsPlugin.instance
    expanded = {
        "dataset": dict(
            plugin._expanded_schemas["dataset"],
            dataset_fields=[
                f for f in plugin._expanded_schemas["dataset"]["dataset_fields"]
                if f["field_name"] != "topic_category"
            ],
        )
    }
    monkeypatch.setattr(plugin, "_expanded_schemas", expanded)
    factories.Dataset(owner_org=org["id"], title="Budget 2568")

    soup = _soup(app.get("/bigdata"))

    assert bigdata.topic_categories() == []
    assert soup.select(".utt1service-topic") == []
    assert "Budget 2568" in _titles(soup.select_one(".utt1service-bigdata-newest"))


def test_the_topic_helper_reads_labels_from_the_schema(app, topic_schema):
    import ckan.plugins.toolkit as tk

    with app.flask_app.test_request_context("/bigdata"):
        categories = tk.h.utt1service_topic_categories()

    assert categories == [{"value": t["value"], "label": t["label"]["th"]} for t in topic_schema]


def test_newest_datasets_come_first(app, org):
    for n in range(1, 8):
        factories.Dataset(owner_org=org["id"], title=f"Dataset {n}")

    newest = _soup(app.get("/bigdata")).select_one(".utt1service-bigdata-newest")

    assert _titles(newest) == [f"Dataset {n}" for n in range(7, 2, -1)]


def test_without_counting_data_the_page_says_recently_updated(app, org):
    factories.Dataset(owner_org=org["id"], title="Only one")

    popular = _soup(app.get("/bigdata")).select_one(".utt1service-bigdata-popular")

    assert popular.h2.get_text(strip=True) == "ปรับปรุงล่าสุด"
    assert _titles(popular) == ["Only one"]


def test_most_downloaded_come_from_counted_downloads_and_hide_private(app, org, download_event_factory):
    import ckan.model as model

    a = factories.Dataset(owner_org=org["id"], title="Little used")
    b = factories.Dataset(owner_org=org["id"], title="Much used")
    hidden = factories.Dataset(owner_org=org["id"], title="Secret", private=True)
    factories.Dataset(owner_org=org["id"], title="Never downloaded")
    events = (
        [(hidden["id"], True, False)] * 5
        + [(b["id"], True, False)] * 3
        + [(a["id"], True, False)] * 2
        # repeats and bots are not downloads
        + [(a["id"], False, False)] * 4
        + [(a["id"], True, True)] * 4
    )
    for package_id, counted, is_bot in events:
        download_event_factory(resource_id="r-" + package_id, package_id=package_id, owner_org=org["id"],
                               counted=counted, is_bot=is_bot)
    model.Session.commit()

    popular = _soup(app.get("/bigdata")).select_one(".utt1service-bigdata-popular")

    assert popular.h2.get_text(strip=True) == "ดาวน์โหลดมากที่สุด"
    assert _titles(popular) == ["Much used", "Little used"]

    # the same ranking through the API, private datasets only for those who see them
    ranking = app.get("/api/3/action/utt1service_most_downloaded?limit=5").json["result"]
    assert ranking == [{"package_id": b["id"], "downloads": 3}, {"package_id": a["id"], "downloads": 2}]
    admin = factories.SysadminWithToken()
    ranking = app.get("/api/3/action/utt1service_most_downloaded?limit=1",
                      headers={"Authorization": admin["token"]}).json["result"]
    assert ranking == [{"package_id": hidden["id"], "downloads": 5}]


def test_search_box_searches_the_catalogue(app, org):
    factories.Dataset(owner_org=org["id"], title="O-NET grade 6")
    factories.Dataset(owner_org=org["id"], title="Teachers")
    soup = _soup(app.get("/bigdata"))

    form = soup.select_one("form.utt1service-bigdata-search")
    assert form["action"] == "/dataset/"
    assert form.select_one("input[name=q]") is not None
    assert _search_titles(_soup(app.get(form["action"], query_string={"q": "O-NET"}))) == ["O-NET grade 6"]
    assert re.search(r"ทั้งหมด\s*2\s*ชุดข้อมูล", form.get_text(" ", strip=True))


def test_landing_page_shows_the_catalogue_qr_code_and_poster(app):
    soup = _soup(app.get("/bigdata"))

    block = soup.select_one(".utt1service-qr")
    assert block.select_one("img")["src"] == "/bigdata/qr.svg"
    hrefs = [a["href"] for a in block.select("a")]
    assert hrefs == ["/bigdata/qr.png?download=1", "/bigdata/qr.svg?download=1", "/bigdata/poster"]
