# -*- coding: utf-8 -*-
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.utt1service.common import thaidate

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        (dt.date(2026, 11, 25), "th", "25 พ.ย. 2569"),
        (dt.date(2026, 11, 25), "en", "25 Nov 2026"),
        # 20:00 UTC on 30 Sep is 03:00 on 1 Oct in Bangkok
        (dt.datetime(2026, 9, 30, 20, 0, tzinfo=UTC), "th", "1 ต.ค. 2569"),
        ("2026-01-02T03:04:05", "th", "2 ม.ค. 2569"),
        (None, "th", ""),
    ],
)
def test_format_date(value, lang, expected):
    assert thaidate.format_date(value, lang) == expected


def test_format_date_long_and_datetime():
    moment = dt.datetime(2026, 11, 25, 3, 5, tzinfo=UTC)
    assert thaidate.format_date(moment, "th", long=True) == "25 พฤศจิกายน 2569"
    assert thaidate.format_datetime(moment, "th") == "25 พ.ย. 2569 10:05 น."
    assert thaidate.format_datetime(moment, "en") == "25 Nov 2026 10:05"


@pytest.mark.parametrize(
    "moment, fy",
    [
        (dt.datetime(2025, 9, 30, 16, 59, tzinfo=UTC), 2568),  # 30 Sep 23:59 Bangkok
        (dt.datetime(2025, 9, 30, 17, 0, tzinfo=UTC), 2569),  # 1 Oct 00:00 Bangkok
        (dt.date(2026, 9, 30), 2569),
        (dt.date(2026, 10, 1), 2570),
    ],
)
def test_fiscal_year_of(moment, fy):
    assert thaidate.fiscal_year_of(moment) == fy


def test_fiscal_year_bounds_and_halves():
    start, end = thaidate.fiscal_year_bounds(2569)
    assert (start.date(), end.date()) == (dt.date(2025, 10, 1), dt.date(2026, 10, 1))
    assert start.utcoffset() == dt.timedelta(hours=7)
    first = thaidate.fiscal_year_bounds(2569, 1)
    second = thaidate.fiscal_year_bounds(2569, 2)
    assert first == (start, second[0]) and second[1] == end
    assert second[0].date() == dt.date(2026, 4, 1)
    with pytest.raises(ValueError):
        thaidate.fiscal_year_bounds(2569, 3)
