# -*- coding: utf-8 -*-
"""Junk input for the bad-input tests (issue 11): Hypothesis strategies and
what each kind of field must refuse."""
from __future__ import annotations

import datetime
import math
from typing import Any, Optional

from hypothesis import strategies as st
from sqlalchemy import text as sql

import ckan.model as model

from ckanext.utt1service.common import compat

INT_MAX = 2_147_483_647
HUGE_TEXT = "x" * 60_000  # longer than any text field takes (20,000)

# --- the junk ------------------------------------------------------------------

#: one value of each class that answered 500 before issue 11 (NUL byte,
#: broken Unicode, numbers beyond the database's, negative, fraction,
#: zero and false (CKAN takes them for "nothing"), boolean, list, list of
#: objects, empty list, object, very long text, white space, a word where a
#: code or a number is expected)
KNOWN_JUNK: list[Any] = [
    "a\x00b", "\ud800", 10**20, -1, 0, 1.5, True, False, None, [1, "x"], [{"a": 1}], [],
    {"a": 1}, HUGE_TEXT, " ", "junk", "99999999999999999999",
]

_any_text = st.text(max_size=30)
_nul_text = st.tuples(_any_text, _any_text).map(lambda t: t[0] + "\x00" + t[1])
_surrogate_text = st.tuples(_any_text, st.sampled_from(["\ud800", "\udfff", "\udc80"])).map(
    lambda t: t[0] + t[1]
)
_space = st.text(st.sampled_from(" \t\n\r\u00a0\u200b\u3000"), max_size=6)
_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([INT_MAX, INT_MAX + 1, -INT_MAX - 2, 2**63, -(2**63) - 1]),
    st.floats(allow_nan=False, allow_infinity=False),
)
_digits = st.integers(min_value=-(10**25), max_value=10**25).map(str)

#: any junk a JSON body can carry
junk = st.one_of(
    st.sampled_from(KNOWN_JUNK),
    _nul_text,
    _surrogate_text,
    _numbers,
    _digits,
    _space,
    _any_text,
    st.booleans(),
    st.none(),
    st.lists(st.one_of(_any_text, st.integers(), st.none()), max_size=4),
    st.dictionaries(_any_text, st.one_of(_any_text, st.integers()), max_size=3),
    st.integers(min_value=0, max_value=60).map(lambda n: "ก" * (1000 * n)),
)

#: junk a query string or a form field can carry (always text)
junk_text = st.one_of(
    st.sampled_from([v for v in KNOWN_JUNK if isinstance(v, str) and "\ud800" not in v]),
    _nul_text,
    _digits,
    _space,
    _any_text.filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s)),
)


# --- what a field must refuse ------------------------------------------------------

def _has_bad_text(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_has_bad_text(k) or _has_bad_text(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_bad_text(v) for v in value)
    return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(value: Any) -> Optional[int]:
    if _is_int(value):
        return value
    if isinstance(value, str):
        text = value.strip().lstrip("+")
        if text.isascii() and text.lstrip("-").isdigit() and len(text) <= 40:
            return int(text)
    return None


def _is_text(value: Any, max_length: int = 20_000) -> bool:
    return isinstance(value, str) and len(value) <= max_length


def must_refuse(kind: str, value: Any) -> bool:
    """Whether a field of ``kind`` must refuse ``value`` (False: it may take
    it or refuse it, as the field sees fit)."""
    if _has_bad_text(value):
        return True  # NUL bytes and broken Unicode, anywhere
    if kind == "extra":  # a field the action does not declare: ignored
        return False
    if value is None or value == "":
        return False  # absent: the field's default or "required" decides
    if kind == "file":
        return True  # a JSON body carries no file
    if kind in ("id", "text"):
        return not _is_text(value, 200 if kind == "id" else 20_000)
    if kind == "ref":
        if _is_int(value):
            return not 1 <= value <= INT_MAX
        if not _is_text(value, 200):
            return True
        if value.strip().isdigit():
            number = _whole(value)
            return number is None or not 1 <= number <= INT_MAX
        return False
    if kind == "int":
        number = _whole(value)
        return number is None or not 0 <= number <= INT_MAX
    if kind == "timestamp":  # seconds since 1970, up to 9999-12-31
        number = _whole(value)
        return number is None or not 0 <= number <= 253_402_300_799
    if kind == "year":
        number = _whole(value)
        return number is None or not 2500 <= number <= 2700
    if kind == "half":
        return _whole(value) not in (1, 2)
    if kind == "quarter":
        return _whole(value) not in (1, 2, 3, 4)
    if kind == "rating":
        return _whole(value) not in (1, 2, 3)
    if kind == "bool":
        if isinstance(value, bool) or value in (0, 1) and _is_int(value):
            return False
        return not (isinstance(value, str) and value.strip().lower() in (
            "true", "false", "yes", "no", "on", "off", "1", "0", "t", "f", "y", "n"))
    if kind == "date":
        try:
            datetime.date.fromisoformat(value.strip())
            return False
        except (AttributeError, ValueError):
            return True
    if kind == "choice":
        return True  # junk is never one of the codes
    if kind == "id_list":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or len(items) > 100:
            return True
        return any(item is not None and not _is_text(item, 200) for item in items)
    raise AssertionError(f"unknown kind of field: {kind}")


#: the kind of every field the actions declare (a new field must be added
#: here, or the test names it)
FIELD_KINDS: dict[str, str] = {
    **dict.fromkeys(
        ("id", "token", "package_id", "resource_id", "request_id", "download_event_id",
         "survey_response_id", "request_token", "owner_org", "sig", "user", "for_user"), "id"),
    **dict.fromkeys(
        ("comment", "first_name", "surname", "position", "agency", "affiliation",
         "data_wanted", "intended_use", "email", "phone", "q", "received_by",
         "suggestion", "description", "package", "contact_name", "contact_email",
         "contact_phone", "problems", "improvements", "resolution", "conditions"), "text"),
    **dict.fromkeys(
        ("agency_type", "delivery_channel", "intake_channel", "consent_method", "order",
         "channel", "category", "kind", "respondent_type", "mode", "via", "decision"), "choice"),
    **dict.fromkeys(("consent", "mine", "dry_run", "include_withdrawn", "require_acceptance",
                       "waiting"), "bool"),
    **dict.fromkeys(("acknowledged_name", "acknowledged_position", "complaint_improvements", "reason"), "text"),
    "acknowledged_on": "date",
    "format": "choice",
    **dict.fromkeys(("limit", "offset", "days", "suggestion_limit"), "int"),
    **dict.fromkeys(("handed_over_on", "answered_on", "day", "starts_on", "ends_on", "expires_on"), "date"),
    **dict.fromkeys(
        ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality"),
        "rating"),
    "resource_ids": "id_list",
    "ids": "id_list",
    "fiscal_year": "year",
    "expires": "timestamp",
    "half": "half",
    "quarter": "quarter",
    "upload": "file",
    "unexpected_field": "extra",
}
#: kinds that differ by action
ACTION_FIELD_KINDS: dict[tuple[str, str], str] = {
    ("utt1service_complaint_show", "id"): "ref",
    ("utt1service_complaint_update", "id"): "ref",
    ("utt1service_complaint_list", "state"): "choice",
    ("utt1service_complaint_update", "state"): "choice",
    ("utt1service_request_list", "state"): "id",
}


def field_kind(action: str, field: str) -> str:
    kind = ACTION_FIELD_KINDS.get((action, field)) or FIELD_KINDS.get(field)
    assert kind, f"{action}: say in tests/bad_input/junk.py what kind of field {field!r} is"
    return kind


def is_json_safe(value: Any) -> bool:
    return not (isinstance(value, float) and not math.isfinite(value))


# --- the database --------------------------------------------------------------------

#: core tables an action of the extension must never change (besides its own);
#: on CKAN 2.12 a dataset's extras are a column of ``package`` (no ``package_extra``)
CORE_TABLES = ("package", "resource", "member", '"group"', "activity") + (
    () if compat.CKAN_2_12 else ("package_extra",))


def fingerprint() -> dict[str, str]:
    """Every row of the extension's tables and of the core tables above,
    as one hash per table: any insert, update or delete changes it."""
    model.Session.remove()
    tables = [
        r[0] for r in model.Session.execute(sql(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name LIKE 'utt1service%'"
        ))
    ]
    tables += list(CORE_TABLES)
    query = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM {t} x"
        for t in tables
    )
    result = {name: digest for name, digest in model.Session.execute(sql(query))}
    model.Session.remove()
    return result
