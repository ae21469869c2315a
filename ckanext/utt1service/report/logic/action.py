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
from ckanext.utt1service.report.model import ReportAnalysis, ReportPublication

__all__ = [
    "utt1service_report_show",
    "utt1service_report_analysis_update",
    "utt1service_report_publish",
    "utt1service_report_unpublish",
    "utt1service_report_publication_list",
    "utt1service_report_publication_show",
    "utt1service_report_publication_file",
    "utt1service_ropa_show",
]

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


# --- publication ---------------------------------------------------------------------

PUBLICATION_TYPE = "report_publication"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _user_id(context: Context) -> Optional[str]:
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    return user.id if user is not None else None


def _publication_dict(row: ReportPublication, full: bool = False) -> dict[str, Any]:
    report = row.report or {}
    out: dict[str, Any] = {
        "id": row.id,
        "fiscal_year": row.fiscal_year,
        "period": row.period,
        "name": report.get("current", {}).get("label"),
        "dates": report.get("current", {}).get("dates"),
        "acknowledged_name": row.acknowledged_name,
        "acknowledged_position": row.acknowledged_position,
        "acknowledged_on": row.acknowledged_on.isoformat(),
        "published": row.published_at.isoformat(),
        "withdrawn": row.unpublished_at is not None,
    }
    if row.unpublished_at is not None:
        out["unpublished"] = row.unpublished_at.isoformat()
        out["unpublish_reason"] = row.unpublish_reason
    if full:
        out["report"] = report
    return out


def _live(id: str) -> ReportPublication:
    row = model.Session.get(ReportPublication, id)
    if row is None or row.unpublished_at is not None:
        raise tk.ObjectNotFound(tk._("No such published report"))
    return row


@declares(schemas.report_publish_schema)
def utt1service_report_publish(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Publish the whole office's report of a period that is over, in Thai,
    on the public page of service reports: the figures, the analysis, what
    was improved because of complaints and the executive's acknowledgement
    are frozen, and its PDF, XLSX and CSV are made now. The survey
    suggestions (free text of the public) are not published. A period has
    at most one published report; unpublish it first to publish again.

    :param fiscal_year: the fiscal year in the Buddhist Era
    :type fiscal_year: int
    :param half: 1 or 2 for a half year
    :type half: int
    :param quarter: 1 … 4 for a quarter
    :type quarter: int
    :param acknowledged_name: the executive who acknowledged the report
    :type acknowledged_name: string
    :param acknowledged_position: their position
    :type acknowledged_position: string
    :param acknowledged_on: the day of the acknowledgement (YYYY-MM-DD)
    :type acknowledged_on: string
    :param complaint_improvements: what was improved because of complaints
    :type complaint_improvements: string
    :param problems: the analysis (default: the one saved for the period)
    :type problems: string
    :param improvements: the proposed improvements (default: the saved ones)
    :type improvements: string
    :returns: the publication (without its files)
    :rtype: dictionary
    """
    from ckanext.utt1service.report import publication

    tk.check_access("utt1service_report_publish", context, data_dict)
    data = _validate(data_dict, schemas.report_publish_schema(), context)
    half, quarter = data.get("half") or None, data.get("quarter") or None
    period = build.Period(data["fiscal_year"], half, quarter)
    now = datetime.datetime.now(datetime.timezone.utc)
    if now < period.end:
        raise tk.ValidationError({"fiscal_year": [tk._("This period is not over yet: publish it after it ends")]})
    existing = (
        model.Session.query(ReportPublication.id)
        .filter(ReportPublication.fiscal_year == period.fiscal_year, ReportPublication.period == period.key,
                ReportPublication.unpublished_at.is_(None))
        .first()
    )
    if existing is not None:
        raise tk.ValidationError({"fiscal_year": [tk._(
            "This period is already published; unpublish it first to publish it again")]})
    with build.language("th"):
        report = build.build(period.fiscal_year, half, quarter)
        saved = _analysis_dict(_analysis(period.fiscal_year, period.key, None))
        report["analysis"] = {
            "problems": data["problems"] if "problems" in data else saved["problems"],
            "improvements": data["improvements"] if "improvements" in data else saved["improvements"],
        }
        public = publication.public_copy(report, data)
        made = publication.files(public)
    row = ReportPublication(
        fiscal_year=period.fiscal_year,
        period=period.key,
        report=public,
        acknowledged_name=data["acknowledged_name"],
        acknowledged_position=data["acknowledged_position"],
        acknowledged_on=data["acknowledged_on"],
        pdf=made["pdf"],
        xlsx=made["xlsx"],
        csv=made["csv"],
        published_at=now,
        published_by=_user_id(context),
    )
    model.Session.add(row)
    model.Session.flush()
    AuditEvent.record(
        PUBLICATION_TYPE, row.id, "publish", actor_id=_user_id(context), to_state="published",
        data={"fiscal_year": period.fiscal_year, "period": period.key},
    )
    model.Session.commit()
    return _publication_dict(row)


@declares(schemas.report_unpublish_schema)
def utt1service_report_unpublish(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Take a published report off the public page. The record stays (who,
    when and why), and is audited.

    :param id: the publication's id
    :type id: string
    :param reason: why it is unpublished
    :type reason: string
    :returns: the publication
    :rtype: dictionary
    """
    tk.check_access("utt1service_report_unpublish", context, data_dict)
    data = _validate(data_dict, schemas.report_unpublish_schema(), context)
    row = (
        model.Session.query(ReportPublication)
        .filter(ReportPublication.id == data["id"]).with_for_update().one_or_none()
    )
    if row is None or row.unpublished_at is not None:
        raise tk.ObjectNotFound(tk._("No such published report"))
    row.unpublished_at = datetime.datetime.now(datetime.timezone.utc)
    row.unpublished_by = _user_id(context)
    row.unpublish_reason = data["reason"]
    AuditEvent.record(
        PUBLICATION_TYPE, row.id, "unpublish", actor_id=_user_id(context),
        from_state="published", to_state="withdrawn", comment=data["reason"],
    )
    model.Session.commit()
    return _publication_dict(row)


@tk.side_effect_free
@declares(schemas.report_publication_list_schema)
def utt1service_report_publication_list(context: Context, data_dict: DataDict) -> ActionResult.AnyList:
    """The published service reports, newest period first (anyone). With
    ``include_withdrawn`` (the director and sysadmins) also the unpublished
    ones, with when and why.

    :param include_withdrawn: also the unpublished ones
    :type include_withdrawn: bool
    :rtype: list of dictionaries
    """
    tk.check_access("utt1service_report_publication_list", context, data_dict)
    data = _validate(data_dict, schemas.report_publication_list_schema(), context)
    query = model.Session.query(ReportPublication)
    if not data.get("include_withdrawn"):
        query = query.filter(ReportPublication.unpublished_at.is_(None))
    order = {key: index for index, key in enumerate(("year", "h2", "h1", "q4", "q3", "q2", "q1"))}
    rows = sorted(
        query.all(),
        key=lambda r: (-r.fiscal_year, order.get(r.period, 9), -r.published_at.timestamp()),
    )
    return [_publication_dict(row) for row in rows]


@tk.side_effect_free
@declares(schemas.report_publication_show_schema)
def utt1service_report_publication_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One published report, with its frozen content (anyone).

    :param id: the publication's id
    :type id: string
    :rtype: dictionary
    """
    tk.check_access("utt1service_report_publication_show", context, data_dict)
    data = _validate(data_dict, schemas.report_publication_show_schema(), context)
    return _publication_dict(_live(data["id"]), full=True)


@tk.side_effect_free
@declares(schemas.report_publication_file_schema)
def utt1service_report_publication_file(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """A file of a published report, as made at publication (anyone).

    :param id: the publication's id
    :type id: string
    :param format: ``pdf``, ``xlsx`` or ``csv``
    :type format: string
    :returns: ``filename``, ``content_type`` and ``data`` (base64)
    :rtype: dictionary
    """
    import base64

    from ckanext.utt1service.report import publication

    tk.check_access("utt1service_report_publication_file", context, data_dict)
    data = _validate(data_dict, schemas.report_publication_file_schema(), context)
    row = _live(data["id"])
    body = getattr(row, data["format"])
    return {
        "filename": publication.filename(row.report, data["format"]),
        "content_type": CONTENT_TYPES[data["format"]],
        "data": base64.b64encode(body).decode("ascii"),
    }


@tk.side_effect_free
@declares(schemas.ropa_show_schema)
def utt1service_ropa_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """The record of processing activities (PDPA section 39) of the personal
    data the extension holds, written from its configuration, and the
    latest runs of the purge commands (sysadmins).

    :param limit: how many purge runs (newest first, default 100)
    :type limit: int
    :returns: ``activities`` (name, purpose, legal_basis, subjects,
        categories, recipients, retention, deletion, security, controller)
        and ``purge_runs`` (when, command, data)
    :rtype: dictionary
    """
    from ckanext.utt1service.report import ropa

    tk.check_access("utt1service_ropa_show", context, data_dict)
    data = _validate(data_dict, schemas.ropa_show_schema(), context)
    rows = (
        model.Session.query(AuditEvent)
        .filter(AuditEvent.object_type == "purge_run")
        .order_by(AuditEvent.created.desc())
        .limit(data["limit"])
        .all()
    )
    now = datetime.datetime.now(datetime.timezone.utc)
    runs = []
    for row in rows:
        run = {"when": row.created.isoformat(), "command": row.action.replace("_", "-"),
               "action": row.action, "data": row.data or {}}
        run["label"] = ropa.purge_label(run)
        run["when_label"] = ropa.when_label(row.created)
        runs.append(run)
    return {
        "activities": ropa.activities(),
        "fields": [{"key": key, "label": ropa.field_label(key)} for key, _label in ropa.FIELDS],
        "purge_runs": runs,
        "generated": now.isoformat(),
        "generated_label": thaidate.format_datetime(now, "th"),
    }
