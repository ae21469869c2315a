# -*- coding: utf-8 -*-
"""Telling people about access requests: the e-mails of the workflow (Thai
first, English below) and the webhook to the staff's chat group.

A notification is rendered when the change it announces happens and written
to the outbox table (``utt1service_request_mail``) in the same transaction, so
it cannot be lost. After the commit a background job (``ckan jobs worker``)
sends it. When the SMTP server (or Redis, for the job) is down the mail
stays ``pending`` with the error and the time of its next try (backoff 5 min
… 4 h); it is tried again

- by the next mail job that succeeds (the server is evidently back), which
  sends every pending mail, and
- by ``ckan utt1service send-mail --due-only``, run from cron every few
  minutes: it sends the mails whose retry is due, from its own process, so
  it needs neither Redis nor the worker.

Nothing else sends mail: opening a page (the staff's queue shows a warning
while mail waits) never does. Sending locks the row, so a mail is never sent
twice.

After a new request or a decision, :func:`webhook` posts a short JSON
message (no personal data) to ``ckanext.utt1service.webhook_url``.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Iterable, Optional

from sqlalchemy import func

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.mailer import MailerException, mail_recipient

from ckanext.utt1service.access_requests.model import AccessRequest, RequestMail
from ckanext.utt1service.common import mail, vocabularies
from ckanext.utt1service.common.i18n import N_

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20

#: the subject of each kind of e-mail (its text: templates/utt1service/emails/request_<kind>.txt)
SUBJECTS = {
    "confirm": N_("Confirm your e-mail address to send your data request"),
    "received": N_("We received your data request %(ref)s"),
    "new": N_("New data request %(ref)s"),
    "resubmitted": N_("Data request %(ref)s was sent again with more information"),
    "to_director": N_("Data request %(ref)s was checked and awaits your approval"),
    "checked": N_("Your data request %(ref)s was checked"),
    "returned": N_("Your data request %(ref)s needs more information"),
    "approved": N_("Your data request %(ref)s was approved"),
    "rejected": N_("Your data request %(ref)s was not approved"),
    "revoked": N_("Access to the data of your request %(ref)s was withdrawn"),
    "expiring": N_("Your access to the data of request %(ref)s ends soon"),
    "grant_changed": N_("The end of your access to the data of request %(ref)s was changed"),
    "digest": N_("Data requests waiting for you: %(count)s (%(late)s late)"),
    "escalation": N_("Late data requests: %(count)s late by more than %(days)s days"),
}

def bilingual(kind: str, **variables: Any) -> tuple[str, str]:
    """Subject and body of one kind of e-mail, Thai first, English below."""
    return mail.bilingual(f"request_{kind}.txt", SUBJECTS[kind],
                          ref=variables.get("reference") or "", **variables)


def queue(
    request: Optional[AccessRequest],
    kind: str,
    recipients: Iterable[tuple[str, str]],
    **variables: Any,
) -> list[RequestMail]:
    """Write one outbox row per recipient (name, address) to the session;
    the caller commits, then calls :func:`dispatch`. A mail about several
    requests (a digest) has no ``request``."""
    rows = []
    seen = set()
    for name, address in recipients:
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        subject, body = bilingual(kind, recipient_name=name, **variables)
        row = RequestMail(
            request_id=request.id if request is not None else None,
            kind=kind,
            recipient_name=name or address,
            recipient_email=address,
            subject=subject,
            body=body,
            state="pending",
            attempts=0,
        )
        model.Session.add(row)
        rows.append(row)
    return rows


def dispatch(rows: Iterable[RequestMail]) -> None:
    """Enqueue a job for each committed outbox row. If Redis is down the rows
    stay pending and go out with the next retry."""
    for row in rows:
        try:
            tk.enqueue_job(
                send_mail_job,
                [row.id],
                title=f"utt1service: request mail {row.kind}",
            )
        except Exception:  # Redis unreachable: the outbox keeps the mail
            log.warning("Could not enqueue request mail %s; it stays pending", row.id, exc_info=True)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(5 * 2 ** max(attempts - 1, 0), 240))


def _send_one(mail_id: str) -> Optional[bool]:
    """Send one pending mail. True: sent, False: failed, None: nothing to do
    (sent already, or another worker is sending it)."""
    row = (
        model.Session.query(RequestMail)
        .filter(RequestMail.id == mail_id)
        .with_for_update(skip_locked=True)
        .one_or_none()
    )
    if row is None or row.state != "pending":
        model.Session.rollback()
        return None
    try:
        mail_recipient(
            row.recipient_name or row.recipient_email,
            row.recipient_email,
            row.subject,
            row.body,
            headers={"Auto-Submitted": "auto-generated"},
        )
    except (MailerException, OSError) as e:
        row.attempts += 1
        row.last_error = str(e)[:500]
        row.next_attempt_at = _utcnow() + _backoff(row.attempts)
        if row.attempts >= MAX_ATTEMPTS:
            row.state = "failed"
        model.Session.commit()
        log.warning("Request mail %s not sent (attempt %s): %s", mail_id, row.attempts, e)
        return False
    row.state = "sent"
    row.sent_at = _utcnow()
    row.attempts += 1
    row.last_error = None
    model.Session.commit()
    return True


def send_mail_job(mail_id: str) -> None:
    """Background job: send one mail; when it went out, also send the mails
    that failed earlier (the SMTP server is back)."""
    if _send_one(mail_id):
        flush_pending()


def flush_pending(due_only: bool = False) -> dict[str, int]:
    """Try every pending mail (or only those whose retry is due)."""
    q = model.Session.query(RequestMail.id).filter(RequestMail.state == "pending")
    if due_only:
        q = q.filter(RequestMail.next_attempt_at <= _utcnow())
    ids = [r[0] for r in q.order_by(RequestMail.created).all()]
    model.Session.rollback()
    counts = {"sent": 0, "failed": 0}
    for mail_id in ids:
        result = _send_one(mail_id)
        if result is True:
            counts["sent"] += 1
        elif result is False:
            counts["failed"] += 1
            break  # the server is down again: leave the rest for later
    return counts


def flush_job(due_only: bool = False) -> None:
    """Background job: send the pending mails (kept for jobs enqueued by
    earlier releases)."""
    flush_pending(due_only=due_only)


def pending_summary(org_ids: Optional[list[str]] = None) -> dict[str, Any]:
    """How many mails of these organizations' requests are waiting, the
    last error and when the next try is due (ISO text)."""
    q = model.Session.query(RequestMail).filter(RequestMail.state.in_(("pending", "failed")))
    if org_ids is not None:
        q = q.join(AccessRequest, AccessRequest.id == RequestMail.request_id).filter(
            AccessRequest.owner_org.in_(org_ids)
        )
    waiting = q.filter(RequestMail.attempts > 0).order_by(RequestMail.next_attempt_at).all()
    return {
        "count": len(waiting),
        "last_error": waiting[-1].last_error if waiting else None,
        "next_attempt_at": waiting[0].next_attempt_at.isoformat() if waiting else None,
    }


def count_unsent() -> int:
    return (
        model.Session.query(func.count(RequestMail.id))
        .filter(RequestMail.state == "pending")
        .scalar()
        or 0
    )


# Outgoing webhook (the staff's chat group)

WEBHOOK_EVENTS = {
    "create": "request.new", "confirm": "request.new",
    "approve": "request.approved", "reject": "request.rejected",
    "revoke": "request.revoked",
}


def webhook_url() -> str:
    return (tk.config.get("ckanext.utt1service.webhook_url") or "").strip()


def webhook(action: str, request: dict[str, Any]) -> None:
    """After a new request or a decision, enqueue a generic JSON POST to the
    configured webhook (off when no URL is set). No personal data is sent:
    only the number, state, dataset and the staff's link."""
    event = WEBHOOK_EVENTS.get(action)
    url = webhook_url()
    if not event or not url or request.get("state") == "unconfirmed":
        return
    state_label = vocabularies.REQUEST_STATES.label(request.get("state"))
    payload = {
        "event": event,
        "reference": request.get("reference"),
        "state": request.get("state"),
        "state_label": state_label,
        "dataset": request.get("package_title"),
        "intake_channel": request.get("intake_channel") or "web",
        "url": tk.h.url_for("utt1service_request.read", id=request["id"], _external=True),
        "text": "%s %s: %s" % (state_label, request.get("reference") or "",
                               request.get("package_title")),
    }
    try:
        tk.enqueue_job(webhook_job, [url, payload], title=f"utt1service: webhook {event}")
    except Exception:  # Redis down: a chat message is not worth failing the request
        log.warning("Could not enqueue the webhook", exc_info=True)


def webhook_job(url: str, payload: dict[str, Any]) -> None:
    """Background job: POST the JSON payload (10 s timeout)."""
    import json
    import urllib.request

    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "User-Agent": "ckanext-utt1service"},
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        response.read()
