# -*- coding: utf-8 -*-
"""Auth of the access-request workflow: deny by default.

Staff are the editors and admins of the organization that owns the dataset,
the director its admins, when that organization takes part in the service
(``authz``); sysadmins pass every check (CKAN's rule). Anonymous requesters
act through the private token of their tracking link.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common import authz
from ckanext.utt1service.common.i18n import N_

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


def _deny(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def _request(data_dict: DataDict) -> AccessRequest:
    request = AccessRequest.get((data_dict or {}).get("id"))
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    return request


def _user(context: Context) -> Any:
    return wf.user_from_context(dict(context))


@tk.auth_allow_anonymous_access
def utt1service_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    user = _user(context)
    if user is None and not tk.config.get("ckanext.utt1service.anonymous_requests"):
        return _deny(tk._("Please log in to request access to data."))
    package_id = (data_dict or {}).get("package_id")
    if not package_id:
        return {"success": True}
    try:
        tk.check_access(
            "package_show",
            {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
            {"id": package_id},
        )
    except tk.NotAuthorized:
        return _deny(tk._("Dataset not found"))
    return {"success": True}


@tk.auth_allow_anonymous_access
def utt1service_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    if wf.roles(request, _user(context), data_dict.get("token")) & {"requester", "staff"}:
        return {"success": True}
    return _deny(
        tk._("Only the requester, the staff of the organization that owns the dataset "
             "and sysadmins can see this request.")
    )


def utt1service_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    user = _user(context)
    if user is None:
        return _deny(tk._("Please log in."))
    if tk.asbool((data_dict or {}).get("mine")):
        return {"success": True}
    orgs = authz.handled_organization_ids(user)
    owner_org = (data_dict or {}).get("owner_org")
    if owner_org:
        from ckan import model

        org = model.Group.get(owner_org)
        if org is not None and org.id in orgs:
            return {"success": True}
    elif orgs:
        return {"success": True}
    return _deny(
        tk._("Only the staff and director of the organization can see its access requests.")
    )


_ROLE_MESSAGES = {
    "requester": N_("Only the requester can do this."),
    "staff": N_("Only the staff of the organization that owns the dataset can do this "
                "(and not on their own request)."),
    "director": N_("Only the director (an admin of the organization that owns the dataset) "
                   "can do this (and not on their own request)."),
}


def _role_message(role: str) -> str:
    """Who may do it, in the user's language."""
    return tk._(_ROLE_MESSAGES[role])


def _transition_auth(name: str, context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    transition = wf.TRANSITIONS[name]
    if wf.may(transition, request, _user(context), data_dict.get("token")):
        return {"success": True}
    return _deny(tk._(_ROLE_MESSAGES[transition.role]))


@tk.auth_allow_anonymous_access
def utt1service_request_confirm(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("confirm", context, data_dict)


def utt1service_request_check(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("check", context, data_dict)


def utt1service_request_return(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("return", context, data_dict)


@tk.auth_allow_anonymous_access
def utt1service_request_resubmit(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("resubmit", context, data_dict)


def utt1service_request_approve(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("approve", context, data_dict)


def utt1service_request_reject(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("reject", context, data_dict)


def utt1service_request_deliver(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("deliver", context, data_dict)


def utt1service_request_close(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("close", context, data_dict)


@tk.auth_allow_anonymous_access
def utt1service_request_withdraw(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("withdraw", context, data_dict)


def utt1service_request_revoke(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("revoke", context, data_dict)


def utt1service_request_purge_personal_data(
    context: Context, data_dict: DataDict
) -> AuthResult:
    # Sysadmins only (they pass before this is called).
    return {"success": False}


@tk.auth_allow_anonymous_access
def utt1service_resource_access(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


# --- requests recorded by staff, paper hand-over, e-mail delivery --------------


def utt1service_request_create_on_behalf(context: Context, data_dict: DataDict) -> AuthResult:
    user = _user(context)
    pkg = model.Package.get((data_dict or {}).get("package_id") or "")
    if pkg is not None and authz.is_staff(user, pkg.owner_org):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._("Only the staff of the organization that owns the dataset can record "
                    "a request on the requester's behalf."),
    }


def utt1service_request_hand_over(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("deliver", context, data_dict)


def utt1service_request_send_by_email(context: Context, data_dict: DataDict) -> AuthResult:
    return _transition_auth("deliver", context, data_dict)


def utt1service_request_attach_signed_form(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    if authz.is_staff(_user(context), request.owner_org):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the staff of the organization that owns the dataset can do this.")}


@tk.auth_allow_anonymous_access
def utt1service_request_file_show(context: Context, data_dict: DataDict) -> AuthResult:
    # The personal link is the key: the action checks its signature (and,
    # for a request made with an account, that its owner is asking).
    return {"success": True}


# --- service levels ---------------------------------------------------------------


def utt1service_request_waiting(context: Context, data_dict: DataDict) -> AuthResult:
    # Any logged-in user: the counts are of what the user handles (nothing
    # for someone who handles no requests).
    if _user(context) is None:
        return _deny(tk._("Please log in."))
    return {"success": True}


def utt1service_request_service_levels(context: Context, data_dict: DataDict) -> AuthResult:
    # As the service report: sysadmins the whole office, the directors of a
    # service organization that organization (sysadmins pass before this).
    ref = (data_dict or {}).get("owner_org")
    org = model.Group.get(ref) if isinstance(ref, str) and ref else None
    if org is not None and org.is_organization and authz.sees_report(_user(context), org.id):
        return {"success": True}
    return _deny(tk._("Only the admins of this organization can see its service report"))


def utt1service_request_send_digests(context: Context, data_dict: DataDict) -> AuthResult:
    # Sysadmins only (they pass before this is called): cron's command.
    return {"success": False}


# --- acting approvers ---------------------------------------------------------------


def _org_ref(data_dict: DataDict) -> Any:
    ref = (data_dict or {}).get("owner_org")
    org = model.Group.get(ref) if isinstance(ref, str) and ref else None
    return org.id if org is not None and org.is_organization else None


def utt1service_acting_approver_create(context: Context, data_dict: DataDict) -> AuthResult:
    # The director (an admin) of the organization; sysadmins pass before.
    if authz.is_director(_user(context), _org_ref(data_dict)):
        return {"success": True}
    return _deny(_role_message("director"))


def utt1service_acting_approver_list(context: Context, data_dict: DataDict) -> AuthResult:
    if authz.is_staff(_user(context), _org_ref(data_dict)):
        return {"success": True}
    return _deny(tk._("Only the staff and director of the organization can see its access "
                      "requests."))


def utt1service_acting_approver_end(context: Context, data_dict: DataDict) -> AuthResult:
    from ckanext.utt1service.common.acting import ActingApprover

    ref = (data_dict or {}).get("id")
    appointment = model.Session.get(ActingApprover, ref) if isinstance(ref, str) and ref else None
    if appointment is None:
        raise tk.ObjectNotFound(tk._("Acting appointment not found"))
    if authz.is_director(_user(context), appointment.owner_org):
        return {"success": True}
    return _deny(_role_message("director"))


def _requester_only(context: Context, data_dict: DataDict) -> AuthResult:
    """The requester alone (the account, or the holder of the tracking link)."""
    request = _request(data_dict)
    if "requester" in wf.roles(request, _user(context), data_dict.get("token")):
        return {"success": True}
    return _deny(_role_message("requester"))


@tk.auth_allow_anonymous_access
def utt1service_request_accept_conditions(context: Context, data_dict: DataDict) -> AuthResult:
    return _requester_only(context, data_dict)


def utt1service_request_bulk_decide(context: Context, data_dict: DataDict) -> AuthResult:
    # Whoever decides requests somewhere (directors, acting approvers during
    # their days); each request's own decision then checks its auth.
    if authz.decided_organization_ids(_user(context)):
        return {"success": True}
    return _deny(_role_message("director"))


@tk.auth_allow_anonymous_access
def utt1service_request_renew(context: Context, data_dict: DataDict) -> AuthResult:
    # The requester of the original request alone.
    return _requester_only(context, data_dict)


def utt1service_request_change_grant(context: Context, data_dict: DataDict) -> AuthResult:
    # Staff and director of the organization (never on their own request).
    request = _request(data_dict)
    user = _user(context)
    if authz.is_staff(user, request.owner_org) and not wf.is_requester(request, user, None):
        return {"success": True}
    return _deny(_role_message("staff"))
