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
