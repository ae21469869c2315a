# -*- coding: utf-8 -*-
"""Validators of the shape of every input: ids, text, whole numbers, yes/no,
choices and dates.

Each refuses with a clear message (Thai through the catalog) what would
otherwise reach SQL and fail there: a NUL byte, which PostgreSQL cannot store
or compare; a list, a dict, a number or a boolean where an id or a text is
expected; a number too large for the database's integers; a string that is
not UTF-8 (a lone surrogate from ``"\\ud800"`` in JSON).

The ones that only look at the type of a value (an id, a text, yes/no, a
complaint number, a list of ids) are marked with :func:`shape_check`:
:mod:`input_guard` also runs them on the raw input before the auth function
looks anything up. The others (ranges, codes, dates) run with the rest of the
schema, so that a form shows all its errors at once.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Container, Optional

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

__all__ = [
    "utt1service_ignore_empty",
    "utt1service_id",
    "utt1service_text",
    "utt1service_boolean",
    "utt1service_whole_number",
    "utt1service_complaint_ref",
    "utt1service_date",
]

#: PostgreSQL ``integer``: the largest number, offset and limit taken
INT_MAX = 2_147_483_647
#: ids are uuids (36) and names at most 100 characters in CKAN; tokens are
#: shorter; anything longer cannot exist
ID_MAX_LENGTH = 200
#: no text field takes more (the longest, the report's analysis, takes
#: 20,000); each field has its own, smaller limit too
TEXT_MAX_LENGTH = 20_000

NUL = "\x00"
_WHOLE = re.compile(r"^[+-]?[0-9]+$")
_TRUE = ("true", "yes", "on", "1", "t", "y")
_FALSE = ("false", "no", "off", "0", "f", "n")


def shape_check(validator: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``validator`` (``(value, context)``, no database) as one that
    :mod:`input_guard` may run before the auth function."""
    validator.utt1service_shape = True  # type: ignore[attr-defined]
    return validator


def takes_a_list(validator: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``validator`` as one of a field that takes a list (every other
    field takes one value: a list or an object there is refused)."""
    validator.utt1service_list = True  # type: ignore[attr-defined]
    return validator


def _absent(value: Any) -> bool:
    return value is missing or value is None


def nul_message() -> str:
    return tk._("This contains an invisible NUL character, which cannot be stored. "
                "Please remove it and try again.")


def text_problem(value: str) -> Optional[str]:
    """Why ``value`` cannot be stored as text, or None."""
    if NUL in value:
        return nul_message()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return tk._("This contains characters that are not valid text (broken "
                    "Unicode). Please type it again.")
    return None


def utt1service_ignore_empty(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Skip the field's other validators when it is absent, None or empty
    text. Unlike CKAN's ``ignore_empty``, 0, False, an empty list or object
    are values (which the field refuses when they are not its kind), not
    "nothing": a date of 0 is refused, not ignored."""
    value = data.get(key)
    if value is missing or value is None or value == "":
        data.pop(key, None)
        raise StopOnError


@shape_check
def utt1service_id(value: Any, context: Optional[Context] = None) -> Any:
    """The id or name of something (a request, a dataset, an organization, a
    resource), or a token: text, at most ``ID_MAX_LENGTH`` characters,
    surrounding spaces removed."""
    if _absent(value):
        return value
    if not isinstance(value, str):
        raise tk.Invalid(tk._("This must be an id or a name (text), not a number, "
                              "a list or an object."))
    problem = text_problem(value)
    if problem:
        raise tk.Invalid(problem)
    value = value.strip()
    if len(value) > ID_MAX_LENGTH:
        raise tk.Invalid(tk._("This id is too long: no id or name has more than "
                              "%(n)s characters.") % {"n": ID_MAX_LENGTH})
    return value


@shape_check
def utt1service_text(value: Any, context: Optional[Context] = None) -> Any:
    """Text as typed, at most ``TEXT_MAX_LENGTH`` characters (the field's
    own validators have a smaller limit); absent is empty text, as with
    CKAN's ``unicode_safe``."""
    if _absent(value):
        return ""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Please send text here, not a number, a list or an object."))
    problem = text_problem(value)
    if problem:
        raise tk.Invalid(problem)
    if len(value) > TEXT_MAX_LENGTH:
        raise tk.Invalid(tk._("This text is too long: no field takes more than %(n)s "
                              "characters.") % {"n": f"{TEXT_MAX_LENGTH:,}"})
    return value


@shape_check
def utt1service_boolean(value: Any, context: Optional[Context] = None) -> Any:
    """Yes or no: true/false, 1/0, yes/no, on/off (a form's check box)."""
    if _absent(value) or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise tk.Invalid(tk._("Please answer yes or no (true or false)."))


def whole_number(value: Any, low: int = 0, high: int = INT_MAX) -> int:
    """``value`` as a whole number from ``low`` to ``high``; raises
    ``tk.Invalid`` with the range otherwise."""
    number: Optional[int] = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and len(value) <= 40 and _WHOLE.match(value.strip()):
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise tk.Invalid(
            tk._("Please give a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": high}
        )
    return number


def utt1service_whole_number(low: int = 0, high: int = INT_MAX) -> Callable[..., Any]:
    """A whole number from ``low`` to ``high`` (a limit, an offset, a number
    of days); no fraction, no boolean."""

    def validator(value: Any, context: Optional[Context] = None) -> Any:
        if _absent(value):
            return value
        return whole_number(value, low, high)

    return validator


def choice(choices: Container[str], message: Callable[[], str]) -> Callable[..., Any]:
    """One of ``choices`` (codes); ``message()`` says what to do."""

    def validator(value: Any, context: Optional[Context] = None) -> Any:
        if not isinstance(value, str) or value not in choices:
            raise tk.Invalid(message())
        return value

    return validator


@shape_check
def utt1service_complaint_ref(value: Any, context: Optional[Context] = None) -> Any:
    """A complaint's number (a whole number, or its digits as text) or id."""
    if _absent(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return whole_number(value, 1, INT_MAX)
    value = utt1service_id(value)
    if value.isdigit():
        return whole_number(value, 1, INT_MAX)
    return value


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
#: a four-digit year from this one on is a Buddhist-Era year (2400 BE = 1857)
BE_FROM = 2400


def parse_day(text: str) -> Optional[datetime.date]:
    """A day as people in Thailand write it: day/month/year with a
    Buddhist-Era year (25/11/2569; Thai digits too; a Gregorian year is
    taken as well), or YYYY-MM-DD. None when it is not a day."""
    text = text.strip().translate(_THAI_DIGITS)
    found = _DAY_MONTH_YEAR.fullmatch(text)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            return datetime.date(year - 543 if year >= BE_FROM else year, month, day)
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def utt1service_date(value: Any, context: Optional[Context] = None) -> Any:
    """A day: day/month/Buddhist-Era year as entered in the forms
    (25/11/2569), or YYYY-MM-DD (the API); a date or datetime passes through."""
    if _absent(value) or isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) <= 40:
        day = parse_day(value)
        if day is not None:
            return day
    raise tk.Invalid(tk._("Please enter a date as day/month/year (Buddhist Era), e.g. 25/11/2569"))
