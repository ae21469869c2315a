# -*- coding: utf-8 -*-
"""Schemas of the access-request actions (the office's form, in its order)."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, Schema

LONG_TEXT = 2000


def _long_text(value: Any, context: Context) -> Any:
    if isinstance(value, str) and len(value) > LONG_TEXT:
        raise tk.Invalid(
            tk._("Please shorten this to at most %(n)s characters.") % {"n": LONG_TEXT}
        )
    return value


def _at_most(n: int) -> Callable[..., Any]:
    def validator(value: Any, context: Context) -> Any:
        return min(int(value), n)

    return validator


def _v(name: str) -> Callable[..., Any]:
    return tk.get_validator(name)


def request_form_schema() -> Schema:
    """The fields the requester fills in."""
    required = _v("utt1service_required")
    line = _v("utt1service_single_line")
    unicode_safe = _v("unicode_safe")
    return {
        "first_name": [required, unicode_safe, line],
        "surname": [required, unicode_safe, line],
        "position": [required, unicode_safe, line],
        "agency": [required, unicode_safe, line],
        "agency_type": [_v("utt1service_agency_type")],
        "affiliation": [_v("ignore_missing"), unicode_safe, line],
        "data_wanted": [required, unicode_safe, _long_text],
        "intended_use": [required, unicode_safe, _long_text],
        "delivery_channel": [_v("default")("download"), _v("utt1service_delivery_channel")],
        "email": [_v("utt1service_request_email")],
        "phone": [_v("utt1service_phone")],
    }


def request_create_schema() -> Schema:
    schema = request_form_schema()
    schema.update(
        {
            "package_id": [_v("not_empty"), _v("unicode_safe")],
            "resource_ids": [_v("utt1service_id_list")],
            "consent": [_v("default")(False), _v("utt1service_consent_given")],
        }
    )
    return schema


def request_resubmit_schema() -> Schema:
    schema = request_form_schema()
    schema.update(
        {
            "id": [_v("not_empty"), _v("unicode_safe")],
            "token": [_v("ignore_missing"), _v("unicode_safe")],
            "comment": [_v("ignore_missing"), _v("unicode_safe"), _long_text],
        }
    )
    return schema


def transition_schema(comment_required: bool = False) -> Schema:
    comment = [_v("utt1service_required")] if comment_required else [_v("ignore_missing")]
    return {
        "id": [_v("not_empty"), _v("unicode_safe")],
        "token": [_v("ignore_missing"), _v("unicode_safe")],
        "comment": comment + [_v("unicode_safe"), _long_text],
    }


def request_list_schema() -> Schema:
    ignore_missing = _v("ignore_missing")
    unicode_safe = _v("unicode_safe")
    return {
        "owner_org": [ignore_missing, unicode_safe],
        "package_id": [ignore_missing, unicode_safe],
        "state": [ignore_missing, unicode_safe],
        "q": [ignore_missing, unicode_safe],
        "mine": [_v("default")(False), _v("boolean_validator")],
        "order": [_v("default")("oldest"), _v("one_of")(["oldest", "newest"])],
        "limit": [_v("default")(20), _v("natural_number_validator"), _at_most(100)],
        "offset": [_v("default")(0), _v("natural_number_validator")],
    }


def purge_schema() -> Schema:
    return {
        "days": [_v("ignore_missing"), _v("natural_number_validator")],
        "dry_run": [_v("default")(False), _v("boolean_validator")],
    }
