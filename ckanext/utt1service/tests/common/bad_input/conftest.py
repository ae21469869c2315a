# -*- coding: utf-8 -*-
"""The world the bad-input tests aim at, and a fingerprint of the database
(issue 11). One world per module: its tests only try what must be refused
(the pages may change it; nothing there asserts a state)."""
from __future__ import annotations

import types

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.utt1service.tests.access_requests.conftest import FORM, build_world


def build_junk_world() -> types.SimpleNamespace:
    """build_world() (the office's organization, its director, staff, a
    dataset with a restricted file, requests in every state) and one of
    everything else the actions name: a complaint, a survey response, a
    download event, a deleted resource, the office organization, a request
    of someone without an account (it has a private tracking link)."""
    w = build_world()
    w.office = factories.Organization(
        name="office-org", users=[{"name": w.staff["name"], "capacity": "editor"}]
    )
    tk.config["ckanext.utt1service.office_organization"] = "office-org"
    sysadmin = {"user": w.sysadmin["name"], "ignore_auth": False}
    w.complaint = helpers.call_action(
        "utt1service_complaint_create", context=sysadmin,
        category="other", description="ทดสอบ", package=w.dataset["name"],
    )
    w.survey = helpers.call_action(
        "utt1service_survey_response_create", context=sysadmin,
        staff_courtesy=3, staff_reception=3, search_speed=3, data_match=3, data_quality=3,
        request_id=w.requests["approved"]["id"], mode="paper",
    )
    w.event = helpers.call_action(
        "utt1service_download_event_create", context=sysadmin,
        resource_id=w.restricted["id"], channel="email",
    )
    w.gone = helpers.call_action(
        "resource_create", context=sysadmin, package_id=w.dataset["id"],
        url="https://example.org/gone.pdf", name="gone",
    )
    helpers.call_action("resource_delete", context=sysadmin, id=w.gone["id"])
    w.anonymous_request = helpers.call_action(
        "utt1service_request_create", context={"user": "", "ignore_auth": False},
        **dict(FORM, first_name="ไม่มี", surname="บัญชี", email="no-account@example.org",
               package_id=w.dataset["id"], resource_ids=[w.restricted["id"]]),
    )
    w.analysis = helpers.call_action(
        "utt1service_report_analysis_update", context=sysadmin,
        fiscal_year=2569, problems="ปัญหา", improvements="แนวทาง",
    )
    model.Session.remove()
    return w


@pytest.fixture(scope="module")
def junk_world(_session_plugins, reset_db, migrate_db_for, reset_index):
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")
    reset_index()
    saved = tk.config.get("ckanext.utt1service.office_organization")
    yield build_junk_world()
    tk.config["ckanext.utt1service.office_organization"] = saved
