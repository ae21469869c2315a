# -*- coding: utf-8 -*-
"""Acting approvers (ผู้รักษาราชการแทน): while the director of a service
organization is away, the director (or a sysadmin) names someone of the
organization's staff to approve, reject and revoke its access requests
from one Bangkok day to another, both included.

``authz`` asks here (``acting_for``); the access-request actions create and
end appointments. An appointment holds from 00:00 of ``starts_on`` to the
end of ``ends_on``, Bangkok time; one that was ended early holds until
``ended_at``. The table comes with migration ``c0a1b2c3d4e5``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import Column, Date, DateTime, Index, Text

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import workdays
from ckanext.utt1service.common.model import new_id, utcnow

__all__ = ["ActingApprover", "now", "active", "acting_for"]


def now() -> datetime.datetime:
    """The moment appointments are judged at (tests move it)."""
    return utcnow()


class ActingApprover(tk.BaseModel):  # type: ignore[misc]
    """``user_id`` acts for the director ``for_user_id`` in ``owner_org``
    from ``starts_on`` to ``ends_on`` (Bangkok days, both included)."""

    __tablename__ = "utt1service_acting_approver"

    id = Column(Text, primary_key=True, default=new_id)
    owner_org = Column(Text, nullable=False, index=True)
    user_id = Column(Text, nullable=False, index=True)
    for_user_id = Column(Text, nullable=True)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    comment = Column(Text, nullable=True)
    created_by = Column(Text, nullable=True)
    created = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    ended_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("utt1service_acting_approver_user_org_idx", "user_id", "owner_org"),
    )

    def holds(self, moment: Optional[datetime.datetime] = None) -> bool:
        moment = moment or now()
        if self.ended_at is not None and self.ended_at <= moment:
            return False
        return self.starts_on <= workdays.bangkok_day(moment) <= self.ends_on

    def as_dict(self) -> dict[str, Any]:
        users = {u.id: u for u in model.Session.query(model.User).filter(
            model.User.id.in_([i for i in (self.user_id, self.for_user_id, self.created_by) if i]))}

        def name(user_id: Optional[str]) -> Optional[str]:
            return users[user_id].display_name if user_id in users else None

        return {
            "id": self.id,
            "owner_org": self.owner_org,
            "user_id": self.user_id,
            "user_name": users[self.user_id].name if self.user_id in users else None,
            "user_display_name": name(self.user_id),
            "for_user_id": self.for_user_id,
            "for_display_name": name(self.for_user_id),
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "comment": self.comment,
            "created_by": self.created_by,
            "created": self.created.isoformat() if self.created else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "active": self.holds(),
        }


def active(org_id: Optional[str] = None, user_id: Optional[str] = None,
           moment: Optional[datetime.datetime] = None) -> list[ActingApprover]:
    """The appointments that hold at ``moment`` (default now)."""
    moment = moment or now()
    day = workdays.bangkok_day(moment)
    q = model.Session.query(ActingApprover).filter(
        ActingApprover.starts_on <= day, ActingApprover.ends_on >= day)
    if org_id is not None:
        q = q.filter(ActingApprover.owner_org == org_id)
    if user_id is not None:
        q = q.filter(ActingApprover.user_id == user_id)
    return [a for a in q.order_by(ActingApprover.created) if a.holds(moment)]


def acting_for(user_id: Optional[str], org_id: Optional[str],
               moment: Optional[datetime.datetime] = None) -> Optional[ActingApprover]:
    """The appointment that lets ``user_id`` act as director of ``org_id``
    at ``moment``, if any."""
    if not user_id or not org_id:
        return None
    found = active(org_id, user_id, moment)
    return found[0] if found else None
