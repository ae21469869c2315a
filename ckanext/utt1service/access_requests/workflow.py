# -*- coding: utf-8 -*-
"""The states of an access request, who may move it, and what each move does
besides changing the state (grants, numbers, e-mails).

The actions in ``logic/action.py`` are thin: check access, validate, call
:func:`apply`, then commit, send the mail and tell the staff's chat (one
tail for every change). New requests are made in ``intake.py``.
"""
from __future__ import annotations

import dataclasses
import datetime
import secrets
from typing import Any, Optional

from sqlalchemy import func, text

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests import gate, notify
from ckanext.utt1service.access_requests.model import (
    AccessGrant,
    AccessRequest,
    RequestMail,
)
from ckanext.utt1service.common import authz, thaidate, vocabularies
from ckanext.utt1service.common.i18n import N_
from ckanext.utt1service.common.model import AuditEvent

OBJECT_TYPE = "access_request"


@dataclasses.dataclass(frozen=True)
class Transition:
    """One move of a request, and how the request page shows it: the
    order of :data:`TRANSITIONS` is the order of the buttons, ``style`` the
    button's Bootstrap class, ``label`` its text, ``done`` how the history
    says it happened; a ``comment_required`` move needs a reason (sent to the
    requester). A move that is not a ``button`` has its own form (the
    requester's resubmission)."""

    name: str
    sources: tuple[str, ...]
    target: str
    # requester | staff | director
    role: str
    label: str
    done: str
    style: str = "btn-default"
    comment_required: bool = False
    button: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("confirm", ("unconfirmed",), "submitted", "requester",
                   N_("Confirm my e-mail address and send the request"),
                   N_("E-mail address confirmed"), style="btn-primary"),
        Transition("check", ("submitted",), "checked", "staff",
                   N_("Checked: propose for approval"), N_("Checked by staff"),
                   style="btn-primary"),
        Transition("approve", ("checked",), "approved", "director", N_("Approve"),
                   N_("Approved"), style="btn-success"),
        Transition("deliver", ("approved",), "delivered", "staff",
                   N_("Mark as delivered"), N_("Delivered")),
        Transition("return", ("submitted", "checked"), "returned", "staff",
                   N_("Return to the requester for more information"),
                   N_("Returned for more information"), style="btn-warning",
                   comment_required=True),
        Transition("reject", ("submitted", "checked"), "rejected", "director",
                   N_("Reject"), N_("Rejected"), style="btn-danger", comment_required=True),
        Transition("close", ("approved", "delivered", "rejected"), "closed", "staff",
                   N_("Close the request"), N_("Closed")),
        # A decision taken back (approved by mistake, the purpose ended, the
        # data must no longer go out): every grant ends now. A closed request
        # whose grants still run can be revoked too (see ``possible``).
        Transition("revoke", ("approved", "delivered", "closed"), "closed", "director",
                   N_("Revoke access: the files can no longer be downloaded"),
                   N_("Access revoked by the director"), style="btn-outline-danger",
                   comment_required=True),
        Transition("withdraw", ("unconfirmed", "submitted", "returned", "checked"),
                   "withdrawn", "requester", N_("Withdraw my request"), N_("Withdrawn"),
                   style="btn-outline-danger"),
        Transition("resubmit", ("returned",), "submitted", "requester",
                   N_("Send the request again"), N_("Sent again by the requester"),
                   button=False),
    )
}

#: how the history names what happened to a request besides its moves
EVENTS: dict[str, str] = {
    "create": N_("Request sent"),
    "attach_signed_form": N_("Signed paper form attached"),
    "anonymise": N_("Personal data removed (retention period ended)"),
    "accept_conditions": N_("Conditions of use accepted by the requester"),
    "change_grant": N_("End of access changed"),
}

#: what a delivery may record besides its route (a paper copy: who received
#: it, and when)
DELIVERY_FIELDS = ("received_by", "handed_over_on")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def grant_days() -> int:
    return tk.config.get("ckanext.utt1service.grant_days")


def retention_days() -> int:
    return tk.config.get("ckanext.utt1service.personal_data_retention_days")


# Who is who

def user_from_context(context: dict[str, Any]) -> Optional[model.User]:
    return authz.user_from_context(context)


def is_requester(
    request: AccessRequest, user: Optional[model.User], token: Optional[str]
) -> bool:
    if user is not None and request.user_id and request.user_id == user.id:
        return True
    return request.user_id is None and gate.token_matches(request, token)


def roles(request: AccessRequest, user: Optional[model.User], token: Optional[str]) -> set[str]:
    found = set()
    if is_requester(request, user, token):
        found.add("requester")
    if user is not None:
        if authz.is_staff(user, request.owner_org):
            found.add("staff")
        if authz.may_decide(user, request.owner_org):
            found.add("director")
    return found


def may(transition: Transition, request: AccessRequest, user: Optional[model.User],
        token: Optional[str]) -> bool:
    """Whether this person's role allows the transition (whatever the state).

    Staff and directors never decide their own requests (sysadmins may do
    everything, as CKAN's auth lets them)."""
    have = roles(request, user, token)
    if transition.role == "requester":
        return "requester" in have
    if "requester" in have and not authz.is_sysadmin(user):
        return False
    return transition.role in have


def live_grants(request: AccessRequest) -> list[AccessGrant]:
    """The grants of the request that still let someone download."""
    now = utcnow()
    return [g for g in request.grants if g.is_valid(now)]


def possible(transition: Transition, request: AccessRequest) -> bool:
    """Whether the request's state allows the transition: its state is a
    source, and a closed request is revoked only while a grant still runs
    (staff may close an approved request before its access ends)."""
    if request.state not in transition.sources:
        return False
    if transition.name == "revoke" and request.state == "closed":
        return bool(live_grants(request))
    return True


def allowed_transitions(request: AccessRequest, user: Optional[model.User],
                        token: Optional[str]) -> list[str]:
    return [
        t.name
        for t in TRANSITIONS.values()
        if possible(t, request) and may(t, request, user, token)
    ]


# People to tell

def _addresses(users: list[model.User]) -> list[tuple[str, str]]:
    return [(u.display_name, u.email) for u in users if u.email]


def staff_recipients(org_id: str) -> list[tuple[str, str]]:
    """The staff of the organization (``authz.staff_users``)."""
    return _addresses(authz.staff_users(org_id))


def director_recipients(org_id: str) -> list[tuple[str, str]]:
    """The directors of the organization (``authz.director_users``)."""
    return _addresses(authz.director_users(org_id))


def requester_recipient(request: AccessRequest) -> list[tuple[str, str]]:
    if not request.email:
        return []
    return [(request.full_name, request.email)]


# Building blocks

def package_title(package_id: str) -> str:
    pkg = model.Package.get(package_id)
    return (pkg.title or pkg.name) if pkg else ""


def request_url(request: AccessRequest) -> str:
    return tk.h.url_for("utt1service_request.read", id=request.id, _external=True)


def tracking_url(request: AccessRequest) -> str:
    return tk.h.url_for(
        "utt1service_request.track",
        id=request.id,
        token=gate.tracking_token(request),
        _external=True,
    )


def requester_link(request: AccessRequest) -> str:
    """Where the requester follows the request: the account's page, or the
    private tracking link for anonymous requesters."""
    return tracking_url(request) if request.user_id is None else request_url(request)


def mail_variables(request: AccessRequest, **extra: Any) -> dict[str, Any]:
    grants = [g for g in request.grants if g.revoked_at is None]
    variables = {
        "reference": request.reference,
        "full_name": request.full_name,
        "agency": request.agency,
        "dataset_title": package_title(request.package_id),
        "resource_names": [r.resource_name for r in request.resources],
        "data_wanted": request.data_wanted,
        "staff_url": request_url(request),
        "requester_url": requester_link(request),
        "expires_at": max((g.expires_at for g in grants), default=None),
        "retention_days": request.consent_retention_days,
        "conditions": request.conditions,
        "conditions_required": request.conditions_required,
        # the satisfaction survey about this request (its link carries a
        # token: only the requester answers it); none once it was answered
        "survey_url": (
            None if tk.h.utt1service_survey_answered(request_id=request.id)
            else tk.h.utt1service_survey_url(request_id=request.id, qualified=True)
        ),
    }
    variables.update(extra)
    return variables


def assign_number(request: AccessRequest) -> None:
    """Running number per Buddhist Era year, given when the request enters
    the queue. An advisory lock keeps two submissions from taking the same."""
    if request.number is not None:
        return
    year = thaidate.be_year(thaidate.to_bangkok(utcnow()).year)
    model.Session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 4_000_000 + year})
    last = (
        model.Session.query(func.max(AccessRequest.number))
        .filter(AccessRequest.year_be == year)
        .scalar()
    )
    request.year_be = year
    request.number = (last or 0) + 1


def audit(request: AccessRequest, action: str, actor: Optional[model.User],
          from_state: Optional[str], to_state: Optional[str],
          comment: Optional[str] = None, data: Optional[dict[str, Any]] = None) -> None:
    AuditEvent.record(
        OBJECT_TYPE,
        request.id,
        action,
        actor_id=actor.id if actor is not None else None,
        from_state=from_state,
        to_state=to_state,
        comment=comment or None,
        data=data,
    )


def new_token_salt() -> str:
    return secrets.token_urlsafe(16)


class Conflict(tk.ValidationError):
    """The request is not (or no longer) in a state that allows this."""

    def __init__(self, request: AccessRequest, transition: Transition) -> None:
        message = tk._(
            "This request is now “%(state)s”, so “%(action)s” is not possible. "
            "Someone may have acted on it a moment ago: reload the page to see "
            "its current state."
        ) % {"state": vocabularies.REQUEST_STATES.label(request.state), "action": tk._(transition.label)}
        super().__init__({"state": [message]})


def apply(
    name: str,
    request_id: str,
    actor: Optional[model.User],
    comment: Optional[str] = None,
    fields: Optional[dict[str, Any]] = None,
    data: Optional[dict[str, Any]] = None,
    expect_state: Optional[str] = None,
) -> tuple[AccessRequest, list[RequestMail]]:
    """Move a request: lock its row, check the state, change it, audit it,
    and write the e-mails to the outbox. The caller commits (which releases
    the lock) and then dispatches the mail. This is the only place a
    request's state changes.

    ``fields`` are the form's fields of a resubmission, or what a delivery
    records besides its route (:data:`DELIVERY_FIELDS`). A delivery records
    its route, ``data["via"]`` (one of ``vocabularies.DELIVERY_METHODS``;
    by default the way the requester wanted the data), in the request's
    ``delivered_via`` and in the audit row.

    ``expect_state``: refuse (:class:`Conflict`) unless the request is in
    this state once locked (a bulk decision names the state it saw).

    The row lock is what makes two people deciding at the same moment safe:
    the second waits for the first to commit, then finds the new state and
    gets a :class:`Conflict`.
    """
    transition = TRANSITIONS[name]
    request = AccessRequest.get_for_update(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    if not possible(transition, request) or (expect_state and request.state != expect_state):
        # (``expect_state``: a bulk decision on requests that were still in
        # this state when the director chose them)
        raise Conflict(request, transition)

    now = utcnow()
    source = request.state
    mails: list[RequestMail] = []
    org = request.owner_org

    if name == "confirm":
        request.email_confirmed_at = now
        request.submitted_at = now
        assign_number(request)
    elif name == "resubmit":
        for key, value in (fields or {}).items():
            setattr(request, key, value)
        request.submitted_at = now
    elif name == "deliver":
        data = dict(data or {})
        data["via"] = data.get("via") or request.delivery_channel
        if data["via"] not in vocabularies.DELIVERY_METHODS:
            raise tk.ValidationError({"via": [tk._("Choose how the data was delivered.")]})
        request.delivered_via = data["via"]
        for key in DELIVERY_FIELDS:
            value = (fields or {}).get(key)
            setattr(request, key, value)
            if value is not None:
                data[key] = value.isoformat() if hasattr(value, "isoformat") else value
    elif name == "approve":
        # the conditions of use given with the approval (and whether the
        # requester must accept them before the first download)
        request.conditions = (fields or {}).get("conditions") or None
        request.conditions_required = bool(
            request.conditions and (fields or {}).get("require_acceptance"))
        request.conditions_accepted_at = None
        if request.conditions:
            data = dict(data or {}, conditions=request.conditions,
                        conditions_required=request.conditions_required)
        expires = now + datetime.timedelta(days=grant_days())
        for res in request.resources:
            request.grants.append(
                AccessGrant(
                    resource_id=res.resource_id,
                    user_id=request.user_id,
                    granted_at=now,
                    expires_at=expires,
                    granted_by=actor.id if actor is not None else None,
                )
            )
        request.decided_at = now
    elif name == "reject":
        request.decided_at = now
    elif name == "revoke":
        for grant in request.grants:
            if grant.revoked_at is None:
                grant.revoked_at = now

    request.state = transition.target
    request.modified = now
    request.state_since = now
    acting_for = None
    if transition.role == "director" and actor is not None and not authz.is_director(
            actor, org):
        appointment = authz.acting_appointment(actor, org)
        if appointment is not None:
            # (the decision of an acting approver says for whom)
            acting_for = (model.User.get(appointment.for_user_id)
                          if appointment.for_user_id else None)
            data = dict(data or {}, acting_for=appointment.for_user_id,
                        acting_for_name=acting_for.display_name if acting_for else None,
                        acting_appointment=appointment.id)
    audit(request, name, actor, source, transition.target, comment, data)
    model.Session.flush()

    variables = mail_variables(request, comment=comment)
    if transition.role == "director" and actor is not None:
        variables["decided_by"] = actor.display_name
        variables["acting"] = bool(data and "acting_appointment" in data)
        variables["acting_for"] = (data or {}).get("acting_for_name")
    if name in ("confirm", "resubmit"):
        kind = "new" if name == "confirm" else "resubmitted"
        mails += notify.queue(request, kind, staff_recipients(org), **variables)
    elif name == "check":
        mails += notify.queue(request, "to_director", director_recipients(org), **variables)
        mails += notify.queue(request, "checked", requester_recipient(request), **variables)
    elif name in ("return", "approve", "reject", "revoke"):
        kind = {"return": "returned", "approve": "approved", "reject": "rejected",
                "revoke": "revoked"}[name]
        mails += notify.queue(request, kind, requester_recipient(request), **variables)
    return request, mails


def accept_conditions(request_id: str, actor: Optional[model.User]) -> AccessRequest:
    """The requester accepts the conditions of use of an approval, once:
    the time is recorded (and audited); then the files may be downloaded.
    The caller commits."""
    request = AccessRequest.get_for_update(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    if not request.conditions_required or request.state not in ("approved", "delivered"):
        raise tk.ValidationError({"state": [
            tk._("This request has no conditions of use to accept.")]})
    if request.conditions_accepted_at is not None:
        from flask import has_request_context

        lang = "en" if has_request_context() and tk.h.lang() == "en" else "th"
        raise tk.ValidationError({"state": [
            tk._("The conditions of use were already accepted on %(date)s.")
            % {"date": thaidate.format_datetime(request.conditions_accepted_at, lang)}]})
    now = utcnow()
    request.conditions_accepted_at = now
    audit(request, "accept_conditions", actor, None, None,
          data={"conditions": request.conditions, "accepted_at": now.isoformat()})
    model.Session.flush()
    return request


def change_grant(request_id: str, actor: Optional[model.User], until: datetime.date,
                 comment: str) -> tuple[AccessRequest, list[RequestMail]]:
    """Staff or director extend or shorten the access of a request: every
    grant that was not revoked now ends at the end of the Bangkok day
    ``until`` (audited with the old and new ends and the reason; the
    requester is told). The caller commits."""
    request = AccessRequest.get_for_update(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    grants = [g for g in request.grants if g.revoked_at is None]
    if request.state not in ("approved", "delivered", "closed") or not grants:
        raise tk.ValidationError({"state": [
            tk._("Only the access of an approved request that was not revoked can be "
                 "changed.")]})
    today = thaidate.to_bangkok(utcnow()).date()
    if until < today:
        raise tk.ValidationError({"expires_on": [
            tk._("Choose today or a later day.")]})
    new_end = datetime.datetime.combine(
        until + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=thaidate.BANGKOK)
    old_end = max(g.expires_at for g in grants)
    for grant in grants:
        grant.expires_at = new_end
    request.modified = utcnow()
    request.expiry_notified_for = None  # (a new end: a new notice before it)
    audit(request, "change_grant", actor, None, None, comment,
          data={"from": old_end.isoformat(), "to": new_end.isoformat()})
    model.Session.flush()
    variables = mail_variables(request, comment=comment)
    mails = notify.queue(request, "grant_changed", requester_recipient(request), **variables)
    return request, mails


# Personal data

PERSONAL_FIELDS = (
    "first_name", "surname", "position", "agency", "affiliation",
    "data_wanted", "intended_use", "email", "phone", "user_id", "token_salt",
    "recorded_by", "received_by",
)


def purge_candidates(days: int, now: Optional[datetime.datetime] = None) -> list[AccessRequest]:
    """Finished requests whose last change is older than ``days``: rejected,
    closed or withdrawn; approved or delivered ones whose grants all ended
    before then; and e-mail confirmations never made."""
    now = now or utcnow()
    cutoff = now - datetime.timedelta(days=days)
    base = model.Session.query(AccessRequest).filter(AccessRequest.anonymised_at.is_(None))
    finished = base.filter(
        AccessRequest.state.in_(("rejected", "closed", "withdrawn", "unconfirmed")),
        AccessRequest.modified < cutoff,
    ).all()
    last_grant = (
        model.Session.query(
            AccessGrant.request_id, func.max(AccessGrant.expires_at).label("until")
        )
        .group_by(AccessGrant.request_id)
        .subquery()
    )
    granted = (
        base.join(last_grant, last_grant.c.request_id == AccessRequest.id)
        .filter(
            AccessRequest.state.in_(("approved", "delivered")),
            last_grant.c.until < cutoff,
            AccessRequest.modified < cutoff,
        )
        .all()
    )
    return finished + granted


def anonymise(request: AccessRequest, now: Optional[datetime.datetime] = None) -> None:
    """Blank everything the requester typed and every link to the person;
    keep the number, dates, state, dataset, files and delivery channel, which
    the reports count."""
    now = now or utcnow()
    requester_id = request.user_id
    for name in PERSONAL_FIELDS:
        setattr(request, name, None)
    request.anonymised_at = now
    for grant in request.grants:
        grant.user_id = None
    events = (
        model.Session.query(AuditEvent)
        .filter(AuditEvent.object_type == OBJECT_TYPE, AuditEvent.object_id == request.id)
        .all()
    )
    for event in events:
        event.comment = None
        if requester_id and event.actor_id == requester_id:
            event.actor_id = None
        if event.data and "received_by" in event.data:
            # (the name of whoever received a paper copy)
            event.data = {k: v for k, v in event.data.items() if k != "received_by"}
    model.Session.query(RequestMail).filter(RequestMail.request_id == request.id).delete(
        synchronize_session=False
    )
    AuditEvent.record(OBJECT_TYPE, request.id, "anonymise", data={"retention_days": retention_days()})


def waiting_states(user: Any, org_id: Optional[str] = None) -> tuple[str, ...]:
    """The states of the requests that wait for this user to act: a
    director's (an organization's admin) are those checked by staff, awaiting
    approval; staff's (editors) and sysadmins' those submitted, awaiting the
    check. The queue opens on them and the dashboard counts them."""
    if user is None or authz.is_sysadmin(user):
        return ("submitted",)
    org_ids = [org_id] if org_id else authz.handled_organization_ids(user)
    if any(authz.capacity(user, o) in authz.DIRECTOR_CAPACITIES for o in org_ids):
        return ("checked",)
    return ("submitted",)
