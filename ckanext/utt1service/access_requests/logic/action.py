# -*- coding: utf-8 -*-
"""Actions of the access-request workflow (``utt1service_request_*``).

Each one: check access → validate → work (``workflow``, ``intake``,
``delivery``) → commit → send the mail → return a dict → tell the staff's
chat; the tail after the work is :func:`_commit_and_tell`. Every change of
state is its own action and writes an audit row; pages, background jobs and
the download gate change requests only through these actions.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy import func, or_

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.utt1service.access_requests import (
    delivery,
    gate,
    intake,
    notify,
    reminders,
    service_levels,
)
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.logic import schema as schemas
from ckanext.utt1service.access_requests.model import (
    OPEN_STATES,
    REQUEST_STATES,
    AccessRequest,
    AccessRequestResource,
    RequestMail,
)
from ckanext.utt1service.common import authz
from ckanext.utt1service.common.input_guard import declares
from ckanext.utt1service.common.model import AuditEvent, new_id

__all__ = [
    "utt1service_request_create",
    "utt1service_request_show",
    "utt1service_request_list",
    "utt1service_request_confirm",
    "utt1service_request_check",
    "utt1service_request_return",
    "utt1service_request_resubmit",
    "utt1service_request_approve",
    "utt1service_request_reject",
    "utt1service_request_deliver",
    "utt1service_request_close",
    "utt1service_request_withdraw",
    "utt1service_request_revoke",
    "utt1service_request_purge_personal_data",
    "utt1service_resource_access",
    "utt1service_request_create_on_behalf",
    "utt1service_request_hand_over",
    "utt1service_request_send_by_email",
    "utt1service_request_attach_signed_form",
    "utt1service_request_file_show",
    "utt1service_request_waiting",
    "utt1service_request_service_levels",
    "utt1service_request_send_digests",
    "utt1service_acting_approver_create",
    "utt1service_acting_approver_list",
    "utt1service_acting_approver_end",
    "utt1service_request_accept_conditions",
    "utt1service_request_bulk_decide",
    "utt1service_request_renew",
    "utt1service_request_change_grant",
]


#: context key of a bulk decision: the state each request must still be in
BULK_EXPECT_STATE = "utt1service_expect_state"

# Unconfirmed anonymous requests one e-mail address may have open in a day.
UNCONFIRMED_PER_DAY = 3


def _validate(data_dict: DataDict, schema: dict[str, Any], context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _commit_and_tell(
    event: str,
    work: Callable[[], tuple[AccessRequest, list[RequestMail]]],
    actor: Optional[model.User],
    token: Optional[str] = None,
) -> dict[str, Any]:
    """The tail of every change of a request: do the ``work`` (which changes
    the request and writes its e-mails to the outbox) and commit it, or roll
    it all back; then send the mails, and tell the staff's chat about the
    ``event`` (``notify.webhook``). Returns the request as ``actor`` (or the
    holder of ``token``) sees it."""
    try:
        request, mails = work()
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    notify.dispatch(mails)
    result = request_dictize(request, actor, token)
    notify.webhook(event, result)
    return result


def account_identity(user: Optional[model.User]) -> dict[str, Any]:
    """What a logged-in requester's account fixes in the form: the e-mail
    address always, the first name and surname when the account has a full
    name of at least two words."""
    if user is None:
        return {}
    identity: dict[str, Any] = {}
    if user.email:
        identity["email"] = user.email
    parts = (user.fullname or "").split(None, 1)
    if len(parts) == 2:
        identity["first_name"], identity["surname"] = parts
    return identity


def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if value else None


def _age_days(request: AccessRequest, now: datetime.datetime) -> int:
    start = request.submitted_at or request.created
    return max((now - start).days, 0)


def _resource_details(request: AccessRequest) -> list[dict[str, Any]]:
    ids = request.resource_ids()
    current = {
        r.id: r
        for r in model.Session.query(model.Resource).filter(model.Resource.id.in_(ids)).all()
    } if ids else {}
    now = wf.utcnow()
    out = []
    for res in request.resources:
        live = current.get(res.resource_id)
        grants = [g for g in request.grants if g.resource_id == res.resource_id]
        grant = max(grants, key=lambda g: g.expires_at, default=None)
        download_url = None
        if live is not None and live.url_type == "upload":
            download_url = tk.h.url_for(
                "dataset_resource.download",
                id=request.package_id,
                resource_id=res.resource_id,
                filename=(live.url or "").rsplit("/", 1)[-1] or None,
                _external=True,
            )
        out.append(
            {
                "resource_id": res.resource_id,
                "download_url": download_url,
                "name": (live.name if live is not None and live.name else res.resource_name),
                "format": live.format if live is not None else None,
                "size": live.size if live is not None else None,
                "exists": live is not None and live.state == "active",
                "granted_until": _iso(grant.expires_at) if grant else None,
                "grant_valid": bool(grant and grant.is_valid(now)),
                "revoked_at": _iso(grant.revoked_at) if grant and grant.revoked_at else None,
            }
        )
    return out


def _trail(request: AccessRequest) -> list[dict[str, Any]]:
    events = AuditEvent.trail(wf.OBJECT_TYPE, request.id)
    users = {
        u.id: u
        for u in model.Session.query(model.User)
        .filter(model.User.id.in_({e.actor_id for e in events if e.actor_id}))
        .all()
    } if events else {}
    out = []
    for e in events:
        actor = users.get(e.actor_id) if e.actor_id else None
        by_requester = (
            (e.actor_id is None and e.action in ("create", "confirm", "resubmit", "withdraw"))
            or (request.user_id is not None and e.actor_id == request.user_id)
            # (the requester's first download delivered it)
            or (e.action == "deliver" and e.actor_id is None
                and (e.data or {}).get("via") == "download")
        )
        out.append(
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "comment": e.comment,
                "data": e.data,
                "created": _iso(e.created),
                "actor_name": actor.name if actor is not None else None,
                "actor_display_name": actor.display_name if actor is not None else None,
                "by_requester": by_requester,
            }
        )
    return out


def request_dictize(
    request: AccessRequest,
    user: Optional[model.User] = None,
    token: Optional[str] = None,
    detail: bool = True,
) -> dict[str, Any]:
    """The request as the requester, staff and director see it.

    ``revoked_at`` is set when the director revoked its access; with
    ``detail``, ``revocation`` is that audit entry (its ``comment`` is the
    reason the requester was given), ``allowed_actions`` the moves this
    viewer may make now and ``viewer_is_requester`` whether the viewer (the
    account, or the holder of ``token``) made the request."""
    now = wf.utcnow()
    pkg = model.Package.get(request.package_id)
    # When the director revoked the access (every grant ended at once).
    revoked = [g.revoked_at for g in request.grants if g.revoked_at is not None]
    data: dict[str, Any] = {
        "id": request.id,
        "reference": request.reference,
        "number": request.number,
        "year_be": request.year_be,
        "state": request.state,
        "package_id": request.package_id,
        "package_name": pkg.name if pkg else None,
        "package_title": (pkg.title or pkg.name) if pkg else None,
        "owner_org": request.owner_org,
        "user_id": request.user_id,
        "anonymous": request.user_id is None and request.anonymised_at is None,
        "first_name": request.first_name,
        "surname": request.surname,
        "full_name": request.full_name,
        "position": request.position,
        "agency": request.agency,
        "agency_type": request.agency_type,
        "affiliation": request.affiliation,
        "data_wanted": request.data_wanted,
        "intended_use": request.intended_use,
        "delivery_channel": request.delivery_channel,
        "email": request.email,
        "phone": request.phone,
        "consent_at": _iso(request.consent_at),
        "consent_retention_days": request.consent_retention_days,
        "created": _iso(request.created),
        "modified": _iso(request.modified),
        "submitted_at": _iso(request.submitted_at),
        "decided_at": _iso(request.decided_at),
        "anonymised_at": _iso(request.anonymised_at),
        "age_days": _age_days(request, now),
        "resource_count": len(request.resources),
        "intake_channel": request.intake_channel,
        "consent_method": request.consent_method,
        "delivered_via": request.delivered_via,
        "received_by": request.received_by,
        "handed_over_on": request.handed_over_on.isoformat() if request.handed_over_on else None,
        "signed_form_name": request.signed_form_name,
        "revoked_at": _iso(max(revoked)) if revoked else None,
        "conditions": request.conditions,
        "conditions_required": bool(request.conditions_required),
        "conditions_accepted_at": _iso(request.conditions_accepted_at),
        "conditions_pending": request.conditions_pending,
        "renewal_of": request.renewal_of,
    }
    # (where it stands against its service levels; None when it waits for
    # no one at the office)
    level = service_levels.status(request) if request.anonymised_at is None else None
    data["service_level"] = level.as_dict() if level is not None else None
    if detail:
        data["resources"] = _resource_details(request)
        data["audit"] = _trail(request)
        data["allowed_actions"] = wf.allowed_transitions(request, user, token)
        data["viewer_is_requester"] = wf.is_requester(request, user, token)
        original = AccessRequest.get(request.renewal_of) if request.renewal_of else None
        data["renewal_of_reference"] = original.reference if original is not None else None
        data["renewals"] = [
            {"id": r.id, "reference": r.reference, "state": r.state}
            for r in model.Session.query(AccessRequest)
            .filter(AccessRequest.renewal_of == request.id)
            .order_by(AccessRequest.created)
        ]
        data["renewable"] = bool(
            data["viewer_is_requester"] and intake.renewal_refusal(request) is None)
        data["revocation"] = next(
            (e for e in reversed(data["audit"]) if e["action"] == "revoke"), None
        ) if revoked else None
    return data


def _request_from(data_dict: DataDict) -> AccessRequest:
    request = AccessRequest.get(data_dict.get("id"))
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    return request


def dataset_and_files(
    context: Context, user: Optional[model.User], fields: dict[str, Any], errors: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The dataset a request form names (as the user may see it) and the
    restricted files chosen in it; a bad choice of files adds its error to
    ``errors``."""
    try:
        pkg = tk.get_action("package_show")(
            {"user": context.get("user"), "auth_user_obj": user}, {"id": fields["package_id"]}
        )
    except (tk.ObjectNotFound, KeyError):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    restricted = {r["id"]: r for r in pkg.get("resources", []) if gate.is_restricted(r)}
    chosen_ids = fields.get("resource_ids") or []
    if not chosen_ids:
        errors.setdefault("resource_ids", []).append(
            tk._("Choose at least one restricted file of this dataset.")
        )
    elif any(rid not in restricted for rid in chosen_ids):
        errors.setdefault("resource_ids", []).append(
            tk._("Only the restricted files of this dataset can be requested; "
                 "public files can be downloaded at once.")
        )
    return pkg, [restricted[rid] for rid in chosen_ids if rid in restricted]


@declares(schemas.request_create_schema)
def utt1service_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Submit an access request (แบบคำขอข้อมูลสารสนเทศ) for restricted files
    of one dataset.

    A logged-in requester's request enters the staff's queue at once; the
    e-mail address (and the name, when the account has a full name) come
    from the account. An anonymous requester's request waits until the
    e-mail address is confirmed through the private link sent to it.

    :param package_id: the dataset's id or name
    :type package_id: string
    :param resource_ids: ids of its restricted resources wanted (a list, or
        ids separated by commas)
    :type resource_ids: list of strings
    :param first_name: first name (ชื่อ)
    :param surname: surname (นามสกุล)
    :param position: position (ตำแหน่ง)
    :param agency: agency (หน่วยงาน)
    :param agency_type: agency type (ประเภทหน่วยงาน): ``school``,
        ``area_office``, ``government``, ``university``, ``private``,
        ``public`` or ``other``
    :param affiliation: affiliation (สังกัด), optional
    :param data_wanted: the data wanted (มีความประสงค์ขอข้อมูลเกี่ยวกับ)
    :param intended_use: intended use (เพื่อนำไปใช้)
    :param delivery_channel: ``download``, ``email`` or ``paper``
    :param email: e-mail address
    :param phone: phone number
    :param consent: must be true: consent to the processing of the personal
        data for this request
    :type consent: bool
    :returns: the request (without the private tracking link, which only goes
        to the e-mail address)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_create", context, data_dict)
    user = wf.user_from_context(context)
    data = dict(data_dict)
    data.update(account_identity(user))
    fields, errors = tk.navl_validate(data, schemas.request_create_schema(), context)
    errors = {k: v for k, v in errors.items() if v}

    pkg, chosen = dataset_and_files(context, user, fields, errors)

    if user is not None and chosen:
        errors_for_dupes = _duplicate_errors(user, [r["id"] for r in chosen], {r["id"]: r for r in chosen})
        if errors_for_dupes:
            errors.setdefault("resource_ids", []).extend(errors_for_dupes)
    if user is None and fields.get("email") and "email" not in errors:
        since = wf.utcnow() - datetime.timedelta(days=1)
        waiting = (
            model.Session.query(func.count(AccessRequest.id))
            .filter(
                func.lower(AccessRequest.email) == fields["email"].lower(),
                AccessRequest.state == "unconfirmed",
                AccessRequest.created > since,
            )
            .scalar()
        )
        if waiting >= UNCONFIRMED_PER_DAY:
            errors.setdefault("email", []).append(
                tk._("Several requests from this e-mail address are still waiting for "
                     "confirmation. Open the link in the e-mail we sent, or try again tomorrow.")
            )
    if errors:
        raise tk.ValidationError(errors)

    values = {k: fields.get(k) for k in schemas.request_form_schema()}
    return _commit_and_tell("create", lambda: intake.create(values, pkg, chosen, user), user)


def _duplicate_errors(user: model.User, resource_ids: list[str],
                      restricted: dict[str, Any]) -> list[str]:
    messages = []
    open_rows = (
        model.Session.query(AccessRequest, AccessRequestResource.resource_id)
        .join(AccessRequestResource, AccessRequestResource.request_id == AccessRequest.id)
        .filter(
            AccessRequest.user_id == user.id,
            AccessRequest.state.in_(OPEN_STATES),
            AccessRequestResource.resource_id.in_(resource_ids),
        )
        .all()
    )
    for request, rid in open_rows:
        messages.append(
            tk._("You already have a request for “%(name)s” in progress (%(ref)s): see "
                 "My requests on your dashboard.")
            % {"name": restricted[rid].get("name") or rid, "ref": request.reference}
        )
    for rid in resource_ids:
        if rid in {r for _, r in open_rows}:
            continue
        if gate.valid_grant(rid, user.id):
            messages.append(
                tk._("You may already download “%(name)s”.")
                % {"name": restricted[rid].get("name") or rid}
            )
    return messages


@tk.side_effect_free
@declares(schemas.request_show_schema)
def utt1service_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One access request with its files, grants and audit trail.

    Only the requester, the staff and director of the organization that owns
    the dataset, and sysadmins may see it.

    :param id: the request's id
    :type id: string
    :param token: the private tracking token (anonymous requesters)
    :type token: string
    :returns: the request, with ``resources``, ``audit``, ``allowed_actions``
        (what the caller may do now) and ``viewer_is_requester``
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_show", context, data_dict)
    data = _validate(data_dict, schemas.request_show_schema(), context)
    request = _request_from(data)
    return request_dictize(request, wf.user_from_context(context), data.get("token"))


@tk.side_effect_free
@declares(schemas.request_list_schema)
def utt1service_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The queue of access requests, oldest first, with counts per state.

    Staff and directors see the requests of their service organizations,
    sysadmins all of them (``authz.handled_organization_ids``); with
    ``mine`` a user sees the requests they made.

    :param owner_org: only this organization (id or name)
    :type owner_org: string
    :param state: only requests in this state
    :type state: string
    :param package_id: only requests for this dataset (id or name)
    :type package_id: string
    :param q: search in the reference number, name, agency and e-mail
    :type q: string
    :param mine: the requests of the calling user
    :type mine: bool
    :param order: ``oldest`` first (default) or ``newest`` first
    :type order: string
    :param limit: at most this many results (default 20, at most 100)
    :type limit: int
    :param offset: skip this many results
    :type offset: int
    :returns: ``count``, ``counts`` (per state) and ``results``; for the
        staff's queue (not ``mine``) also ``mail``: how many e-mails of
        these requests still wait to be sent (``count``), the ``last_error``
        and when the next try is due (``next_attempt_at``)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_list", context, data_dict)
    data = _validate(data_dict, schemas.request_list_schema(), context)
    user = wf.user_from_context(context)

    q = model.Session.query(AccessRequest)
    org_ids: Optional[list[str]] = None
    if data.get("mine"):
        q = q.filter(AccessRequest.user_id == (user.id if user else None))
    else:
        org_ids = authz.handled_organization_ids(user)
        if data.get("owner_org"):
            org = model.Group.get(data["owner_org"])
            if org is None:
                raise tk.ObjectNotFound(tk._("Organization not found"))
            org_ids = [o for o in org_ids if o == org.id]
        q = q.filter(AccessRequest.owner_org.in_(org_ids))
        # Unconfirmed requests are not in the queue yet.
        q = q.filter(AccessRequest.state != "unconfirmed")
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        q = q.filter(AccessRequest.package_id == (pkg.id if pkg else data["package_id"]))
    if data.get("q"):
        term = f"%{data['q'].strip()}%"
        conditions = [
            func.concat_ws(" ", AccessRequest.first_name, AccessRequest.surname).ilike(term),
            AccessRequest.agency.ilike(term),
            AccessRequest.email.ilike(term),
        ]
        number, _, year = data["q"].strip().partition("/")
        if number.isdigit():
            ref = AccessRequest.number == int(number)
            if year.isdigit():
                ref = ref & (AccessRequest.year_be == int(year))
            conditions.append(ref)
        q = q.filter(or_(*conditions))

    counts = {state: 0 for state in REQUEST_STATES}
    for state, n in (
        q.with_entities(AccessRequest.state, func.count(AccessRequest.id))
        .group_by(AccessRequest.state)
        .all()
    ):
        counts[state] = n
    if data.get("state"):
        q = q.filter(AccessRequest.state == data["state"])
    total = q.count()
    since = func.coalesce(AccessRequest.submitted_at, AccessRequest.created)
    order = (since, AccessRequest.id)
    if data["order"] == "newest":
        order = (AccessRequest.created.desc(), AccessRequest.id)
    rows = (
        q.order_by(*order)
        .offset(data["offset"])
        .limit(data["limit"])
        .all()
    )
    result: dict[str, Any] = {
        "count": total,
        "counts": counts,
        "results": [request_dictize(r, user, detail=bool(data.get("mine"))) for r in rows],
    }
    if org_ids is not None:
        result["mail"] = notify.pending_summary(org_ids)
    return result


def _transition_schema(name: str) -> Any:
    """The schema of one transition (for ``declares``)."""
    return lambda: schemas.transition_schema(wf.TRANSITIONS[name].comment_required)


def _transition(name: str, context: Context, data_dict: DataDict) -> dict[str, Any]:
    tk.check_access(f"utt1service_request_{name}", context, data_dict)
    transition = wf.TRANSITIONS[name]
    if name == "resubmit":
        schema = schemas.request_resubmit_schema()
        request = _request_from(data_dict)
        data_dict = dict(data_dict)
        # Fields not sent stay as they were; the e-mail address (confirmed)
        # and an account's name cannot change.
        for key in schemas.request_form_schema():
            data_dict.setdefault(key, getattr(request, key))
        data_dict["email"] = request.email
        data_dict.update(account_identity(wf.user_from_context(context)))
    elif name == "approve":
        schema = schemas.approve_schema()
    else:
        schema = schemas.transition_schema(transition.comment_required)
    data = _validate(data_dict, schema, context)
    actor = wf.user_from_context(context)
    fields = None
    if name == "resubmit":
        fields = {k: data.get(k) for k in schemas.request_form_schema() if k != "email"}
    elif name == "approve":
        if data.get("require_acceptance") and not (data.get("conditions") or "").strip():
            raise tk.ValidationError({"conditions": [
                tk._("Write the conditions of use the requester must accept.")]})
        fields = {"conditions": (data.get("conditions") or "").strip() or None,
                  "require_acceptance": data.get("require_acceptance")}
    expect = context.get(BULK_EXPECT_STATE)
    return _commit_and_tell(
        name, lambda: wf.apply(name, data["id"], actor, data.get("comment"), fields,
                               expect_state=expect),
        actor, data.get("token"),
    )


@declares(_transition_schema("confirm"))
def utt1service_request_confirm(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An anonymous requester confirms the e-mail address (through the
    private tracking link); the request enters the staff's queue.

    :param id: the request's id
    :param token: the private tracking token
    :rtype: dictionary
    """
    return _transition("confirm", context, data_dict)


@declares(_transition_schema("check"))
def utt1service_request_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff have checked the request and propose it to the director.

    :param id: the request's id
    :param comment: a note for the director (optional)
    :rtype: dictionary
    """
    return _transition("check", context, data_dict)


@declares(_transition_schema("return"))
def utt1service_request_return(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff return the request to the requester for more information.

    :param id: the request's id
    :param comment: what is missing (required)
    :rtype: dictionary
    """
    return _transition("return", context, data_dict)


@declares(schemas.request_resubmit_schema)
def utt1service_request_resubmit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The requester answers a returned request and sends it again, with the
    form's fields (the e-mail address cannot change).

    :param id: the request's id
    :param token: the private tracking token (anonymous requesters)
    :param comment: the information added (optional)
    :rtype: dictionary
    """
    return _transition("resubmit", context, data_dict)


@declares(schemas.approve_schema)
def utt1service_request_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The director approves a checked request: the requester may download
    the files named in it for ``ckanext.utt1service.grant_days`` days.

    :param id: the request's id
    :param comment: a message to the requester (optional; in the e-mail)
    :param conditions: conditions of use of the data (optional; shown on
        the request page and in the e-mail)
    :param require_acceptance: the requester must accept the conditions
        (once, recorded with the time) before the first download
    :type require_acceptance: bool
    :rtype: dictionary
    """
    return _transition("approve", context, data_dict)


@declares(_transition_schema("reject"))
def utt1service_request_reject(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The director does not approve the request.

    :param id: the request's id
    :param comment: the reason, sent to the requester (required)
    :rtype: dictionary
    """
    return _transition("reject", context, data_dict)


@declares(schemas.deliver_schema)
def utt1service_request_deliver(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record that the approved data reached the requester, and how. Staff
    call it (``utt1service_request_hand_over`` for a paper copy); so do the
    e-mail delivery job, once the mail went out, and the download gate, when
    the requester first downloads a whole file (both as the system).

    :param id: the request's id
    :param via: how it was delivered: ``download``, ``email`` or ``paper``
        (default: the way the requester wanted it, ``delivery_channel``)
    :type via: string
    :param resource_id: for a download, the file downloaded (optional)
    :param received_by: for a paper copy, who received it (optional)
    :param handed_over_on: for a paper copy, the day (ISO date; default today)
    :param comment: a note (optional)
    :returns: the request; ``delivered_via`` is the route
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_deliver", context, data_dict)
    data = _validate(data_dict, schemas.deliver_schema(), context)
    request = _request_from(data)
    via = data.get("via") or request.delivery_channel
    if request.state == "approved" and request.conditions_pending:
        # Nothing leaves the office before the requester accepted the
        # conditions of use the approval requires: not a paper copy handed
        # over at the counter, not a delivery marked by hand (the download
        # gate and the e-mail delivery refuse it too). Acceptance cannot be
        # taken back, so checking before the row lock is safe.
        raise tk.ValidationError({"state": [tk._(
            "The requester has not accepted the conditions of use yet: the data cannot be "
            "handed over or delivered before. Ask them to accept the conditions on their "
            "request page first.")]})
    errors: dict[str, list[str]] = {}
    if data.get("resource_id") and (
        via != "download" or data["resource_id"] not in request.resource_ids()
    ):
        errors["resource_id"] = [
            tk._("Name one of this request's files, and only for a delivery by download.")]
    fields: dict[str, Any] = {}
    if via == "paper":
        day = data.get("handed_over_on") or datetime.date.today()
        if isinstance(day, datetime.datetime):
            day = day.date()
        fields = {"received_by": data.get("received_by"), "handed_over_on": day}
    else:
        for key in wf.DELIVERY_FIELDS:
            if data.get(key):
                errors[key] = [tk._("Only a paper copy has a receiver and a day of hand-over.")]
    if errors:
        raise tk.ValidationError(errors)
    details = dict(context.get(delivery.DETAILS) or {}, via=via)
    if data.get("resource_id"):
        details["resource_id"] = data["resource_id"]
    actor = wf.user_from_context(context)
    return _commit_and_tell(
        "deliver",
        lambda: wf.apply("deliver", request.id, actor, data.get("comment"), fields, details),
        actor, data.get("token"),
    )


@declares(_transition_schema("close"))
def utt1service_request_close(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff close a delivered, approved or rejected request.

    :param id: the request's id
    :param comment: a note (optional)
    :rtype: dictionary
    """
    return _transition("close", context, data_dict)


@declares(_transition_schema("withdraw"))
def utt1service_request_withdraw(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The requester withdraws the request before it is decided.

    :param id: the request's id
    :param token: the private tracking token (anonymous requesters)
    :param comment: why (optional)
    :rtype: dictionary
    """
    return _transition("withdraw", context, data_dict)


@declares(_transition_schema("revoke"))
def utt1service_request_revoke(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The director takes an approval back: every grant of the request ends
    at once (the files can no longer be downloaded through it), the request
    is closed and the requester told why. An approved or delivered request
    can be revoked, and a closed one while its access still runs. The
    requester may send a new request for the same files later.

    :param id: the request's id
    :param comment: the reason, sent to the requester (required)
    :rtype: dictionary
    """
    return _transition("revoke", context, data_dict)


def _purge_actor(context: Context) -> Optional[str]:
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    return user.id if user is not None else None


@declares(schemas.purge_schema)
def utt1service_request_purge_personal_data(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Anonymise finished requests older than the retention period (PDPA):
    blank what the requester typed and every link to the person, keep what
    the reports count. Sysadmins only; ``ckan utt1service
    purge-personal-data`` runs it.

    :param days: retention in days (default
        ``ckanext.utt1service.personal_data_retention_days``)
    :type days: int
    :param dry_run: only count
    :type dry_run: bool
    :returns: ``anonymised`` (how many), ``days``, ``dry_run``
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_purge_personal_data", context, data_dict)
    data = _validate(data_dict, schemas.purge_schema(), context)
    days = data.get("days")
    if days is None:
        days = wf.retention_days()
    candidates = wf.purge_candidates(int(days))
    if not data["dry_run"]:
        try:
            for request in candidates:
                wf.anonymise(request)
            # every run is logged (the record of processing activities shows them)
            AuditEvent.record(
                "purge_run", new_id(), "purge_personal_data", actor_id=_purge_actor(context),
                data={"days": int(days), "anonymised": len(candidates)},
            )
            model.Session.commit()
        except Exception:
            model.Session.rollback()
            raise
    else:
        model.Session.rollback()
    return {"anonymised": len(candidates), "days": int(days), "dry_run": data["dry_run"]}


@tk.side_effect_free
@declares(schemas.resource_access_schema)
def utt1service_resource_access(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whether the calling user (or browser, through the tracking links it
    opened) may download a resource's file, and why. The download gate asks
    this before every download of a restricted file (a file that is not
    restricted is allowed to everyone: ``gate.decide``).

    :param id: the resource's id
    :type id: string
    :returns: ``restricted``, ``allowed``, ``reason`` (public, sysadmin,
        member, grant, refused); for a grant, ``expires_at``, and the
        ``request_id`` and ``request_state`` of the request that gave it;
        when refused, ``latest``: the caller's newest request for the file
        (``id``, ``reference``, ``state``, ``revoked_at``, ``expired_at``),
        if any
    :rtype: dictionary
    """
    tk.check_access("utt1service_resource_access", context, data_dict)
    data = _validate(data_dict, schemas.resource_access_schema(), context)
    info = gate.resource_info(data["id"])
    if info is None or not info.active:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    tk.check_access("resource_show", context, {"id": info.id})
    result = gate.access(info, wf.user_from_context(context), gate.tracked_requests())
    result["expires_at"] = _iso(result["expires_at"])
    if result["latest"]:
        for key in ("revoked_at", "expired_at"):
            result["latest"][key] = _iso(result["latest"][key])
    return result


# --- requests recorded by staff, paper hand-over, e-mail delivery --------------


@declares(schemas.on_behalf_schema)
def utt1service_request_create_on_behalf(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Staff record a request (the same form, the same workflow) for someone
    who asked by phone, LINE, e-mail or at the counter. It enters the queue
    at once; the requester follows it through the private tracking link sent
    to the e-mail address, when one is given.

    Takes the parameters of ``utt1service_request_create`` (``email`` is
    optional here), plus:

    :param intake_channel: ``phone``, ``line``, ``email`` or ``counter``
    :type intake_channel: string
    :param consent_method: how the requester consented: ``paper`` (signed
        form) or ``phone``
    :type consent_method: string
    :param consent: must be true: the requester did consent
    :type consent: bool
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_create_on_behalf", context, data_dict)
    actor = wf.user_from_context(context)
    fields, errors = tk.navl_validate(dict(data_dict), schemas.on_behalf_schema(), context)
    errors = {k: v for k, v in errors.items() if v}
    pkg, chosen = dataset_and_files(context, actor, fields, errors)
    if errors:
        raise tk.ValidationError(errors)
    values = {k: fields.get(k) for k in schemas.request_form_schema()}
    return _commit_and_tell(
        "create",
        lambda: intake.create_on_behalf(values, pkg, chosen, actor, fields["intake_channel"],
                                        fields["consent_method"]),
        actor,
    )


@declares(schemas.hand_over_schema)
def utt1service_request_hand_over(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff hand the approved data over on paper: the request becomes
    delivered with route ``paper`` (``utt1service_request_deliver`` with
    ``via`` ``paper``; here the receiver's name is required). Refused (409)
    while the approval requires the requester to accept the conditions of
    use and they have not accepted them yet.

    :param id: the request's id
    :type id: string
    :param received_by: the name of the person who received the copy
    :type received_by: string
    :param handed_over_on: the day (ISO date; default today)
    :type handed_over_on: string
    :param comment: a note (optional)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_hand_over", context, data_dict)
    data = _validate(data_dict, schemas.hand_over_schema(), context)
    paper = {k: data[k] for k in ("id", "received_by", "handed_over_on", "comment") if k in data}
    return tk.get_action("utt1service_request_deliver")(context, dict(paper, via="paper"))


@declares(schemas.request_id_schema)
def utt1service_request_send_by_email(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff send the approved files of a request whose wanted channel is
    e-mail: attached when at most ``ckanext.utt1service.email_attachment_max_bytes``,
    otherwise as an expiring personal link. A background job sends the mail
    and then records the delivery with route ``email``
    (``utt1service_request_deliver``).

    :param id: the request's id
    :type id: string
    :returns: ``id``, ``queued`` (true) and ``files`` (name and whether attached)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_send_by_email", context, data_dict)
    request = _request_from(_validate(data_dict, schemas.request_id_schema(), context))
    if request.state != "approved":
        raise tk.ValidationError({"state": [
            tk._("Only an approved request can be sent by e-mail.")]})
    if request.delivery_channel != "email" or not request.email:
        raise tk.ValidationError({"delivery_channel": [
            tk._("The requester did not ask for delivery by e-mail.")]})
    if request.conditions_pending:
        raise tk.ValidationError({"state": [
            tk._("The requester has not accepted the conditions of use yet: the files "
                 "cannot be sent before.")]})
    plan = delivery.plan_email_delivery(request)
    if not plan:
        raise tk.ValidationError({"state": [tk._("No approved file can be sent.")]})
    subject, body = delivery.email_body(request, plan)
    actor = wf.user_from_context(context)
    tk.enqueue_job(
        delivery.email_delivery_job,
        [request.id, actor.id if actor is not None else None, subject, body, plan],
        title=f"utt1service: e-mail delivery {request.reference}",
    )
    return {"id": request.id, "queued": True,
            "files": [{"name": i["name"], "attached": i["attach"]} for i in plan]}


@declares(schemas.attach_signed_form_schema)
def utt1service_request_attach_signed_form(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Staff attach the scanned, signed paper form (PDF, JPEG or PNG, at most
    10 MB) to a request; a new scan replaces the previous one (audited).

    :param id: the request's id
    :type id: string
    :param upload: the file (a file upload)
    :rtype: dictionary
    """
    import os

    tk.check_access("utt1service_request_attach_signed_form", context, data_dict)
    request = _request_from(data_dict)
    upload = data_dict.get("upload")
    filename = os.path.basename(getattr(upload, "filename", "") or "")
    if not filename:
        raise tk.ValidationError({"upload": [tk._("Choose the scanned form to upload.")]})
    if not filename.lower().endswith(delivery.SIGNED_FORM_TYPES):
        raise tk.ValidationError({"upload": [
            tk._("The scanned form must be a PDF, JPEG or PNG file.")]})
    content = upload.read(delivery.SIGNED_FORM_MAX_BYTES + 1)
    if not content or len(content) > delivery.SIGNED_FORM_MAX_BYTES:
        raise tk.ValidationError({"upload": [
            tk._("The scanned form must not be empty nor larger than 10 MB.")]})
    actor = wf.user_from_context(context)

    def work() -> tuple[AccessRequest, list[RequestMail]]:
        delivery.store_signed_form(request, actor, filename, content)
        return request, []

    return _commit_and_tell("attach_signed_form", work, actor)


@tk.side_effect_free
@declares(schemas.file_link_schema)
def utt1service_request_file_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whether a personal file link (sent by an e-mail delivery for a file
    too large to attach) lets the caller have the file now. The link itself
    is the key; a request made with an account is for its owner only.

    :param id: the request's id
    :param resource_id: the file's resource id
    :param expires: the link's expiry (seconds since 1970, UTC)
    :type expires: int
    :param sig: the link's signature
    :returns: ``allowed``; ``reason``: ``ok``, ``invalid`` (a wrong or
        outdated link, or the access ended), ``login`` (the requester must
        log in), ``not_yours`` or ``missing`` (the file is gone); when
        allowed, the file's ``name`` and ``size``
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_file_show", context, data_dict)
    data = _validate(data_dict, schemas.file_link_schema(), context)
    request = AccessRequest.get(data["id"])
    reason = delivery.file_link_check(request, data["resource_id"], data["expires"],
                                      data["sig"], wf.user_from_context(context))
    result: dict[str, Any] = {"id": data["id"], "resource_id": data["resource_id"],
                              "allowed": reason == "ok", "reason": reason}
    if reason == "ok":
        _path, result["name"], result["size"] = delivery.resource_path(data["resource_id"])
    return result


# --- service levels ---------------------------------------------------------------


def _organization_filter(ref: Optional[str], allowed: list[str]) -> list[str]:
    if not ref:
        return allowed
    org = model.Group.get(ref)
    if org is None:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    return [o for o in allowed if o == org.id]


@tk.side_effect_free
@declares(schemas.waiting_schema)
def utt1service_request_waiting(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What waits for the calling user, per role: as staff (requests to
    check, approved requests to deliver by e-mail or on paper) and as
    director (checked requests to decide), with how many are late, due
    soon, and late beyond ``ckanext.utt1service.escalation_days``.

    :param owner_org: only this organization (id or name)
    :type owner_org: string
    :returns: ``staff`` and ``director``, each ``count``, ``late``,
        ``due_soon`` and ``escalated``; ``decides`` (whether the user
        decides requests at all), ``targets`` (days per step) and
        ``working_days``
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_waiting", context, data_dict)
    data = _validate(data_dict, schemas.waiting_schema(), context)
    user = wf.user_from_context(context)
    staff_orgs = _organization_filter(data.get("owner_org"),
                                      authz.handled_organization_ids(user))
    director_orgs = _organization_filter(data.get("owner_org"),
                                         authz.decided_organization_ids(user))
    orgs = set(staff_orgs) | set(director_orgs)
    rows = (
        model.Session.query(AccessRequest)
        .filter(AccessRequest.state.in_(service_levels.WAITING_STATES),
                AccessRequest.owner_org.in_(orgs))
        .all()
    ) if orgs else []
    counts = {
        "staff": service_levels.summary(r for r in rows if r.owner_org in staff_orgs)["staff"],
        "director": service_levels.summary(
            r for r in rows if r.owner_org in director_orgs)["director"],
    }
    return dict(counts, decides=bool(director_orgs), targets=service_levels.targets(),
                working_days=bool(tk.config.get("ckanext.utt1service.service_working_days")))


def _bangkok_day(column: str) -> str:
    return f"({column} AT TIME ZONE 'Asia/Bangkok')::date"


_SERVICE_LEVEL_DAYS = f"""
    SELECT r.delivery_channel, {_bangkok_day('r.submitted_at')} AS received,
           {_bangkok_day('a.checked')} AS checked, {_bangkok_day('a.approved')} AS approved,
           {_bangkok_day('greatest(a.approved, a.rejected)')} AS decided,
           {_bangkok_day('a.delivered')} AS delivered
      FROM utt1service_access_request r
      LEFT JOIN LATERAL (
          SELECT max(created) FILTER (WHERE to_state = 'checked') AS checked,
                 max(created) FILTER (WHERE to_state = 'approved') AS approved,
                 max(created) FILTER (WHERE to_state = 'rejected') AS rejected,
                 max(created) FILTER (WHERE to_state = 'delivered') AS delivered
            FROM utt1service_audit
           WHERE object_type = :object_type AND object_id = r.id
             AND to_state IN ('checked', 'approved', 'rejected', 'delivered')
      ) a ON true
     WHERE r.submitted_at >= :start AND r.submitted_at < :end
       AND (CAST(:org AS text) IS NULL OR r.owner_org = :org)
"""


@tk.side_effect_free
@declares(schemas.service_levels_schema)
def utt1service_request_service_levels(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Service-level statistics of the access requests received in a fiscal
    year (or a half or quarter of it): for each step (check, decision, delivery, the whole
    service) how many requests went through it, how many within the target
    and late, and the mean and median days taken; and the requests waiting
    now with how many are late. The service report reads these figures.

    Sysadmins see the whole office or any organization; the directors of a
    service organization see their organization (as the service report).

    :param fiscal_year: the fiscal year in the Buddhist Era (default: the
        current one)
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
    :param waiting: also count the requests waiting now (default true; the
        report, which shows a past period, leaves them out)
    :type waiting: bool
    :returns: ``fiscal_year``, ``half``, ``quarter``, ``start`` and ``end``
        (ISO, ``[start, end)``), ``owner_org``, ``targets``,
        ``working_days``, ``received`` (requests received in the period),
        ``steps`` (per step: ``label``, ``count``, ``on_time``, ``late``,
        ``target_days``, ``mean_days``, ``median_days``) and ``waiting``
        (now, per role: ``count``, ``late``, ``due_soon``, ``escalated``;
        left out with ``waiting`` false)
    :rtype: dictionary
    """
    from ckanext.utt1service.common import thaidate

    tk.check_access("utt1service_request_service_levels", context, data_dict)
    data = _validate(data_dict, schemas.service_levels_schema(), context)
    fiscal_year = data.get("fiscal_year") or thaidate.fiscal_year_of(wf.utcnow())
    half = data.get("half") or None
    quarter = data.get("quarter") or None
    if half and quarter:
        raise tk.ValidationError({"quarter": [tk._("Choose a half or a quarter, not both")]})
    start, end = thaidate.fiscal_year_bounds(fiscal_year, half, quarter)
    org = model.Group.get(data["owner_org"]) if data.get("owner_org") else None
    if data.get("owner_org") and org is None:
        raise tk.ObjectNotFound(tk._("Organization not found"))

    # One statement: per request received in the period, the Bangkok day it
    # entered the queue and the last day it reached each state (after a
    # return the clocks start again, as ``submitted_at`` does). By the state
    # reached, not the action's name: a bulk or acting decision is a decision
    # too. Days, not times, are all the counting needs (issue 20: converting
    # 2 × 33,000 requests' times in Python took seconds at 10 M events).
    found = model.Session.execute(sa.text(_SERVICE_LEVEL_DAYS), {
        "start": start, "end": end, "org": org.id if org is not None else None,
        "object_type": wf.OBJECT_TYPE}).all()
    rows = [
        {"received": received, "checked": checked, "approved": approved,
         "decided": decided, "delivered": delivered, "delivery_channel": channel}
        for channel, received, checked, approved, decided, delivered in found
    ]
    result = {
        "fiscal_year": fiscal_year,
        "half": half,
        "quarter": quarter,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "owner_org": org.id if org is not None else None,
        "targets": service_levels.targets(),
        "working_days": bool(tk.config.get("ckanext.utt1service.service_working_days")),
        "received": len(rows),
        "steps": {step: dict(figures, label=tk._(service_levels.STEPS[step]))
                  for step, figures in service_levels.finished_steps(rows).items()},
    }
    if data["waiting"]:
        waiting = model.Session.query(AccessRequest).filter(
            AccessRequest.state.in_(service_levels.WAITING_STATES))
        if org is not None:
            waiting = waiting.filter(AccessRequest.owner_org == org.id)
        result["waiting"] = service_levels.summary(waiting.all())
    return result


@declares(schemas.send_digests_schema)
def utt1service_request_send_digests(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Write the daily reminders to the outbox: one digest per person of the
    requests waiting for them (late first), and an escalation of requests
    late by more than ``ckanext.utt1service.escalation_days`` to
    ``ckanext.utt1service.escalation_email`` (or the sysadmins). Once per
    address, kind and Bangkok day: a second call the same day writes
    nothing more. Sysadmins only; ``ckan utt1service send-digests`` (cron)
    calls it and then sends the outbox.

    :param day: the Bangkok day (ISO date; default today)
    :type day: string
    :param dry_run: only count what would be sent
    :type dry_run: bool
    :returns: ``day``, ``digests`` and ``escalations`` written now,
        ``already_sent`` (recipients who had theirs of that day),
        ``dry_run``
    :rtype: dictionary
    """
    from ckanext.utt1service.common import workdays

    tk.check_access("utt1service_request_send_digests", context, data_dict)
    data = _validate(data_dict, schemas.send_digests_schema(), context)
    day = data.get("day") or workdays.today()
    if isinstance(day, datetime.datetime):
        day = day.date()
    try:
        counts = reminders.send(day, dry_run=data["dry_run"])
        if data["dry_run"]:
            model.Session.rollback()
        else:
            model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    notify.dispatch(counts.pop("mails"))
    return dict(counts, day=day.isoformat(), dry_run=data["dry_run"])


# --- acting approvers (ผู้รักษาราชการแทน) ----------------------------------------


def _service_org(ref: Any) -> model.Group:
    org = model.Group.get(ref) if ref else None
    if org is None or not org.is_organization or org.state != "active":
        raise tk.ObjectNotFound(tk._("Organization not found"))
    return org


@declares(schemas.acting_create_schema)
def utt1service_acting_approver_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The director (or a sysadmin) names an acting approver
    (ผู้รักษาราชการแทน): a member of the organization's staff (an editor or
    admin) who may approve, reject and revoke its access requests from
    ``starts_on`` to ``ends_on``, Bangkok days, both included. Each of their
    decisions records for whom they acted; the requester's e-mails say who
    decided.

    :param owner_org: the organization (id or name)
    :param user: the acting approver (user id or name)
    :param for_user: the director they act for (default: the director
        naming them, or the organization's first admin)
    :param starts_on: first day (ISO date, Bangkok)
    :param ends_on: last day (ISO date, Bangkok)
    :param comment: why (optional)
    :returns: the appointment
    :rtype: dictionary
    """
    from ckanext.utt1service.common.acting import ActingApprover

    tk.check_access("utt1service_acting_approver_create", context, data_dict)
    data = _validate(data_dict, schemas.acting_create_schema(), context)
    org = _service_org(data["owner_org"])
    actor = wf.user_from_context(context)
    errors: dict[str, list[str]] = {}
    acting_user = model.User.get(data["user"])
    if (acting_user is None or acting_user.state != "active"
            or authz.capacity(acting_user, org.id) not in authz.STAFF_CAPACITIES):
        errors["user"] = [tk._("The acting approver must be an editor or admin of the "
                               "organization.")]
    directors = [u for u in authz.director_users(org.id) if authz.is_director(u, org.id)]
    if data.get("for_user"):
        for_user = model.User.get(data["for_user"])
        if for_user is None or not authz.is_director(for_user, org.id):
            errors["for_user"] = [tk._("Name a director (an admin) of the organization.")]
    else:
        for_user = actor if actor in directors else (directors[0] if directors else None)
    if acting_user is not None and for_user is not None and acting_user.id == for_user.id:
        errors.setdefault("user", []).append(
            tk._("A director cannot act for themselves."))
    if data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = [tk._("The last day cannot come before the first day.")]
    if errors:
        raise tk.ValidationError(errors)
    try:
        appointment = ActingApprover(
            owner_org=org.id, user_id=acting_user.id,
            for_user_id=for_user.id if for_user is not None else None,
            starts_on=data["starts_on"], ends_on=data["ends_on"],
            comment=data.get("comment") or None,
            created_by=actor.id if actor is not None else None,
        )
        model.Session.add(appointment)
        model.Session.flush()
        AuditEvent.record("acting_approver", appointment.id, "appoint",
                          actor_id=actor.id if actor is not None else None,
                          comment=data.get("comment") or None,
                          data={"owner_org": org.id, "user_id": acting_user.id,
                                "for_user_id": appointment.for_user_id,
                                "starts_on": appointment.starts_on.isoformat(),
                                "ends_on": appointment.ends_on.isoformat()})
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return appointment.as_dict()


@tk.side_effect_free
@declares(schemas.acting_list_schema)
def utt1service_acting_approver_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The acting approvers of an organization, the latest first (the staff
    and director of the organization, sysadmins).

    :param owner_org: the organization (id or name)
    :returns: ``results``: appointments with ``active`` (holds now)
    :rtype: dictionary
    """
    from ckanext.utt1service.common.acting import ActingApprover

    tk.check_access("utt1service_acting_approver_list", context, data_dict)
    data = _validate(data_dict, schemas.acting_list_schema(), context)
    org = _service_org(data["owner_org"])
    rows = (model.Session.query(ActingApprover)
            .filter(ActingApprover.owner_org == org.id)
            .order_by(ActingApprover.starts_on.desc(), ActingApprover.created.desc())
            .limit(50).all())
    return {"results": [r.as_dict() for r in rows]}


@declares(schemas.acting_end_schema)
def utt1service_acting_approver_end(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """End an acting appointment now (the director is back early), or
    cancel one that has not started (audited).

    :param id: the appointment's id
    :param comment: why (optional)
    :rtype: dictionary
    """
    from ckanext.utt1service.common import acting

    tk.check_access("utt1service_acting_approver_end", context, data_dict)
    data = _validate(data_dict, schemas.acting_end_schema(), context)
    appointment = model.Session.get(acting.ActingApprover, data["id"])
    if appointment is None:
        raise tk.ObjectNotFound(tk._("Acting appointment not found"))
    if appointment.ended_at is not None:
        raise tk.ValidationError({"id": [tk._("This appointment has already ended.")]})
    actor = wf.user_from_context(context)
    try:
        appointment.ended_at = acting.now()
        AuditEvent.record("acting_approver", appointment.id, "end",
                          actor_id=actor.id if actor is not None else None,
                          comment=data.get("comment") or None)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return appointment.as_dict()


# --- decision messages: conditions of use -----------------------------------------


@declares(schemas.accept_conditions_schema)
def utt1service_request_accept_conditions(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """The requester accepts the conditions of use the director gave with
    the approval (once; the time is recorded and audited). Until then the
    files of a request whose approval requires it cannot be downloaded or
    sent by e-mail.

    :param id: the request's id
    :param token: the private tracking token (requesters without an account)
    :returns: the request; ``conditions_accepted_at`` is set
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_accept_conditions", context, data_dict)
    data = _validate(data_dict, schemas.accept_conditions_schema(), context)
    actor = wf.user_from_context(context)
    return _commit_and_tell(
        "accept_conditions", lambda: (wf.accept_conditions(data["id"], actor), []),
        actor, data.get("token"))


# --- bulk decisions -------------------------------------------------------------------


@declares(schemas.bulk_decide_schema)
def utt1service_request_bulk_decide(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The director approves or rejects several checked requests in one
    step (one reason for all rejections; one message and conditions of use
    for all approvals). Each request is decided by its own
    ``utt1service_request_approve`` or ``_reject`` call, with its own audit
    row, e-mail and webhook, and only if it is still ``checked`` once its
    row is locked: a request that changed meanwhile (decided by someone
    else, returned, withdrawn) is skipped and reported, never decided twice.

    :param ids: the requests' ids (at most 100)
    :type ids: list of strings
    :param decision: ``approve`` or ``reject``
    :param comment: the message to every requester (required to reject)
    :param conditions: with an approval, conditions of use (optional)
    :param require_acceptance: with an approval, the requesters must accept
        the conditions before the first download
    :type require_acceptance: bool
    :returns: ``decided`` (``id``, ``reference``, ``state``) and ``skipped``
        (``id``, ``reference``, ``state``, ``reason``)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_bulk_decide", context, data_dict)
    data = _validate(data_dict, schemas.bulk_decide_schema(), context)
    if not data.get("ids"):
        raise tk.ValidationError({"ids": [tk._("Choose at least one checked request.")]})
    decision = data["decision"]
    if decision == "reject" and not (data.get("comment") or "").strip():
        raise tk.ValidationError({"comment": [
            tk._("Give the reason of the rejection (sent to every requester).")]})
    single = {"comment": data.get("comment") or ""}
    if decision == "approve":
        single.update(conditions=data.get("conditions") or "",
                      require_acceptance=data["require_acceptance"])
    decided: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for request_id in data["ids"]:
        one = {k: v for k, v in context.items() if k in ("user", "auth_user_obj", "ignore_auth")}
        one[BULK_EXPECT_STATE] = "checked"
        try:
            result = tk.get_action(f"utt1service_request_{decision}")(
                one, dict(single, id=request_id))
        except (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound) as error:
            model.Session.rollback()
            request = AccessRequest.get(request_id)
            if isinstance(error, tk.ValidationError):
                reason = " ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v)
                                  for v in error.error_dict.values())
            else:
                reason = str(error) or tk._("Not authorized")
            skipped.append({
                "id": request_id,
                "reference": request.reference if request is not None else None,
                "state": request.state if request is not None else None,
                "reason": reason,
            })
            continue
        decided.append({"id": result["id"], "reference": result["reference"],
                        "state": result["state"]})
    return {"decision": decision, "decided": decided, "skipped": skipped}


# --- renewals and changes of the end of access ---------------------------------------


@declares(schemas.renew_schema)
def utt1service_request_renew(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The requester asks for a renewal of an approved request (its access
    ends or ended): a new request for the same files, filled in from the
    original, linked to it (``renewal_of``), which goes through check and
    approval like any request.

    :param id: the original request's id
    :param token: the private tracking token (requesters without an account)
    :param comment: why the data is still needed (required)
    :param data_wanted: the data wanted (default: as in the original)
    :param intended_use: the intended use (default: as in the original)
    :param delivery_channel: ``download``, ``email`` or ``paper`` (default:
        as in the original)
    :param consent: true: the requester consents (again, for the renewal)
        to the processing of their personal data (required; the original's
        consent is not reused)
    :type consent: bool
    :returns: the new request
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_renew", context, data_dict)
    data = _validate(data_dict, schemas.renew_schema(), context)
    original = _request_from(data)
    refusal = intake.renewal_refusal(original)
    if refusal:
        raise tk.ValidationError({"state": [refusal]})
    actor = wf.user_from_context(context)
    errors: dict[str, list[str]] = {}
    pkg, chosen = dataset_and_files(
        {"user": context.get("user")}, actor,
        {"package_id": original.package_id, "resource_ids": original.resource_ids()}, errors)
    if original.user_id and chosen and not errors:
        # another request of the same person for these files still in
        # progress (a grant still running does not stop a renewal: that is
        # its point)
        busy = (
            model.Session.query(AccessRequest.id)
            .join(AccessRequestResource, AccessRequestResource.request_id == AccessRequest.id)
            .filter(AccessRequest.user_id == original.user_id,
                    AccessRequest.state.in_(OPEN_STATES),
                    AccessRequestResource.resource_id.in_([r["id"] for r in chosen]))
            .first()
        )
        if busy is not None:
            errors["state"] = [tk._("A renewal of this request is already in progress.")]
    if errors:
        raise tk.ValidationError(errors)
    fields = {k: data.get(k) for k in ("data_wanted", "intended_use", "delivery_channel")}
    return _commit_and_tell(
        "create",
        lambda: intake.renew(original, fields, chosen, pkg, actor, data["comment"]),
        actor, data.get("token"))


@declares(schemas.change_grant_schema)
def utt1service_request_change_grant(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff or director extend or shorten the access of an approved
    request: every grant not revoked ends at the end of the Bangkok day
    ``expires_on``; the reason is audited and sent to the requester.

    :param id: the request's id
    :param expires_on: the last day of access (ISO date; today or later)
    :param comment: the reason (required)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_change_grant", context, data_dict)
    data = _validate(data_dict, schemas.change_grant_schema(), context)
    day = data["expires_on"]
    if isinstance(day, datetime.datetime):
        day = day.date()
    actor = wf.user_from_context(context)
    request = _request_from(data)
    return _commit_and_tell(
        "change_grant", lambda: wf.change_grant(request.id, actor, day, data["comment"]), actor)
