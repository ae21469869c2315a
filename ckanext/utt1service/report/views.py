# -*- coding: utf-8 -*-
"""The service report pages and their exports.

- ``/ckan-admin/service-report``: sysadmins, the whole office or one
  organization (the "Service report" tab of the admin area);
- ``/organization/service-report/<id>``: the organization's admins (a tab
  of the organization page);
- ``…/export/<fmt>`` beside each: ``csv`` (the whole report, or one table
  with ``table=<key>``), ``xlsx`` and ``pdf`` (always in Thai).

The period comes from the query string: ``fy`` (พ.ศ.) and ``half`` (1, 2 or
empty). The analysis form posts to the page itself.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Optional

from flask import Blueprint, g, make_response, request
from flask.views import MethodView

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.utt1service.common import authz, thaidate
from ckanext.utt1service.common import pdf as common_pdf
from ckanext.utt1service.report import build, export

__all__ = ["utt1service_report"]

log = logging.getLogger(__name__)

utt1service_report = Blueprint("utt1service_report", __name__)

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _period_fields(values: Any) -> dict[str, Any]:
    """half and quarter as typed (validated by the action); the period
    menu sends a quarter as ``half=q1`` … ``q4``."""
    args: dict[str, Any] = {}
    half, quarter = values.get("half"), values.get("quarter")
    if half and str(half).startswith("q"):
        half, quarter = None, str(half)[1:]
    if half:
        args["half"] = half
    if quarter:
        args["quarter"] = quarter
    return args


def _period_args() -> dict[str, Any]:
    """fy, half and quarter as typed (validated by the action)."""
    args: dict[str, Any] = {}
    if request.args.get("fy"):
        args["fiscal_year"] = request.args["fy"]
    args.update(_period_fields(request.args))
    return args


def _organization(id: str) -> tuple[Optional[dict[str, Any]], Any]:
    try:
        group_dict = tk.get_action("organization_show")(
            _context(), {"id": id, "include_datasets": False, "include_users": False}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None, tk.abort(404, tk._("Organization not found"))
    return group_dict, None


def _refused() -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.full_path)
    return tk.abort(
        403,
        tk._(
            "Only sysadmins and the admins of an organization can see the service report "
            "(an organization's admins see their organization's only)."
        ),
    )


def _report(data_dict: dict[str, Any], lang: Optional[str] = None) -> dict[str, Any]:
    action = tk.get_action("utt1service_report_show")
    if lang:
        with build.language(lang):
            return action(_context(), data_dict)
    return action(_context(), data_dict)


def _org_choices() -> list[dict[str, str]]:
    return [
        {"value": o.name, "text": o.display_name}
        for o in model.Session.query(model.Group)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .order_by(model.Group.title, model.Group.name)
    ]


class ReportView(MethodView):
    """The page, and the analysis form on it."""

    def _scope(self, id: Optional[str]) -> tuple[dict[str, Any], dict[str, Any], Any]:
        """(action data, template variables, early response)."""
        extra: dict[str, Any] = {}
        data: dict[str, Any] = {}
        if id is not None:
            group_dict, refusal = _organization(id)
            if refusal is not None:
                return data, extra, refusal
            data["owner_org"] = group_dict["id"]
            extra.update(group_dict=group_dict, group_type=group_dict.get("type", "organization"))
            if group_dict["id"] == authz.office_organization_id() and authz.is_director(
                current_user, group_dict["id"]
            ):
                # the office's director publishes the whole office's report
                extra["publications"] = tk.get_action("utt1service_report_publication_list")(
                    _context(), {"include_withdrawn": True}
                )
            g.group_dict = group_dict
        else:
            # The admin area is the sysadmins' (organization admins use the
            # tab of their organization).
            if not authz.sees_whole_report(current_user):
                return data, extra, _refused()
            org = request.values.get("org")
            if org:
                data["owner_org"] = org
            extra["org_choices"] = _org_choices()
            extra["publications"] = tk.get_action("utt1service_report_publication_list")(
                _context(), {"include_withdrawn": True}
            )
        return data, extra, None

    def _template(self, id: Optional[str]) -> str:
        return "utt1service/report/organization.html" if id else "utt1service/report/admin.html"

    def _links(self, id: Optional[str], report: dict[str, Any]) -> dict[str, Any]:
        args: dict[str, Any] = {"fy": report["fiscal_year"]}
        if report["half"]:
            args["half"] = report["half"]
        if report.get("quarter"):
            args["quarter"] = report["quarter"]
        if id is not None:
            args["id"] = id
            endpoint = "utt1service_report.organization_export"
            page = "utt1service_report.organization"
        else:
            if report.get("organization"):
                args["org"] = report["organization"]["name"]
            endpoint = "utt1service_report.admin_export"
            page = "utt1service_report.admin"
        return {
            "page": tk.h.url_for(page, **args),
            "csv": tk.h.url_for(endpoint, fmt="csv", **args),
            "xlsx": tk.h.url_for(endpoint, fmt="xlsx", **args),
            "pdf": tk.h.url_for(endpoint, fmt="pdf", **args),
            "table_csv": lambda key: tk.h.url_for(endpoint, fmt="csv", table=key, **args),
            "action": tk.h.url_for(page, **({"id": id} if id is not None else {})),
        }

    def _render(self, id: Optional[str], data: dict[str, Any], extra: dict[str, Any],
                form: Optional[dict[str, Any]] = None, errors: Optional[dict[str, Any]] = None) -> Any:
        period_errors: dict[str, Any] = {}
        query = dict(data, **_period_args())
        query["suggestion_limit"] = tk.config.get("ckanext.utt1service.report_suggestions_listed")
        try:
            report = _report(query)
        except tk.NotAuthorized:
            return _refused()
        except tk.ValidationError as error:
            period_errors = error.error_dict
            if "owner_org" in period_errors:
                return tk.abort(404, tk._("Organization not found"))
            query.pop("fiscal_year", None)
            query.pop("half", None)
            query.pop("quarter", None)
            report = _report(query)
        analysis = dict(report["analysis"])
        if form is not None:
            analysis.update(form)
        variables = {
            "report": report,
            "analysis": analysis,
            "errors": errors or {},
            "period_errors": period_errors,
            "links": self._links(id, report),
            "fiscal_years": _fiscal_years(report["fiscal_year"]),
            "selected_org": (report.get("organization") or {}).get("name", ""),
        }
        variables.update(extra)
        response = make_response(tk.render(self._template(id), variables))
        response.headers["Cache-Control"] = "private, no-store"
        return response

    def get(self, id: Optional[str] = None) -> Any:
        data, extra, early = self._scope(id)
        if early is not None:
            return early
        return self._render(id, data, extra)

    def post(self, id: Optional[str] = None) -> Any:
        data, extra, early = self._scope(id)
        if early is not None:
            return early
        form = {
            "problems": request.form.get("problems", ""),
            "improvements": request.form.get("improvements", ""),
        }
        payload = dict(data, **form)
        payload["fiscal_year"] = request.form.get("fy", "")
        payload.update(_period_fields(request.form))
        try:
            tk.get_action("utt1service_report_analysis_update")(_context(), payload)
        except tk.NotAuthorized:
            return _refused()
        except tk.ValidationError as error:
            tk.h.flash_error(tk._("The analysis was not saved: please check the form."))
            return self._render(id, data, extra, form=form, errors=error.error_dict)
        tk.h.flash_success(tk._("The analysis was saved."))
        args: dict[str, Any] = {"fy": payload["fiscal_year"]}
        if payload.get("half"):
            args["half"] = payload["half"]
        if payload.get("quarter"):
            args["quarter"] = payload["quarter"]
        if id is not None:
            return tk.redirect_to("utt1service_report.organization", id=id, **args)
        if data.get("owner_org"):
            args["org"] = data["owner_org"]
        return _back()


def _fiscal_years(selected: int) -> list[int]:
    current = thaidate.fiscal_year_of(datetime.datetime.now(datetime.timezone.utc))
    years = set(range(current - 5, current + 1)) | {selected}
    return sorted(years, reverse=True)


def _export(fmt: str, data: dict[str, Any]) -> Any:
    if fmt not in EXPORT_TYPES:
        return tk.abort(404, tk._("Unknown export format"))
    query = dict(data, **_period_args())
    table_key = request.args.get("table") if fmt == "csv" else None
    try:
        if fmt == "pdf":
            from ckanext.utt1service.report import pdf
            query["suggestion_limit"] = tk.config.get("ckanext.utt1service.report_suggestions_listed")
            with build.language("th"):
                report = tk.get_action("utt1service_report_show")(_context(), query)
                body = pdf.render(report)
        else:
            report = _report(query)
            if fmt == "xlsx":
                body = export.report_xlsx(report)
            elif table_key:
                table = export.find_table(report, table_key)
                if table is None:
                    return tk.abort(404, tk._("No such table in the report"))
                body = export.table_csv(table)
            else:
                body = export.report_csv(report)
    except tk.NotAuthorized:
        return _refused()
    except common_pdf.PdfError:
        log.exception("the PDF of the service report could not be printed")
        return tk.abort(503, tk._("The PDF could not be made just now. Please try again later, or download the XLSX."))
    except tk.ValidationError as error:
        messages = "; ".join(
            str(m) for value in error.error_dict.values() for m in (value if isinstance(value, list) else [value])
        )
        return tk.abort(400, messages)
    response = make_response(body)
    response.headers["Content-Type"] = EXPORT_TYPES[fmt]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.filename(report, fmt, table_key)}"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def admin_export(fmt: str) -> Any:
    if not authz.sees_whole_report(current_user):
        return _refused()
    data = {"owner_org": request.args["org"]} if request.args.get("org") else {}
    return _export(fmt, data)


def organization_export(id: str, fmt: str) -> Any:
    group_dict, refusal = _organization(id)
    if refusal is not None:
        return refusal
    return _export(fmt, {"owner_org": group_dict["id"]})


# --- published reports ---------------------------------------------------------------


def published() -> Any:
    """The public page of published service reports (anyone)."""
    items = tk.get_action("utt1service_report_publication_list")(_context(), {})
    response = make_response(tk.render("utt1service/report/published.html", {"publications": items}))
    response.headers["Cache-Control"] = "public, no-cache"  # unpublishing takes effect at once
    return response


def published_file(id: str, fmt: str) -> Any:
    import base64

    try:
        found = tk.get_action("utt1service_report_publication_file")(_context(), {"id": id, "format": fmt})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No such published report"))
    except tk.ValidationError:
        return tk.abort(404, tk._("Unknown export format"))
    response = make_response(base64.b64decode(found["data"]))
    response.headers["Content-Type"] = found["content_type"]
    response.headers["Content-Disposition"] = f'attachment; filename="{found["filename"]}"'
    response.headers["Cache-Control"] = "public, no-cache"  # unpublishing takes effect at once
    return response


def _back() -> Any:
    """Back to the report page the form was on (a local path only)."""
    back = request.form.get("back", "")
    if back.startswith("/") and not back.startswith("//") and "\\" not in back:
        return tk.redirect_to(back)
    return tk.redirect_to("utt1service_report.admin")


def publish() -> Any:
    payload: dict[str, Any] = {"fiscal_year": request.form.get("fy", "")}
    payload.update(_period_fields(request.form))
    for name in ("acknowledged_name", "acknowledged_position", "acknowledged_on", "complaint_improvements"):
        payload[name] = request.form.get(name, "")
    try:
        tk.get_action("utt1service_report_publish")(_context(), payload)
    except tk.NotAuthorized:
        return _refused()
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(str(message))
        return _back()
    except common_pdf.PdfError:
        log.exception("the published report's PDF could not be printed")
        tk.h.flash_error(tk._("The PDF could not be made just now. Please try again later, or download the XLSX."))
        return _back()
    tk.h.flash_success(tk._("The report was published on the public page."))
    return _back()


def unpublish(id: str) -> Any:
    try:
        tk.get_action("utt1service_report_unpublish")(
            _context(), {"id": id, "reason": request.form.get("reason", "")}
        )
    except tk.NotAuthorized:
        return _refused()
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No such published report"))
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(str(message))
        return _back()
    tk.h.flash_success(tk._("The report was taken off the public page; the record is kept."))
    return _back()


def ropa(fmt: Optional[str] = None) -> Any:
    """The record of processing activities: page, XLSX or PDF (sysadmins)."""
    from ckanext.utt1service.report import ropa as record

    if not authz.is_sysadmin(current_user):
        return _refused()
    if fmt is None:
        found = tk.get_action("utt1service_ropa_show")(_context(), {})
        response = make_response(tk.render("utt1service/report/ropa.html", {"record": found}))
        response.headers["Cache-Control"] = "private, no-store"
        return response
    if fmt not in ("xlsx", "pdf"):
        return tk.abort(404, tk._("Unknown export format"))
    with build.language("th"):
        found = tk.get_action("utt1service_ropa_show")(_context(), {})
        try:
            body = record.xlsx(found) if fmt == "xlsx" else common_pdf.render(record.print_html(found))
        except common_pdf.PdfError:
            log.exception("the RoPA PDF could not be printed")
            return tk.abort(503, tk._("The PDF could not be made just now. Please try again later, or download the XLSX."))
    response = make_response(body)
    response.headers["Content-Type"] = EXPORT_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="ropa-utt1service.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


utt1service_report.add_url_rule("/ckan-admin/ropa", view_func=ropa)
utt1service_report.add_url_rule("/ckan-admin/ropa/export/<fmt>", view_func=ropa)
utt1service_report.add_url_rule("/service-reports", view_func=published)
utt1service_report.add_url_rule("/service-reports/<id>/<fmt>", view_func=published_file)
utt1service_report.add_url_rule("/ckan-admin/service-report/publish", view_func=publish, methods=["POST"])
utt1service_report.add_url_rule(
    "/ckan-admin/service-report/publications/<id>/unpublish", view_func=unpublish, methods=["POST"]
)
utt1service_report.add_url_rule(
    "/ckan-admin/service-report", view_func=ReportView.as_view("admin"), methods=["GET", "POST"]
)
utt1service_report.add_url_rule("/ckan-admin/service-report/export/<fmt>", view_func=admin_export)
utt1service_report.add_url_rule(
    "/organization/service-report/<id>",
    view_func=ReportView.as_view("organization"),
    methods=["GET", "POST"],
)
utt1service_report.add_url_rule(
    "/organization/service-report/<id>/export/<fmt>", view_func=organization_export
)
