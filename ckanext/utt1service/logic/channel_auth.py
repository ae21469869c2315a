# -*- coding: utf-8 -*-
"""Auth for requests recorded by staff and paper hand-overs: deny by default."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.utt1service import authz
from ckanext.utt1service import request_workflow as wf
from ckanext.utt1service.logic.request_auth import _transition_auth

__all__ = [
    "utt1service_request_create_on_behalf",
    "utt1service_request_hand_over",
    "utt1service_request_send_by_email",
    "utt1service_request_attach_signed_form",
]


def utt1service_request_create_on_behalf(context: Context, data_dict: DataDict) -> AuthResult:
    user = wf.user_from_context(dict(context))
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
    from ckanext.utt1service.model import AccessRequest

    request = AccessRequest.get((data_dict or {}).get("id"))
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    if authz.is_staff(wf.user_from_context(dict(context)), request.owner_org):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the staff of the organization that owns the dataset can do this.")}
