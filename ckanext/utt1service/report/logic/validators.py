# -*- coding: utf-8 -*-
"""Validators of the service report: fiscal year, half, organization."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common.validators import whole_number
from ckanext.utt1service.report.logic.schema import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN

__all__ = ["utt1service_fiscal_year", "utt1service_half", "utt1service_quarter", "utt1service_organization"]


def utt1service_fiscal_year(value: Any, context: Any = None) -> int:
    """A fiscal year in the Buddhist Era (e.g. 2569)."""
    try:
        year: Optional[int] = whole_number(value, FISCAL_YEAR_MIN, FISCAL_YEAR_MAX)
    except tk.Invalid:
        year = None
    if year is None:
        raise tk.Invalid(
            tk._("Please give the fiscal year in the Buddhist Era, e.g. %(example)s")
            % {"example": 2569}
        )
    return year


def utt1service_half(value: Any, context: Any = None) -> Optional[int]:
    """1 (October–March), 2 (April–September); empty for the whole year."""
    if isinstance(value, bool):
        value = None
    text = str(value).strip() if isinstance(value, (str, int)) else None
    if text in ("1", "2"):
        return int(text)
    raise tk.Invalid(tk._("The period must be the whole year, the first half or the second half"))


def utt1service_quarter(value: Any, context: Any = None) -> Optional[int]:
    """1 (October–December) … 4 (July–September)."""
    if isinstance(value, bool):
        value = None
    text = str(value).strip() if isinstance(value, (str, int)) else None
    if text in ("1", "2", "3", "4"):
        return int(text)
    raise tk.Invalid(tk._("The quarter must be 1, 2, 3 or 4"))


def utt1service_organization(value: Any) -> str:
    """An active organization's id or name; returns its id."""
    group = model.Group.get(str(value).strip())
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Organization not found"))
    return group.id
