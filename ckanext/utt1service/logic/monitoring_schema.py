# -*- coding: utf-8 -*-
"""Schemas of the download, survey and complaint actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.utt1service.model.complaint import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COMPLAINT_KINDS,
    COMPLAINT_STATES,
)
from ckanext.utt1service.model.survey import SURVEY_ITEM_COLUMNS

RESPONDENT_TYPES = ("school", "office_staff", "government", "private", "public", "student")
SURVEY_MODES = ("online", "paper", "phone")
DELIVERY_CHANNELS = ("email", "paper")

SUGGESTION_MAX = 2000
DESCRIPTION_MAX = 4000


def _v(name: str):
    return tk.get_validator(name)


def _text(max_length: int) -> list:
    return [
        _v("ignore_empty"),
        _v("unicode_safe"),
        _v("strip_value"),
        _v("ignore_empty"),
        _v("utt1service_max_length")(max_length),
    ]


def download_event_create_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "resource_id": [_v("not_empty"), _v("unicode_safe")],
        "channel": [choice(DELIVERY_CHANNELS)],
        "request_id": _text(100),
    }


def download_count_schema() -> Schema:
    return {
        "resource_id": [_v("ignore_empty"), _v("unicode_safe")],
        "package_id": [_v("ignore_empty"), _v("unicode_safe")],
    }


def survey_response_create_schema() -> Schema:
    choice = _v("utt1service_choice")
    schema: Schema = {name: [_v("utt1service_rating")] for name in SURVEY_ITEM_COLUMNS}
    schema.update(
        {
            "suggestion": _text(SUGGESTION_MAX),
            "respondent_type": [_v("ignore_empty"), choice(RESPONDENT_TYPES)],
            "mode": [_v("default")("online"), choice(SURVEY_MODES)],
            "download_event_id": _text(100),
            "request_id": _text(100),
            "request_token": _text(200),
            "answered_on": [_v("ignore_empty"), _v("utt1service_past_date")],
        }
    )
    return schema


def survey_response_list_schema() -> Schema:
    return {
        "package_id": [_v("ignore_empty"), _v("unicode_safe")],
        "limit": [_v("default")(50), _v("natural_number_validator")],
        "offset": [_v("default")(0), _v("natural_number_validator")],
    }


def complaint_create_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "category": [choice(COMPLAINT_CATEGORIES)],
        "description": [
            _v("utt1service_text_required"),
            _v("unicode_safe"),
            _v("strip_value"),
            _v("utt1service_text_required"),
            _v("utt1service_max_length")(DESCRIPTION_MAX),
        ],
        "package": _text(300),
        "request_id": _text(100),
        "survey_response_id": _text(100),
        "contact_name": _text(200),
        "contact_email": _text(200) + [_v("utt1service_email")],
        "contact_phone": [_v("ignore_empty"), _v("unicode_safe"), _v("utt1service_contact_phone")],
        "consent": [_v("default")(False), _v("boolean_validator")],
        "kind": [_v("default")("complaint"), choice(COMPLAINT_KINDS)],
        "channel": [_v("default")("web"), choice(COMPLAINT_CHANNELS)],
    }


def complaint_list_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "state": [_v("ignore_empty"), choice(COMPLAINT_STATES + ("open",))],
        "category": [_v("ignore_empty"), choice(COMPLAINT_CATEGORIES)],
        "kind": [_v("ignore_empty"), choice(COMPLAINT_KINDS)],
        "owner_org": [_v("ignore_empty"), _v("unicode_safe")],
        "package_id": [_v("ignore_empty"), _v("unicode_safe")],
        "request_id": [_v("ignore_empty"), _v("unicode_safe")],
        "q": _text(200),
        "limit": [_v("default")(50), _v("natural_number_validator")],
        "offset": [_v("default")(0), _v("natural_number_validator")],
    }


def complaint_update_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "id": [_v("not_empty"), _v("unicode_safe")],
        "state": [choice(COMPLAINT_STATES)],
        "resolution": _text(DESCRIPTION_MAX),
        "comment": _text(SUGGESTION_MAX),
    }
