# -*- coding: utf-8 -*-
"""Counting days of service in Bangkok: calendar days, or working days
(Monday to Friday, without the configured public holidays).

The service levels of access requests (``access_requests/service_levels.py``)
and the reminders count with these functions; a moment becomes a day in
Asia/Bangkok time (``thaidate.to_bangkok``) before it is counted.

``ckanext.utt1service.service_working_days`` chooses working days,
``ckanext.utt1service.holidays`` lists the holidays (ISO dates separated by
spaces, commas or new lines; e.g. the Thai public holidays of the year).
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, FrozenSet, Iterable

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import thaidate

__all__ = [
    "Calendar",
    "configured",
    "parse_holidays",
    "bangkok_day",
    "today",
]


def parse_holidays(value: Any) -> FrozenSet[_dt.date]:
    """The holidays of the configuration: ISO dates separated by spaces,
    commas or new lines (a list is taken as it is); anything that is not a
    date is ignored, so that one typo does not stop the service."""
    if not value:
        return frozenset()
    items: Iterable[Any] = value if isinstance(value, (list, tuple)) else re.split(r"[\s,;]+", str(value))
    days = set()
    for item in items:
        try:
            days.add(_dt.date.fromisoformat(str(item).strip()))
        except ValueError:
            continue
    return frozenset(days)


def bangkok_day(moment: Any) -> _dt.date:
    """The day (in Bangkok) of a moment (a datetime; naive = UTC) or a date."""
    found = thaidate.to_bangkok(moment)
    return found.date() if isinstance(found, _dt.datetime) else found


def today() -> _dt.date:
    """Today in Bangkok."""
    return bangkok_day(_dt.datetime.now(_dt.timezone.utc))


class Calendar:
    """Calendar days, or working days without ``holidays``."""

    def __init__(self, working_days: bool = False,
                 holidays: Iterable[_dt.date] = ()) -> None:
        self.working_days = working_days
        self.holidays = frozenset(holidays)

    def counts(self, day: _dt.date) -> bool:
        """Whether ``day`` is a day of service."""
        if not self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add(self, start: _dt.date, days: int) -> _dt.date:
        """The day ``days`` days of service after ``start`` (``start`` itself
        is day 0, as the day a request arrives)."""
        if not self.working_days:
            return start + _dt.timedelta(days=days)
        day = start
        left = days
        while left > 0:
            day += _dt.timedelta(days=1)
            if self.counts(day):
                left -= 1
        return day

    def between(self, start: _dt.date, end: _dt.date) -> int:
        """Days of service after ``start`` up to and including ``end``
        (negative when ``end`` comes before ``start``)."""
        if end < start:
            return -self.between(end, start)
        if not self.working_days:
            return (end - start).days
        return sum(1 for n in range(1, (end - start).days + 1)
                   if self.counts(start + _dt.timedelta(days=n)))


def configured() -> Calendar:
    """The calendar of the configuration."""
    return Calendar(
        bool(tk.config.get("ckanext.utt1service.service_working_days")),
        parse_holidays(tk.config.get("ckanext.utt1service.holidays")),
    )
