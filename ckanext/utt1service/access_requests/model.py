# -*- coding: utf-8 -*-
"""Access requests for restricted resources, the resources they name, the
grants an approval creates, and the outbox of their e-mails.

Tables are created by the migration ``a4e1b2c3d4e5_access_requests``.
Datasets, resources, organizations and users are referred to by id (indexed
text, no foreign keys to core tables).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import vocabularies
from ckanext.utt1service.common.model import new_id, utcnow

__all__ = [
    "AccessRequest",
    "AccessRequestResource",
    "AccessGrant",
    "RequestMail",
    "Reminder",
    "REQUEST_STATES",
    "OPEN_STATES",
    "FINISHED_STATES",
]

# Every state a request can be in, in the order of the workflow.
REQUEST_STATES = vocabularies.REQUEST_STATES.codes()
# Waiting for someone to act (a second request for the same file is refused).
OPEN_STATES = ("unconfirmed", "submitted", "returned", "checked")
# Nothing more will happen (the personal-data purge looks at these).
FINISHED_STATES = ("rejected", "closed", "withdrawn")




class AccessRequest(tk.BaseModel):  # type: ignore[misc]
    """One request (แบบคำขอข้อมูลสารสนเทศ) for restricted files of one dataset."""

    __tablename__ = "utt1service_access_request"

    id = Column(Text, primary_key=True, default=new_id)
    # Running number per Buddhist Era year, given when the request enters the
    # queue (shown as "12/2569").
    number = Column(Integer, nullable=True)
    year_be = Column(Integer, nullable=True)

    package_id = Column(Text, nullable=False, index=True)
    owner_org = Column(Text, nullable=False, index=True)
    user_id = Column(Text, nullable=True, index=True)
    state = Column(Text, nullable=False, index=True)

    # The fields of the office's form, in its order.
    first_name = Column(Text, nullable=True)
    surname = Column(Text, nullable=True)
    position = Column(Text, nullable=True)
    agency = Column(Text, nullable=True)
    affiliation = Column(Text, nullable=True)
    data_wanted = Column(Text, nullable=True)
    intended_use = Column(Text, nullable=True)
    delivery_channel = Column(Text, nullable=False)
    email = Column(Text, nullable=True)
    phone = Column(Text, nullable=True)
    consent_at = Column(DateTime(timezone=True), nullable=True)
    consent_retention_days = Column(Integer, nullable=True)

    # Anonymous requesters: the private tracking link is an HMAC of the id and
    # this salt (the link itself is never stored).
    token_salt = Column(Text, nullable=True)
    email_confirmed_at = Column(DateTime(timezone=True), nullable=True)

    created = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    modified = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    submitted_at = Column(DateTime(timezone=True), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=True)
    anonymised_at = Column(DateTime(timezone=True), nullable=True)

    # Channels (migration d7b4e5f6a7b8): requests staff record on the
    # requester's behalf, and how the data was delivered.
    intake_channel = Column(Text, nullable=True)
    consent_method = Column(Text, nullable=True)
    recorded_by = Column(Text, nullable=True)
    delivered_via = Column(Text, nullable=True)
    received_by = Column(Text, nullable=True)
    handed_over_on = Column(Date, nullable=True)
    signed_form_name = Column(Text, nullable=True)

    # The requester's agency type (migration e8c5a6b7c8d9): a code of
    # ``ckanext.utt1service.agency_types``; empty for requests made before
    # the form asked for it. Not personal data: the purge keeps it.
    agency_type = Column(Text, nullable=True)

    # When the request entered its current state (migration a7e8f9b0c1d2):
    # the step it waits in counts its days from here (``service_levels``).
    state_since = Column(DateTime(timezone=True), nullable=True)

    # Conditions of use given with the approval (migration d1b2c3d4e5f6);
    # when required, the requester accepts them once before downloading.
    conditions = Column(Text, nullable=True)
    conditions_required = Column(Boolean, nullable=False, default=False)
    conditions_accepted_at = Column(DateTime(timezone=True), nullable=True)

    # Renewals (migration e2f3a4b5c6d7): the request this one renews, and
    # the end of access the requester was last told about.
    renewal_of = Column(Text, nullable=True, index=True)
    expiry_notified_for = Column(DateTime(timezone=True), nullable=True)

    resources = relationship(
        "AccessRequestResource",
        order_by="AccessRequestResource.position_",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    grants = relationship(
        "AccessGrant",
        order_by="AccessGrant.granted_at",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    __table_args__ = (
        UniqueConstraint("year_be", "number", name="utt1service_access_request_number_key"),
        Index("utt1service_access_request_org_state_idx", "owner_org", "state", "created"),
    )

    @classmethod
    def get(cls, id: Optional[str]) -> Optional["AccessRequest"]:
        """The request with this id; None for anything that cannot be one
        (not a text, a NUL byte, too long, not UTF-8) without asking the
        database."""
        if not isinstance(id, str) or not id or "\x00" in id or len(id) > 200:
            return None
        try:
            id.encode("utf-8")
        except UnicodeEncodeError:
            return None
        return model.Session.get(cls, id)

    @classmethod
    def get_for_update(cls, id: str) -> Optional["AccessRequest"]:
        """The request, its row locked until the transaction ends: a second
        decider waits here and then sees the state the first one left."""
        return (
            model.Session.query(cls)
            .filter(cls.id == id)
            .with_for_update()
            .populate_existing()
            .one_or_none()
        )

    @property
    def reference(self) -> str:
        """The number people quote on the phone: ``12/2569``."""
        if self.number is None:
            return ""
        return f"{self.number}/{self.year_be}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.surname) if p)

    @property
    def conditions_pending(self) -> bool:
        """The requester must still accept the conditions of use."""
        return bool(self.conditions_required and self.conditions_accepted_at is None)

    def resource_ids(self) -> list[str]:
        return [r.resource_id for r in self.resources]


class AccessRequestResource(tk.BaseModel):  # type: ignore[misc]
    """A resource named in a request (with its name when requested, so the
    request still reads well if the resource is renamed or deleted)."""

    __tablename__ = "utt1service_access_request_resource"

    request_id = Column(
        Text,
        ForeignKey("utt1service_access_request.id", ondelete="CASCADE"),
        primary_key=True,
    )
    resource_id = Column(Text, primary_key=True)
    resource_name = Column(Text, nullable=True)
    position_ = Column("position", Integer, nullable=False, default=0)

    __table_args__ = (Index("utt1service_access_request_resource_res_idx", "resource_id"),)


class AccessGrant(tk.BaseModel):  # type: ignore[misc]
    """Permission to download one resource until ``expires_at``, created when
    a request is approved. ``user_id`` is empty for anonymous requesters, who
    download through their private tracking link."""

    __tablename__ = "utt1service_access_grant"

    id = Column(Text, primary_key=True, default=new_id)
    request_id = Column(
        Text,
        ForeignKey("utt1service_access_request.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    resource_id = Column(Text, nullable=False)
    user_id = Column(Text, nullable=True)
    granted_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    granted_by = Column(Text, nullable=True)
    revoked_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("utt1service_access_grant_resource_user_idx", "resource_id", "user_id"),
    )

    def is_valid(self, now: Optional[datetime.datetime] = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now


class RequestMail(tk.BaseModel):  # type: ignore[misc]
    """The outbox: every notification is written here in the same transaction
    as the change it announces, then sent by a background job. A mail that
    could not be sent stays ``pending`` and is tried again later."""

    __tablename__ = "utt1service_request_mail"

    id = Column(Text, primary_key=True, default=new_id)
    request_id = Column(Text, nullable=True, index=True)
    kind = Column(Text, nullable=False)
    recipient_name = Column(Text, nullable=True)
    recipient_email = Column(Text, nullable=True)
    subject = Column(Text, nullable=True)
    body = Column(Text, nullable=True)
    state = Column(Text, nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    created = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "request_id": self.request_id,
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created": self.created.isoformat() if self.created else None,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }



class Reminder(tk.BaseModel):  # type: ignore[misc]
    """A daily digest or escalation sent to one address on one Bangkok day
    (migration ``b8f9a0c1d2e3``): the unique key makes sending idempotent."""

    __tablename__ = "utt1service_reminder"

    id = Column(Text, primary_key=True, default=new_id)
    day = Column(Date, nullable=False)
    kind = Column(Text, nullable=False)
    recipient_email = Column(Text, nullable=False)
    user_id = Column(Text, nullable=True)
    mail_id = Column(Text, nullable=True)
    request_count = Column(Integer, nullable=False, default=0)
    late_count = Column(Integer, nullable=False, default=0)
    created = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("day", "kind", "recipient_email", name="utt1service_reminder_once_key"),
    )
