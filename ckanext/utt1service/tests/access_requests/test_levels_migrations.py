# -*- coding: utf-8 -*-
"""The migrations of issue 19 go down and up again: the columns and tables
they add disappear and come back, and ``state_since`` of an existing
request is filled from its audit trail."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.db import _run_migrations

from ckanext.utt1service.access_requests.model import AccessRequest

from .conftest import move

pytestmark = pytest.mark.usefixtures("clean_queues")

BEFORE = "a1b2c3d4e5f7"  # the head before issue 19
NEW_COLUMNS = {"state_since", "conditions", "conditions_required", "conditions_accepted_at",
               "renewal_of", "expiry_notified_for"}
NEW_TABLES = {"utt1service_reminder", "utt1service_acting_approver"}


def columns() -> set[str]:
    return {c["name"] for c in sa.inspect(model.meta.engine).get_columns(
        "utt1service_access_request")}


def tables() -> set[str]:
    return set(sa.inspect(model.meta.engine).get_table_names())


def test_down_and_up_again_fills_state_since_from_the_trail(world):
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    model.Session.remove()
    assert NEW_COLUMNS <= columns() and NEW_TABLES <= tables()
    _run_migrations("utt1service", version=BEFORE, forward=False)
    assert not NEW_COLUMNS & columns() and not NEW_TABLES & tables()
    _run_migrations("utt1service", forward=True)
    assert NEW_COLUMNS <= columns() and NEW_TABLES <= tables()
    model.Session.remove()
    request = AccessRequest.get(req["id"])
    checked_at = model.Session.execute(sa.text(
        "SELECT max(created) FROM utt1service_audit WHERE object_id = :id AND action = 'check'"),
        {"id": req["id"]}).scalar()
    assert request.state_since == checked_at
    assert request.conditions_required is False and request.renewal_of is None
