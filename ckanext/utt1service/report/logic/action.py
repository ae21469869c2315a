# -*- coding: utf-8 -*-
"""Actions of the fiscal-year service report."""
from __future__ import annotations

import datetime
import uuid
from typing import Any, Optional

from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.utt1service.common import authz, thaidate
from ckanext.utt1service.common.input_guard import declares
from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.report import build
from ckanext.utt1service.report.logic import schema as schemas
from ckanext.utt1service.report.model import ReportAnalysis

__all__ = ["utt1service_report_show", "utt1service_report_analysis_update"]

OBJECT_TYPE = "report_analysis"


def _validate(data_dict: DataDict, schema, context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict or {}), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    if data.get("half") and data.get("quarter"):
        raise tk.ValidationError({"quarter": [tk._("Choose a half or a quarter, not both")]})
    return data


def _current_fiscal_year() -> int:
    return thaidate.fiscal_year_of(datetime.datetime.now(datetime.timezone.utc))


def _analysis(fiscal_year: int, period: str, org_id: Optional[str]) -> Optional[ReportAnalysis]:
    return (
        model.Session.query(ReportAnalysis)
        .filter(
            ReportAnalysis.fiscal_year == fiscal_year,
            ReportAnalysis.period == period,
            ReportAnalysis.owner_org == (org_id or ""),
        )
        .one_or_none()
    )


def _analysis_dict(row: Optional[ReportAnalysis]) -> dict[str, Any]:
    if row is None:
        return {"problems": "", "improvements": "", "modified": None, "modified_by": None}
    out = row.as_dict()
    user = model.User.get(row.modified_by) if row.modified_by else None
    out["modified_by_name"] = user.display_name if user is not None else None
    return out


@tk.side_effect_free
@declares(schemas.report_show_schema)
def utt1service_report_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """The service report of one fiscal year or half year, each figure beside
    the same period of the previous fiscal year: downloads, access requests,
    satisfaction, problems and complaints, and the staff's analysis.

    Sysadmins see the whole office or any organization; the directors of a
    service organization (its admins) see their organization only.

    :param fiscal_year: the fiscal year in the Buddhist Era, e.g. 2569
        (default: the current one)
    :type fiscal_year: int
    :param half: 1 (October–March) or 2 (April–September); empty for the
        whole year
    :type half: int
    :param quarter: 1 (October–December) … 4 (July–September), instead of
        a half
    :type quarter: int
    :param owner_org: only this organization (id or name); empty for the
        whole office (sysadmins only)
    :type owner_org: string
    :param suggestion_limit: list at most this many suggestions (default all)
    :type suggestion_limit: int
    :returns: the report: ``current`` and ``previous`` periods, ``sections``
        of ``tables`` (``columns`` and ``rows``), and ``analysis``
    :rtype: dictionary
    """
    tk.check_access("utt1service_report_show", context, data_dict)
    data = _validate(data_dict, schemas.report_show_schema(), context)
    fiscal_year = data.get("fiscal_year") or _current_fiscal_year()
    half = data.get("half") or None
    quarter = data.get("quarter") or None
    org = model.Group.get(data["owner_org"]) if data.get("owner_org") else None
    unassigned = org is not None and org.id == authz.office_organization_id()
    report = build.build(
        fiscal_year,
        half,
        quarter,
        org=org,
        unassigned=unassigned,
        suggestion_limit=data.get("suggestion_limit"),
        progress=context.get("report_progress"),  # type: ignore[arg-type]
    )
    report["analysis"] = _analysis_dict(
        _analysis(fiscal_year, build.period_key(half, quarter), org.id if org is not None else None)
    )
    return report


@declares(schemas.report_analysis_update_schema)
def utt1service_report_analysis_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Save the staff's analysis of one report period: the problems and
    obstacles, and the proposed improvements. Every change is audited.

    :param fiscal_year: the fiscal year in the Buddhist Era, e.g. 2569
    :type fiscal_year: int
    :param half: 1 or 2 for a half year; empty for the whole year
    :type half: int
    :param quarter: 1 … 4 for a quarter, instead of a half
    :type quarter: int
    :param owner_org: the organization (id or name); empty for the whole
        office (sysadmins only)
    :type owner_org: string
    :param problems: problems and obstacles (ปัญหาและอุปสรรค)
    :type problems: string
    :param improvements: proposed improvements (ข้อเสนอแนะและแนวทางการปรับปรุง)
    :type improvements: string
    :returns: the saved analysis
    :rtype: dictionary
    """
    tk.check_access("utt1service_report_analysis_update", context, data_dict)
    data = _validate(data_dict, schemas.report_analysis_update_schema(), context)
    period = build.period_key(data.get("half") or None, data.get("quarter") or None)
    org_id = data.get("owner_org") or ""
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    now = datetime.datetime.now(datetime.timezone.utc)

    # One row per fiscal year, period and organization; concurrent first
    # saves meet at the unique key, the row lock orders later ones.
    model.Session.execute(_insert_if_missing(data["fiscal_year"], period, org_id, now))
    row = (
        model.Session.query(ReportAnalysis)
        .filter(
            ReportAnalysis.fiscal_year == data["fiscal_year"],
            ReportAnalysis.period == period,
            ReportAnalysis.owner_org == org_id,
        )
        .with_for_update()
        .populate_existing()
        .one()
    )
    before = {"problems": row.problems or "", "improvements": row.improvements or ""}
    after = {"problems": data.get("problems") or "", "improvements": data.get("improvements") or ""}
    if before != after:
        row.problems = after["problems"]
        row.improvements = after["improvements"]
        row.modified = now
        row.modified_by = user.id if user is not None else None
        AuditEvent.record(
            OBJECT_TYPE,
            row.id,
            "update",
            actor_id=user.id if user is not None else None,
            data={
                "fiscal_year": data["fiscal_year"],
                "period": period,
                "owner_org": org_id or None,
                "before": before,
                "after": after,
            },
        )
    model.Session.commit()
    return _analysis_dict(row)


def _insert_if_missing(fiscal_year: int, period: str, org_id: str, now: datetime.datetime) -> Any:
    return (
        insert(ReportAnalysis.__table__)
        .values(
            id=str(uuid.uuid4()),
            fiscal_year=fiscal_year,
            period=period,
            owner_org=org_id,
            problems="",
            improvements="",
            created=now,
            modified=now,
        )
        .on_conflict_do_nothing(constraint="utt1service_report_analysis_key")
    )
