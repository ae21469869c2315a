# -*- coding: utf-8 -*-
"""The satisfaction survey pages: the form (after a download, for an access
request, or standalone), the thank-you page, dismissing the invitation and
the staff list of responses."""
from __future__ import annotations

import re
from typing import Any, Optional

import flask
from flask import Blueprint
from flask.views import MethodView

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import request

from ckanext.utt1service.common import forms, vocabularies
from ckanext.utt1service.common.ratelimit import RateLimited
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.survey import (
    SURVEY_ITEM_COLUMNS,
    SurveyResponse,
)

__all__ = ["survey"]

survey = Blueprint("utt1service_survey", __name__, url_prefix="/survey")

FIELDS = SURVEY_ITEM_COLUMNS + (
    "suggestion",
    "respondent_type",
    "mode",
    "download_event_id",
    "request_id",
    "request_token",
    "answered_on",
)


def _is_staff() -> bool:
    try:
        tk.check_access("utt1service_survey_response_enter", forms.action_context())
        return True
    except tk.NotAuthorized:
        return False


def _session_download(event_id: Optional[str] = None, resource_id: Optional[str] = None):
    """A download remembered in this browser session (the newest match)."""
    for item in reversed(downloads.recent_downloads()):
        if event_id and item.get("e") == event_id:
            return item
        if resource_id and not event_id and item.get("r") == resource_id:
            return item
    return None


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _already_rated(event_id: str) -> bool:
    """Has this download (event id) got its survey response already?"""
    if not _UUID.fullmatch(event_id):
        return False
    return (
        model.Session.query(SurveyResponse.id)
        .filter(SurveyResponse.download_event_id == event_id)
        .first()
        is not None
    )


def _labels() -> dict[str, str]:
    names = {
        item["name"]: f'{item["number"]} {item["label"]}'
        for group in vocabularies.survey_groups()
        for item in group["items"]
    }
    names.update(
        suggestion=tk._("Suggestions"),
        respondent_type=tk._("You are"),
        mode=tk._("How the survey was answered"),
        answered_on=tk._("Date answered"),
    )
    return names


def _about(data: dict[str, Any]) -> dict[str, Any]:
    """What the response is tied to, for the heading of the form."""
    about: dict[str, Any] = {}
    item = _session_download(event_id=data.get("download_event_id"))
    if item:
        resource = model.Resource.get(item["r"])
        if resource is not None:
            about["resource"] = resource
            about["package"] = resource.package
    if data.get("request_id"):
        about["request_id"] = data["request_id"]
    return about


def _render(data: dict[str, Any], errors: dict[str, Any], status: int = 200):
    extra_vars = {
        "data": data,
        "errors": errors,
        "error_summary": forms.error_summary(errors, _labels()),
        "groups": vocabularies.survey_groups(),
        "ratings": vocabularies.RATINGS.choices(),
        "respondent_types": vocabularies.RESPONDENT_TYPES.choices(),
        "modes": vocabularies.SURVEY_MODES.choices(),
        "is_staff": _is_staff(),
        "about": _about(data),
        "honeypot": forms.HONEYPOT,
    }
    return tk.render("utt1service/survey/form.html", extra_vars), status


class SurveyView(MethodView):
    def get(self):
        data: dict[str, Any] = {}
        if request.args.get("request_id"):
            if tk.h.utt1service_survey_answered(request_id=request.args["request_id"]):
                # the link of the e-mail opened after answering on the request page
                tk.h.flash_notice(tk._("This request has already been rated, thank you."))
                return tk.redirect_to("utt1service_survey.thanks")
            data["request_id"] = request.args["request_id"]
            data["request_token"] = request.args.get("token", "")
        elif request.args.get("resource_id"):
            item = _session_download(resource_id=request.args["resource_id"])
            if item:
                data["download_event_id"] = item["e"]
        return _render(data, {})

    def post(self):
        data, refused = forms.read_submission(FIELDS)
        if refused:
            return _render(data, refused, 400)
        staff = _is_staff()
        event_id = data.get("download_event_id")
        if (event_id and not staff and _session_download(event_id=event_id) is None
                and not _already_rated(event_id)):
            # not a download of this browser: the answer stands on its own.
            # A download that was already rated keeps its id, so that the
            # action refuses the second answer instead of storing it alone.
            data.pop("download_event_id")
        try:
            response = tk.get_action("utt1service_survey_response_create")(
                forms.action_context(), dict(data)
            )
        except RateLimited as e:
            return forms.rate_limited(_render(data, e.error_dict, 429), e.retry_after)
        except tk.ValidationError as e:
            return _render(data, e.error_dict)
        if event_id:
            downloads.forget_download(event_id)
        if response.get("resource_id") and response["mode"] == "online":
            # no invitation for this file again in this browser
            downloads.remember_surveyed(response["resource_id"])
        if staff and response["mode"] != "online":
            tk.h.flash_success(tk._("The survey response was saved."))
            return tk.redirect_to("utt1service_survey.new")
        args = {"dataset": response["package_id"]} if response.get("package_id") else {}
        return tk.redirect_to("utt1service_survey.thanks", **args)


def thanks():
    package = model.Package.get(request.args.get("dataset") or "") if request.args.get("dataset") else None
    if package is not None and package.state != "active":
        package = None
    return tk.render("utt1service/survey/thanks.html", {"package": package})


def invitation():
    """Whether to invite this browser to the survey about a file it has just
    downloaded (asked by the invitation sheet's script after a click on a
    download link): ``{"invite": false}`` once the file was rated."""
    resource_id = request.args.get("resource_id", "")
    if not _UUID.fullmatch(resource_id):
        return flask.jsonify({"error": tk._("Missing or invalid resource_id")}), 400
    answered = tk.h.utt1service_survey_answered(resource_id=resource_id)
    response = flask.jsonify({
        "invite": not answered,
        "url": tk.h.utt1service_survey_url(resource_id=resource_id),
    })
    response.headers["Cache-Control"] = "no-store"
    return response


def dismiss():
    """Hide the invitation: the download is forgotten by this session."""
    refusal = forms.csrf_refusal()
    if refusal:
        return tk.abort(400, refusal)
    event_id = request.form.get("event")
    if event_id:
        downloads.forget_download(event_id)
    return tk.redirect_to(forms.safe_next(request.form.get("next"), tk.url_for("home.index")))


def responses():
    """Staff: the latest responses, with a link to record a problem."""
    context = forms.action_context()
    try:
        tk.check_access("utt1service_survey_response_list", context)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only staff can read survey responses"))
    per_page = 50
    page, offset = forms.page_number(per_page)
    result = tk.get_action("utt1service_survey_response_list")(
        context, {"limit": per_page, "offset": offset}
    )
    packages = forms.by_id(model.Package, (r["package_id"] for r in result["results"]))
    return tk.render(
        "utt1service/survey/responses.html",
        {
            "result": result,
            "page": page,
            "per_page": per_page,
            "packages": packages,
            "groups": vocabularies.survey_groups(),
            "ratings": dict(vocabularies.RATINGS.choices()),
            "respondent_types": dict(vocabularies.RESPONDENT_TYPES.choices()),
            "modes": dict(vocabularies.SURVEY_MODES.choices()),
        },
    )


survey.add_url_rule("/", view_func=SurveyView.as_view("new"), strict_slashes=False)
survey.add_url_rule("/thanks", view_func=thanks, endpoint="thanks")
survey.add_url_rule("/invitation", view_func=invitation, endpoint="invitation")
survey.add_url_rule("/dismiss", view_func=dismiss, endpoint="dismiss", methods=["POST"])
survey.add_url_rule("/responses", view_func=responses, endpoint="responses")
