# -*- coding: utf-8 -*-
"""Schemas of the access-request actions (the office's form, in its order)."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, Schema

from ckanext.utt1service.common import vocabularies
from ckanext.utt1service.common.validators import choice

LONG_TEXT = 2000


def _long_text(value: Any, context: Context) -> Any:
    if isinstance(value, str) and len(value) > LONG_TEXT:
        raise tk.Invalid(
            tk._("Please shorten this to at most %(n)s characters.") % {"n": LONG_TEXT}
        )
    return value


def _at_most(n: int) -> Callable[..., Any]:
    def validator(value: Any, context: Context) -> Any:
        return min(value, n) if isinstance(value, int) else value

    return validator


_order = choice(("oldest", "newest"), lambda: tk._("Please choose one of the options in the list"))

#: the latest moment (seconds since 1970) a link can carry: 9999-12-31
TIMESTAMP_MAX = 253_402_300_799

#: the longest a retention period can be (100 years)
DAYS_MAX = 36500


def _v(name: str) -> Callable[..., Any]:
    return tk.get_validator(name)


def request_form_schema() -> Schema:
    """The fields the requester fills in."""
    required = _v("utt1service_required")
    line = _v("utt1service_single_line")
    text = _v("utt1service_text")
    return {
        "first_name": [required, text, line],
        "surname": [required, text, line],
        "position": [required, text, line],
        "agency": [required, text, line],
        "agency_type": [_v("utt1service_agency_type")],
        "affiliation": [_v("ignore_missing"), text, line],
        "data_wanted": [required, text, _long_text],
        "intended_use": [required, text, _long_text],
        "delivery_channel": [_v("default")("download"), _v("utt1service_delivery_channel")],
        "email": [text, _v("utt1service_request_email")],
        "phone": [text, _v("utt1service_phone")],
    }


def request_create_schema() -> Schema:
    schema = request_form_schema()
    schema.update(
        {
            "package_id": [_v("not_empty"), _v("utt1service_id")],
            "resource_ids": [_v("utt1service_id_list")],
            "consent": [_v("default")(False), _v("utt1service_boolean"),
                        _v("utt1service_consent_given")],
        }
    )
    return schema


def request_resubmit_schema() -> Schema:
    schema = request_form_schema()
    schema.update(
        {
            "id": [_v("not_empty"), _v("utt1service_id")],
            "token": [_v("ignore_missing"), _v("utt1service_id")],
            "comment": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
        }
    )
    return schema


def transition_schema(comment_required: bool = False) -> Schema:
    comment = [_v("utt1service_required")] if comment_required else [_v("ignore_missing")]
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "token": [_v("ignore_missing"), _v("utt1service_id")],
        "comment": comment + [_v("utt1service_text"), _long_text],
    }


def deliver_schema() -> Schema:
    """A delivery: its route (``via``), the file of a download, the
    receiver and day of a paper copy."""
    schema = transition_schema()
    ignore_missing = _v("ignore_missing")
    schema.update({
        "via": [ignore_missing, _v("utt1service_delivery_method")],
        "resource_id": [ignore_missing, _v("utt1service_id")],
        "received_by": [ignore_missing, _v("utt1service_text"), _v("utt1service_single_line")],
        "handed_over_on": [ignore_missing, _v("utt1service_date")],
    })
    return schema


def hand_over_schema() -> Schema:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "received_by": [_v("utt1service_required"), _v("utt1service_text"),
                        _v("utt1service_single_line")],
        "handed_over_on": [_v("ignore_missing"), _v("utt1service_date")],
        "comment": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
    }


def on_behalf_schema() -> Schema:
    """The request form as staff fill it in for someone who asked by phone,
    LINE, e-mail or at the counter."""
    schema = request_create_schema()
    # Someone who phoned may have no e-mail address.
    schema["email"] = [_v("utt1service_ignore_empty"), _v("utt1service_request_email")]
    schema["intake_channel"] = [
        _v("not_missing"),
        choice(vocabularies.INTAKE_METHODS.codes(),
               lambda: tk._("Choose the channel the request came through.")),
    ]
    schema["consent_method"] = [
        _v("not_missing"),
        choice(vocabularies.CONSENT_METHODS.codes(),
               lambda: tk._("Choose how the requester gave consent.")),
    ]
    return schema


def request_id_schema() -> Schema:
    return {"id": [_v("not_empty"), _v("utt1service_id")]}


def attach_signed_form_schema() -> Schema:
    return {"id": [_v("not_empty"), _v("utt1service_id")], "upload": [_v("ignore_missing")]}


def file_link_schema() -> Schema:
    """A personal file link of an e-mail delivery."""
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "resource_id": [_v("not_empty"), _v("utt1service_id")],
        "expires": [_v("not_empty"), _v("utt1service_whole_number")(0, TIMESTAMP_MAX)],
        "sig": [_v("not_empty"), _v("utt1service_id")],
    }


def request_show_schema() -> Schema:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "token": [_v("ignore_missing"), _v("utt1service_id")],
    }


def resource_access_schema() -> Schema:
    return {"id": [_v("not_empty"), _v("utt1service_id")]}


def request_list_schema() -> Schema:
    ignore_missing = _v("ignore_missing")
    an_id = _v("utt1service_id")
    number = _v("utt1service_whole_number")()
    return {
        "owner_org": [ignore_missing, an_id],
        "package_id": [ignore_missing, an_id],
        "state": [ignore_missing, an_id],
        "q": [ignore_missing, _v("utt1service_text"), _long_text],
        "mine": [_v("default")(False), _v("utt1service_boolean")],
        "order": [_v("default")("oldest"), _order],
        "limit": [_v("default")(20), number, _at_most(100)],
        "offset": [_v("default")(0), number],
    }


def purge_schema() -> Schema:
    return {
        "days": [_v("ignore_missing"), _v("utt1service_whole_number")(0, DAYS_MAX)],
        "dry_run": [_v("default")(False), _v("utt1service_boolean")],
    }


def waiting_schema() -> Schema:
    """What waits for the caller (the dashboard's counts)."""
    return {"owner_org": [_v("ignore_missing"), _v("utt1service_id")]}


def service_levels_schema() -> Schema:
    """The service-level statistics of a fiscal year (or a half or quarter)."""
    return {
        "owner_org": [_v("ignore_missing"), _v("utt1service_id")],
        "fiscal_year": [_v("ignore_missing"), _v("utt1service_fiscal_year")],
        "half": [_v("utt1service_ignore_empty"), _v("utt1service_half")],
        "quarter": [_v("utt1service_ignore_empty"), _v("utt1service_quarter")],
        "waiting": [_v("default")(True), _v("utt1service_boolean")],
    }


def send_digests_schema() -> Schema:
    """The daily reminders (``ckan utt1service send-digests``)."""
    return {
        "day": [_v("ignore_missing"), _v("utt1service_date")],
        "dry_run": [_v("default")(False), _v("utt1service_boolean")],
    }


def acting_create_schema() -> Schema:
    """An acting approver (ผู้รักษาราชการแทน) for a range of Bangkok days."""
    an_id = _v("utt1service_id")
    return {
        "owner_org": [_v("not_empty"), an_id],
        "user": [_v("not_empty"), an_id],
        "for_user": [_v("ignore_missing"), an_id],
        "starts_on": [_v("not_empty"), _v("utt1service_date")],
        "ends_on": [_v("not_empty"), _v("utt1service_date")],
        "comment": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
    }


def acting_list_schema() -> Schema:
    return {"owner_org": [_v("not_empty"), _v("utt1service_id")]}


def acting_end_schema() -> Schema:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "comment": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
    }


def approve_schema() -> Schema:
    """An approval: a message (``comment``), and the conditions of use the
    requester may have to accept before the first download."""
    schema = transition_schema()
    schema.update({
        "conditions": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
        "require_acceptance": [_v("default")(False), _v("utt1service_boolean")],
    })
    return schema


def accept_conditions_schema() -> Schema:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "token": [_v("ignore_missing"), _v("utt1service_id")],
    }


#: decisions of the bulk form
BULK_DECISIONS = ("approve", "reject")


def bulk_decide_schema() -> Schema:
    """The director's decision on several checked requests at once."""
    return {
        "ids": [_v("utt1service_id_list")],
        "decision": [_v("not_missing"), choice(
            BULK_DECISIONS, lambda: tk._("Choose to approve or to reject."))],
        "comment": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
        "conditions": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
        "require_acceptance": [_v("default")(False), _v("utt1service_boolean")],
    }


def renew_schema() -> Schema:
    """A renewal: the reason, and what may change from the original."""
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "token": [_v("ignore_missing"), _v("utt1service_id")],
        "comment": [_v("utt1service_required"), _v("utt1service_text"), _long_text],
        "data_wanted": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
        "intended_use": [_v("ignore_missing"), _v("utt1service_text"), _long_text],
        "delivery_channel": [_v("utt1service_ignore_empty"), _v("utt1service_delivery_channel")],
        # a renewal is a new processing of the requester's personal data:
        # their consent is asked again (not taken over from the original)
        "consent": [_v("default")(False), _v("utt1service_boolean"),
                    _v("utt1service_consent_given")],
    }


def change_grant_schema() -> Schema:
    """Extend or shorten the access of a request."""
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "expires_on": [_v("not_empty"), _v("utt1service_date")],
        "comment": [_v("utt1service_required"), _v("utt1service_text"), _long_text],
    }
