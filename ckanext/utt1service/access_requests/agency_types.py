# -*- coding: utf-8 -*-
"""The requester's agency type (ประเภทหน่วยงาน), asked on the request form
next to the agency (หน่วยงาน) and counted by the service report.

The codes are stored in ``utt1service_access_request.agency_type``
(migration ``e8c5a6b7c8d9``); requests made before the form asked for it
have none ("not stated"). The list is fixed here, in the order the form and
the report show it.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk

__all__ = ["AGENCY_TYPES", "NOT_STATED", "label", "choices"]


def N_(message: str) -> str:
    return message


AGENCY_TYPES = {
    # โรงเรียนในสังกัด
    "school": N_("School under the office"),
    # สำนักงานเขตพื้นที่การศึกษา (this office or another one)
    "area_office": N_("Educational service area office"),
    # หน่วยงานราชการอื่น
    "government": N_("Other government agency"),
    # สถาบันอุดมศึกษา / นักวิจัย
    "university": N_("Higher education institution or researcher"),
    # ภาคเอกชน
    "private": N_("Private sector"),
    # ประชาชนทั่วไป
    "public": N_("General public"),
    # อื่น ๆ
    "other": N_("Other"),
}

#: the label of requests without an agency type (made before it was asked)
NOT_STATED = N_("Not stated")


def label(code: Optional[str]) -> str:
    """A code's label in the user's language; "not stated" for none, the
    code itself for one that is not (or no longer) in the list."""
    if not code:
        return tk._(NOT_STATED)
    known = AGENCY_TYPES.get(code)
    return tk._(known) if known else code


def choices() -> list[tuple[str, str]]:
    """(code, label) in the order of the list, in the user's language."""
    return [(code, tk._(text)) for code, text in AGENCY_TYPES.items()]
