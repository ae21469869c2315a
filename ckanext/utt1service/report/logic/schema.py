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
