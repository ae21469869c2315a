# -*- coding: utf-8 -*-
"""Buddhist Era dates and Thai fiscal years: one place for every page, e-mail,
export and report.

พ.ศ. = ค.ศ. + 543. Thai fiscal year N (ปีงบประมาณ, พ.ศ.) runs from
1 October (N-1) to 30 September N, in Asia/Bangkok time; its first half is
October–March, its second half April–September.
"""
from __future__ import annotations

import datetime as _dt
import functools
from typing import Optional, Union
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543

__all__ = [
    "BANGKOK",
    "BE_OFFSET",
    "to_bangkok",
    "format_date",
    "format_datetime",
    "fiscal_year_of",
    "fiscal_year_bounds",
    "be_year",
]

DateLike = Union[_dt.date, _dt.datetime, str]


def _parse(value: DateLike) -> Union[_dt.date, _dt.datetime]:
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def to_bangkok(value: DateLike) -> Union[_dt.date, _dt.datetime]:
    """A datetime in Bangkok time (naive datetimes are taken as UTC, as CKAN
    stores them); a date is returned as it is."""
    value = _parse(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.astimezone(BANGKOK)
    return value


def be_year(gregorian_year: int) -> int:
    return gregorian_year + BE_OFFSET


@functools.lru_cache(maxsize=8)
def _month_names(width: str, locale: str) -> dict[int, str]:
    """Babel's month names, looked up once per width and language (the
    locale lookup is slow enough to show in an export of thousands of
    dates)."""
    return dict(get_month_names(width, locale=locale))


def format_date(value: Optional[DateLike], lang: str = "th", long: bool = False) -> str:
    """``25 พ.ย. 2569`` in Thai (``25 พฤศจิกายน 2569`` with long=True),
    ``25 Nov 2026`` otherwise."""
    if value in (None, ""):
        return ""
    d = to_bangkok(value)
    width = "wide" if long else "abbreviated"
    if lang == "th":
        month = _month_names(width, "th")[d.month]
        return f"{d.day} {month} {be_year(d.year)}"
    month = _month_names(width, "en")[d.month]
    return f"{d.day} {month} {d.year}"


def format_datetime(value: Optional[DateLike], lang: str = "th") -> str:
    """Date as :func:`format_date` plus ``HH:MM`` in Bangkok time
    (``น.`` after it in Thai)."""
    if value in (None, ""):
        return ""
    d = to_bangkok(value)
    if not isinstance(d, _dt.datetime):
        return format_date(d, lang)
    suffix = " น." if lang == "th" else ""
    return f"{format_date(d, lang)} {d:%H:%M}{suffix}"


def fiscal_year_of(value: DateLike) -> int:
    """The Thai fiscal year (พ.ศ.) a moment or date belongs to."""
    d = to_bangkok(value)
    year = d.year + 1 if d.month >= 10 else d.year
    return be_year(year)


def fiscal_year_bounds(
    fy: int, half: Optional[int] = None, quarter: Optional[int] = None
) -> tuple[_dt.datetime, _dt.datetime]:
    """``[start, end)`` of fiscal year ``fy`` (พ.ศ.), of its first (1) or
    second (2) half, or of its quarter 1 (October–December) … 4
    (July–September), as timezone-aware Bangkok datetimes."""
    if half not in (None, 1, 2):
        raise ValueError("half must be 1, 2 or None")
    if quarter not in (None, 1, 2, 3, 4):
        raise ValueError("quarter must be 1 to 4 or None")
    if half is not None and quarter is not None:
        raise ValueError("a half or a quarter, not both")
    ce = fy - BE_OFFSET
    start = _dt.datetime(ce - 1, 10, 1, tzinfo=BANGKOK)
    middle = _dt.datetime(ce, 4, 1, tzinfo=BANGKOK)
    end = _dt.datetime(ce, 10, 1, tzinfo=BANGKOK)
    if quarter is not None:
        months = [(ce - 1, 10), (ce, 1), (ce, 4), (ce, 7), (ce, 10)]
        (y1, m1), (y2, m2) = months[quarter - 1], months[quarter]
        return _dt.datetime(y1, m1, 1, tzinfo=BANGKOK), _dt.datetime(y2, m2, 1, tzinfo=BANGKOK)
    if half == 1:
        return start, middle
    if half == 2:
        return middle, end
    return start, end
