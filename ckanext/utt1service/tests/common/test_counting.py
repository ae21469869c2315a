# -*- coding: utf-8 -*-
"""One rule of a reportable download (common/counting.py): the trigger in the
database, the API's counts and the rebuilt monthly sums all follow it."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa

import ckan.model as model

from ckanext.utt1service.common import counting
from ckanext.utt1service.common.thaidate import BANGKOK
from ckanext.utt1service.monitoring import downloads
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
    assert triggers == {name for name, _when, _ref in counting.TRIGGERS}


def _event(when: datetime.datetime, counted: bool = True, is_bot: bool = False) -> None:
    DownloadEventFactory(created=when, resource_id="r1", package_id="p1", owner_org="o1",
                         counted=counted, is_bot=is_bot)


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
        " WHERE resource_id = 'r1' AND counted ORDER BY created LIMIT 1)"))
    model.Session.execute(sa.text(
        "UPDATE utt1service_download_event SET is_bot = true WHERE resource_id = 'r3'"))
    model.Session.commit()

    def direct(where: str) -> int:
        return model.Session.execute(sa.text(
            f"SELECT count(*) FROM utt1service_download_event WHERE {counting.REPORTABLE} AND {where}"
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
