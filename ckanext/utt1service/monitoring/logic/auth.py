# -*- coding: utf-8 -*-
"""Who may do what with download events, survey responses and complaints.

Staff are the editors and admins of the organizations that take part in the
service (and sysadmins, whom CKAN lets through every auth function), as
``authz`` decides. The office's own staff handle the whole register; staff
of another service organization see the complaints about its datasets only.
Editors and admins of an organization that does not take part are the
public here: they may file complaints and surveys but never read them.
"""
from __future__ import annotations

from typing import Optional

import ckan.authz as ckan_authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.utt1service.common import authz

__all__ = [
    "utt1service_download_event_create",
    "utt1service_download_count",
    "utt1service_most_downloaded",
    "utt1service_survey_response_create",
    "utt1service_survey_response_enter",
    "utt1service_survey_response_list",
    "utt1service_complaint_create",
    "utt1service_complaint_record",
    "utt1service_complaint_list",
    "utt1service_complaint_show",
    "utt1service_complaint_update",
]

# --- who is staff: ``authz`` -------------------------------------------------------


def _user(context: Context) -> Optional[model.User]:
    return authz.user_from_context(context)


def is_staff(context: Context) -> bool:
    """Staff of a service organization (or sysadmin)."""
    return authz.is_any_staff(_user(context))


def _deny(message: str) -> AuthResult:
    return {"success": False, "msg": message}


# --- auth functions ------------------------------------------------------------------


def utt1service_download_event_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Staff of the resource's organization (or of the office) record files
    delivered by e-mail or on paper."""
    user = _user(context)
    resource = model.Resource.get(data_dict.get("resource_id") or "")
    package = resource.package if resource is not None else None
    owner_org = package.owner_org if package is not None else None
    if authz.handles_organization(user, owner_org):
        return {"success": True}
    return _deny(tk._("Only staff of the organization can record deliveries"))


@tk.auth_allow_anonymous_access
def utt1service_download_count(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the resource or dataset may see its download count."""
    if data_dict.get("resource_id"):
        return ckan_authz.is_authorized("resource_show", context, {"id": data_dict["resource_id"]})
    return ckan_authz.is_authorized("package_show", context, {"id": data_dict.get("package_id")})


@tk.auth_allow_anonymous_access
def utt1service_most_downloaded(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone: the action lists only the datasets the caller may see."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def utt1service_survey_response_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone, signed in or not, may answer the survey."""
    return {"success": True}


def utt1service_survey_response_enter(context: Context, data_dict: DataDict) -> AuthResult:
    """Staff enter paper or phone surveys on a respondent's behalf."""
    if is_staff(context):
        return {"success": True}
    return _deny(tk._("Only staff can enter surveys on behalf of a respondent"))


def utt1service_survey_response_list(context: Context, data_dict: DataDict) -> AuthResult:
    if is_staff(context):
        return {"success": True}
    return _deny(tk._("Only staff can read survey responses"))


@tk.auth_allow_anonymous_access
def utt1service_complaint_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone, signed in or not, may file a complaint."""
    return {"success": True}


def utt1service_complaint_record(context: Context, data_dict: DataDict) -> AuthResult:
    """Staff record problems of a service event and complaints taken by
    phone, e-mail or at the counter."""
    if is_staff(context):
        return {"success": True}
    return _deny(tk._("Only staff can record problems"))


def utt1service_complaint_list(context: Context, data_dict: DataDict) -> AuthResult:
    if is_staff(context):
        return {"success": True}
    return _deny(tk._("Only staff can see the complaints register"))


def _complaint_owner_org(data_dict: DataDict) -> tuple[bool, Optional[str]]:
    from ckanext.utt1service.monitoring.model.complaint import Complaint

    ref = data_dict.get("id")
    query = model.Session.query(Complaint.owner_org)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        row = query.filter(Complaint.number == int(ref)).first()
    else:
        row = query.filter(Complaint.id == str(ref or "")).first()
    return (row is not None, row.owner_org if row is not None else None)


def utt1service_complaint_show(context: Context, data_dict: DataDict) -> AuthResult:
    found, owner_org = _complaint_owner_org(data_dict)
    if found and authz.handles_organization(_user(context), owner_org):
        return {"success": True}
    return _deny(tk._("Only the staff who handle this complaint can see it"))


def utt1service_complaint_update(context: Context, data_dict: DataDict) -> AuthResult:
    found, owner_org = _complaint_owner_org(data_dict)
    if found and authz.handles_organization(_user(context), owner_org):
        return {"success": True}
    return _deny(tk._("Only the staff who handle this complaint can change it"))
