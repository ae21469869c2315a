# -*- coding: utf-8 -*-
"""Template helpers every feature uses: the office's name and dates in the
user's language (Buddhist Era in Thai), also for CKAN core's own dates."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.i18n import get_lang

from ckanext.utt1service.common import thaidate

__all__ = [
    "utt1service_office_name",
    "utt1service_date",
    "utt1service_datetime",
    "render_datetime",
]


def utt1service_office_name() -> str:
    """The office's name in the user's language."""
    if get_lang() == "th":
        return tk.config.get("ckanext.utt1service.office_name")
    return tk.config.get("ckanext.utt1service.office_name_en")


def utt1service_date(value, long: bool = False) -> str:
    """A date in the user's language: Buddhist Era and Thai month names in Thai
    (25 พ.ย. 2569), Gregorian in English (25 Nov 2026)."""
    return thaidate.format_date(value, get_lang(), long=long)


def utt1service_datetime(value) -> str:
    """Like utt1service_date, with the Bangkok time of day."""
    return thaidate.format_datetime(value, get_lang())


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False, with_seconds=False):
    """CKAN core's dates (dataset and resource pages, activity stream, user
    pages) in the Buddhist Era on Thai pages, like the extension's own; an
    explicit ``date_format`` and the other languages are left to CKAN."""
    if date_format or get_lang() != "th" or not datetime_:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    try:
        if with_hours or with_seconds:
            return thaidate.format_datetime(datetime_, "th")
        return thaidate.format_date(datetime_, "th")
    except (TypeError, ValueError):
        return next_helper(datetime_, date_format, with_hours, with_seconds)
