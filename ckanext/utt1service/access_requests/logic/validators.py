# -*- coding: utf-8 -*-
"""Validators of restricted resources and of the access-request form.

Every message says in plain words what to do (Thai through the catalog).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.utt1service.common import vocabularies
from ckanext.utt1service.common.validators import (
    shape_check,
    takes_a_list,
    utt1service_id,
    utt1service_text,
)

__all__ = [
    "utt1service_restricted_upload_only",
    "utt1service_required",
    "utt1service_single_line",
    "utt1service_phone",
    "utt1service_request_email",
    "utt1service_delivery_channel",
    "utt1service_delivery_method",
    "utt1service_agency_type",
    "utt1service_consent_given",
    "utt1service_id_list",
]

Invalid = tk.Invalid


def utt1service_restricted_upload_only(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> Any:
    """A restricted resource must be an uploaded file: a link to an outside
    URL cannot be protected (anyone could follow it)."""
    if data.get(key) != "restricted":
        return
    url_type = data.get(key[:-1] + ("url_type",))
    if url_type != "upload":
        errors[key].append(
            tk._(
                "Only an uploaded file can be restricted: a link to another web "
                "site cannot be protected. Upload the file, or make it public."
            )
        )


def utt1service_required(value: Any, context: Context) -> Any:
    if value is None or value is tk.missing or (isinstance(value, str) and not value.strip()):
        raise Invalid(tk._("Please fill in this field."))
    return value.strip() if isinstance(value, str) else value


def utt1service_single_line(value: Any, context: Context) -> Any:
    """Names and titles: one line, no control characters, at most 200
    characters."""
    if value is None or value is tk.missing:
        return value
    value = str(value).strip()
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise Invalid(tk._("Please write this on one line."))
    if len(value) > 200:
        raise Invalid(tk._("Please shorten this to at most 200 characters."))
    return value


_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-.]+$")


def utt1service_phone(value: Any, context: Context) -> Any:
    value = utt1service_required(utt1service_text(value), context)
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.match(value) or not 9 <= len(digits) <= 15:
        raise Invalid(
            tk._("Enter a phone number of 9 to 15 digits, e.g. 056-511-111 or 081-234-5678.")
        )
    return value


# One plain address: no display name, no list (commas, semicolons, brackets).
_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\\\"']+@[^@\s,;<>()\[\]\\\"']+\.[^@\s,;<>()\[\]\\\"']+$")


def utt1service_request_email(value: Any, context: Context) -> Any:
    value = utt1service_required(utt1service_text(value), context)
    if len(value) > 254 or not _EMAIL.match(value):
        raise Invalid(tk._("Enter a valid e-mail address, e.g. name@example.com."))
    return value


def utt1service_delivery_channel(value: Any, context: Context) -> Any:
    if not isinstance(value, str) or value not in vocabularies.DELIVERY_METHODS:
        raise Invalid(tk._("Choose how you want to receive the data."))
    return value


def utt1service_delivery_method(value: Any, context: Context) -> Any:
    """How data was delivered (a delivery's route): one of
    ``vocabularies.DELIVERY_METHODS``."""
    if not isinstance(value, str) or value not in vocabularies.DELIVERY_METHODS:
        raise Invalid(tk._("Choose how the data was delivered."))
    return value


def utt1service_agency_type(value: Any, context: Context) -> Any:
    """One of the agency types (``vocabularies.AGENCY_TYPES``; required)."""
    code = value.strip() if isinstance(value, str) else None
    if code not in vocabularies.AGENCY_TYPES:
        raise Invalid(tk._("Choose the agency type from the list."))
    return code


def utt1service_consent_given(value: Any, context: Context) -> Any:
    if str(value).lower() not in ("true", "on", "yes", "1"):
        raise Invalid(
            tk._(
                "Please agree to the processing of your personal data for this "
                "request; without it the request cannot be sent."
            )
        )
    return True


#: more files than any dataset has
ID_LIST_MAX = 100


@takes_a_list
@shape_check
def utt1service_id_list(value: Any, context: Context) -> Any:
    """A list of ids (a list, or one id, or ids separated by commas)."""
    if value is None or value is tk.missing or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, (list, tuple)) or len(value) > ID_LIST_MAX:
        raise Invalid(tk._("Choose at least one restricted file of this dataset."))
    ids = []
    for v in value:
        v = utt1service_id(v, context)
        if v and v not in ids:
            ids.append(v)
    return ids
