# -*- coding: utf-8 -*-
"""Counting days of service: calendar days, working days without weekends
and the configured holidays, and Bangkok days of UTC moments."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.utt1service.common import workdays

D = dt.date


def test_calendar_days_count_every_day():
    calendar = workdays.Calendar()
    assert calendar.add(D(2026, 12, 4), 3) == D(2026, 12, 7)  # Friday + 3 = Monday
    assert calendar.between(D(2026, 12, 4), D(2026, 12, 7)) == 3
    assert calendar.between(D(2026, 12, 7), D(2026, 12, 4)) == -3


def test_working_days_skip_weekends_and_holidays():
    # 2026-12-05 (Saturday) and 2026-12-07 (Monday, ชดเชยวันพ่อ) off
    calendar = workdays.Calendar(True, workdays.parse_holidays("2026-12-07, 2026-12-10"))
    # Friday 4 Dec + 3 working days: Tue 8, Wed 9, (Thu 10 holiday) Fri 11
    assert calendar.add(D(2026, 12, 4), 3) == D(2026, 12, 11)
    assert calendar.between(D(2026, 12, 4), D(2026, 12, 11)) == 3
    assert calendar.between(D(2026, 12, 4), D(2026, 12, 7)) == 0  # only days off between
    assert not calendar.counts(D(2026, 12, 6)) and calendar.counts(D(2026, 12, 8))


def test_holidays_ignore_what_is_not_a_date():
    assert workdays.parse_holidays("2027-01-01 junk\n2027-04-13;2027-02-30") == {
        D(2027, 1, 1), D(2027, 4, 13)}
    assert workdays.parse_holidays("") == frozenset()


@pytest.mark.parametrize("utc, day", [
    (dt.datetime(2026, 12, 1, 16, 59, tzinfo=dt.timezone.utc), D(2026, 12, 1)),  # 23:59 BKK
    (dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.timezone.utc), D(2026, 12, 2)),   # 00:00 BKK
])
def test_a_moment_counts_on_its_bangkok_day(utc, day):
    assert workdays.bangkok_day(utc) == day
