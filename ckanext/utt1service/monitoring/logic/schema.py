# -*- coding: utf-8 -*-
"""Schemas of the download, survey and complaint actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.utt1service.common import vocabularies
from ckanext.utt1service.monitoring.model.survey import SURVEY_ITEM_COLUMNS

SUGGESTION_MAX = 2000
DESCRIPTION_MAX = 4000


def _v(name: str):
    return tk.get_validator(name)


def _text(max_length: int) -> list:
    return [
        _v("utt1service_ignore_empty"),
        _v("utt1service_text"),
        _v("strip_value"),
        _v("utt1service_ignore_empty"),
        _v("utt1service_max_length")(max_length),
    ]


def _optional_id() -> list:
    return [_v("utt1service_ignore_empty"), _v("utt1service_id"), _v("utt1service_ignore_empty")]


def _limit(default: int) -> list:
    return [_v("default")(default), _v("utt1service_whole_number")()]


def _offset() -> list:
    return [_v("default")(0), _v("utt1service_whole_number")()]


def download_event_create_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "resource_id": [_v("not_empty"), _v("utt1service_id")],
        "channel": [choice(vocabularies.STAFF_DELIVERY_CHANNELS.codes())],
        "request_id": _optional_id(),
    }


def download_count_schema() -> Schema:
    return {
        "resource_id": _optional_id(),
        "package_id": _optional_id(),
    }


def most_downloaded_schema() -> Schema:
    return {"limit": [_v("default")(5), _v("utt1service_whole_number")(1, 100)]}


def survey_response_create_schema() -> Schema:
    choice = _v("utt1service_choice")
    schema: Schema = {name: [_v("utt1service_rating")] for name in SURVEY_ITEM_COLUMNS}
    schema.update(
        {
            "suggestion": _text(SUGGESTION_MAX),
            "respondent_type": [_v("utt1service_ignore_empty"), choice(vocabularies.RESPONDENT_TYPES.codes())],
            "mode": [_v("default")("online"), choice(vocabularies.SURVEY_MODES.codes())],
            "download_event_id": _optional_id(),
            "request_id": _optional_id(),
            "request_token": _optional_id(),
            "answered_on": [_v("utt1service_ignore_empty"), _v("utt1service_past_date")],
        }
    )
    return schema


def survey_response_list_schema() -> Schema:
    return {
        "package_id": _optional_id(),
        "limit": _limit(50),
        "offset": _offset(),
    }


def complaint_create_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "category": [choice(vocabularies.COMPLAINT_CATEGORIES.codes())],
        "description": [
            _v("utt1service_text_required"),
            _v("utt1service_text"),
            _v("strip_value"),
            _v("utt1service_text_required"),
            _v("utt1service_max_length")(DESCRIPTION_MAX),
        ],
        "package": _text(300),
        "request_id": _optional_id(),
        "survey_response_id": _optional_id(),
        "contact_name": _text(200),
        "contact_email": _text(200) + [_v("utt1service_email")],
        "contact_phone": [_v("utt1service_ignore_empty"), _v("utt1service_text"), _v("utt1service_contact_phone")],
        "consent": [_v("default")(False), _v("utt1service_boolean")],
        "kind": [_v("default")("complaint"), choice(vocabularies.COMPLAINT_KINDS.codes())],
        "channel": [_v("default")("web"), choice(vocabularies.COMPLAINT_SOURCES.codes())],
    }


def complaint_list_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "state": [_v("utt1service_ignore_empty"), choice(vocabularies.COMPLAINT_STATES.codes() + ("open",))],
        "category": [_v("utt1service_ignore_empty"), choice(vocabularies.COMPLAINT_CATEGORIES.codes())],
        "kind": [_v("utt1service_ignore_empty"), choice(vocabularies.COMPLAINT_KINDS.codes())],
        "owner_org": _optional_id(),
        "package_id": _optional_id(),
        "request_id": _optional_id(),
        "q": _text(200),
        "limit": _limit(50),
        "offset": _offset(),
    }


def complaint_show_schema() -> Schema:
    return {"id": [_v("not_empty"), _v("utt1service_complaint_ref")]}


def complaint_update_schema() -> Schema:
    choice = _v("utt1service_choice")
    return {
        "id": [_v("not_empty"), _v("utt1service_complaint_ref")],
        "state": [choice(vocabularies.COMPLAINT_STATES.codes())],
        "resolution": _text(DESCRIPTION_MAX),
        "comment": _text(SUGGESTION_MAX),
    }
