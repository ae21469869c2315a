# -*- coding: utf-8 -*-
"""The demo content of `make dev` uses the dataset schema and is marked as
sample data."""
from __future__ import annotations

import datetime

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.utt1service import demo
from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.catalog import dataset_schema
from ckanext.utt1service.common import thaidate
from ckanext.utt1service.demo import activity
from ckanext.utt1service.demo import restricted as restricted_demo
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.download import DownloadEvent

DEMO_COUNT = len(demo.DATASETS) + 1


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_demo_datasets_are_valid_samples_found_by_thai_search(tmp_path):
    demo.seed(str(tmp_path / "admin-password"), echo=lambda message: None)

    everything = helpers.call_action("package_search", q="*:*", rows=100)
    assert everything["count"] == DEMO_COUNT
    for pkg in everything["results"]:
        assert demo.SAMPLE_TAG in [t["name"] for t in pkg["tags"]], pkg["name"]
        assert pkg["notes"].startswith(demo.SAMPLE_NOTE), pkg["name"]
        assert pkg["topic_category"] and pkg["contacts"], pkg["name"]
        assert pkg["resources"], pkg["name"]

    restricted = [
        r["name"] for p in everything["results"] for r in p["resources"] if r["access_level"] == "restricted"
    ]
    assert sorted(restricted) == ["นักเรียนรายบุคคล.csv", "รายโรงเรียน (จำกัดสิทธิ์).csv"]
    found = helpers.call_action("package_search", q="นักเรียน", fq='topic_category:"students"')
    assert {p["name"] for p in found["results"]} == {
        "students-by-grade-2568",
        "special-needs-students-2568",
        restricted_demo.DATASET,
    }
    # running it again keeps what exists
    demo.seed(str(tmp_path / "admin-password"), echo=lambda message: None)
    assert helpers.call_action("package_search", q="*:*")["count"] == DEMO_COUNT


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_demo_fills_the_service_report_with_sample_activity(tmp_path):
    """`make dev` shows a service report with figures: downloads through every
    channel in several fiscal years, survey responses and complaints."""
    demo.seed(str(tmp_path / "admin-password"), echo=lambda message: None)
    now_fy = thaidate.fiscal_year_of(datetime.datetime.now(datetime.timezone.utc))
    report = helpers.call_action(
        "utt1service_report_show", context={"user": demo.ADMIN_NAME}, fiscal_year=now_fy - 1
    )
    tables = {t["key"]: t for section in report["sections"] for t in section["tables"]}
    channels = {row["key"]: row for row in tables["downloads_by_channel"]["rows"]}
    assert all(channels[c]["cur"] > 0 for c in ("web", "qr", "api", "email", "paper"))
    assert all(channels[c]["prev"] > 0 for c in ("web", "qr"))
    # topics by their Thai names, as in the dataset form
    topics = {row["key"]: row["label"] for row in tables["downloads_by_topic"]["rows"]}
    thai = {c["value"]: c["label"]["th"] for c in dataset_schema.topic_category_choices()}
    assert topics["students"] == thai["students"] == "นักเรียน"
    assert topics["budget"] == thai["budget"]
    satisfaction = {row["key"]: row for row in tables["satisfaction_summary"]["rows"]}
    assert satisfaction["responses"]["cur"] > 0 and satisfaction["responses"]["prev"] > 0
    # restricted files are never among the sample downloads
    restricted_ids = {
        r.id for r in model.Session.query(model.Resource)
        if (r.extras or {}).get("access_level") == "restricted"
    }
    assert len(restricted_ids) == 2
    assert not model.Session.query(DownloadEvent).filter(
        DownloadEvent.resource_id.in_(restricted_ids)).count()
    # requests recorded for people who phoned or came to the counter, taken
    # through the workflow: they count in the current fiscal year
    current = helpers.call_action(
        "utt1service_report_show", context={"user": demo.ADMIN_NAME}, fiscal_year=now_fy
    )
    tables = {t["key"]: t for section in current["sections"] for t in section["tables"]}
    handled = {row["key"]: row["cur"] for row in tables["requests_summary"]["rows"]}
    assert (handled["received"], handled["approved"], handled["rejected"], handled["pending"]) == (
        len(activity.REQUESTS), 2, 1, 2)
    by_type = {row["key"]: row["cur"] for row in tables["requests_by_agency_type"]["rows"]}
    assert (by_type["school"], by_type["university"], by_type["public"]) == (2, 1, 1)
    # a second run adds nothing
    before = model.Session.query(DownloadEvent).count()
    demo.seed(str(tmp_path / "admin-password"), echo=lambda message: None)
    assert model.Session.query(DownloadEvent).count() == before == activity.DOWNLOADS
    assert model.Session.query(Complaint).count() == len(activity.COMPLAINTS)
    assert model.Session.query(AccessRequest).count() == len(activity.REQUESTS)
