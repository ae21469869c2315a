# -*- coding: utf-8 -*-
"""The problems and complaints register: the public form and its
acknowledgement, the staff register with filters and ages, and one entry
with its state changes."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.views import MethodView

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import request, session

from ckanext.utt1service.common import authz, forms, vocabularies
from ckanext.utt1service.common.ratelimit import RateLimited
from ckanext.utt1service.common.validators import INT_MAX
from ckanext.utt1service.monitoring.model.complaint import COMPLAINT_TRANSITIONS

__all__ = ["complaint"]

complaint = Blueprint("utt1service_complaint", __name__, url_prefix="/complaint")

FIELDS = (
    "category",
    "description",
    "package",
    "request_id",
    "survey_response_id",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consent",
    "kind",
    "channel",
)
SESSION_ACK = "utt1service_complaint_ack"


def _is_staff() -> bool:
    try:
        tk.check_access("utt1service_complaint_record", forms.action_context())
        return True
    except tk.NotAuthorized:
        return False


def _labels() -> dict[str, str]:
    _ = tk._
    return {
        "category": _("Category"),
        "description": _("What happened"),
        "package": _("Dataset concerned"),
        "request_id": _("Request number"),
        "survey_response_id": _("Survey response"),
        "contact_name": _("Name"),
        "contact_email": _("E-mail"),
        "contact_phone": _("Telephone"),
        "consent": _("Consent"),
        "kind": _("Type"),
        "channel": _("Received by"),
        "state": _("State"),
        "resolution": _("Resolution"),
        "comment": _("Note"),
    }


def _choice_vars() -> dict[str, Any]:
    return {
        "categories": vocabularies.COMPLAINT_CATEGORIES.choices(),
        "states": vocabularies.COMPLAINT_STATES.choices(),
        "channels": vocabularies.COMPLAINT_SOURCES.choices(),
        "kinds": vocabularies.COMPLAINT_KINDS.choices(),
    }


def _render_form(data: dict[str, Any], errors: dict[str, Any], status: int = 200):
    package = None
    if data.get("package"):
        package = model.Package.get(data["package"])
    extra_vars = {
        "data": data,
        "errors": errors,
        "error_summary": forms.error_summary(errors, _labels()),
        "is_staff": _is_staff(),
        "package": package if package is not None and package.state == "active" else None,
        "honeypot": forms.HONEYPOT,
        **_choice_vars(),
    }
    return tk.render("utt1service/complaint/form.html", extra_vars), status


class ComplaintView(MethodView):
    def get(self):
        args = request.args
        data = {
            "package": args.get("dataset", ""),
            "request_id": args.get("request_id", ""),
            "survey_response_id": args.get("survey", ""),
            "kind": "problem" if args.get("kind") == "problem" else "complaint",
        }
        return _render_form({k: v for k, v in data.items() if v}, {})

    def post(self):
        data, refused = forms.read_submission(FIELDS)
        if refused:
            return _render_form(data, refused, 400)
        try:
            result = tk.get_action("utt1service_complaint_create")(forms.action_context(), dict(data))
        except RateLimited as e:
            return forms.rate_limited(_render_form(data, e.error_dict, 429), e.retry_after)
        except tk.ValidationError as e:
            return _render_form(data, e.error_dict)
        if _is_staff():
            tk.h.flash_success(
                tk._("Recorded as No. {number}.").format(number=result["number"])
            )
            return tk.redirect_to("utt1service_complaint.read", number=result["number"])
        session[SESSION_ACK] = {"number": result["number"], "email": bool(result.get("contact_email"))}
        return tk.redirect_to("utt1service_complaint.thanks")


def thanks():
    """The acknowledgement on screen; only the browser that filed the
    complaint sees its number."""
    ack = session.get(SESSION_ACK)
    if not ack:
        return tk.redirect_to("utt1service_complaint.new")
    return tk.render("utt1service/complaint/thanks.html", {"ack": ack})


def register():
    context = forms.action_context()
    try:
        tk.check_access("utt1service_complaint_list", context)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only staff can see the complaints register"))
    filters = {
        key: request.args.get(key, "")
        for key in ("state", "category", "kind", "owner_org", "q")
        if request.args.get(key)
    }
    per_page = 50
    page, offset = forms.page_number(per_page)
    errors: dict[str, Any] = {}
    try:
        result = tk.get_action("utt1service_complaint_list")(
            context, dict(filters, limit=per_page, offset=offset)
        )
    except tk.ValidationError as e:
        errors = e.error_dict
        result = {"count": 0, "results": []}
    packages = forms.by_id(model.Package, (r["package_id"] for r in result["results"]))
    user = authz.user_from_context(context)
    if authz.sees_whole_register(user):
        orgs = tk.get_action("organization_list")(context, {"all_fields": True})
    else:
        orgs = [
            tk.get_action("organization_show")(
                context, {"id": org_id, "include_datasets": False, "include_users": False}
            )
            for org_id in authz.staff_organization_ids(user)
        ]
    return tk.render(
        "utt1service/complaint/register.html",
        {
            "result": result,
            "filters": filters,
            "errors": errors,
            "error_summary": forms.error_summary(errors, _labels()),
            "page": page,
            "per_page": per_page,
            "packages": packages,
            "organizations": orgs,
            **_choice_vars(),
        },
    )


class ComplaintReadView(MethodView):
    def _render(self, number: int, data: dict[str, Any], errors: dict[str, Any]):
        context = forms.action_context()
        try:
            item = tk.get_action("utt1service_complaint_show")(context, {"id": number})
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Complaint not found"))
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only the staff who handle this complaint can see it"))
        package = model.Package.get(item["package_id"]) if item["package_id"] else None
        actors = forms.by_id(model.User, (e["actor_id"] for e in item["trail"]))
        return tk.render(
            "utt1service/complaint/read.html",
            {
                "item": item,
                "package": package,
                "actors": actors,
                "next_states": COMPLAINT_TRANSITIONS.get(item["state"], ()),
                "data": data,
                "errors": errors,
                "error_summary": forms.error_summary(errors, _labels()),
                **_choice_vars(),
            },
        )

    def get(self, number: int):
        return self._render(number, {}, {})

    def post(self, number: int):
        data = {k: request.form.get(k, "") for k in ("state", "resolution", "comment")}
        data = {k: v for k, v in data.items() if v != ""}
        refusal = forms.csrf_refusal()
        if refusal:
            return tk.abort(400, refusal)
        try:
            tk.get_action("utt1service_complaint_update")(forms.action_context(), dict(data, id=number))
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Complaint not found"))
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only the staff who handle this complaint can change it"))
        except tk.ValidationError as e:
            return self._render(number, data, e.error_dict)
        tk.h.flash_success(
            tk._("The state is now: {state}").format(
                state=vocabularies.COMPLAINT_STATES.label(data["state"])
            )
        )
        return tk.redirect_to("utt1service_complaint.read", number=number)


complaint.add_url_rule("/", view_func=ComplaintView.as_view("new"), strict_slashes=False)
complaint.add_url_rule("/thanks", view_func=thanks, endpoint="thanks")
complaint.add_url_rule("/register", view_func=register, endpoint="register")
# A number beyond the database's integers cannot exist: 404 at the route.
complaint.add_url_rule(
    f"/<int(max={INT_MAX}):number>", view_func=ComplaintReadView.as_view("read")
)
