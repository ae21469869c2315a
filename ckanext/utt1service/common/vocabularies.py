# -*- coding: utf-8 -*-
"""Every code list of the service with its labels: the one source that
forms, validators, pages, e-mails, exports and the service report read.

A label is an English msgid; the Thai catalog holds the office's wording
(e.g. "Staff are courteous" → เจ้าหน้าที่มีมนุษยสัมพันธ์ที่ดี). Labels are
translated when they are read (:meth:`Vocabulary.label`,
:meth:`Vocabulary.choices`), in the language of the page or e-mail.

Four lists answer "how did it come or go", and each has its own word:

``SERVICE_CHANNELS`` (ช่องทางการให้บริการ, the product's three channels)
    how data reached someone: a counted download from the web, through a QR
    code or the API, or a file staff sent by e-mail or handed over on paper
    (column ``utt1service_download_event.channel``).
``INTAKE_METHODS``
    how an access request reached the office when staff recorded it: phone,
    LINE, e-mail or at the counter; none means it was made on this portal
    (column and API field ``intake_channel``).
``DELIVERY_METHODS``
    how the requester wants approved data: download, e-mail or a paper copy
    (column and API field ``delivery_channel``).
``COMPLAINT_SOURCES``
    how a complaint or problem reached the office (column ``channel`` of
    ``utt1service_complaint``).

The database columns and API fields keep their first names, so that
existing data and API clients go on working.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common.i18n import N_

__all__ = [
    "Vocabulary",
    "REQUEST_STATES",
    "DELIVERY_METHODS",
    "INTAKE_METHODS",
    "CONSENT_METHODS",
    "AGENCY_TYPES",
    "SERVICE_CHANNELS",
    "STAFF_DELIVERY_CHANNELS",
    "RATINGS",
    "RESPONDENT_TYPES",
    "SURVEY_MODES",
    "SURVEY_GROUPS",
    "SURVEY_ITEMS",
    "COMPLAINT_KINDS",
    "COMPLAINT_CATEGORIES",
    "COMPLAINT_SOURCES",
    "COMPLAINT_STATES",
    "COLUMN_TYPES",
    "BY_NAME",
    "survey_groups",
]


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """Codes in the order forms and reports show them, each with its label
    (an English msgid). ``none`` is the label of no code at all (e.g. a
    request made on the portal has no intake method)."""

    name: str
    items: tuple[tuple[Any, str], ...]
    none: Optional[str] = None

    def codes(self) -> tuple[Any, ...]:
        return tuple(code for code, _label in self.items)

    def __contains__(self, code: Any) -> bool:
        return any(code == known for known, _label in self.items)

    def label(self, code: Any) -> str:
        """The code's label in the user's language; the ``none`` label for
        no code, the code itself for one that is not (or no longer) known."""
        if code is None or code == "":
            return tk._(self.none) if self.none else ""
        for known, text in self.items:
            if known == code:
                return tk._(text)
        return str(code)

    def choices(self) -> list[tuple[Any, str]]:
        """(code, label) pairs in the user's language, in order."""
        return [(code, tk._(text)) for code, text in self.items]


# --- access requests ------------------------------------------------------------

REQUEST_STATES = Vocabulary("request_states", (
    ("unconfirmed", N_("Awaiting e-mail confirmation")),
    ("submitted", N_("Submitted, awaiting check")),
    ("returned", N_("Returned for more information")),
    ("checked", N_("Checked, awaiting approval")),
    ("approved", N_("Approved")),
    ("rejected", N_("Rejected")),
    ("delivered", N_("Delivered")),
    ("closed", N_("Closed")),
    ("withdrawn", N_("Withdrawn by the requester")),
))

DELIVERY_METHODS = Vocabulary("delivery_methods", (
    ("download", N_("Download from this portal")),
    ("email", N_("By e-mail")),
    ("paper", N_("Collect a paper copy at the office")),
))

INTAKE_METHODS = Vocabulary("intake_methods", (
    ("phone", N_("Phone")),
    ("line", N_("LINE")),
    ("email", N_("E-mail")),
    ("counter", N_("At the counter (walk-in)")),
), none=N_("This portal"))

#: how the requester gave consent to the processing of the personal data
CONSENT_METHODS = Vocabulary("consent_methods", (
    ("paper", N_("Signed on the paper form")),
    ("phone", N_("Given by phone")),
), none=N_("Given on this portal"))

#: the requester's agency type (ประเภทหน่วยงาน); requests made before the form
#: asked for it have none ("not stated", migration e8c5a6b7c8d9)
AGENCY_TYPES = Vocabulary("agency_types", (
    ("school", N_("School under the office")),  # โรงเรียนในสังกัด
    ("area_office", N_("Educational service area office")),  # สำนักงานเขตพื้นที่การศึกษา
    ("government", N_("Other government agency")),  # หน่วยงานราชการอื่น
    ("university", N_("Higher education institution or researcher")),  # สถาบันอุดมศึกษา / นักวิจัย
    ("private", N_("Private sector")),  # ภาคเอกชน
    ("public", N_("General public")),  # ประชาชนทั่วไป
    ("other", N_("Other")),  # อื่น ๆ
), none=N_("Not stated"))


# --- downloads and deliveries ---------------------------------------------------

SERVICE_CHANNELS = Vocabulary("service_channels", (
    ("web", N_("Web")),
    ("qr", N_("QR code")),
    ("api", N_("API")),
    # reads of a public file's rows in the DataStore: its table preview, the
    # row API (datastore_search) and the dump, once per visitor and file in
    # the dedup window (README, "Table previews")
    ("datastore", N_("Table preview / data API")),
    ("email", N_("E-mail")),
    ("paper", N_("Paper")),
))

#: the service channels of a delivery that staff record
STAFF_DELIVERY_CHANNELS = Vocabulary(
    "staff_delivery_channels",
    tuple(item for item in SERVICE_CHANNELS.items if item[0] in ("email", "paper")))


# --- the satisfaction survey ----------------------------------------------------

RATINGS = Vocabulary("ratings", (
    (3, N_("Very good")),
    (2, N_("Fair")),
    (1, N_("Needs improvement")),
))

RESPONDENT_TYPES = Vocabulary("respondent_types", (
    ("school", N_("School")),
    ("office_staff", N_("Staff of the office")),
    ("government", N_("Other government agency")),
    ("private", N_("Private sector")),
    ("public", N_("General public")),
    ("student", N_("Student")),
))

SURVEY_MODES = Vocabulary("survey_modes", (
    ("online", N_("Answered online by the respondent")),
    ("paper", N_("Paper form, entered by staff")),
    ("phone", N_("By telephone, entered by staff")),
))

#: the two groups of the office's form, each with its items, in its order
SURVEY_GROUPS = (
    ("1", N_("The service in requesting data"), (
        ("staff_courtesy", "1.1", N_("Staff are courteous")),
        ("staff_reception", "1.2", N_("How staff receive you")),
    )),
    ("2", N_("The process of requesting data"), (
        ("search_speed", "2.1", N_("Speed of finding the data")),
        ("data_match", "2.2", N_("The data matches your need")),
        ("data_quality", "2.3", N_("The data is current, complete and correct")),
    )),
)

#: the survey items (also the rating columns of ``utt1service_survey_response``)
SURVEY_ITEMS = Vocabulary("survey_items", tuple(
    (name, label) for _number, _title, items in SURVEY_GROUPS for name, _n, label in items
))


def survey_groups() -> list[dict[str, Any]]:
    """The groups and items of the survey in the user's language, as the
    form and the report show them."""
    return [
        {
            "number": number,
            "title": tk._(title),
            "items": [{"name": name, "number": n, "label": tk._(label)} for name, n, label in items],
        }
        for number, title, items in SURVEY_GROUPS
    ]


# --- problems and complaints -----------------------------------------------------

COMPLAINT_KINDS = Vocabulary("complaint_kinds", (
    ("complaint", N_("Complaint")),
    ("problem", N_("Problem of a service event")),
))

COMPLAINT_CATEGORIES = Vocabulary("complaint_categories", (
    ("data_wrong", N_("Data wrong or outdated")),
    ("cannot_find", N_("Cannot find the data")),
    ("slow_service", N_("Slow service")),
    ("staff_conduct", N_("Staff conduct")),
    ("system_error", N_("System error")),
    ("other", N_("Other")),
))

COMPLAINT_SOURCES = Vocabulary("complaint_sources", (
    ("web", N_("Web form")),
    ("phone", N_("Telephone")),
    ("email", N_("E-mail or Line")),
    ("walk_in", N_("In person")),
    ("paper", N_("Letter or paper form")),
))

COMPLAINT_STATES = Vocabulary("complaint_states", (
    ("received", N_("Received")),
    ("in_progress", N_("In progress")),
    ("resolved", N_("Resolved")),
    ("closed", N_("Closed")),
))


# --- table previews -----------------------------------------------------------

#: the DataStore's column types as the data dictionary of a file's page shows
#: them (PostgreSQL's names; xloader makes text, numeric and timestamp)
COLUMN_TYPES = Vocabulary("column_types", (
    ("text", N_("Text")),
    ("numeric", N_("Numeric")),
    ("int", N_("Whole number")),
    ("int4", N_("Whole number")),
    ("int8", N_("Whole number")),
    ("float8", N_("Numeric")),
    ("bool", N_("Yes or no")),
    ("date", N_("Date")),
    ("time", N_("Time of day")),
    ("timestamp", N_("Date and time")),
    ("timestamptz", N_("Date and time")),
    ("json", N_("Structured data (JSON)")),
))


#: every vocabulary by its name (the template helper ``utt1service_label``)
BY_NAME: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        REQUEST_STATES, DELIVERY_METHODS, INTAKE_METHODS, CONSENT_METHODS, AGENCY_TYPES,
        SERVICE_CHANNELS, STAFF_DELIVERY_CHANNELS, RATINGS, RESPONDENT_TYPES, SURVEY_MODES,
        SURVEY_ITEMS, COMPLAINT_KINDS, COMPLAINT_CATEGORIES, COMPLAINT_SOURCES, COMPLAINT_STATES,
        COLUMN_TYPES,
    )
}
