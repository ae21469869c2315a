# -*- coding: utf-8 -*-
"""The demo content of `make dev` uses the dataset schema and is marked as
sample data."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from ckanext.utt1service import demo
from ckanext.utt1service.demo import restricted as restricted_demo

# the sample datasets plus the one with a restricted file of individual students
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
