# -*- coding: utf-8 -*-
"""Malformed input is refused before anything looks it up.

The auth functions of the actions read ids straight from the caller's data
(the request, the dataset, the organization) to decide who may act; a NUL
byte, a list or a number there reached SQL before any schema ran and
answered 500. :func:`declares` puts, in front of an action:

1. a NUL byte or broken Unicode anywhere in the data (any field, nested
   too): refused;
2. an object, a list of objects or an empty list in a field that takes one
   value: refused (CKAN's validation takes the last two for an absent field,
   and gives an empty list back after it; a list of plain values reaches the
   field's validators, which refuse it with their own message);
3. the shape validators of the action's schema (ids and names, text, yes/no,
   complaint numbers, lists of ids; see :mod:`input_validators`), run on
   the raw values: a list, a number or an object where an id or a text is
   expected is refused with their message.

Both raise ``ValidationError`` (409 through the API), before
``check_access``. The action itself then validates with the whole schema as
usual. The schema is kept on the action (``utt1service_schema``): it is the
list of the action's fields, which the tests drive with junk.
"""
from __future__ import annotations

import functools
import hmac
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.utt1service.common import validators as iv

__all__ = ["declares", "refuse_malformed", "same_secret"]

_MAX_DEPTH = 20


def _has_bad_text(value: Any, depth: int = 0) -> bool:
    """Whether a NUL byte (or a string that is not UTF-8) hides in
    ``value``, however nested."""
    if isinstance(value, str):
        return iv.text_problem(value) is not None
    if depth > _MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_has_bad_text(k, depth + 1) or _has_bad_text(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_bad_text(v, depth + 1) for v in value)
    return False


def _hides_from_validation(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, (list, tuple)) and (
        not value or any(isinstance(v, dict) for v in value)
    )


def refuse_malformed(data_dict: DataDict, schema: Schema, context: Context) -> None:
    """Raise ``ValidationError`` when ``data_dict`` carries bad text or a
    field of ``schema`` fails one of its shape validators."""
    errors: dict[str, list[str]] = {}
    for key, value in (data_dict or {}).items():
        if _has_bad_text(key) or _has_bad_text(value):
            name = key if isinstance(key, str) and not _has_bad_text(key) else "__junk"
            problem = iv.text_problem(value) if isinstance(value, str) else None
            errors[name] = [problem or iv.nul_message()]
    for key, validators in schema.items():
        value = (data_dict or {}).get(key)
        if key in errors or value is None or value == "":
            continue  # absent or empty: the schema's defaults decide
        if _hides_from_validation(value) and not any(
            getattr(v, "utt1service_list", False) for v in validators
        ):
            errors[key] = [tk._("This field takes one value, not a list or an object.")]
            continue
        for validator in validators:
            if not getattr(validator, "utt1service_shape", False):
                continue
            try:
                value = validator(value, context)
            except tk.Invalid as error:
                errors[key] = [error.error]
                break
    if errors:
        raise tk.ValidationError(errors)


def declares(schema: Callable[[], Schema]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate an action: its input is checked by :func:`refuse_malformed`
    against ``schema()`` before the action (and its auth function) runs."""

    def decorate(action: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(action)
        def checked(context: Context, data_dict: DataDict) -> Any:
            if data_dict is not None and not isinstance(data_dict, dict):
                raise tk.ValidationError({"__junk": [tk._("The data must be an object of fields.")]})
            refuse_malformed(data_dict or {}, schema(), context)
            return action(context, data_dict)

        checked.utt1service_schema = schema  # type: ignore[attr-defined]
        return checked

    return decorate


def same_secret(expected: str, given: Any) -> bool:
    """Whether ``given`` is the secret ``expected`` (a token, a signature),
    in constant time; whatever ``given`` is (any text, a number, a list),
    the answer is False, never an error."""
    if not isinstance(given, str) or not given:
        return False
    try:
        given_bytes = given.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given_bytes)
