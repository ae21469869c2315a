# -*- coding: utf-8 -*-
"""Schemas of the service report actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

#: a report covers fiscal years in this range (พ.ศ.)
FISCAL_YEAR_MIN = 2500
FISCAL_YEAR_MAX = 2700
ANALYSIS_MAX = 20000


def _v(name: str):
    return tk.get_validator(name)


def _period() -> Schema:
    return {
        "fiscal_year": [_v("ignore_missing"), _v("utt1service_fiscal_year")],
        "half": [_v("utt1service_ignore_empty"), _v("utt1service_half")],
        "quarter": [_v("utt1service_ignore_empty"), _v("utt1service_quarter")],
        "owner_org": [_v("utt1service_ignore_empty"), _v("utt1service_id"), _v("utt1service_organization")],
    }


def report_show_schema() -> Schema:
    schema = _period()
    schema["suggestion_limit"] = [_v("utt1service_ignore_empty"), _v("utt1service_whole_number")()]
    return schema


def report_analysis_update_schema() -> Schema:
    schema = _period()
    schema["fiscal_year"] = [_v("not_empty"), _v("utt1service_fiscal_year")]
    for name in ("problems", "improvements"):
        schema[name] = [
            _v("default")(""),
            _v("utt1service_text"),
            _v("strip_value"),
            _v("utt1service_max_length")(ANALYSIS_MAX),
        ]
    return schema


PUBLICATION_TEXT_MAX = 500
PUBLICATION_FORMATS = ("pdf", "xlsx", "csv")


def _required_text(limit: int) -> list:
    return [_v("not_empty"), _v("utt1service_text"), _v("strip_value"), _v("not_empty"),
            _v("utt1service_max_length")(limit)]


def report_publish_schema() -> Schema:
    schema = _period()
    schema.pop("owner_org")
    schema["fiscal_year"] = [_v("not_empty"), _v("utt1service_fiscal_year")]
    schema["acknowledged_name"] = _required_text(PUBLICATION_TEXT_MAX)
    schema["acknowledged_position"] = _required_text(PUBLICATION_TEXT_MAX)
    schema["acknowledged_on"] = [_v("not_empty"), _v("utt1service_date")]
    for name in ("complaint_improvements", "problems", "improvements"):
        schema[name] = [
            _v("ignore_missing"),
            _v("utt1service_text"),
            _v("strip_value"),
            _v("utt1service_max_length")(ANALYSIS_MAX),
        ]
    return schema


def report_unpublish_schema() -> Schema:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "reason": _required_text(ANALYSIS_MAX),
    }


def report_publication_list_schema() -> Schema:
    return {"include_withdrawn": [_v("default")(False), _v("utt1service_boolean")]}


def report_publication_show_schema() -> Schema:
    return {"id": [_v("not_empty"), _v("utt1service_id")]}


def report_publication_file_schema() -> Schema:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "format": [_v("not_empty"), _v("utt1service_choice")(PUBLICATION_FORMATS)],
    }


def ropa_show_schema() -> Schema:
    return {"limit": [_v("default")(100), _v("utt1service_whole_number")()]}
