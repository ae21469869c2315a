# -*- coding: utf-8 -*-
"""Template helpers of restricted resources and access requests."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import func

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests import gate, service_levels
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common import authz, vocabularies

__all__ = [
    "utt1service_resource_access",
    "utt1service_request_state_label",
    "utt1service_request_channel_label",
    "utt1service_agency_type_label",
    "utt1service_agency_types",
    "utt1service_request_action_label",
    "utt1service_request_buttons",
    "utt1service_is_request_staff",
    "utt1service_request_queue_count",
    "utt1service_grant_days",
    "utt1service_request_queue_url",
    "utt1service_intake_label",
    "utt1service_consent_label",
    "utt1service_request_waiting",
    "utt1service_service_step_label",
]


def utt1service_resource_access(resource: dict[str, Any]) -> dict[str, Any]:
    """For a resource dict: is it restricted, may the current user download
    it (and why), and the user's latest request for it (the action
    ``utt1service_resource_access``; dates as ISO text)."""
    result: dict[str, Any] = {"restricted": gate.is_restricted(resource), "allowed": True,
                              "reason": "public"}
    if not result["restricted"] or not resource.get("id"):
        return result
    try:
        return tk.get_action("utt1service_resource_access")({}, {"id": resource["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return dict(result, allowed=False, reason="refused")


def utt1service_request_state_label(state: Optional[str]) -> str:
    return vocabularies.REQUEST_STATES.label(state)


def utt1service_request_channel_label(channel: Optional[str]) -> str:
    return vocabularies.DELIVERY_METHODS.label(channel)


def utt1service_agency_type_label(code: Optional[str]) -> str:
    """The requester's agency type (ประเภทหน่วยงาน) in the user's language."""
    return vocabularies.AGENCY_TYPES.label(code)


def utt1service_agency_types() -> list[tuple[str, str]]:
    """(code, label) of every agency type, in the order of the form."""
    return vocabularies.AGENCY_TYPES.choices()


def utt1service_request_action_label(action: str, past: bool = False) -> str:
    """A transition's button label, or (``past``) how the audit trail says
    it (also the events that are not moves: ``workflow.EVENTS``)."""
    transition = wf.TRANSITIONS.get(action)
    if transition is None:
        return tk._(wf.EVENTS[action]) if past and action in wf.EVENTS else action
    return tk._(transition.done if past else transition.label)


def utt1service_request_buttons(allowed_actions: list[str]) -> list[dict[str, Any]]:
    """The buttons of the request page for these allowed moves, in the order
    of ``workflow.TRANSITIONS``: ``name``, ``label``, ``style`` (a Bootstrap
    button class) and ``comment_required``."""
    return [
        {"name": t.name, "label": tk._(t.label), "style": t.style,
         "comment_required": t.comment_required}
        for t in wf.TRANSITIONS.values()
        if t.button and t.name in allowed_actions
    ]


def utt1service_is_request_staff(org_id: Optional[str] = None) -> bool:
    """Whether the current user works on access requests (of this
    organization, or of any)."""
    user = gate.current_user_obj()
    if user is None:
        return False
    if org_id is None:
        return bool(authz.handled_organization_ids(user))
    return authz.is_staff(user, org_id)


def utt1service_request_queue_count(org_id: Optional[str] = None) -> int:
    """Requests waiting for the current user (``workflow.waiting_states``)."""
    user = gate.current_user_obj()
    if user is None:
        return 0
    org_ids = authz.handled_organization_ids(user)
    if org_id is not None:
        org = model.Group.get(org_id)
        org_ids = [o for o in org_ids if org is not None and o == org.id]
    if not org_ids:
        return 0
    return (
        model.Session.query(func.count(AccessRequest.id))
        .filter(
            AccessRequest.owner_org.in_(org_ids),
            AccessRequest.state.in_(wf.waiting_states(user, org_id and org_ids[0])),
        )
        .scalar()
        or 0
    )


def utt1service_grant_days() -> int:
    return wf.grant_days()


def utt1service_request_queue_url() -> Optional[str]:
    """Where the current user reviews requests: the admin queue for
    sysadmins, their organization's queue for staff and directors."""
    user = gate.current_user_obj()
    if user is None:
        return None
    if authz.is_sysadmin(user):
        return tk.h.url_for("utt1service_request.admin_queue")
    org_ids = authz.handled_organization_ids(user)
    if not org_ids:
        return None
    org = model.Group.get(org_ids[0])
    return tk.h.url_for("utt1service_request.organization_queue", id=org.name)


# --- requests recorded by staff ------------------------------------------------


def utt1service_intake_label(channel: Optional[str]) -> str:
    """The channel a request came through, in the user's language."""
    return vocabularies.INTAKE_METHODS.label(channel)


def utt1service_consent_label(method: Optional[str]) -> str:
    """How the requester gave consent, in the user's language."""
    return vocabularies.CONSENT_METHODS.label(method)


# --- service levels ---------------------------------------------------------------


def utt1service_request_waiting() -> dict[str, Any]:
    """What waits for the current user as staff and as director, with how
    much is late (the action ``utt1service_request_waiting``); zeros for
    anyone else."""
    empty = {"count": 0, "late": 0, "due_soon": 0, "escalated": 0}
    user = gate.current_user_obj()
    if user is None:
        return {"staff": empty, "director": empty, "decides": False}
    try:
        return tk.get_action("utt1service_request_waiting")(
            {"user": user.name, "auth_user_obj": user}, {})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return {"staff": empty, "director": empty, "decides": False}


def utt1service_service_step_label(step: Optional[str]) -> str:
    """A step of the service levels (check, decision, delivery, overall) in
    the user's language."""
    label = service_levels.STEPS.get(step or "")
    return tk._(label) if label else (step or "")
