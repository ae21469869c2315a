# -*- coding: utf-8 -*-
"""How approved data goes out besides the requester's own download: a paper
copy handed over (with the scanned, signed paper form), an e-mail with the
files (small ones attached, larger ones as expiring personal links).

Every delivery, whatever its route, is recorded by the action
``utt1service_request_deliver`` (one transition, ``workflow.apply``): staff
call it (``utt1service_request_hand_over`` for paper), the e-mail job below
calls it once the mail went out, and the download gate when the requester
first downloads a whole file.
"""
from __future__ import annotations

import datetime
import os
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests import gate
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import AccessRequest

# The scanned signed form

SIGNED_FORM_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
SIGNED_FORM_MAX_BYTES = 10 * 1024 * 1024


def signed_form_path(request_id: str) -> str:
    """Where the scanned signed form of a request is kept (never under the
    public static files: it is served only to those who may see the request)."""
    root = tk.config.get("ckan.storage_path") or ""
    return os.path.join(root, "utt1service", "signed_forms", request_id)


def store_signed_form(request: AccessRequest, actor: model.User, filename: str,
                      content: bytes) -> None:
    """Keep the scan (a new one replaces the last) and audit it; the caller
    commits."""
    path = signed_form_path(request.id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(content)
    request.signed_form_name = filename
    request.modified = wf.utcnow()
    wf.audit(request, "attach_signed_form", actor, request.state, request.state,
             data={"file_name": filename, "size": len(content)})


# Delivery by e-mail

#: the context key through which the system's own deliveries (the e-mail
#: job) add details to the audit row of the delivery
DETAILS = "utt1service_delivery_details"


def attachment_max_bytes() -> int:
    return tk.config.get("ckanext.utt1service.email_attachment_max_bytes")


def _file_mac(request_id: str, resource_id: str, expires: int) -> str:
    import base64
    import hashlib
    import hmac

    mac = hmac.new(gate._secret(), f"file:{request_id}:{resource_id}:{expires}".encode(),
                   hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def file_link(request: AccessRequest, resource_id: str, expires: datetime.datetime) -> str:
    """The expiring personal link to one approved file (signed, never stored)."""
    stamp = int(expires.timestamp())
    return tk.h.url_for(
        "utt1service_channel.file", id=request.id, resource_id=resource_id, expires=stamp,
        sig=_file_mac(request.id, resource_id, stamp), _external=True,
    )


def file_link_ok(request: AccessRequest, resource_id: str, expires: int, sig: str) -> bool:
    from ckanext.utt1service.common.input_guard import same_secret

    if expires < int(wf.utcnow().timestamp()):
        return False
    return same_secret(_file_mac(request.id, resource_id, expires), sig)


def file_link_check(request: Optional[AccessRequest], resource_id: str, expires: int, sig: str,
                    user: Optional[model.User]) -> str:
    """Whether a personal file link lets this user have the file now:
    ``ok``; ``invalid`` (a wrong or outdated link, a request no longer
    approved, an access revoked or ended); ``login`` (the request belongs
    to an account: its owner must log in) or ``not_yours``; ``missing``
    (the file is gone)."""
    if (request is None or request.state not in ("approved", "delivered")
            or not file_link_ok(request, resource_id, expires, sig)
            or not any(g.resource_id == resource_id and g.is_valid() for g in request.grants)):
        return "invalid"
    if request.user_id:
        if user is None:
            return "login"
        if user.id != request.user_id:
            return "not_yours"
    if resource_path(resource_id) is None:
        return "missing"
    return "ok"


def resource_path(resource_id: str) -> Optional[tuple[str, str, int]]:
    """(path on disk, file name, size) of an uploaded resource, or None."""
    from ckan.lib import uploader

    res = model.Resource.get(resource_id)
    if res is None or res.state != "active" or res.url_type != "upload":
        return None
    upload = uploader.get_resource_uploader({"id": res.id, "url": res.url,
                                             "url_type": res.url_type})
    path = upload.get_path(res.id)
    if not os.path.exists(path):
        return None
    name = (res.url or "").rsplit("/", 1)[-1] or res.id
    return path, name, os.path.getsize(path)


def plan_email_delivery(request: AccessRequest) -> list[dict[str, Any]]:
    """Each approved file: attached when small enough, else an expiring
    personal link (valid as long as the grant)."""
    plan = []
    limit = attachment_max_bytes()
    for grant in request.grants:
        if not grant.is_valid():
            continue
        found = resource_path(grant.resource_id)
        name = next((r.resource_name for r in request.resources
                     if r.resource_id == grant.resource_id), grant.resource_id)
        if found is not None and found[2] <= limit:
            plan.append({"resource_id": grant.resource_id, "name": name, "attach": True})
        else:
            plan.append({"resource_id": grant.resource_id, "name": name, "attach": False,
                         "link": file_link(request, grant.resource_id, grant.expires_at)})
    return plan


def email_body(request: AccessRequest, plan: list[dict[str, Any]]) -> tuple[str, str]:
    subject = tk._("Your requested data (request %(ref)s)") % {"ref": request.reference}
    lines = [
        tk._("Dear %(name)s,") % {"name": request.full_name},
        "",
        tk._("The director approved your request %(ref)s. Here is the data:")
        % {"ref": request.reference},
        "",
    ]
    for item in plan:
        if item["attach"]:
            lines.append("- " + tk._("%(name)s: attached to this e-mail") % {"name": item["name"]})
        else:
            lines.append("- " + tk._("%(name)s: too large to attach; download it through "
                                     "this personal link (do not share it): %(link)s")
                         % {"name": item["name"], "link": item["link"]})
    lines += ["", tk.config.get("ckan.site_title") or ""]
    return subject, "\n".join(lines)


def email_delivery_job(request_id: str, actor_id: Optional[str], subject: str, body: str,
                       plan: list[dict[str, Any]]) -> None:
    """Background job: send the approved files, then record the delivery
    with route ``email`` (action ``utt1service_request_deliver``, as the
    staff member who sent it). Should the request have changed meanwhile
    (revoked, closed), the mail has gone out but nothing is recorded."""
    from ckan.lib.mailer import mail_recipient

    request = AccessRequest.get(request_id)
    if request is None or request.state != "approved" or not request.email:
        return
    attachments = []
    handles = []
    try:
        for item in plan:
            if not item["attach"]:
                continue
            found = resource_path(item["resource_id"])
            if found is None:
                continue
            handle = open(found[0], "rb")
            handles.append(handle)
            attachments.append((found[1], handle))
        mail_recipient(request.full_name or request.email, request.email, subject, body,
                       attachments=attachments)
    finally:
        for handle in handles:
            handle.close()
    actor = model.User.get(actor_id) if actor_id else None
    context = {
        "user": actor.name if actor is not None else "",
        "ignore_auth": True,
        # (what the audit row says besides the route: only code sets it)
        DETAILS: {"attached": [i["resource_id"] for i in plan if i["attach"]],
                  "linked": [i["resource_id"] for i in plan if not i["attach"]]},
    }
    try:
        tk.get_action("utt1service_request_deliver")(context, {"id": request_id, "via": "email"})
    except wf.Conflict:
        pass

