# -*- coding: utf-8 -*-
"""Reminders: one daily digest per person of the requests waiting for them
(late first), and escalations of requests late beyond
``ckanext.utt1service.escalation_days``.

``ckan utt1service send-digests`` (cron, once a day; CKAN 2.11 has no job
scheduler) calls the action ``utt1service_request_send_digests``, which
plans the mails here, writes them to the outbox and records each in
``utt1service_reminder`` in one transaction. The table's unique key (day,
kind, address) makes it idempotent: a second run on the same Bangkok day,
or two runs at once, send nothing more. The command then sends the outbox
from its own process.

Who gets what (``authz``'s people to tell, as for the workflow's e-mails):
requests waiting for the staff go to the organization's staff
(``staff_users``), checked requests to its directors (``director_users``);
escalations to the addresses of ``ckanext.utt1service.escalation_email``
or, when empty, every sysadmin. The mails name no requester (number,
dataset, step, due date, days late and the staff's link only).
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Optional

from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests import notify, service_levels
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import AccessRequest, Reminder
from ckanext.utt1service.common import authz, workdays
from ckanext.utt1service.common.model import new_id

__all__ = ["Recipient", "plan", "send"]


@dataclasses.dataclass
class Recipient:
    name: str
    email: str
    user_id: Optional[str]
    items: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def late(self) -> int:
        return sum(1 for item in self.items if item["late"])


def escalation_days() -> int:
    return int(tk.config.get("ckanext.utt1service.escalation_days") or 0)


def _escalation_recipients() -> list[tuple[str, str, Optional[str]]]:
    configured = str(tk.config.get("ckanext.utt1service.escalation_email") or "").replace(",", " ")
    addresses = [a for a in configured.split() if "@" in a]
    if addresses:
        return [(a, a, None) for a in addresses]
    return [(u.display_name, u.email, u.id) for u in authz.sysadmin_users() if u.email]


def _item(request: AccessRequest, level: service_levels.Status) -> dict[str, Any]:
    return {
        "id": request.id,
        "reference": request.reference,
        "dataset_title": wf.package_title(request.package_id),
        "step": level.step,
        "step_label": service_levels.STEPS[level.step],
        "due": level.due,
        "late": level.late,
        "days_late": level.days_late,
        "due_soon": level.due_soon,
        "url": wf.request_url(request),
    }


def _order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Late first (the latest at the top), then by due date."""
    return sorted(items, key=lambda i: (not i["late"], -i["days_late"], i["due"], i["reference"]))


def plan(today: datetime.date) -> tuple[list[Recipient], list[Recipient]]:
    """The digests (one per address) and escalations of ``today``."""
    calendar, goals = workdays.configured(), service_levels.targets()
    waiting = (
        model.Session.query(AccessRequest)
        .filter(AccessRequest.state.in_(service_levels.WAITING_STATES),
                AccessRequest.anonymised_at.is_(None))
        .order_by(AccessRequest.year_be, AccessRequest.number)
        .all()
    )
    digests: dict[str, Recipient] = {}
    late: list[dict[str, Any]] = []
    people: dict[tuple[str, str], list[model.User]] = {}
    for request in waiting:
        level = service_levels.status(request, today, calendar, goals)
        if level is None:
            continue
        item = _item(request, level)
        key = (request.owner_org, level.waiting_for)
        if key not in people:
            people[key] = (authz.director_users(request.owner_org) if level.waiting_for == "director"
                           else authz.staff_users(request.owner_org))
        for user in people[key]:
            if not user.email:
                continue
            found = digests.setdefault(user.email.lower(),
                                       Recipient(user.display_name, user.email, user.id))
            if item["id"] not in {i["id"] for i in found.items}:
                found.items.append(item)
        if level.days_late > escalation_days():
            late.append(item)
    for recipient in digests.values():
        recipient.items = _order(recipient.items)
    escalations = []
    if late:
        for name, address, user_id in _escalation_recipients():
            escalations.append(Recipient(name, address, user_id, _order(list(late))))
    return list(digests.values()), escalations


def _claim(today: datetime.date, kind: str, recipient: Recipient) -> bool:
    """Record that ``recipient`` gets the ``kind`` of ``today``; False when
    it already did (the unique key; a concurrent run waits, then sees it)."""
    row = (
        insert(Reminder.__table__)
        .values(id=new_id(), day=today, kind=kind,
                recipient_email=recipient.email.lower(), user_id=recipient.user_id,
                request_count=len(recipient.items), late_count=recipient.late,
                created=wf.utcnow())
        .on_conflict_do_nothing(constraint="utt1service_reminder_once_key")
        .returning(Reminder.__table__.c.id)
    )
    return model.Session.execute(row).scalar() is not None


def expiry_notices(dry_run: bool = False) -> list:
    """Tell each requester, once, ``expiry_notice_days`` before the access
    of an approved request ends (again only if the end is changed). Returns
    the outbox rows (the caller commits)."""
    from ckanext.utt1service.access_requests.model import AccessGrant

    days = int(tk.config.get("ckanext.utt1service.expiry_notice_days") or 0)
    if days <= 0:
        return []
    now = wf.utcnow()
    until = now + datetime.timedelta(days=days)
    rows = (
        model.Session.query(AccessRequest)
        .join(AccessGrant, AccessGrant.request_id == AccessRequest.id)
        .filter(AccessRequest.state.in_(("approved", "delivered", "closed")),
                AccessRequest.anonymised_at.is_(None),
                AccessRequest.email.isnot(None),
                AccessGrant.revoked_at.is_(None),
                AccessGrant.expires_at > now, AccessGrant.expires_at <= until)
        .with_for_update(of=AccessRequest, skip_locked=True)
        .all()
    )
    mails: list = []
    seen: set[str] = set()
    for request in rows:
        if request.id in seen:
            continue
        seen.add(request.id)
        live = [g for g in request.grants if g.revoked_at is None and g.expires_at > now]
        if not live:
            continue
        end = max(g.expires_at for g in live)
        if end > until or request.expiry_notified_for == end:
            continue
        if dry_run:
            mails.append(None)
            continue
        request.expiry_notified_for = end
        variables = wf.mail_variables(request)
        variables["expires_at"] = end
        mails += notify.queue(request, "expiring", wf.requester_recipient(request), **variables)
    return mails


def send(today: datetime.date, dry_run: bool = False) -> dict[str, Any]:
    """Write today's digests and escalations to the outbox (those not sent
    yet today), recorded in ``utt1service_reminder``. The caller commits
    (or rolls back for a dry run), then sends the outbox."""
    digests, escalations = plan(today)
    counts: dict[str, Any] = {"digests": 0, "escalations": 0, "already_sent": 0, "mails": []}
    notices = expiry_notices(dry_run)
    counts["expiry_notices"] = len(notices)
    if not dry_run:
        counts["mails"] += notices
    for kind, recipients in (("digest", digests), ("escalation", escalations)):
        for recipient in recipients:
            if dry_run:
                already = model.Session.query(Reminder.id).filter(
                    Reminder.day == today, Reminder.kind == kind,
                    Reminder.recipient_email == recipient.email.lower()).first()
                if already:
                    counts["already_sent"] += 1
                else:
                    counts[f"{kind}s"] += 1
                continue
            if not _claim(today, kind, recipient):
                counts["already_sent"] += 1
                continue
            mails = notify.queue(
                None, kind, [(recipient.name, recipient.email)],
                items=recipient.items, count=len(recipient.items), late=recipient.late,
                days=escalation_days(), day=today,
                queue_url=tk.h.url_for("utt1service_request.admin_queue", _external=True)
                if kind == "escalation" else None,
            )
            model.Session.flush()
            model.Session.query(Reminder).filter(
                Reminder.day == today, Reminder.kind == kind,
                Reminder.recipient_email == recipient.email.lower(),
            ).update({"mail_id": mails[0].id if mails else None}, synchronize_session=False)
            counts[f"{kind}s"] += 1
            counts["mails"] += mails
    return counts
