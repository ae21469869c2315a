# -*- coding: utf-8 -*-
"""One rule of a reportable download (common/counting.py): the trigger in the
database, the API's counts and the rebuilt monthly sums all follow it."""
from __future__ import annotations

import datetime
import uuid

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories as ckan_factories
from ckan.tests import helpers

from ckanext.utt1service.common import counting, event_buffer
from ckanext.utt1service.common.thaidate import BANGKOK
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.tests.factories import DownloadEventFactory

pytestmark = pytest.mark.usefixtures("clean_db")


def _installed(sql: str) -> list:
    return list(model.Session.execute(sa.text(sql)))


def test_the_trigger_in_the_database_is_the_one_written_in_python():
    [(body,)] = _installed(
        f"SELECT prosrc FROM pg_proc WHERE proname = '{counting.TRIGGER_FUNCTION}'"
    )
    assert body == counting.trigger_function_sql()
    triggers = {
        name for (name,) in _installed(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'utt1service_download_event'::regclass"
            " AND NOT tgisinternal"
        )
    }
    # the counting triggers, and those that keep the first download through
    # a grant in the request timeline (migration b6c7d8e9f0a1)
    assert triggers == {name for name, _when, _ref in counting.TRIGGERS} | {
        f"utt1service_request_timeline_of_download_{event}"
        for event in ("insert", "update", "delete", "truncate")
    }


def _event(when: datetime.datetime, counted: bool = True, is_bot: bool = False) -> None:
    DownloadEventFactory(created=when, resource_id="r1", package_id="p1", owner_org="o1",
                         counted=counted, is_bot=is_bot)


_OF_FILE = ("target_id IN (SELECT id FROM utt1service_download_target"
            " WHERE resource_id = '{file}')")


def _month_sums() -> dict:
    return {(m.isoformat(), n) for m, n in _installed(
        "SELECT month, downloads FROM utt1service_report_download_month ORDER BY 1")}


def test_counts_triggers_and_rebuild_follow_the_same_rule():
    from ckanext.utt1service.report import queries

    last_day_of_october = datetime.datetime(2025, 10, 31, 23, 30, tzinfo=BANGKOK)  # 16:30 UTC
    _event(last_day_of_october)
    _event(last_day_of_october + datetime.timedelta(hours=1))  # 1 Nov 00:30 Bangkok, still Oct in UTC
    _event(last_day_of_october, counted=False)  # a repeat within the dedup window
    _event(last_day_of_october, is_bot=True)
    model.Session.commit()

    assert downloads.download_count(resource_id="r1") == 2
    by_trigger = _month_sums()
    assert by_trigger == {("2025-10-01", 1), ("2025-11-01", 1)}
    queries.rebuild_download_counts()
    model.Session.commit()
    assert _month_sums() == by_trigger


@pytest.fixture()
def _triggers_put_back():
    yield
    model.Session.rollback()
    model.Session.execute(sa.text(counting.install_sql()))
    model.Session.commit()


@pytest.mark.usefixtures("_triggers_put_back")
def test_the_rebuild_command_puts_back_the_trigger_written_in_python():
    """A changed or older copy of the trigger in the database (a restore, a
    hand edit) is replaced by ``ckan utt1service report-rebuild-counts``."""
    from ckanext.utt1service.report import queries

    model.Session.execute(sa.text(
        f"CREATE OR REPLACE FUNCTION {counting.TRIGGER_FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"))
    model.Session.execute(sa.text(
        "DROP TRIGGER utt1service_report_count_insert ON utt1service_download_event"))
    model.Session.commit()
    _event(datetime.datetime(2026, 1, 5, tzinfo=BANGKOK))
    model.Session.commit()
    assert _month_sums() == set()  # the broken trigger counted nothing

    queries.rebuild_download_counts()
    model.Session.commit()
    [(body,)] = _installed(f"SELECT prosrc FROM pg_proc WHERE proname = '{counting.TRIGGER_FUNCTION}'")
    assert body == counting.trigger_function_sql()
    assert _month_sums() == {("2026-01-01", 1)}
    _event(datetime.datetime(2026, 2, 5, tzinfo=BANGKOK))
    model.Session.commit()
    assert _month_sums() == {("2026-01-01", 1), ("2026-02-01", 1)}  # counting again


def test_the_events_carry_only_the_indexes_a_query_uses():
    """Issue 20: every index of the events costs space and time at each
    download; the four partial indexes that no query scanned are gone."""
    indexes = {name for (name,) in _installed(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'utt1service_download_event'")}
    assert indexes == {
        "utt1service_download_event_pkey",
        "utt1service_download_event_request_idx",
        "utt1service_download_event_delivery_idx",
        "utt1service_download_event_grant_idx",
    }


def test_the_download_counts_of_pages_never_read_the_events():
    """The counts on dataset and resource pages, in the API and on the
    landing page read the monthly sums: their cost does not grow with the
    years of downloads. Same figures as counting the events (a deleted
    event and an updated one included)."""
    for day in (1, 2, 3):
        _event(datetime.datetime(2024, day, 5, tzinfo=BANGKOK))
    DownloadEventFactory(resource_id="r2", package_id="p1", owner_org="o1")
    DownloadEventFactory(resource_id="r3", package_id="p2", owner_org="o1")
    _event(datetime.datetime(2024, 1, 6, tzinfo=BANGKOK), counted=False)
    model.Session.commit()
    model.Session.execute(sa.text(
        "DELETE FROM utt1service_download_event WHERE id IN (SELECT id FROM utt1service_download_event"
        f" WHERE {_OF_FILE.format(file='r1')} AND counted ORDER BY created LIMIT 1)"))
    model.Session.execute(sa.text(
        f"UPDATE utt1service_download_event SET is_bot = true WHERE {_OF_FILE.format(file='r3')}"))
    model.Session.commit()

    def direct(where: str) -> int:
        return model.Session.execute(sa.text(
            "SELECT count(*) FROM utt1service_download_event "
            + counting.TARGETS_JOIN.format(rows="utt1service_download_event")
            + f" WHERE {counting.REPORTABLE} AND {where}"
        )).scalar()

    assert downloads.download_count(resource_id="r1") == direct("resource_id = 'r1'") == 2
    assert downloads.download_count(package_id="p1") == direct("package_id = 'p1'") == 3
    assert downloads.download_count(package_id="p2") == 0
    assert downloads.download_counts_by_resource("p1") == {"r1": 2, "r2": 1}
    assert downloads.most_downloaded(5) == [("p1", 3)]

    executed = []

    @sa.event.listens_for(model.meta.engine, "before_cursor_execute")
    def note(conn, cursor, statement, parameters, context, executemany):
        executed.append(statement)

    try:
        downloads.download_count(resource_id="r1")
        downloads.download_count(package_id="p1")
        downloads.download_counts_by_resource("p1")
        downloads.most_downloaded(5)
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", note)
    assert len(executed) == 4
    assert not [s for s in executed if "utt1service_download_event" in s]


def _columns(table: str) -> dict:
    return dict(_installed(
        "SELECT column_name, data_type FROM information_schema.columns"
        f" WHERE table_name = '{table}'"))


def test_an_event_is_stored_compactly():
    """Issue 20 (≤ 200 bytes per event): no id is stored as text on the
    event; its file, dataset, organization and topic are one shared row."""
    assert _columns("utt1service_download_event") == {
        "id": "uuid", "created": "timestamp with time zone", "target_id": "integer",
        "channel": "text", "request_id": "text", "visitor_key": "text",
        "is_bot": "boolean", "counted": "boolean", "recorded_by": "text",
    }
    _event(datetime.datetime(2025, 1, 5, tzinfo=BANGKOK))
    _event(datetime.datetime(2025, 1, 6, tzinfo=BANGKOK))
    DownloadEventFactory(resource_id="r1", package_id="p1", owner_org=None, topic="budget")
    model.Session.commit()
    assert _installed(
        "SELECT resource_id, package_id, owner_org, topic FROM utt1service_download_target"
        " ORDER BY topic NULLS FIRST") == [("r1", "p1", "o1", None), ("r1", "p1", None, "budget")]
    events = model.Session.query(DownloadEvent).order_by(DownloadEvent.created).all()
    assert [(e.resource_id, e.package_id, e.owner_org, e.topic) for e in events] == [
        ("r1", "p1", "o1", None), ("r1", "p1", "o1", None), ("r1", "p1", None, "budget")]
    assert model.Session.query(DownloadEvent).filter(DownloadEvent.owner_org == "o1").count() == 2


def test_an_event_keeps_the_organization_of_its_download():
    """A dataset that moves to another organization later: its earlier
    downloads stay with the organization they were made under."""
    org_a, org_b = ckan_factories.Organization(), ckan_factories.Organization()
    dataset = ckan_factories.Dataset(owner_org=org_a["id"])
    resource = ckan_factories.Resource(package_id=dataset["id"])
    first = event_buffer.insert_event(downloads._event(resource["id"], str(uuid.uuid4()), channel="web"))
    sysadmin = ckan_factories.Sysadmin()
    helpers.call_action("package_patch", context={"user": sysadmin["name"], "ignore_auth": True},
                        id=dataset["id"], owner_org=org_b["id"])
    second = event_buffer.insert_event(downloads._event(resource["id"], str(uuid.uuid4()), channel="web"))
    by_id = {e.id: e.owner_org for e in model.Session.query(DownloadEvent)}
    assert by_id == {first["id"]: org_a["id"], second["id"]: org_b["id"]}
    assert downloads.download_count(resource_id=resource["id"]) == 2


def test_an_id_that_is_no_uuid_finds_no_event():
    assert DownloadEvent.get("not-a-uuid") is None
    assert DownloadEvent.get("0f8fad5b-d9cb-469f-a165-70867728950e") is None


def test_the_compact_events_migration_keeps_every_event_both_ways():
    """Migration f3a4b5c6d7e8 (and its downgrade) keeps every event, its
    file, dataset, organization and topic, and the monthly sums; an id that
    was not a uuid becomes md5(id) and its survey response follows it."""
    from ckan.cli.db import _run_migrations

    from ckanext.utt1service.tests.factories import SurveyResponseFactory

    _event(datetime.datetime(2025, 1, 5, tzinfo=BANGKOK))
    _event(datetime.datetime(2025, 2, 5, tzinfo=BANGKOK), is_bot=True)
    DownloadEventFactory(resource_id="r2", package_id="p1", owner_org=None, topic="budget",
                         created=datetime.datetime(2025, 3, 5, tzinfo=BANGKOK))
    model.Session.commit()

    def rows() -> set:
        return set(_installed(
            "SELECT e.id::text, e.created, t.resource_id, t.package_id, t.owner_org, t.topic,"
            " e.channel, e.is_bot, e.counted FROM utt1service_download_event e"
            " JOIN utt1service_download_target t ON t.id = e.target_id"))

    before, sums = rows(), _month_sums()
    model.Session.remove()
    _run_migrations("utt1service", version="e2f3a4b5c6d7", forward=False)
    old = set(_installed(
        "SELECT id, created, resource_id, package_id, owner_org, topic, channel, is_bot, counted"
        " FROM utt1service_download_event"))
    assert old == before
    assert _month_sums() == sums
    model.Session.execute(sa.text(
        "INSERT INTO utt1service_download_event (id, resource_id, package_id, channel, created)"
        " VALUES ('legacy-1', 'r1', 'p1', 'web', '2025-04-05T00:00:00Z')"))
    model.Session.commit()
    SurveyResponseFactory(download_event_id="legacy-1")
    model.Session.commit()
    model.Session.remove()

    _run_migrations("utt1service", forward=True)
    [(legacy,)] = _installed("SELECT md5('legacy-1')::uuid::text")
    after = rows()
    assert len(after) == 4
    assert {r for r in after if r[0] != legacy} == before
    assert _installed("SELECT download_event_id FROM utt1service_survey_response") == [(legacy,)]
    assert DownloadEvent.get(legacy).resource_id == "r1"
    assert _month_sums() == sums | {("2025-04-01", 1)}
