# -*- coding: utf-8 -*-
"""How a request comes in: made on this portal by the requester, or
recorded by staff on the requester's behalf for someone who asked by phone,
LINE, e-mail or at the counter. Either way the request has the same form,
numbers, audit trail and e-mails (``workflow``); the caller commits.
"""
from __future__ import annotations

import uuid
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests import notify
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import (
    AccessRequest,
    AccessRequestResource,
    RequestMail,
)


def _new_request(
    fields: dict[str, Any],
    package: dict[str, Any],
    resources: list[dict[str, Any]],
    now: Any,
    **columns: Any,
) -> AccessRequest:
    """A request for these files of the dataset, made ``now``, added to the
    session."""
    request = AccessRequest(
        id=str(uuid.uuid4()),
        package_id=package["id"],
        owner_org=package["owner_org"],
        consent_at=now,
        consent_retention_days=wf.retention_days(),
        created=now,
        modified=now,
        state_since=now,
        **columns,
        **fields,
    )
    for i, res in enumerate(resources):
        request.resources.append(
            AccessRequestResource(
                resource_id=res["id"], resource_name=res.get("name") or res["id"], position_=i
            )
        )
    model.Session.add(request)
    return request


def _received(request: AccessRequest) -> list[RequestMail]:
    """The request is in the queue: the requester is told it arrived, the
    staff that it waits for them."""
    variables = wf.mail_variables(request)
    mails = notify.queue(request, "received", wf.requester_recipient(request), **variables)
    mails += notify.queue(request, "new", wf.staff_recipients(request.owner_org), **variables)
    return mails


def create(fields: dict[str, Any], package: dict[str, Any], resources: list[dict[str, Any]],
           actor: Optional[model.User]) -> tuple[AccessRequest, list[RequestMail]]:
    """A request made on this portal: straight into the queue for a
    logged-in requester; for an anonymous one, waiting until the e-mail
    address is confirmed through the private link sent to it."""
    now = wf.utcnow()
    if actor is None:
        request = _new_request(fields, package, resources, now, user_id=None,
                               state="unconfirmed", token_salt=wf.new_token_salt())
    else:
        request = _new_request(fields, package, resources, now, user_id=actor.id,
                               state="submitted", submitted_at=now, email_confirmed_at=now)
        wf.assign_number(request)
    wf.audit(request, "create", actor, None, request.state)
    model.Session.flush()
    if actor is not None:
        return request, _received(request)
    variables = wf.mail_variables(request)
    return request, notify.queue(request, "confirm", wf.requester_recipient(request), **variables)


def create_on_behalf(
    fields: dict[str, Any],
    package: dict[str, Any],
    resources: list[dict[str, Any]],
    actor: model.User,
    intake_channel: str,
    consent_method: str,
) -> tuple[AccessRequest, list[RequestMail]]:
    """A request staff record for someone who asked by phone, LINE, e-mail
    or at the counter: it enters the queue at once (the staff saw who asked),
    is not linked to any account, and the requester follows it through the
    private tracking link sent to the e-mail address, when there is one."""
    now = wf.utcnow()
    request = _new_request(
        fields, package, resources, now, user_id=None, state="submitted",
        submitted_at=now, token_salt=wf.new_token_salt(),
        intake_channel=intake_channel, consent_method=consent_method, recorded_by=actor.id,
    )
    wf.assign_number(request)
    wf.audit(request, "create", actor, None, request.state, data={
        "on_behalf": True, "intake_channel": intake_channel, "consent_method": consent_method,
    })
    model.Session.flush()
    return request, _received(request)


#: the states from which a request can be renewed (its access was given)
RENEWABLE_STATES = ("approved", "delivered", "closed")


def renewal_refusal(request: AccessRequest) -> Optional[str]:
    """Why this request cannot be renewed now (None: it can): it must have
    had its access given and not revoked, and no renewal of it may be open."""
    if request.state not in RENEWABLE_STATES or not request.grants:
        return tk._("Only a request whose access was given can be renewed.")
    if any(g.revoked_at is not None for g in request.grants):
        return tk._("The access of this request was revoked: send a new request instead.")
    if request.anonymised_at is not None:
        return tk._("Only a request whose access was given can be renewed.")
    open_renewal = (
        model.Session.query(AccessRequest.id)
        .filter(AccessRequest.renewal_of == request.id,
                AccessRequest.state.in_(("unconfirmed", "submitted", "returned", "checked")))
        .first()
    )
    if open_renewal is not None:
        return tk._("A renewal of this request is already in progress.")
    return None


def renew(original: AccessRequest, fields: dict[str, Any], resources: list[dict[str, Any]],
          package: dict[str, Any], actor: Optional[model.User],
          reason: str) -> tuple[AccessRequest, list[RequestMail]]:
    """A renewal: a new request for the same files by the same requester,
    filled in from the original (``fields`` may change the data wanted, the
    intended use and the delivery), linked to it, straight into the queue
    (the e-mail address was confirmed with the original). The requester
    consented again on the renewal form (the action requires it): the
    consent is recorded now, with today's retention period, given by the
    requester themselves online (no ``consent_method`` of a request recorded
    by staff), not taken over from the original."""
    now = wf.utcnow()
    values = {key: getattr(original, key) for key in (
        "first_name", "surname", "position", "agency", "agency_type", "affiliation",
        "data_wanted", "intended_use", "delivery_channel", "email", "phone")}
    values.update({k: v for k, v in fields.items() if v})
    request = _new_request(
        values, package, resources, now, user_id=original.user_id, state="submitted",
        submitted_at=now, email_confirmed_at=now, renewal_of=original.id,
        token_salt=wf.new_token_salt() if original.user_id is None else None,
        intake_channel=None, consent_method=None,
    )
    wf.assign_number(request)
    wf.audit(request, "create", actor, None, request.state, comment=reason,
             data={"renewal_of": original.id, "renewal_of_reference": original.reference,
                   "consent_at": now.isoformat(),
                   "consent_retention_days": request.consent_retention_days})
    model.Session.flush()
    return request, _received(request)
