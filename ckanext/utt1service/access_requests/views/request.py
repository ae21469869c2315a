# -*- coding: utf-8 -*-
"""Pages of the access-request workflow, and the gate on CKAN's resource
download routes.

- ``utt1service_download``: ``/dataset/<id>/resource/<resource_id>/download``
  (and ``…/download/<filename>``) replaced by a gate that lets only allowed
  people through to CKAN core's own view.
- ``utt1service_request``: the request form, the request page, the private
  tracking link, the queues (admin area, organization page) and the
  requester's "My requests" on the dashboard.
"""
from __future__ import annotations

import datetime
import unicodedata
from typing import Any, Optional

from flask import Blueprint, g, make_response, request
from flask.views import MethodView

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib import signals
from ckan.lib.pagination import Page
from ckan.views import resource as core_resource

from ckanext.utt1service.access_requests import gate
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.logic.action import account_identity
from ckanext.utt1service.common import authz, forms, responses, vocabularies

__all__ = ["utt1service_download", "utt1service_request"]

utt1service_download = Blueprint("utt1service_download", __name__)
utt1service_request = Blueprint("utt1service_request", __name__)

FORM_FIELDS = [
    "first_name", "surname", "position", "agency", "agency_type", "affiliation",
    "data_wanted", "intended_use", "delivery_channel", "email", "phone",
]


def _context() -> dict[str, Any]:
    return {
        "user": current_user.name if current_user.is_authenticated else "",
        "auth_user_obj": current_user,
    }


def _user() -> Optional[model.User]:
    return gate.current_user_obj()


# The download gate

def download(id: str, resource_id: str, filename: Optional[str] = None,
             package_type: str = "dataset") -> Any:
    """CKAN's download route behind the access rule (the action
    ``utt1service_resource_access`` decides).

    Allowed downloads go to CKAN core's own view (which sends
    ``resource_download`` for uploads); for links, which core only redirects,
    the signal is sent here. ``g.utt1service_access_request_id`` names the
    approved request whose grant allowed the download. The requester's first
    whole download of an approved request delivers it (the action
    ``utt1service_request_deliver``, route ``download``).
    """
    if filename and any(unicodedata.category(c) == "Cc" for c in filename):
        # (the name goes into a header, where a line break is refused)
        return tk.abort(404, tk._("Resource not found"))
    info = gate.resource_info(resource_id)
    if info is not None:
        # for download counting (monitoring/downloads.py): no query for it
        g.utt1service_download_packages = {info.id: info.package_id}
    if info is not None and info.active and not info.restricted:
        # A file that is not restricted: the gate allows it to everyone
        # (gate.decide: "public"), and whether this user may see its dataset
        # at all is CKAN's own auth, which core's view checks (404/403 as for
        # any download). Asking the action as well would check the same
        # resource_show auth twice (two more queries on every download).
        return _public_download(package_type, id, resource_id, filename)
    try:
        access = tk.get_action("utt1service_resource_access")(_context(), {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        # not a file this user may see at all: CKAN's own answer (404 or 403)
        return core_resource.download(package_type, id, resource_id, filename)
    if access["restricted"]:
        # Never in a shared cache: the answer depends on who asks.
        request.environ["__no_cache__"] = True
    if not access["allowed"]:
        return _refuse(access, id, package_type)

    if access["request_id"]:
        g.utt1service_access_request_id = access["request_id"]
    response = core_resource.download(package_type, id, resource_id, filename)
    if response.status_code in (301, 302, 303, 307, 308):
        # A link: core redirects to it (once its own auth let this user see
        # the resource and the dataset) without the signal: send it here.
        signals.resource_download.send(resource_id)
    if access["restricted"]:
        response.cache_control.no_store = True
        response.cache_control.private = True
    if access["request_state"] == "approved" and responses.is_whole_download(response):
        _delivered_by_download(access["request_id"], resource_id)
    return response


def _public_download(package_type: str, id: str, resource_id: str, filename: Optional[str]) -> Any:
    response = core_resource.download(package_type, id, resource_id, filename)
    if response.status_code in (301, 302, 303, 307, 308):
        # a link: core redirects (once its auth let this user see the
        # resource) without the signal that counts it (see download())
        signals.resource_download.send(resource_id)
    return response


def _delivered_by_download(request_id: str, resource_id: str) -> None:
    """The requester's first whole download delivers the approved request.
    Should someone else have moved it a moment ago (another download, a
    revocation), that stays as it is: the file still goes out."""
    user = _user()
    context = {"user": user.name if user is not None else "", "auth_user_obj": user,
               "ignore_auth": True}
    try:
        tk.get_action("utt1service_request_deliver")(
            context, {"id": request_id, "via": "download", "resource_id": resource_id})
    except wf.Conflict:
        pass


def _refuse(access: dict[str, Any], id: str, package_type: str) -> Any:
    """A restricted file for someone not allowed: 403 with the way to ask
    for it (or CKAN's own answer when the dataset itself is not visible)."""
    resource_id = access["resource_id"]
    try:
        resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
        pkg = tk.get_action("package_show")(_context(), {"id": resource["package_id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return core_resource.download(package_type, id, resource_id)
    resource = next((r for r in pkg.get("resources", []) if r["id"] == resource_id), resource)
    body = tk.render(
        "utt1service/request/download_refused.html",
        {"pkg_dict": pkg, "resource": resource, "latest": access["latest"], "user": _user()},
    )
    return body, 403


utt1service_download.add_url_rule(
    "/dataset/<id>/resource/<resource_id>/download", view_func=download
)
utt1service_download.add_url_rule(
    "/dataset/<id>/resource/<resource_id>/download/<filename>", view_func=download
)


@utt1service_download.before_app_request
def _gate_other_dataset_types() -> Any:
    """Dataset types other than ``dataset`` get their own copy of CKAN's
    resource routes (``/<type>/<id>/resource/…/download``): gate those too."""
    endpoint = request.endpoint or ""
    if endpoint.endswith("_resource.download") or endpoint == "resource.download":
        args = dict(request.view_args or {})
        return download(
            args.get("id", ""),
            args.get("resource_id", ""),
            args.get("filename"),
            package_type=args.get("package_type", "dataset"),
        )
    return None


# The request form

def _package_or_404(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


def _restricted(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in pkg.get("resources", []) if gate.is_restricted(r)]


def _prefill_data_wanted(pkg: dict[str, Any], chosen: list[dict[str, Any]]) -> str:
    lines = [tk._("Dataset: %(title)s") % {"title": pkg.get("title") or pkg["name"]}]
    if chosen:
        lines.append(
            tk._("Files: %(names)s") % {"names": ", ".join(r.get("name") or r["id"] for r in chosen)}
        )
    return "\n".join(lines)


def _form_data() -> dict[str, Any]:
    form = request.form
    data = {k: form.get(k, "") for k in FORM_FIELDS}
    data["resource_ids"] = form.getlist("resource_ids")
    data["consent"] = form.get("consent") == "on"
    data["comment"] = form.get("comment", "")
    return data


def _error_summary(errors: dict[str, Any]) -> dict[str, str]:
    """Field label → message, in the order of the form."""
    labels = field_labels()
    order = list(labels)
    summary = {}
    for key, messages in sorted(errors.items(), key=lambda kv: order.index(kv[0])
                                if kv[0] in order else len(order)):
        if isinstance(messages, list) and messages:
            summary[labels.get(key, key)] = " ".join(str(m) for m in messages)
    return summary


def field_labels() -> dict[str, str]:
    return {
        "first_name": tk._("First name"),
        "surname": tk._("Surname"),
        "position": tk._("Position"),
        "agency": tk._("Agency"),
        "agency_type": tk._("Agency type"),
        "affiliation": tk._("Affiliation"),
        "resource_ids": tk._("Restricted files wanted"),
        "data_wanted": tk._("Data wanted"),
        "intended_use": tk._("Intended use"),
        "delivery_channel": tk._("How you want to receive the data"),
        "email": tk._("E-mail"),
        "phone": tk._("Phone"),
        "consent": tk._("Consent to the processing of personal data"),
        "intake_channel": tk._("The request came through"),
        "consent_method": tk._("How the requester gave consent"),
        "comment": tk._("Comment"),
        "state": tk._("State"),
    }


class RequestFormView(MethodView):
    """แบบคำขอข้อมูลสารสนเทศ: the office's request form for one dataset."""

    def _variables(self, pkg: dict[str, Any], data: dict[str, Any],
                   errors: Optional[dict[str, Any]]) -> dict[str, Any]:
        return {
            "pkg_dict": pkg,
            "restricted": _restricted(pkg),
            "data": data,
            "errors": errors or {},
            "error_summary": _error_summary(errors or {}),
            "locked": account_identity(_user()),
            "today": datetime.datetime.now(datetime.timezone.utc),
            "retention_days": wf.retention_days(),
            "grant_days": wf.grant_days(),
            "request_dict": None,
        }

    def _render(self, pkg: dict[str, Any], data: dict[str, Any],
                errors: Optional[dict[str, Any]] = None) -> str:
        return tk.render("utt1service/request/form.html", self._variables(pkg, data, errors))

    def get(self, id: str) -> Any:
        pkg = _package_or_404(id)
        restricted = _restricted(pkg)
        if not restricted:
            return tk.abort(404, tk._("This dataset has no restricted files."))
        if _user() is None and not tk.config.get("ckanext.utt1service.anonymous_requests"):
            return tk.redirect_to("user.login", came_from=request.full_path)
        data = self._initial_data(pkg, restricted)
        data.update(account_identity(_user()))
        return self._render(pkg, data)

    def _initial_data(self, pkg: dict[str, Any], restricted: list[dict[str, Any]]) -> dict[str, Any]:
        """A new form: the files asked for in the address (or the only one),
        the data wanted pre-filled from them, delivery by download."""
        wanted = request.args.getlist("resource_id")
        chosen = [r for r in restricted if r["id"] in wanted] or (
            restricted if len(restricted) == 1 else []
        )
        return {
            "resource_ids": [r["id"] for r in chosen],
            "data_wanted": _prefill_data_wanted(pkg, chosen),
            "delivery_channel": "download",
        }

    def post(self, id: str) -> Any:
        pkg = _package_or_404(id)
        data = _form_data()
        data["package_id"] = pkg["id"]
        try:
            result = tk.get_action("utt1service_request_create")(_context(), dict(data))
        except tk.ValidationError as e:
            return self._render(pkg, data, e.error_dict)
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))
        if result["user_id"]:
            tk.h.flash_success(
                tk._("Your request %(ref)s was sent. The staff will check it; you will "
                     "get an e-mail at every decision.") % {"ref": result["reference"]}
            )
            return tk.redirect_to("utt1service_request.read", id=result["id"])
        tk.h.flash_success(
            tk._("Almost done: we sent a link to %(email)s. Open it to confirm your "
                 "e-mail address; only then does your request reach the staff. Keep "
                 "that e-mail: its link is the only way to follow your request.")
            % {"email": result["email"]}
        )
        return tk.redirect_to("dataset.read", id=pkg["name"])


utt1service_request.add_url_rule(
    "/dataset/<id>/request-access", view_func=RequestFormView.as_view("new")
)


# One request

def _token_for(request_id: str) -> Optional[str]:
    return gate.tracked_requests().get(request_id)


def _show(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("utt1service_request_show")(
            _context(), {"id": id, "token": _token_for(id)}
        )
    except (tk.ObjectNotFound, tk.ValidationError):  # (an id that cannot exist)
        return tk.abort(404, tk._("Access request not found"))
    except tk.NotAuthorized:
        if _user() is None:
            return tk.redirect_to("user.login", came_from=request.full_path)
        return tk.abort(403, tk._("Only the requester, the staff of the organization that "
                                  "owns the dataset and sysadmins can see this request."))


def _no_store(response: Any) -> Any:
    """Pages with personal data: never cached, never referred."""
    request.environ["__no_cache__"] = True
    if not hasattr(response, "headers"):
        response = make_response(response)
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def read(id: str) -> Any:
    request_dict = _show(id)
    if not isinstance(request_dict, dict):
        return request_dict
    return _no_store(
        tk.render("utt1service/request/read.html", {"request_dict": request_dict,
                                                    "retention_days": wf.retention_days()})
    )


def post_from_request_page(id: str, action: str, data: dict[str, Any],
                           success: Any, labels: Optional[dict[str, str]] = None) -> Any:
    """A button or small form of the request page: call the action, then back
    to the request page with what happened (``success(result)`` says it),
    the refusal as a message per field, 404 or 403."""
    try:
        result = tk.get_action(action)(_context(), dict(data, id=id))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    except tk.ValidationError as e:
        labels = dict(field_labels(), **(labels or {}))
        for key, messages in e.error_dict.items():
            text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
            tk.h.flash_error(f"{labels.get(key, key)}: {text}" if key != "state" else text)
        return tk.redirect_to("utt1service_request.read", id=id)
    tk.h.flash_success(success(result))
    return tk.redirect_to("utt1service_request.read", id=id)


def act(id: str, action: str) -> Any:
    """Every button of the request page posts here."""
    transition = wf.TRANSITIONS.get(action)
    if transition is None or not transition.button:
        return tk.abort(404)
    data = {"comment": request.form.get("comment", ""), "token": _token_for(id)}
    if action == "approve":
        data["conditions"] = request.form.get("conditions", "")
        data["require_acceptance"] = request.form.get("require_acceptance") == "true"
    return post_from_request_page(
        id, f"utt1service_request_{action}", data,
        lambda result: tk._("Done: the request is now “%(state)s”.")
        % {"state": vocabularies.REQUEST_STATES.label(result["state"])},
    )


class ResubmitView(MethodView):
    """The requester answers a returned request (the same form)."""

    def _load(self, id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        request_dict = _show(id)
        if not isinstance(request_dict, dict):
            raise _Early(request_dict)
        if "resubmit" not in request_dict["allowed_actions"]:
            tk.h.flash_error(tk._("This request cannot be changed now."))
            raise _Early(tk.redirect_to("utt1service_request.read", id=id))
        pkg = _package_or_404(request_dict["package_id"])
        return request_dict, pkg

    def _render(self, request_dict: dict[str, Any], pkg: dict[str, Any],
                data: dict[str, Any], errors: Optional[dict[str, Any]] = None) -> Any:
        locked = account_identity(_user())
        locked["email"] = request_dict["email"]
        return _no_store(
            tk.render(
                "utt1service/request/form.html",
                {
                    "pkg_dict": pkg,
                    "restricted": [
                        {"id": r["resource_id"], "name": r["name"], "format": r["format"]}
                        for r in request_dict["resources"]
                    ],
                    "data": data,
                    "errors": errors or {},
                    "error_summary": _error_summary(errors or {}),
                    "locked": locked,
                    "today": datetime.datetime.now(datetime.timezone.utc),
                    "retention_days": wf.retention_days(),
                    "grant_days": wf.grant_days(),
                    "request_dict": request_dict,
                },
            )
        )

    def get(self, id: str) -> Any:
        try:
            request_dict, pkg = self._load(id)
        except _Early as early:
            return early.response
        data = {k: request_dict.get(k) or "" for k in FORM_FIELDS}
        data["resource_ids"] = [r["resource_id"] for r in request_dict["resources"]]
        return self._render(request_dict, pkg, data)

    def post(self, id: str) -> Any:
        try:
            request_dict, pkg = self._load(id)
        except _Early as early:
            return early.response
        data = _form_data()
        data["resource_ids"] = [r["resource_id"] for r in request_dict["resources"]]
        payload = {k: data[k] for k in FORM_FIELDS}
        payload.update({"id": id, "comment": data["comment"], "token": _token_for(id)})
        try:
            tk.get_action("utt1service_request_resubmit")(_context(), payload)
        except tk.ValidationError as e:
            if "state" in e.error_dict:
                tk.h.flash_error(" ".join(e.error_dict["state"]))
                return tk.redirect_to("utt1service_request.read", id=id)
            return self._render(request_dict, pkg, data, e.error_dict)
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))
        tk.h.flash_success(tk._("Your request was sent again to the staff."))
        return tk.redirect_to("utt1service_request.read", id=id)


class _Early(Exception):
    def __init__(self, response: Any) -> None:
        self.response = response


def track(id: str, token: str) -> Any:
    """The private tracking link of an anonymous requester: remembered by
    this browser (signed session), then the request page without the token
    in the address bar. The link alone must show the request (asked as no
    one in particular, whoever is logged in)."""
    nobody = {"user": "", "auth_user_obj": None}
    try:
        tk.get_action("utt1service_request_show")(nobody, {"id": id, "token": token})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("Access request not found"))
    gate.remember_tracking(id, token)
    return _no_store(tk.redirect_to("utt1service_request.read", id=id))


utt1service_request.add_url_rule("/access-request/<id>", view_func=read)
utt1service_request.add_url_rule(
    "/access-request/<id>/edit", view_func=ResubmitView.as_view("edit")
)
utt1service_request.add_url_rule("/access-request/<id>/track/<token>", view_func=track)
utt1service_request.add_url_rule(
    "/access-request/<id>/do/<action>", view_func=act, methods=["POST"]
)


# Queues

#: the queue's filter that shows every request ("All"); without a filter the
#: queue opens on what waits for the viewer (helpers.waiting_states)
ALL_STATES = "all"


def _queue(template: str, extra: dict[str, Any], owner_org: Optional[str]) -> Any:
    state = request.args.get("state")
    if state is None:
        # a search or a dataset's requests look at all of them
        searching = request.args.get("q") or request.args.get("package_id")
        state = ALL_STATES if searching else wf.waiting_states(_user(), owner_org)[0]
    params = {
        "state": None if state in (ALL_STATES, "") else state,
        "q": request.args.get("q") or None,
        "package_id": request.args.get("package_id") or None,
        "owner_org": owner_org,
    }
    limit = 20
    page, offset = forms.page_number(limit)
    query = {k: v for k, v in params.items() if v}
    try:
        result = tk.get_action("utt1service_request_list")(
            _context(), dict(query, limit=limit, offset=offset)
        )
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the staff and director of the organization can see "
                                  "its access requests."))
    except tk.ValidationError:
        return tk.abort(400, tk._("Invalid search"))
    link_args = dict(request.view_args or {})
    link_args.update({k: v for k, v in params.items() if v and k != "owner_org"})
    link_args.setdefault("state", ALL_STATES)
    pager = Page(
        collection=result["results"],
        page=page,
        url=lambda page=1, **_: tk.h.url_for(request.endpoint, page=page, **link_args),
        item_count=result["count"],
        items_per_page=limit,
        presliced_list=True,
    )
    user = _user()
    variables = {
        "result": result,
        "params": params,
        "pager": pager,
        "mail": result["mail"],
        "states": list(vocabularies.REQUEST_STATES.codes()),
        # the director's bulk decision on the checked requests
        "bulk": params["state"] == "checked" and bool(result["results"]) and (
            authz.may_decide(user, owner_org) if owner_org
            else bool(authz.decided_organization_ids(user))),
    }
    variables.update(extra)
    return _no_store(tk.render(template, variables))


def admin_queue() -> Any:
    if not authz.is_sysadmin(_user()):
        return tk.abort(403, tk._("Need to be system administrator to administer"))
    return _queue("utt1service/request/admin_queue.html", {}, None)


def organization_queue(id: str) -> Any:
    # (CKAN's helper, which the catalogue chains so that the queue opens
    # while the search server is down)
    group_dict = tk.h.get_organization(id)
    if not group_dict:
        return tk.abort(404, tk._("Organization not found"))
    extra = {"group_dict": group_dict, "group_type": group_dict.get("type", "organization")}
    g.group_dict = group_dict
    if authz.is_director(_user(), group_dict["id"]):
        # (the director names acting approvers here)
        try:
            extra["acting"] = tk.get_action("utt1service_acting_approver_list")(
                _context(), {"owner_org": group_dict["id"]})["results"]
        except (tk.NotAuthorized, tk.ObjectNotFound):
            extra["acting"] = None
        people = authz.staff_users(group_dict["id"]) + authz.director_users(group_dict["id"])
        extra["acting_candidates"] = [
            {"name": u.name, "display_name": u.display_name}
            for i, u in enumerate(people)
            if u not in people[:i] and u.id != getattr(_user(), "id", None)
        ]
    return _queue("utt1service/request/organization_queue.html", extra, group_dict["id"])


def my_requests() -> Any:
    if _user() is None:
        return tk.redirect_to("user.login", came_from=request.full_path)
    limit = 20
    page, offset = forms.page_number(limit)
    result = tk.get_action("utt1service_request_list")(
        _context(),
        {"mine": True, "order": "newest", "limit": limit, "offset": offset},
    )
    return _no_store(
        tk.render(
            "utt1service/request/mine.html",
            {"result": result, "user_dict": None},
        )
    )


utt1service_request.add_url_rule("/ckan-admin/access-requests", view_func=admin_queue)
utt1service_request.add_url_rule(
    "/organization/access-requests/<id>", view_func=organization_queue
)
utt1service_request.add_url_rule("/dashboard/access-requests", view_func=my_requests)



def _back_to_queue(id: str) -> Any:
    return tk.redirect_to("utt1service_request.organization_queue", id=id)


def _flash_errors(error: tk.ValidationError, labels: dict[str, str]) -> None:
    for key, messages in error.error_dict.items():
        text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        tk.h.flash_error(f"{labels.get(key, key)}: {text}")


def acting_create(id: str) -> Any:
    """The director's form on the queue page: name an acting approver."""
    form = request.form
    data = {"owner_org": id, "user": form.get("user", ""), "starts_on": form.get("starts_on", ""),
            "ends_on": form.get("ends_on", ""), "comment": form.get("comment", "")}
    try:
        result = tk.get_action("utt1service_acting_approver_create")(_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    except tk.ValidationError as e:
        _flash_errors(e, {"user": tk._("Acting approver"), "starts_on": tk._("From"),
                          "ends_on": tk._("To"), "for_user": tk._("Acting for")})
        return _back_to_queue(id)
    tk.h.flash_success(
        tk._("%(name)s acts as approver from %(start)s to %(end)s.") % {
            "name": result["user_display_name"],
            "start": tk.h.utt1service_date(result["starts_on"], long=True),
            "end": tk.h.utt1service_date(result["ends_on"], long=True)})
    return _back_to_queue(id)


def acting_end(id: str, appointment_id: str) -> Any:
    try:
        tk.get_action("utt1service_acting_approver_end")(
            _context(), {"id": appointment_id, "comment": request.form.get("comment", "")})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Acting appointment not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    tk.h.flash_success(tk._("The acting appointment has ended."))
    return _back_to_queue(id)


utt1service_request.add_url_rule(
    "/organization/access-requests/<id>/acting", view_func=acting_create, methods=["POST"])
utt1service_request.add_url_rule(
    "/organization/access-requests/<id>/acting/<appointment_id>/end", view_func=acting_end,
    methods=["POST"])


def accept_conditions(id: str) -> Any:
    """The requester's "I accept the conditions of use" on the request page."""
    if request.form.get("accept") != "true":
        tk.h.flash_error(tk._("Tick the box to accept the conditions of use."))
        return tk.redirect_to("utt1service_request.read", id=id)
    return post_from_request_page(
        id, "utt1service_request_accept_conditions", {"token": _token_for(id)},
        lambda _result: tk._("Thank you: you accepted the conditions of use and may now "
                             "download the files."),
    )


utt1service_request.add_url_rule(
    "/access-request/<id>/accept-conditions", view_func=accept_conditions, methods=["POST"])


def bulk_decide() -> Any:
    """The bulk form of the queue (checked requests): approve or reject the
    ticked ones; what changed meanwhile is skipped and reported."""
    owner_org = request.form.get("owner_org") or None
    back = (tk.h.url_for("utt1service_request.organization_queue", id=owner_org, state="checked")
            if owner_org else tk.h.url_for("utt1service_request.admin_queue", state="checked"))
    data = {
        "ids": request.form.getlist("ids"),
        "decision": request.form.get("decision", ""),
        "comment": request.form.get("comment", ""),
        "conditions": request.form.get("conditions", ""),
        "require_acceptance": request.form.get("require_acceptance") == "true",
    }
    try:
        result = tk.get_action("utt1service_request_bulk_decide")(_context(), data)
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    except tk.ValidationError as e:
        _flash_errors(e, {"ids": tk._("Requests"), "decision": tk._("Decision"),
                          "comment": tk._("Comment")})
        return tk.redirect_to(back)
    done = ", ".join(d["reference"] for d in result["decided"])
    if result["decided"]:
        message = (tk._("Approved: %(refs)s") if result["decision"] == "approve"
                   else tk._("Rejected: %(refs)s")) % {"refs": done}
        tk.h.flash_success(message)
    for item in result["skipped"]:
        tk.h.flash_error(tk._("Skipped %(ref)s: %(reason)s") % {
            "ref": item["reference"] or item["id"], "reason": item["reason"]})
    return tk.redirect_to(back)


utt1service_request.add_url_rule(
    "/access-request/bulk-decision", view_func=bulk_decide, methods=["POST"])


def renew(id: str) -> Any:
    """The requester's renewal form on the request page."""
    form = request.form
    data = {"token": _token_for(id), "comment": form.get("comment", ""),
            "data_wanted": form.get("data_wanted", ""),
            "intended_use": form.get("intended_use", ""),
            # the PDPA consent, asked again for the renewal
            "consent": form.get("consent", "")}
    try:
        result = tk.get_action("utt1service_request_renew")(_context(), dict(data, id=id))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    except tk.ValidationError as e:
        _flash_errors(e, dict(field_labels(), comment=tk._("Why you still need the data")))
        return tk.redirect_to("utt1service_request.read", id=id)
    if result.get("user_id"):
        tk.h.flash_success(tk._("Your renewal %(ref)s was sent to the staff.")
                           % {"ref": result["reference"]})
        return tk.redirect_to("utt1service_request.read", id=result["id"])
    tk.h.flash_success(tk._("Your renewal %(ref)s was sent to the staff; follow it through the "
                            "link in the e-mail we sent you.") % {"ref": result["reference"]})
    return tk.redirect_to("utt1service_request.read", id=id)


def change_grant(id: str) -> Any:
    """The staff's "change the end of access" form on the request page."""
    return post_from_request_page(
        id, "utt1service_request_change_grant",
        {"expires_on": request.form.get("expires_on", ""),
         "comment": request.form.get("comment", "")},
        lambda result: tk._("The end of access was changed."),
        labels={"expires_on": tk._("Last day of access")},
    )


utt1service_request.add_url_rule("/access-request/<id>/renew", view_func=renew, methods=["POST"])
utt1service_request.add_url_rule(
    "/access-request/<id>/change-grant", view_func=change_grant, methods=["POST"])
