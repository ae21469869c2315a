# -*- coding: utf-8 -*-
"""What the tables of ckanext-utt1service share: ids, times and the audit
trail. Each feature keeps its own tables in its own ``model`` module
(``access_requests/model.py``, ``monitoring/model/``, ``report/model.py``).

Every table is created by the alembic migrations in ``migration/utt1service``,
never by ``create_all()``. Core objects (datasets, users, organizations) are
referred to by their id stored as indexed text, without foreign keys.
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any, Optional

from sqlalchemy import Column, DateTime, Index, Text
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = ["AuditEvent", "new_id", "utcnow"]


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class AuditEvent(tk.BaseModel):  # type: ignore[misc]
    """One row per change of state of an object of this extension.

    Requests, complaints and report analyses write here: who did what, when,
    from which state to which, and why. Rows are never updated or deleted
    (except by the personal-data purge, which blanks free text).
    """

    __tablename__ = "utt1service_audit"

    id = Column(Text, primary_key=True, default=new_id)
    object_type = Column(Text, nullable=False)
    object_id = Column(Text, nullable=False)
    action = Column(Text, nullable=False)
    actor_id = Column(Text, nullable=True)
    from_state = Column(Text, nullable=True)
    to_state = Column(Text, nullable=True)
    comment = Column(Text, nullable=True)
    data = Column(JSONB, nullable=True)
    created = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        Index("utt1service_audit_object_idx", "object_type", "object_id", "created"),
    )

    @classmethod
    def record(
        cls,
        object_type: str,
        object_id: str,
        action: str,
        actor_id: Optional[str] = None,
        from_state: Optional[str] = None,
        to_state: Optional[str] = None,
        comment: Optional[str] = None,
        data: Optional[dict[str, Any]] = None,
    ) -> "AuditEvent":
        """Add an audit row to the current session (the caller commits)."""
        event = cls(
            object_type=object_type,
            object_id=object_id,
            action=action,
            actor_id=actor_id,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            data=data,
        )
        model.Session.add(event)
        return event

    @classmethod
    def trail(cls, object_type: str, object_id: str) -> list["AuditEvent"]:
        """The audit trail of one object, oldest first."""
        return (
            model.Session.query(cls)
            .filter(cls.object_type == object_type, cls.object_id == object_id)
            .order_by(cls.created, cls.id)
            .all()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "actor_id": self.actor_id,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "comment": self.comment,
            "data": self.data,
            "created": self.created.isoformat() if self.created else None,
        }
