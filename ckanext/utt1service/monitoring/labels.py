# -*- coding: utf-8 -*-
"""The office's survey items and the code → label lists of downloads,
surveys and complaints, in the user's language.

English is the msgid; the Thai catalog holds the office's exact wording
(แบบประเมินความพึงพอใจในการขอรับบริการข้อมูล), e.g. "Staff are courteous" →
เจ้าหน้าที่มีมนุษยสัมพันธ์ที่ดี.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk

__all__ = [
    "survey_groups",
    "rating_choices",
    "respondent_types",
    "survey_modes",
    "complaint_categories",
    "complaint_states",
    "complaint_channels",
    "complaint_kinds",
    "download_channels",
    "label",
]


def survey_groups() -> list[dict]:
    """The two groups and five items of the office's form, in its order."""
    _ = tk._
    return [
        {
            "number": "1",
            "title": _("The service in requesting data"),
            "items": [
                {"name": "staff_courtesy", "number": "1.1", "label": _("Staff are courteous")},
                {"name": "staff_reception", "number": "1.2", "label": _("How staff receive you")},
            ],
        },
        {
            "number": "2",
            "title": _("The process of requesting data"),
            "items": [
                {"name": "search_speed", "number": "2.1", "label": _("Speed of finding the data")},
                {"name": "data_match", "number": "2.2", "label": _("The data matches your need")},
                {
                    "name": "data_quality",
                    "number": "2.3",
                    "label": _("The data is current, complete and correct"),
                },
            ],
        },
    ]


def rating_choices() -> list[tuple[int, str]]:
    _ = tk._
    return [(3, _("Very good")), (2, _("Fair")), (1, _("Needs improvement"))]


def respondent_types() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("school", _("School")),
        ("office_staff", _("Staff of the office")),
        ("government", _("Other government agency")),
        ("private", _("Private sector")),
        ("public", _("General public")),
        ("student", _("Student")),
    ]


def survey_modes() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("online", _("Answered online by the respondent")),
        ("paper", _("Paper form, entered by staff")),
        ("phone", _("By telephone, entered by staff")),
    ]


def complaint_categories() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("data_wrong", _("Data wrong or outdated")),
        ("cannot_find", _("Cannot find the data")),
        ("slow_service", _("Slow service")),
        ("staff_conduct", _("Staff conduct")),
        ("system_error", _("System error")),
        ("other", _("Other")),
    ]


def complaint_states() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("received", _("Received")),
        ("in_progress", _("In progress")),
        ("resolved", _("Resolved")),
        ("closed", _("Closed")),
    ]


def complaint_channels() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("web", _("Web form")),
        ("phone", _("Telephone")),
        ("email", _("E-mail or Line")),
        ("walk_in", _("In person")),
        ("paper", _("Letter or paper form")),
    ]


def complaint_kinds() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("complaint", _("Complaint")),
        ("problem", _("Problem of a service event")),
    ]


def download_channels() -> list[tuple[str, str]]:
    _ = tk._
    return [
        ("web", _("Web")),
        ("qr", _("QR code")),
        ("api", _("API")),
        ("email", _("E-mail")),
        ("paper", _("Paper")),
    ]


def label(choices: list[tuple], code: Optional[object]) -> str:
    """The label of ``code`` in a list of (code, label) pairs."""
    for value, text in choices:
        if value == code:
            return text
    return "" if code is None else str(code)
