# -*- coding: utf-8 -*-
"""Actions of download counting, the satisfaction survey and the problems and
complaints register."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import re
from typing import Any, Optional

import flask
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.utt1service.common import authz, event_buffer, ratelimit, thaidate
from ckanext.utt1service.common.input_guard import declares, same_secret
from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.common.validators import utt1service_complaint_ref
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.logic import schema as schemas
from ckanext.utt1service.monitoring.model.complaint import (
    COMPLAINT_TRANSITIONS,
    Complaint,
)
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import (
    SURVEY_ITEM_COLUMNS,
    SurveyResponse,
)

log = logging.getLogger(__name__)

__all__ = [
    "utt1service_download_event_create",
    "utt1service_download_count",
    "utt1service_most_downloaded",
    "utt1service_survey_response_create",
    "utt1service_survey_response_list",
    "utt1service_complaint_create",
    "utt1service_complaint_list",
    "utt1service_complaint_show",
    "utt1service_complaint_update",
]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _validate(data_dict: DataDict, schema, context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _allowed(auth: str, context: Context, data_dict: Optional[DataDict] = None) -> bool:
    try:
        tk.check_access(auth, dict(context), data_dict or {})
        return True
    except tk.NotAuthorized:
        return False


def _user_id(context: Context) -> Optional[str]:
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    return user.id if user is not None else None


def _public_submission(data_dict: DataDict) -> None:
    """What the forms refuse before reading a submission, refused through
    the API as well: the honeypot field filled in, and an anonymous API call
    that is not JSON (a cross-site form). See ``ratelimit.py``."""
    ratelimit.check_honeypot(data_dict)
    ratelimit.check_api_submission()


def _rate_limit(form: str, option: str, context: Context, staff: bool) -> None:
    """Public submissions, through a form or the API, count against the
    visitor's limit (HTTP 429 either way); staff and calls outside a web
    request (CLI, jobs) do not."""
    if staff or context.get("ignore_auth") or not flask.has_request_context():
        return
    ratelimit.hit(form, tk.config.get(option), downloads.visitor_key())


# --- download events --------------------------------------------------------------


@declares(schemas.download_event_create_schema)
def utt1service_download_event_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Record a file that staff delivered outside the web site (by e-mail or
    on paper). A delivery counts once: for an access request, once per
    resource and channel, however often it is recorded; without a request,
    a repeat by the same staff member within
    ``ckanext.utt1service.download_dedup_seconds`` (a double click, a
    retried call). A repeat is still stored, with ``counted`` false.

    :param resource_id: the resource delivered
    :type resource_id: string
    :param channel: ``email`` or ``paper``
    :type channel: string
    :param request_id: the access request it answers (optional)
    :type request_id: string
    :returns: the download event; ``counted`` is false for a repeat, and
        ``counted_id`` is the id of the delivery that counts
    :rtype: dictionary
    """
    tk.check_access("utt1service_download_event_create", context, data_dict)
    data = _validate(data_dict, schemas.download_event_create_schema(), context)
    resource = model.Resource.get(data["resource_id"])
    if resource is None or resource.state != "active":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    recorded = downloads.record_delivery(
        resource.id, data["channel"], _user_id(context), data.get("request_id")
    )
    event = model.Session.get(DownloadEvent, recorded["id"]) if recorded else None
    if event is None:  # the resource was deleted meanwhile
        raise tk.ObjectNotFound(tk._("Resource not found"))
    return dict(event.as_dict(), counted_id=recorded["counted_id"])


@tk.side_effect_free
@declares(schemas.download_count_schema)
def utt1service_download_count(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """How many times a resource, or all resources of a dataset, were
    downloaded (each visitor once per dedup window; bots left out).

    :param resource_id: a resource id (or give package_id)
    :type resource_id: string
    :param package_id: a dataset id or name
    :type package_id: string
    :returns: ``{"count": n}``
    :rtype: dictionary
    """
    data = _validate(data_dict, schemas.download_count_schema(), context)
    if not data.get("resource_id") and not data.get("package_id"):
        raise tk.ValidationError({"resource_id": [tk._("Give a resource_id or a package_id")]})
    tk.check_access("utt1service_download_count", context, data)
    if data.get("resource_id"):
        return {"count": downloads.download_count(resource_id=data["resource_id"])}
    package = model.Package.get(data["package_id"])
    if package is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return {"count": downloads.download_count(package_id=package.id)}


@tk.side_effect_free
@declares(schemas.most_downloaded_schema)
def utt1service_most_downloaded(context: Context, data_dict: DataDict) -> ActionResult.AnyList:
    """The datasets downloaded most (counted downloads, bots left out, over
    all time), most first, among those the caller may see.

    :param limit: how many datasets at most (1–100, default 5)
    :type limit: int
    :returns: ``[{"package_id": …, "downloads": n}, …]``; empty while
        nothing was downloaded
    :rtype: list
    """
    data = _validate(data_dict, schemas.most_downloaded_schema(), context)
    tk.check_access("utt1service_most_downloaded", context, data)
    found = []
    # Ask for more than wanted: some datasets may be private or deleted.
    for package_id, count in downloads.most_downloaded(data["limit"] * 3):
        try:
            tk.check_access("package_show", dict(context), {"id": package_id})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            continue
        package = model.Package.get(package_id)
        if package is None or package.state != "active":
            continue
        found.append({"package_id": package_id, "downloads": count})
        if len(found) == data["limit"]:
            break
    return found


# --- satisfaction survey ---------------------------------------------------------------


def request_survey_token(request_id: str) -> str:
    """The token that proves a survey link for an access request came from
    this site (the link in the delivery e-mail and on the request page)."""
    secret = str(tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret") or "")
    return hmac.new(
        secret.encode("utf-8"), ("utt1service-survey:" + request_id).encode("utf-8"), hashlib.sha256
    ).hexdigest()[:32]


def _already_answered(data: dict[str, Any]) -> Optional[dict[str, list[str]]]:
    if data.get("download_event_id"):
        exists = (
            model.Session.query(SurveyResponse.id)
            .filter(SurveyResponse.download_event_id == data["download_event_id"])
            .first()
        )
        if exists:
            return {"download_event_id": [tk._("This download has already been rated, thank you.")]}
    if data.get("request_id"):
        exists = (
            model.Session.query(SurveyResponse.id)
            .filter(SurveyResponse.request_id == data["request_id"])
            .first()
        )
        if exists:
            return {"request_id": [tk._("This request has already been rated, thank you.")]}
    return None


@declares(schemas.survey_response_create_schema)
def utt1service_survey_response_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Answer the satisfaction survey (แบบประเมินความพึงพอใจในการขอรับบริการข้อมูล).

    Each item takes 3 (ดีมาก, very good), 2 (พอใช้, fair) or 1 (ควรปรับปรุง,
    needs improvement). A download or an access request accepts one response.

    Public callers get the protection of the form: a filled-in honeypot
    field ``website`` is refused (HTTP 400), an anonymous call must be sent
    as JSON (400), and the per-visitor rate limit answers HTTP 429 with
    ``Retry-After``.

    :param staff_courtesy: 1.1 staff are courteous
    :type staff_courtesy: int
    :param staff_reception: 1.2 how staff receive you
    :type staff_reception: int
    :param search_speed: 2.1 speed of finding the data
    :type search_speed: int
    :param data_match: 2.2 the data matches your need
    :type data_match: int
    :param data_quality: 2.3 the data is current, complete and correct
    :type data_quality: int
    :param suggestion: ข้อเสนอแนะ, suggestions (optional)
    :type suggestion: string
    :param respondent_type: school, office_staff, government, private, public
        or student (optional)
    :type respondent_type: string
    :param download_event_id: the download answered about (optional)
    :type download_event_id: string
    :param request_id: the access request answered about (optional; needs
        ``request_token`` from the survey link unless staff enter it)
    :type request_id: string
    :param request_token: the token of the survey link of a request
    :type request_token: string
    :param mode: ``online`` (default), or ``paper`` / ``phone`` when staff
        enter a response on the respondent's behalf
    :type mode: string
    :param answered_on: the day a paper or telephone survey was answered
        (YYYY-MM-DD, staff only; it counts in that day's fiscal year)
    :type answered_on: string
    :returns: the response
    :rtype: dictionary
    """
    tk.check_access("utt1service_survey_response_create", context, data_dict)
    _public_submission(data_dict)
    data = _validate(data_dict, schemas.survey_response_create_schema(), context)
    staff = _allowed("utt1service_survey_response_enter", context)

    errors: dict[str, list[str]] = {}
    if data["mode"] != "online" and not staff:
        errors["mode"] = [tk._("Only staff can enter paper or telephone surveys")]
    if data.get("answered_on") and (data["mode"] == "online" or not staff):
        errors["answered_on"] = [tk._("Only paper or telephone surveys entered by staff take a date")]
    event = None
    if data.get("download_event_id"):
        event = DownloadEvent.get(data["download_event_id"])
        if event is None and DownloadEvent.is_id(data["download_event_id"]):
            # a download of a moment ago may still be in the buffer
            event_buffer.flush_for_reading()
            event = DownloadEvent.get(data["download_event_id"])
        if event is None:
            errors["download_event_id"] = [tk._("This download was not found")]
    if data.get("request_id") and not staff:
        expected = request_survey_token(data["request_id"])
        if not same_secret(expected, data.get("request_token")):
            errors["request_id"] = [
                tk._(
                    "This survey link is not valid. Please open the link from your "
                    "e-mail or from your request page."
                )
            ]
    if errors:
        raise tk.ValidationError(errors)
    answered = _already_answered(data)
    if answered:
        raise tk.ValidationError(answered)
    _rate_limit("survey", "ckanext.utt1service.survey_rate_limit", context, staff)

    response = SurveyResponse(
        download_event_id=data.get("download_event_id"),
        request_id=data.get("request_id"),
        suggestion=data.get("suggestion"),
        respondent_type=data.get("respondent_type"),
        mode=data["mode"],
        entered_by=_user_id(context) if data["mode"] != "online" else None,
        **{name: data[name] for name in SURVEY_ITEM_COLUMNS},
    )
    if data.get("answered_on"):
        # noon in Bangkok: safely inside that day, whatever the time zone
        response.created = datetime.datetime.combine(
            data["answered_on"], datetime.time(12, 0), tzinfo=thaidate.BANGKOK
        )
    if event is not None:
        response.resource_id = event.resource_id
        response.package_id = event.package_id
        response.owner_org = event.owner_org
    model.Session.add(response)
    try:
        model.Session.commit()
    except IntegrityError:
        # another response for the same download or request won the race
        model.Session.rollback()
        raise tk.ValidationError(_already_answered(data) or {"id": [tk._("Already answered")]})
    return response.as_dict()


@declares(schemas.survey_response_list_schema)
def utt1service_survey_response_list(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """The latest survey responses, newest first (staff only).

    :param package_id: only responses about this dataset (optional)
    :type package_id: string
    :param limit: at most this many (default 50, at most 1000)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``{"count": total, "results": [response, …]}``
    :rtype: dictionary
    """
    tk.check_access("utt1service_survey_response_list", context, data_dict)
    data = _validate(data_dict, schemas.survey_response_list_schema(), context)
    query = model.Session.query(SurveyResponse)
    if data.get("package_id"):
        query = query.filter(SurveyResponse.package_id == data["package_id"])
    count = query.count()
    rows = (
        query.order_by(SurveyResponse.created.desc(), SurveyResponse.id)
        .offset(data["offset"])
        .limit(min(data["limit"], 1000))
        .all()
    )
    return {"count": count, "results": [r.as_dict() for r in rows]}


# --- problems and complaints -------------------------------------------------------------

_DATASET_IN_URL = re.compile(r"/dataset/([^/?#]+)")


def _find_dataset(context: Context, ref: str) -> Optional[dict[str, Any]]:
    """A dataset the caller may see, by id, name or page URL."""
    match = _DATASET_IN_URL.search(ref)
    if match:
        ref = match.group(1)
    try:
        return tk.get_action("package_show")(
            {"user": context.get("user"), "ignore_auth": False}, {"id": ref.strip()}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def _get_complaint(ref: Any) -> Complaint:
    try:
        ref = utt1service_complaint_ref(ref)
    except tk.Invalid:
        ref = None
    query = model.Session.query(Complaint)
    complaint = None
    if isinstance(ref, int):
        complaint = query.filter(Complaint.number == ref).first()
    elif ref:
        complaint = query.filter(Complaint.id == ref).first()
    if complaint is None:
        raise tk.ObjectNotFound(tk._("Complaint not found"))
    return complaint


@declares(schemas.complaint_create_schema)
def utt1service_complaint_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """File a complaint (anyone), or record a problem of a service event
    (staff). The person gets an acknowledgement by e-mail when they left an
    address. Public callers get the protection of the form, as for
    ``utt1service_survey_response_create`` (honeypot, JSON, HTTP 429).

    :param category: data_wrong, cannot_find, slow_service, staff_conduct,
        system_error or other
    :type category: string
    :param description: what happened
    :type description: string
    :param package: the dataset concerned: id, name or page URL (optional)
    :type package: string
    :param request_id: the access request concerned (optional)
    :type request_id: string
    :param contact_name: name (optional)
    :type contact_name: string
    :param contact_email: e-mail address (optional)
    :type contact_email: string
    :param contact_phone: telephone number (optional)
    :type contact_phone: string
    :param consent: consent to the use of the contact details for answering
        this complaint (PDPA); required when any contact is given
    :type consent: bool
    :param kind: ``complaint`` (default) or ``problem`` (staff only)
    :type kind: string
    :param channel: web (default), phone, email, walk_in or paper (other
        than web: staff only)
    :type channel: string
    :param survey_response_id: the survey response concerned (staff only)
    :type survey_response_id: string
    :returns: the complaint, with its number
    :rtype: dictionary
    """
    tk.check_access("utt1service_complaint_create", context, data_dict)
    _public_submission(data_dict)
    data = _validate(data_dict, schemas.complaint_create_schema(), context)
    staff = _allowed("utt1service_complaint_record", context)

    errors: dict[str, list[str]] = {}
    if not staff:
        if data["kind"] != "complaint":
            errors["kind"] = [tk._("Only staff can record problems of a service event")]
        if data["channel"] != "web":
            errors["channel"] = [tk._("Only staff can record complaints received another way")]
        if data.get("survey_response_id"):
            errors["survey_response_id"] = [tk._("Only staff can link a survey response")]
    has_contact = any(data.get(k) for k in ("contact_name", "contact_email", "contact_phone"))
    if has_contact and not data["consent"]:
        errors["consent"] = [
            tk._(
                "Please agree to the use of your contact details to answer this complaint, "
                "or leave them empty"
            )
        ]
    package = None
    if data.get("package"):
        package = _find_dataset(context, data["package"])
        if package is None:
            errors["package"] = [tk._("No dataset with this name or address was found")]
    if data.get("survey_response_id") and "survey_response_id" not in errors:
        if model.Session.get(SurveyResponse, data["survey_response_id"]) is None:
            errors["survey_response_id"] = [tk._("This survey response was not found")]
    if errors:
        raise tk.ValidationError(errors)
    _rate_limit("complaint", "ckanext.utt1service.complaint_rate_limit", context, staff)

    lang = None
    if flask.has_request_context():
        from ckan.lib.i18n import get_lang

        lang = get_lang()
    complaint = Complaint(
        kind=data["kind"],
        category=data["category"],
        description=data["description"],
        package_id=package["id"] if package else None,
        owner_org=package.get("owner_org") if package else None,
        request_id=data.get("request_id"),
        survey_response_id=data.get("survey_response_id"),
        channel=data["channel"],
        contact_name=data.get("contact_name"),
        contact_email=data.get("contact_email"),
        contact_phone=data.get("contact_phone"),
        consent_at=_now() if has_contact else None,
        lang=lang,
        state="received",
        created_by=_user_id(context),
    )
    model.Session.add(complaint)
    model.Session.flush()
    AuditEvent.record(
        "complaint",
        complaint.id,
        "create",
        actor_id=_user_id(context),
        to_state="received",
        data={"kind": complaint.kind, "category": complaint.category, "channel": complaint.channel},
    )
    model.Session.commit()

    if complaint.contact_email:
        from ckanext.utt1service.monitoring import jobs

        try:
            tk.enqueue_job(
                jobs.send_complaint_acknowledgement,
                [complaint.id],
                title=f"utt1service complaint {complaint.number} acknowledgement",
            )
        except Exception:  # noqa: BLE001 - Redis down: the complaint is saved, its number shown
            log.warning("Could not enqueue the acknowledgement of complaint %s", complaint.number,
                        exc_info=True)
    return complaint.as_dict()


def _with_age(item: dict[str, Any], complaint: Complaint, now: datetime.datetime) -> dict[str, Any]:
    end = complaint.resolved_at or complaint.closed_at
    if complaint.state in ("resolved", "closed") and end is not None:
        item["age_days"] = (end - complaint.created).days
    else:
        item["age_days"] = (now - complaint.created).days
    return item


@declares(schemas.complaint_list_schema)
def utt1service_complaint_list(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """The problems and complaints register, newest first (staff only). The
    office's staff see all of it, other service organizations' staff the
    entries about their datasets.

    :param state: received, in_progress, resolved, closed, or ``open``
        (received or in progress) (optional)
    :type state: string
    :param category: a category code (optional)
    :type category: string
    :param kind: complaint or problem (optional)
    :type kind: string
    :param owner_org: an organization id (optional)
    :type owner_org: string
    :param package_id: a dataset id (optional)
    :type package_id: string
    :param request_id: an access request id (optional)
    :type request_id: string
    :param q: words in the description or resolution (optional)
    :type q: string
    :param limit: at most this many (default 50, at most 1000)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``{"count": total, "results": [complaint, …]}``; each has
        ``age_days``: days since received, or days it took to resolve
    :rtype: dictionary
    """
    tk.check_access("utt1service_complaint_list", context, data_dict)
    data = _validate(data_dict, schemas.complaint_list_schema(), context)
    user = model.User.get(context.get("user") or "")
    query = model.Session.query(Complaint)
    if not authz.sees_whole_register(user):
        orgs = authz.staff_organization_ids(user)
        query = query.filter(Complaint.owner_org.in_(orgs or {""}))
    if data.get("state") == "open":
        query = query.filter(Complaint.state.in_(("received", "in_progress")))
    elif data.get("state"):
        query = query.filter(Complaint.state == data["state"])
    for key in ("category", "kind", "owner_org", "package_id", "request_id"):
        if data.get(key):
            query = query.filter(getattr(Complaint, key) == data[key])
    if data.get("q"):
        pattern = "%" + data["q"].replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.filter(
            sa.or_(Complaint.description.ilike(pattern), Complaint.resolution.ilike(pattern))
        )
    count = query.count()
    rows = (
        query.order_by(Complaint.created.desc(), Complaint.number.desc())
        .offset(data["offset"])
        .limit(min(data["limit"], 1000))
        .all()
    )
    now = _now()
    return {"count": count, "results": [_with_age(c.as_dict(), c, now) for c in rows]}


@tk.side_effect_free
@declares(schemas.complaint_show_schema)
def utt1service_complaint_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One complaint or problem with its audit trail (the staff who handle it).

    :param id: the complaint's id or number
    :type id: string
    :returns: the complaint, with ``trail`` (its changes, oldest first)
    :rtype: dictionary
    """
    complaint = _get_complaint(data_dict.get("id"))
    tk.check_access("utt1service_complaint_show", context, {"id": complaint.id})
    out = _with_age(complaint.as_dict(), complaint, _now())
    out["trail"] = [e.as_dict() for e in AuditEvent.trail("complaint", complaint.id)]
    return out


@declares(schemas.complaint_update_schema)
def utt1service_complaint_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Move a complaint on: received → in_progress → resolved → closed.
    Every change is audited.

    :param id: the complaint's id or number
    :type id: string
    :param state: the next state
    :type state: string
    :param resolution: how it was resolved (required to resolve)
    :type resolution: string
    :param comment: a note for the audit trail (optional)
    :type comment: string
    :returns: the complaint
    :rtype: dictionary
    """
    complaint = _get_complaint(data_dict.get("id"))
    tk.check_access("utt1service_complaint_update", context, {"id": complaint.id})
    data = _validate(dict(data_dict, id=complaint.id), schemas.complaint_update_schema(), context)
    old, new = complaint.state, data["state"]
    if new not in COMPLAINT_TRANSITIONS.get(old, ()):
        raise tk.ValidationError(
            {"state": [tk._("This complaint cannot go from this state to the one chosen")]}
        )
    if new == "resolved":
        if not data.get("resolution"):
            raise tk.ValidationError({"resolution": [tk._("Please describe how it was resolved")]})
        complaint.resolution = data["resolution"]
        complaint.resolved_at = _now()
    if new == "closed":
        complaint.closed_at = _now()
    complaint.state = new
    complaint.updated = _now()
    AuditEvent.record(
        "complaint",
        complaint.id,
        "change_state",
        actor_id=_user_id(context),
        from_state=old,
        to_state=new,
        comment=data.get("comment") or (data.get("resolution") if new == "resolved" else None),
    )
    model.Session.commit()
    return complaint.as_dict()
