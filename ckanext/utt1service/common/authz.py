# -*- coding: utf-8 -*-
"""Who is who in the service: the only place that answers it.

Every auth function, helper, view and template of the extension asks here;
nothing else reads organization memberships to decide a role.

Service organizations
    The organizations that take part in the service: the office's own
    organization (``ckanext.utt1service.office_organization``) and those
    named in ``ckanext.utt1service.service_organizations`` (names or ids,
    separated by spaces; empty: the office's organization alone). Only
    active organizations take part: a deleted organization's people lose
    their role with it, and a name that matches no organization is ignored
    (with no office organization at all, only sysadmins are staff).

Roles
    - *sysadmin*: every role everywhere (CKAN's own rule).
    - *staff* of a service organization: its editors and admins. They work on
      the access requests of its datasets, record requests, deliveries,
      paper surveys and problems, read survey responses and the complaints
      about its datasets.
    - *director* of a service organization: its admins. They approve, reject
      and revoke its access requests and see its service report.
    - *acting approver* (ผู้รักษาราชการแทน) of a service organization: a
      member of its staff the director (or a sysadmin) named for a range of
      Bangkok days (``common/acting.py``). During it, and only then, they
      approve, reject and revoke its access requests (``may_decide``);
      they do not get the director's other rights (the report, naming
      acting approvers).
    - *the office's staff* (editors and admins of the office's organization)
      see the whole complaints register.
    - *member* (any capacity, in any organization): only the download gate
      asks it: members of the organization that owns a dataset may download
      its restricted files.

Editors and admins of an organization that does not take part (for
instance one a user created on a portal that allows it) have none of these
roles; everyone else is the public.

The functions take a user object (``model.User``, CKAN's ``current_user``),
a user name or id, or None (anonymous).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from sqlalchemy import or_

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import acting

__all__ = [
    "STAFF_CAPACITIES",
    "DIRECTOR_CAPACITIES",
    "user_object",
    "user_from_context",
    "is_sysadmin",
    "office_organization_id",
    "service_organization_ids",
    "takes_part",
    "capacity",
    "is_member",
    "is_staff",
    "is_director",
    "may_decide",
    "acting_appointment",
    "is_office_staff",
    "is_any_staff",
    "staff_organization_ids",
    "handled_organization_ids",
    "decided_organization_ids",
    "sees_whole_register",
    "handles_organization",
    "sees_whole_report",
    "sees_report",
    "staff_users",
    "director_users",
    "sysadmin_users",
]

STAFF_CAPACITIES = ("editor", "admin")
DIRECTOR_CAPACITIES = ("admin",)

_SERVICE_ORGANIZATIONS = "ckanext.utt1service.service_organizations"
_OFFICE_ORGANIZATION = "ckanext.utt1service.office_organization"


# Who is asking

def user_object(user: Any) -> Optional[model.User]:
    """The ``model.User`` behind a user object, name or id (None when
    anonymous or unknown)."""
    if user is None or user == "":
        return None
    if isinstance(user, str):
        return model.User.get(user)
    if not getattr(user, "id", None) or not getattr(user, "is_authenticated", True):
        return None
    return user


def user_from_context(context: Any) -> Optional[model.User]:
    """The user an action's context names (``auth_user_obj`` or ``user``)."""
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def is_sysadmin(user: Any) -> bool:
    found = user_object(user)
    return bool(found is not None and found.sysadmin)


# Which organizations take part

def _references(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [str(v).strip() for v in value if str(v).strip()]


def _active_organizations(refs: Iterable[str]) -> list[str]:
    """Ids of the active organizations named (by id or name) in ``refs``."""
    refs = [r for r in refs if r]
    if not refs:
        return []
    rows = (
        model.Session.query(model.Group.id)
        .filter(
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
            or_(model.Group.id.in_(refs), model.Group.name.in_(refs)),
        )
        .order_by(model.Group.name)
    )
    return [r[0] for r in rows]


def office_organization_id() -> Optional[str]:
    """The office's own organization (``ckanext.utt1service.office_organization``,
    its name or id), when it is an active organization."""
    found = _active_organizations(_references(tk.config.get(_OFFICE_ORGANIZATION))[:1])
    return found[0] if found else None


def service_organization_ids() -> list[str]:
    """Ids of the organizations that take part in the service: the office's
    and those of ``ckanext.utt1service.service_organizations``, active only."""
    refs = _references(tk.config.get(_OFFICE_ORGANIZATION))[:1]
    refs += _references(tk.config.get(_SERVICE_ORGANIZATIONS))
    return _active_organizations(refs)


def takes_part(org_id: Optional[str]) -> bool:
    """Whether this organization (id or name) takes part in the service."""
    return bool(org_id) and _organization_id(org_id) in service_organization_ids()


def _organization_id(ref: Optional[str]) -> Optional[str]:
    if not ref:
        return None
    group = model.Group.get(ref)
    return group.id if group is not None and group.is_organization else None


# Memberships

def capacity(user: Any, org_id: Optional[str]) -> Optional[str]:
    """The user's capacity (member / editor / admin) in an organization,
    whether or not it takes part; None when not a member."""
    found = user_object(user)
    org = _organization_id(org_id)
    if found is None or org is None:
        return None
    row = (
        model.Session.query(model.Member.capacity)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == found.id,
            model.Member.group_id == org,
            model.Member.state == "active",
        )
        .first()
    )
    return row[0] if row else None


def is_member(user: Any, org_id: Optional[str]) -> bool:
    """A member in any capacity of the organization (the download gate's
    question: members of the owning organization get its restricted files)."""
    return capacity(user, org_id) is not None


def _service_capacity(user: Any, org_id: Optional[str]) -> Optional[str]:
    org = _organization_id(org_id)
    if org is None or org not in service_organization_ids():
        return None
    return capacity(user, org)


def _organizations_where(user: Any, capacities: tuple[str, ...]) -> list[str]:
    found = user_object(user)
    service = service_organization_ids()
    if found is None or not service:
        return []
    rows = (
        model.Session.query(model.Member.group_id)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == found.id,
            model.Member.state == "active",
            model.Member.capacity.in_(capacities),
            model.Member.group_id.in_(service),
        )
    )
    ids = {r[0] for r in rows}
    return [org for org in service if org in ids]


# Roles

def is_staff(user: Any, org_id: Optional[str]) -> bool:
    """Staff of this organization: its editors and admins when it takes part
    in the service, and sysadmins."""
    if is_sysadmin(user):
        return True
    return _service_capacity(user, org_id) in STAFF_CAPACITIES


def is_director(user: Any, org_id: Optional[str]) -> bool:
    """Director of this organization: its admins when it takes part in the
    service, and sysadmins."""
    if is_sysadmin(user):
        return True
    return _service_capacity(user, org_id) in DIRECTOR_CAPACITIES


def acting_appointment(user: Any, org_id: Optional[str]) -> Optional[acting.ActingApprover]:
    """The appointment that makes the user acting approver of this service
    organization now (None for everyone else, also outside its days)."""
    found = user_object(user)
    org = _organization_id(org_id)
    if found is None or org is None or org not in service_organization_ids():
        return None
    appointment = acting.acting_for(found.id, org)
    # (only while still staff of the organization)
    if appointment is None or capacity(found, org) not in STAFF_CAPACITIES:
        return None
    return appointment


def may_decide(user: Any, org_id: Optional[str]) -> bool:
    """Who approves, rejects and revokes the organization's access requests:
    its directors, sysadmins, and its acting approver during the days named."""
    return is_director(user, org_id) or acting_appointment(user, org_id) is not None


def is_office_staff(user: Any) -> bool:
    """Editors and admins of the office's organization, and sysadmins."""
    if is_sysadmin(user):
        return True
    office = office_organization_id()
    return office is not None and capacity(user, office) in STAFF_CAPACITIES


def staff_organization_ids(user: Any) -> list[str]:
    """The service organizations where the user is an editor or admin
    (sysadmins: every service organization)."""
    if is_sysadmin(user):
        return service_organization_ids()
    return _organizations_where(user, STAFF_CAPACITIES)


def is_any_staff(user: Any) -> bool:
    """Staff of at least one service organization, or sysadmin: may read
    survey responses, enter paper surveys and record problems."""
    return is_sysadmin(user) or bool(_organizations_where(user, STAFF_CAPACITIES))


def handled_organization_ids(user: Any) -> list[str]:
    """The organizations whose access requests the user works on: the
    service organizations where the user is staff; for sysadmins every
    active organization (only they handle the requests of an organization
    that does not take part)."""
    found = user_object(user)
    if found is None:
        return []
    if found.sysadmin:
        rows = model.Session.query(model.Group.id).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active"
        ).order_by(model.Group.name)
        return [r[0] for r in rows]
    return _organizations_where(found, STAFF_CAPACITIES)


def decided_organization_ids(user: Any) -> list[str]:
    """The organizations whose checked access requests wait for the user's
    decision: the service organizations where the user is an admin; for
    sysadmins every active organization (as ``handled_organization_ids``)."""
    found = user_object(user)
    if found is None:
        return []
    if found.sysadmin:
        return handled_organization_ids(found)
    own = _organizations_where(found, DIRECTOR_CAPACITIES)
    for org in _organizations_where(found, STAFF_CAPACITIES):
        if org not in own and acting_appointment(found, org) is not None:
            own.append(org)
    return own


def sees_whole_register(user: Any) -> bool:
    """Sysadmins and the office's staff see every complaint and problem;
    other staff those about their organizations' datasets."""
    return is_office_staff(user)


def handles_organization(user: Any, owner_org: Optional[str]) -> bool:
    """Whether the user handles complaints, problems and deliveries about
    datasets of ``owner_org``: the office's staff (whatever the
    organization, or none), or staff of that service organization."""
    if sees_whole_register(user):
        return True
    return bool(owner_org) and is_staff(user, owner_org)


def sees_whole_report(user: Any) -> bool:
    """The service report of the whole office: sysadmins."""
    return is_sysadmin(user)


def sees_report(user: Any, org_id: Optional[str] = None) -> bool:
    """The service report of one organization (its directors), or of the
    whole office when ``org_id`` is empty (sysadmins)."""
    if not org_id:
        return sees_whole_report(user)
    return is_director(user, org_id)


# People to tell

def _users(org_id: Optional[str], capacities: tuple[str, ...]) -> list[model.User]:
    org = _organization_id(org_id)
    if org is None:
        return []
    return (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(
            model.Member.table_name == "user",
            model.Member.group_id == org,
            model.Member.state == "active",
            model.Member.capacity.in_(capacities),
            model.User.state == "active",
        )
        .order_by(model.User.name)
        .all()
    )


def _sysadmins() -> list[model.User]:
    return (
        model.Session.query(model.User)
        .filter(model.User.sysadmin.is_(True), model.User.state == "active")
        .order_by(model.User.name)
        .all()
    )


def staff_users(org_id: Optional[str]) -> list[model.User]:
    """Who is told about a new request of this organization: its editors
    (its admins when it has none) when it takes part; the sysadmins, who
    alone handle it, when it does not."""
    if not takes_part(org_id):
        return _sysadmins()
    return _users(org_id, ("editor",)) or _users(org_id, ("admin",))


def director_users(org_id: Optional[str]) -> list[model.User]:
    """Who is asked to decide a request of this organization: its admins
    and, during their days, its acting approvers, when it takes part; the
    sysadmins when it does not."""
    if not takes_part(org_id):
        return _sysadmins()
    users = _users(org_id, DIRECTOR_CAPACITIES)
    org = _organization_id(org_id)
    for appointment in acting.active(org):
        user = model.User.get(appointment.user_id)
        if (user is not None and user not in users and user.state == "active"
                and capacity(user, org) in STAFF_CAPACITIES):
            users.append(user)
    return users


def sysadmin_users() -> list[model.User]:
    """Who is told when requests are late beyond the escalation days (and no
    escalation address is configured): the active sysadmins."""
    return _sysadmins()
