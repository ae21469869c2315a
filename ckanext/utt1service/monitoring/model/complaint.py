# -*- coding: utf-8 -*-
"""Problems and complaints register (บันทึกประเด็นปัญหา / เรื่องร้องเรียน).

``kind`` is ``complaint`` (filed by anyone, on the public form or taken by
staff by phone / walk-in) or ``problem`` (a problem of a service event that
staff record, linked to a request, dataset or survey response). States go
received → in_progress → resolved → closed; every change writes an
:class:`~ckanext.utt1service.common.model.AuditEvent` (object_type ``complaint``).

Contact details are personal data (PDPA): kept only with the consent time
in ``consent_at``, shown only to the staff who handle the complaint.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import Column, DateTime, Identity, Index, Integer, Text, func

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common.model import new_id

__all__ = [
    "Complaint",
    "COMPLAINT_TRANSITIONS",
]

#: the allowed next state of each state
COMPLAINT_TRANSITIONS = {
    "received": ("in_progress",),
    "in_progress": ("resolved",),
    "resolved": ("closed",),
    "closed": (),
}



def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if isinstance(value, datetime.datetime) else value


class Complaint(tk.BaseModel):  # type: ignore[misc]
    __tablename__ = "utt1service_complaint"

    id = Column(Text, primary_key=True, default=new_id)
    #: the running number people quote (เลขที่รับเรื่อง)
    number = Column(Integer, Identity(), nullable=False, unique=True)
    kind = Column(Text, nullable=False, default="complaint")
    category = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    package_id = Column(Text, nullable=True)
    owner_org = Column(Text, nullable=True)
    request_id = Column(Text, nullable=True)
    survey_response_id = Column(Text, nullable=True)
    channel = Column(Text, nullable=False, default="web")
    contact_name = Column(Text, nullable=True)
    contact_email = Column(Text, nullable=True)
    contact_phone = Column(Text, nullable=True)
    #: when the person consented to the use of their contact details (PDPA)
    consent_at = Column(DateTime(timezone=True), nullable=True)
    lang = Column(Text, nullable=True)
    state = Column(Text, nullable=False, default="received")
    resolution = Column(Text, nullable=True)
    created_by = Column(Text, nullable=True)
    created = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    resolved_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("utt1service_complaint_created_idx", "created"),
        Index("utt1service_complaint_state_idx", "state", "created"),
        Index("utt1service_complaint_org_idx", "owner_org", "created"),
        Index("utt1service_complaint_package_idx", "package_id"),
        Index("utt1service_complaint_request_idx", "request_id"),
    )

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)

    def as_dict(self, with_contact: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "category": self.category,
            "description": self.description,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "request_id": self.request_id,
            "survey_response_id": self.survey_response_id,
            "channel": self.channel,
            "state": self.state,
            "resolution": self.resolution,
            "created_by": self.created_by,
            "created": _iso(self.created),
            "updated": _iso(self.updated),
            "resolved_at": _iso(self.resolved_at),
            "closed_at": _iso(self.closed_at),
        }
        if with_contact:
            out.update(
                contact_name=self.contact_name,
                contact_email=self.contact_email,
                contact_phone=self.contact_phone,
                consent_at=_iso(self.consent_at),
                lang=self.lang,
            )
        return out
