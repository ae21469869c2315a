# -*- coding: utf-8 -*-
"""Who may see the service report: sysadmins (the whole office or any
organization) and the admins of an organization (that organization only).
Editors, members and everyone else are refused."""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["utt1service_report_show", "utt1service_report_analysis_update"]


def _org_id(data_dict: DataDict) -> Optional[str]:
    ref = (data_dict or {}).get("owner_org")
    if not ref:
        return None
    group = model.Group.get(ref)
    return group.id if group is not None and group.is_organization else None


def is_org_admin(user_name: Optional[str], org_id: Optional[str]) -> bool:
    if not user_name or not org_id:
        return False
    user = model.User.get(user_name)
    if user is None:
        return False
    return (
        model.Session.query(model.Member.id)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.group_id == org_id,
            model.Member.state == "active",
            model.Member.capacity == "admin",
        )
        .first()
        is not None
    )


def _report_access(context: Context, data_dict: DataDict) -> AuthResult:
    # Sysadmins never reach here (CKAN lets them through every auth function).
    org_id = _org_id(data_dict)
    if org_id is None:
        return {"success": False, "msg": tk._("Only sysadmins can see the report of the whole office")}
    if is_org_admin(context.get("user"), org_id):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the admins of this organization can see its service report")}


def utt1service_report_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _report_access(context, data_dict)


def utt1service_report_analysis_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _report_access(context, data_dict)
