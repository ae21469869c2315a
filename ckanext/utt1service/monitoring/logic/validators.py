# -*- coding: utf-8 -*-
"""Validators of the survey and complaint forms (errors in the user's
language: every message goes through ``tk._``)."""
from __future__ import annotations

import datetime
from typing import Any, Callable, Container

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.validators import utt1service_date, whole_number

__all__ = [
    "utt1service_rating",
    "utt1service_choice",
    "utt1service_max_length",
    "utt1service_contact_phone",
    "utt1service_text_required",
    "utt1service_email",
    "utt1service_past_date",
]


def _empty(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


def utt1service_text_required(value: Any) -> Any:
    """Text that must be given (blank counts as not given)."""
    if _empty(value):
        raise tk.Invalid(tk._("This field must be filled in"))
    return value


def utt1service_email(value: Any) -> Any:
    """An e-mail address (one @, a dot in the domain, no spaces)."""
    text = str(value).strip()
    local, _at, domain = text.partition("@")
    if not local or "." not in domain or " " in text or domain.startswith(".") or domain.endswith("."):
        raise tk.Invalid(tk._("Please enter an e-mail address such as name@example.org"))
    return text


def utt1service_rating(value: Any) -> int:
    """One of the survey scale's answers: 3 ดีมาก, 2 พอใช้, 1 ควรปรับปรุง."""
    try:
        return whole_number(value, 1, 3)
    except tk.Invalid:
        raise tk.Invalid(tk._("Please choose Very good, Fair or Needs improvement"))


def utt1service_choice(choices: Container[str]) -> Callable[[Any], Any]:
    """A value from a fixed list (codes such as ``data_wrong``)."""

    def validator(value: Any, context: Any = None) -> Any:
        if not isinstance(value, str) or value not in choices:
            raise tk.Invalid(tk._("Please choose one of the options in the list"))
        return value

    return validator


def utt1service_max_length(length: int) -> Callable[[Any], Any]:
    def validator(value: Any) -> Any:
        if isinstance(value, str) and len(value) > length:
            raise tk.Invalid(
                tk._("Please shorten this text to at most {max} characters (it has {n})").format(
                    max=length, n=len(value)
                )
            )
        return value

    return validator


def utt1service_contact_phone(value: Any) -> Any:
    """A telephone number as people write it: digits, spaces, + - ( )."""
    text = str(value).strip()
    digits = [c for c in text if c.isdigit()]
    if not 6 <= len(digits) <= 15 or any(c not in "0123456789+-() ." for c in text):
        raise tk.Invalid(tk._("Please enter a telephone number, e.g. 056 511 234"))
    return text


def utt1service_past_date(value: Any, context: Any = None) -> datetime.date:
    """A date (day/month/Buddhist-Era year or YYYY-MM-DD) that is not in the
    future (Bangkok time)."""
    day = utt1service_date(value)
    if not isinstance(day, datetime.date):
        raise tk.Invalid(tk._("Please enter a date as day/month/year (Buddhist Era), e.g. 25/11/2569"))
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day > datetime.datetime.now(thaidate.BANGKOK).date():
        raise tk.Invalid(tk._("The date cannot be in the future"))
    return day
