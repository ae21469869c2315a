# -*- coding: utf-8 -*-
"""Who may see the service report: sysadmins (the whole office or any
organization) and the directors of a service organization, i.e. its admins
(that organization only), as ``authz`` decides. Editors, members, admins of
an organization that does not take part and everyone else are refused."""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.utt1service.common import authz

__all__ = [
    "utt1service_report_show",
    "utt1service_report_analysis_update",
    "utt1service_report_publish",
    "utt1service_report_unpublish",
    "utt1service_report_publication_list",
    "utt1service_report_publication_show",
    "utt1service_report_publication_file",
    "utt1service_ropa_show",
]


def _org_id(data_dict: DataDict) -> Optional[str]:
    ref = (data_dict or {}).get("owner_org")
    if not ref or not isinstance(ref, str):
        return None
    group = model.Group.get(ref)
    return group.id if group is not None and group.is_organization else None


def _report_access(context: Context, data_dict: DataDict) -> AuthResult:
    # Sysadmins never reach here (CKAN lets them through every auth function).
    user = authz.user_from_context(context)
    org_id = _org_id(data_dict)
    if org_id is None:
        if authz.sees_whole_report(user):
            return {"success": True}
        return {"success": False, "msg": tk._("Only sysadmins can see the report of the whole office")}
    if authz.sees_report(user, org_id):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the admins of this organization can see its service report")}


def utt1service_report_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _report_access(context, data_dict)


def utt1service_report_analysis_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _report_access(context, data_dict)


def _publisher(context: Context) -> AuthResult:
    # the office's director (an admin of the office's organization) or a sysadmin
    user = authz.user_from_context(context)
    office = authz.office_organization_id()
    if office and authz.is_director(user, office):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the office's director or a sysadmin can publish the service report")}


def utt1service_report_publish(context: Context, data_dict: DataDict) -> AuthResult:
    return _publisher(context)


def utt1service_report_unpublish(context: Context, data_dict: DataDict) -> AuthResult:
    return _publisher(context)


@tk.auth_allow_anonymous_access
def utt1service_report_publication_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Published reports are public; withdrawn ones only for publishers."""
    if (data_dict or {}).get("include_withdrawn") in (True, "true", "True", "1", 1):
        return _publisher(context)
    return {"success": True}


@tk.auth_allow_anonymous_access
def utt1service_report_publication_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def utt1service_report_publication_file(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def utt1service_ropa_show(context: Context, data_dict: DataDict) -> AuthResult:
    # sysadmins only (CKAN lets them through every auth function)
    return {"success": False, "msg": tk._("Only sysadmins can see the record of processing activities")}
