# -*- coding: utf-8 -*-
"""Who may have the bytes of a resource.

A resource whose ``access_level`` is ``restricted`` goes only to sysadmins,
members (any capacity) of the organization that owns its dataset (whether
or not it takes part in the service: ``authz.is_member``), and
requesters holding a valid grant for it: a logged-in requester through the
account, an anonymous requester through the private tracking link, which the
browser keeps in the (signed) session once opened.

Everything here reads the database directly with a few small queries: it runs
on every download.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import hmac
from typing import Any, Optional

from sqlalchemy import or_

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests.model import (
    AccessGrant,
    AccessRequest,
    AccessRequestResource,
)
from ckanext.utt1service.common import authz

SESSION_KEY = "utt1service_tracking"
# How many tracking links one browser remembers.
SESSION_LIMIT = 20


@dataclasses.dataclass
class ResourceInfo:
    id: str
    package_id: str
    owner_org: Optional[str]
    url_type: Optional[str]
    url: Optional[str]
    restricted: bool
    active: bool
    #: the ORM's resource and dataset: the session's identity map holds its
    #: objects weakly, so they stay there (see resource_info) only while
    #: something refers to them
    objects: tuple = dataclasses.field(default=(), repr=False, compare=False)


@dataclasses.dataclass
class Decision:
    allowed: bool
    # public | sysadmin | member | grant | refused
    reason: str
    grant: Optional[AccessGrant] = None

    @property
    def request_id(self) -> Optional[str]:
        return self.grant.request_id if self.grant is not None else None


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def is_restricted(resource: dict[str, Any]) -> bool:
    """Whether a resource dict (or its extras) is restricted."""
    return (resource or {}).get("access_level") == "restricted"


def resource_info(resource_id: str) -> Optional[ResourceInfo]:
    """What the gate needs to know about a resource, in one query.

    The resource and its dataset are loaded as the ORM's objects and kept in
    the answer, so that while the caller holds it they stay in the session's
    identity map: CKAN's own ``resource_show`` and its auth, which the
    download view runs next, find them there instead of reading them again
    (two statements fewer on every download)."""
    row = (
        model.Session.query(model.Resource, model.Package)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.id == resource_id)
        .first()
    )
    if row is None:
        return None
    resource, package = row
    return ResourceInfo(
        id=resource.id,
        package_id=resource.package_id,
        owner_org=package.owner_org,
        url_type=resource.url_type,
        url=resource.url,
        restricted=is_restricted(resource.extras or {}),
        active=resource.state == "active" and package.state == "active",
        objects=(resource, package),
    )


# Private tracking links of anonymous requesters

def _secret() -> bytes:
    secret = tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret")
    if not secret:
        raise RuntimeError("SECRET_KEY is not set")
    return str(secret).encode("utf-8")


def _token(request_id: str, salt: Optional[str]) -> str:
    if not salt:
        return ""
    mac = hmac.new(_secret(), f"{request_id}:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def tracking_token(request: AccessRequest) -> str:
    """The secret part of a request's private tracking link: an HMAC of the
    request's id and salt with the site's secret, so it is never stored."""
    return _token(request.id, request.token_salt)


def _token_ok(request_id: str, salt: Optional[str], token: Optional[str]) -> bool:
    if not token or not salt:
        return False
    from ckanext.utt1service.common.input_guard import same_secret

    return same_secret(_token(request_id, salt), token)


def token_matches(request: Optional[AccessRequest], token: Optional[str]) -> bool:
    return request is not None and _token_ok(request.id, request.token_salt, token)


def tracked_requests() -> dict[str, str]:
    """Request id → tracking token remembered by this browser's session."""
    from flask import has_request_context, session

    if not has_request_context():
        return {}
    value = session.get(SESSION_KEY)
    return dict(value) if isinstance(value, dict) else {}


def remember_tracking(request_id: str, token: str) -> None:
    """This browser keeps the tracking link of the request (the caller has
    checked it): in its signed session, the newest ``SESSION_LIMIT``."""
    from flask import session

    tracked = tracked_requests()
    tracked.pop(request_id, None)
    tracked[request_id] = token
    while len(tracked) > SESSION_LIMIT:
        tracked.pop(next(iter(tracked)))
    session[SESSION_KEY] = tracked


# The decision

def valid_grant(
    resource_id: str,
    user_id: Optional[str],
    tracked: Optional[dict[str, str]] = None,
) -> Optional[AccessGrant]:
    """The grant (the one lasting longest) that lets this user, or this
    browser's tracked requests, download the resource now. One query; the
    grant's ``request_state`` says whether its request is still
    ``approved`` (not yet delivered)."""
    tracked = tracked or {}
    who = []
    if user_id:
        who.append(AccessGrant.user_id == user_id)
    if tracked:
        who.append(AccessGrant.request_id.in_(list(tracked)))
    if not who:
        return None
    rows = (
        model.Session.query(AccessGrant, AccessRequest.state, AccessRequest.id,
                            AccessRequest.token_salt)
        .join(AccessRequest, AccessRequest.id == AccessGrant.request_id)
        .filter(
            AccessGrant.resource_id == resource_id,
            AccessGrant.revoked_at.is_(None),
            # (conditions of use to accept first: no download yet)
            or_(AccessRequest.conditions_required.is_(False),
                AccessRequest.conditions_accepted_at.isnot(None)),
            AccessGrant.expires_at > utcnow(),
            or_(*who),
        )
        .order_by(AccessGrant.expires_at.desc())
        .all()
    )
    for grant, state, request_id, salt in rows:
        grant.request_state = state
        if user_id and grant.user_id == user_id:
            return grant
        if _token_ok(request_id, salt, tracked.get(request_id)):
            return grant
    return None


def decide(
    info: ResourceInfo,
    user: Any = None,
    tracked: Optional[dict[str, str]] = None,
) -> Decision:
    """May this user (or browser) have the bytes of this resource?

    Only the access level is decided here; whether the user may see the
    dataset at all (private datasets) stays with CKAN's own auth.
    """
    if not info.restricted:
        return Decision(True, "public")
    user_id = getattr(user, "id", None) if user is not None else None
    if user_id and authz.is_sysadmin(user):
        return Decision(True, "sysadmin")
    if user_id and authz.is_member(user, info.owner_org):
        return Decision(True, "member")
    grant = valid_grant(info.id, user_id, tracked)
    if grant is not None:
        return Decision(True, "grant", grant)
    return Decision(False, "refused")


def access(info: ResourceInfo, user: Any = None,
           tracked: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """The decision on a resource as the action ``utt1service_resource_access``
    gives it (dates as datetimes): whether it is restricted, allowed and
    why; for a grant, until when and through which request (and its state);
    when refused, the newest request of this user (or browser) for it."""
    decision = decide(info, user, tracked)
    grant = decision.grant
    return {
        "resource_id": info.id,
        "restricted": info.restricted,
        "allowed": decision.allowed,
        "reason": decision.reason,
        "expires_at": grant.expires_at if grant is not None else None,
        "request_id": decision.request_id,
        "request_state": getattr(grant, "request_state", None),
        "latest": None if decision.allowed else latest_request(info.id, user, tracked),
    }


def latest_request(
    resource_id: str, user: Any, tracked: Optional[dict[str, str]] = None
) -> Optional[dict[str, Any]]:
    """The newest request of this user (or browser) for the resource, to say
    why a download is refused (waiting, rejected, revoked, expired)."""
    tracked = tracked or {}
    who = []
    if user is not None and getattr(user, "id", None):
        who.append(AccessRequest.user_id == user.id)
    if tracked:
        who.append(AccessRequest.id.in_(list(tracked)))
    if not who:
        return None
    row = (
        model.Session.query(AccessRequest)
        .join(AccessRequestResource, AccessRequestResource.request_id == AccessRequest.id)
        .filter(AccessRequestResource.resource_id == resource_id, or_(*who))
        .order_by(AccessRequest.created.desc())
        .first()
    )
    if row is None:
        return None
    if row.user_id is None and not token_matches(row, tracked.get(row.id)):
        return None
    grant = max(
        (g for g in row.grants if g.resource_id == resource_id),
        key=lambda g: g.expires_at,
        default=None,
    )
    revoked_at = grant.revoked_at if grant is not None else None
    return {
        "id": row.id,
        "reference": row.reference,
        "state": row.state,
        "conditions_pending": row.conditions_pending,
        # the director revoked the access: said so, not "expired"
        "revoked_at": revoked_at,
        "expired_at": (
            grant.expires_at
            if grant is not None and revoked_at is None and not grant.is_valid()
            else None
        ),
    }


def current_user_obj() -> Any:
    """The logged-in user object, or None."""
    from flask import has_request_context

    if not has_request_context():
        return None
    from ckan.common import current_user

    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user
    return None


def rows_refused(context: dict[str, Any], resource_id: Optional[str]) -> bool:
    """Whether the DataStore rows of this resource are refused to the user of
    an action's context: the download gate's rule (``decide``), the one rule
    of every DataStore door (the auth functions of ``logic/datastore_auth.py``
    and ``datastore_guard``). Public resources, unknown ids and internal
    calls (``ignore_auth``) are not refused here; CKAN's own auth still runs."""
    if context.get("ignore_auth") or not resource_id:
        return False
    info = resource_info(str(resource_id))
    if info is None or not info.restricted:
        return False
    user = authz.user_from_context(context)
    return not decide(info, user, tracked_requests()).allowed


def datastore_guard(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """``IDatastore.datastore_validate`` (every ``datastore_search``, also
    the dump's and the table views'): a second lock behind the auth
    function ``datastore_search``, with the same rule."""
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if rows_refused(context, resource_id):
        raise tk.NotAuthorized(tk._("This file is restricted"))
    return data_dict
