# -*- coding: utf-8 -*-
"""Two people deciding the same request at the same moment: exactly one
decision is recorded, the other gets a clear conflict error.

A third database connection holds the request's row lock while the two
deciders start in their own threads (each with its own connection), so both
are certainly inside their transaction when the lock is released. Without the
row lock in the workflow, both would have read "checked" and both decisions
would be recorded.
"""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.access_requests.model import AccessGrant
from ckanext.utt1service.common.model import AuditEvent

from .conftest import as_user, move

pytestmark = pytest.mark.usefixtures("clean_queues")


def _waiting_for_locks(conn: sa.engine.Connection, n: int, timeout: float = 60.0) -> bool:
    """Wait until ``n`` other backends wait for a lock (polling
    pg_stat_activity: a condition, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    ready = threading.Event()
    while time.monotonic() < deadline:
        waiting = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar()
        if waiting >= n:
            return True
        ready.wait(0.02)
    return False


@pytest.mark.parametrize("second", ["reject", "approve"])
def test_two_directors_decide_at_once(world, app, second):
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    helpers.call_action("user_create", name="director2", email="d2@example.org",
                        password="correct horse battery staple")
    helpers.call_action("organization_member_create", id=w.org["id"], username="director2",
                        role="admin")
    model.Session.remove()

    results: dict[str, object] = {}

    def decide(user_name: str, action: str) -> None:
        with app.flask_app.test_request_context():
            try:
                data = {"id": req["id"], "comment": f"{action} by {user_name}"}
                results[user_name] = helpers.call_action(
                    f"utt1service_request_{action}", context=as_user({"name": user_name}), **data
                )
            except tk.ValidationError as e:
                results[user_name] = e
            finally:
                model.Session.remove()

    engine = model.meta.engine
    with engine.connect() as holder, engine.connect().execution_options(
        isolation_level="AUTOCOMMIT"  # pg_stat_activity is read afresh each time
    ) as observer:
        tx = holder.begin()
        holder.execute(
            sa.text("SELECT id FROM utt1service_access_request WHERE id = :id FOR UPDATE"),
            {"id": req["id"]},
        )
        threads = [
            threading.Thread(target=decide, args=(w.director["name"], "approve")),
            threading.Thread(target=decide, args=("director2", second)),
        ]
        for t in threads:
            t.start()
        both_waiting = _waiting_for_locks(observer, 2)
        tx.rollback()
        for t in threads:
            t.join(timeout=60)
    assert both_waiting, "the two deciders never waited for the row lock"
    assert not any(t.is_alive() for t in threads)

    outcomes = list(results.values())
    errors = [r for r in outcomes if isinstance(r, tk.ValidationError)]
    done = [r for r in outcomes if isinstance(r, dict)]
    assert len(done) == 1 and len(errors) == 1, outcomes
    message = errors[0].error_dict["state"][0]
    assert "reload the page" in message.lower() or "โหลดหน้านี้ใหม่" in message

    decisions = [
        e for e in AuditEvent.trail("access_request", req["id"])
        if e.action in ("approve", "reject")
    ]
    assert len(decisions) == 1
    shown = helpers.call_action("utt1service_request_show", id=req["id"])
    assert shown["state"] == decisions[0].to_state
    grants = model.Session.query(AccessGrant).filter(AccessGrant.request_id == req["id"]).count()
    assert grants == (1 if shown["state"] == "approved" else 0)
