# -*- coding: utf-8 -*-
"""Pages for requests that arrive by phone, LINE, e-mail or at the counter
(issue 7): the request form filled in by staff on the requester's behalf,
and the paper hand-over of an approved request."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, request

import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests import delivery
from ckanext.utt1service.access_requests.views import request as request_views
from ckanext.utt1service.access_requests.views.request import (
    RequestFormView,
    _context,
    _form_data,
    _package_or_404,
    _restricted,
    _user,
    post_from_request_page,
)
from ckanext.utt1service.common import authz, vocabularies

__all__ = ["utt1service_channel"]

utt1service_channel = Blueprint("utt1service_channel", __name__)


class OnBehalfFormView(RequestFormView):
    """The same form, filled in by staff for someone who phoned, wrote on
    LINE or by e-mail, or came to the counter."""

    def _variables(self, pkg: dict[str, Any], data: dict[str, Any], errors: Any) -> dict[str, Any]:
        return dict(
            super()._variables(pkg, data, errors),
            # The staff member's account fixes nothing: it is someone
            # else's request.
            locked={},
            on_behalf=True,
            intake_channels=vocabularies.INTAKE_METHODS.choices(),
            consent_methods=vocabularies.CONSENT_METHODS.choices(),
        )

    def _guard(self, pkg: dict[str, Any]) -> None:
        if not authz.is_staff(_user(), pkg["owner_org"]):
            tk.abort(403, tk._("Only the staff of the organization that owns the dataset can "
                               "record a request on the requester's behalf."))

    def get(self, id: str) -> Any:
        pkg = _package_or_404(id)
        self._guard(pkg)
        restricted = _restricted(pkg)
        if not restricted:
            return tk.abort(404, tk._("This dataset has no restricted files."))
        data = dict(self._initial_data(pkg, restricted),
                    intake_channel=request.args.get("channel", "phone"), consent_method="phone")
        return self._render(pkg, data)

    def post(self, id: str) -> Any:
        pkg = _package_or_404(id)
        self._guard(pkg)
        data = _form_data()
        data["package_id"] = pkg["id"]
        data["intake_channel"] = request.form.get("intake_channel", "")
        data["consent_method"] = request.form.get("consent_method", "")
        if not data.get("email"):
            data.pop("email", None)
        try:
            result = tk.get_action("utt1service_request_create_on_behalf")(
                _context(), dict(data))
        except tk.ValidationError as e:
            return self._render(pkg, data, e.error_dict)
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))
        tk.h.flash_success(
            tk._("Request %(ref)s was recorded on the requester's behalf (%(channel)s).")
            % {"ref": result["reference"], "channel": vocabularies.INTAKE_METHODS.label(result["intake_channel"])}
        )
        return tk.redirect_to("utt1service_request.read", id=result["id"])


def hand_over(id: str) -> Any:
    """The hand-over form on the request page posts here."""
    data = {
        "received_by": request.form.get("received_by", ""),
        "comment": request.form.get("comment", ""),
    }
    if request.form.get("handed_over_on"):
        data["handed_over_on"] = request.form["handed_over_on"]
    return post_from_request_page(
        id, "utt1service_request_hand_over", data,
        lambda _result: tk._("Recorded: the paper copy was handed over."),
        labels={"received_by": tk._("Received by"), "handed_over_on": tk._("Handed over on")},
    )


def send_by_email(id: str) -> Any:
    """The "send by e-mail" button on the request page posts here."""
    return post_from_request_page(
        id, "utt1service_request_send_by_email", {},
        lambda _result: tk._("The e-mail with the data is being sent; the request is marked "
                             "delivered once it went out."),
    )


def file(id: str, resource_id: str, expires: int, sig: str) -> Any:
    """The expiring personal link of a file too large to attach: only for
    the requester (an account's owner must be logged in)."""
    from flask import send_file

    try:
        link = tk.get_action("utt1service_request_file_show")(
            _context(), {"id": id, "resource_id": resource_id, "expires": expires, "sig": sig})
    except (tk.ObjectNotFound, tk.ValidationError):
        link = {"reason": "invalid"}
    reason = link["reason"]
    if reason == "login":
        return tk.redirect_to("user.login", came_from=request.full_path)
    if reason == "not_yours":
        return tk.abort(403, tk._("This link is personal: only the requester can use it."))
    if reason == "missing":
        return tk.abort(404, tk._("Resource not found"))
    found = delivery.resource_path(resource_id) if reason == "ok" else None
    if found is None:
        return tk.abort(403, tk._("This link is not valid (any more)."))
    response = send_file(found[0], as_attachment=True, download_name=link["name"])
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def _shown(id: str) -> dict[str, Any]:
    """The request as its page shows it; 404 or 403 (raised) otherwise."""
    try:
        return tk.get_action("utt1service_request_show")(
            _context(), {"id": id, "token": request_views._token_for(id)})
    except (tk.ObjectNotFound, tk.ValidationError):  # (an id that cannot exist)
        return tk.abort(404, tk._("Access request not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))


def print_form(id: str) -> Any:
    """The office's paper form filled in with the request, to print and sign
    (only for those who may see the request)."""
    r = _shown(id)
    response = make_response(tk.render("utt1service/request/print_form.html", {"r": r}))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def signed_form(id: str) -> Any:
    """GET: the scanned signed form (those who may see the request).
    POST: staff upload it."""
    import os

    from flask import send_file

    if request.method == "POST":
        return post_from_request_page(
            id, "utt1service_request_attach_signed_form", {"upload": request.files.get("upload")},
            lambda _result: tk._("The scanned signed form was attached to the request."),
            labels={"upload": tk._("Signed form")},
        )
    r = _shown(id)
    path = delivery.signed_form_path(r["id"])
    if not r.get("signed_form_name") or not os.path.exists(path):
        return tk.abort(404, tk._("No signed form was attached to this request."))
    response = send_file(path, as_attachment=True, download_name=r["signed_form_name"])
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


utt1service_channel.add_url_rule("/access-request/<id>/form", view_func=print_form)
utt1service_channel.add_url_rule(
    "/access-request/<id>/signed-form", view_func=signed_form, methods=["GET", "POST"]
)
utt1service_channel.add_url_rule(
    "/access-request/<id>/send-by-email", view_func=send_by_email, methods=["POST"]
)
utt1service_channel.add_url_rule(
    "/access-request/<id>/file/<resource_id>/<int:expires>/<sig>", view_func=file
)
utt1service_channel.add_url_rule(
    "/dataset/<id>/request-access/on-behalf", view_func=OnBehalfFormView.as_view("new")
)
utt1service_channel.add_url_rule(
    "/access-request/<id>/hand-over", view_func=hand_over, methods=["POST"]
)
