# -*- coding: utf-8 -*-
"""The record of processing activities (RoPA, PDPA section 39) for the
personal data the extension holds: access requests, survey responses and
complaints. Each activity's purpose, legal basis, data subjects, categories
of data, who sees it, retention and how it is deleted, written from the
extension's own configuration (retention days, the office's organization,
the roles of ``common.authz``), so that the record changes when the
configuration does. The runs of the purge commands (logged in
``utt1service_audit`` as ``purge_run``) are listed with it.

Build it inside a request context of the language wanted (XLSX and PDF:
Thai).
"""
from __future__ import annotations

import io
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.i18n import N_
from ckanext.utt1service.common.spreadsheet import append_row

__all__ = ["activities", "FIELDS", "field_label", "purge_label", "xlsx", "print_html", "when_label"]

#: the columns of the record, in order: (key, label)
FIELDS = (
    ("name", N_("Processing activity")),
    ("purpose", N_("Purpose")),
    ("legal_basis", N_("Legal basis")),
    ("subjects", N_("Data subjects")),
    ("categories", N_("Categories of personal data")),
    ("recipients", N_("Who sees it")),
    ("retention", N_("Retention")),
    ("deletion", N_("How it is deleted")),
    ("security", N_("Security measures")),
)


def field_label(key: str) -> str:
    return tk._(dict(FIELDS)[key])


def activities() -> list[dict[str, str]]:
    """The activities, every text in the current language."""
    config = tk.config
    request_days = config.get("ckanext.utt1service.personal_data_retention_days")
    contact_days = config.get("ckanext.utt1service.complaint_contact_retention_days")
    grant_days = config.get("ckanext.utt1service.grant_days")
    office = tk.h.utt1service_office_name()
    staff = tk._("the staff (editors and admins) of the organization that owns the dataset, "
                 "its director (admins), and the system administrators")
    security = tk._("Access limited by role and logged in the audit trail; HTTPS; personal data "
                    "never shown on public pages, in reports or in published files.")
    found = [
        {
            "key": "access_requests",
            "name": tk._("Access requests for restricted data"),
            "purpose": tk._("To check, decide on and deliver requests for restricted educational "
                            "data (Official Information Act), and to contact the requester."),
            "legal_basis": tk._("Consent of the requester (PDPA section 19), given on the request form "
                                "or recorded by the staff for a request by phone or at the counter; "
                                "performance of the office's public task (section 24(4))."),
            "subjects": tk._("Requesters (teachers, researchers, agencies, the public)"),
            "categories": tk._("Name, position, agency, e-mail address, telephone number, the data "
                               "wanted and its intended use, the signed request form if any"),
            "recipients": staff + "; " + tk._("the requester through a private link"),
            "retention": tk._("%(days)s days after the request is finished (rejected, closed, withdrawn, "
                              "never confirmed, or every grant of %(grant)s days ended)")
            % {"days": request_days, "grant": grant_days},
            "deletion": tk._("Anonymised by the command ckan utt1service purge-personal-data (name, "
                             "contact and free text removed; the counts for reports kept)."),
            "security": security,
        },
        {
            "key": "survey",
            "name": tk._("Satisfaction survey"),
            "purpose": tk._("To measure satisfaction with the information service and report it "
                            "(the office's service report, the ITA)."),
            "legal_basis": tk._("Consent of the respondent; answering is voluntary and anonymous."),
            "subjects": tk._("People who downloaded data or were served"),
            "categories": tk._("Ratings, type of respondent, free-text suggestion (may contain "
                               "personal data the respondent chose to write); no name or contact asked"),
            "recipients": tk._("the staff of every organization that takes part in the service, and "
                               "the system administrators; reports show counts only"),
            "retention": tk._("Kept as service statistics; suggestions are never published"),
            "deletion": tk._("A system administrator deletes a response on request of its author."),
            "security": security,
        },
        {
            "key": "complaints",
            "name": tk._("Problems and complaints register"),
            "purpose": tk._("To handle complaints about the information service, answer the "
                            "complainant and improve the service."),
            "legal_basis": tk._("Consent of the complainant for the contact details (optional); "
                                "performance of the office's public task."),
            "subjects": tk._("Complainants"),
            "categories": tk._("Description of the problem; optional name, e-mail address and "
                               "telephone number"),
            "recipients": tk._("the office's staff and the staff of the organization concerned, "
                               "the system administrators"),
            "retention": tk._("Contact details: %(days)s days after the complaint is closed; the "
                              "description and its handling are kept for the register")
            % {"days": contact_days},
            "deletion": tk._("Contact details removed by the command ckan utt1service "
                             "purge-complaint-contacts."),
            "security": security,
        },
    ]
    for activity in found:
        activity["controller"] = office
    return found


def purge_label(run: dict[str, Any]) -> str:
    """What a purge run did, in words."""
    data = run.get("data") or {}
    if run["action"] == "purge_complaint_contacts":
        return tk._("Complaint contacts removed: %(n)s (kept %(days)s days after closing)") % {
            "n": data.get("removed", 0), "days": data.get("days")}
    return tk._("Access requests anonymised: %(n)s (kept %(days)s days)") % {
        "n": data.get("anonymised", 0), "days": data.get("days")}


def xlsx(record: dict[str, Any]) -> bytes:
    """The record as a workbook: the activities, then the purge runs."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()
    sheet = book.active
    sheet.title = "RoPA"
    append_row(sheet, [tk._("Record of processing activities (PDPA section 39)")])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [tk._("Data controller"), tk.h.utt1service_office_name()])
    append_row(sheet, [tk._("Generated"), record["generated_label"]])
    append_row(sheet, [])
    append_row(sheet, [field_label(key) for key, _label in FIELDS])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for activity in record["activities"]:
        append_row(sheet, [activity[key] for key, _label in FIELDS])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    for index, width in enumerate((28, 40, 40, 28, 40, 40, 36, 40, 40)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    runs = book.create_sheet(tk._("Purge runs")[:31])
    append_row(runs, [tk._("When"), tk._("Command"), tk._("Result")])
    for cell in runs[1]:
        cell.font = bold
    for run in record["purge_runs"]:
        append_row(runs, [run["when_label"], run["command"], run["label"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def print_html(record: dict[str, Any]) -> str:
    from ckanext.utt1service.common import pdf

    return tk.render("utt1service/report/ropa_print.html", {"record": record, "font_family": pdf.FAMILY,
                                                            "fields": [(k, field_label(k)) for k, _l in FIELDS]})


def when_label(value: Any) -> str:
    return thaidate.format_datetime(value, "th")
