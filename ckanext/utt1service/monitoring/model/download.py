# -*- coding: utf-8 -*-
"""Download events: one row per successful download.

Rows are written by :mod:`ckanext.utt1service.downloads` with a single
``INSERT … SELECT`` inside the download request, and by staff for files
delivered by e-mail or on paper. Reports count the rows where
the reportable ones (``common/counting.py``, :meth:`DownloadEvent.reportable`); repeated
downloads within the dedup window and bot downloads are kept, flagged, so the
raw log stays complete.
"""
from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Index, Text, func, text

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import counting
from ckanext.utt1service.common.model import new_id

__all__ = ["DownloadEvent"]

_REPORTABLE = text(counting.REPORTABLE)



class DownloadEvent(tk.BaseModel):  # type: ignore[misc]
    """One successful download of one resource."""

    __tablename__ = "utt1service_download_event"

    id = Column(Text, primary_key=True, default=new_id)
    #: when the file was served, timezone-aware (stored as UTC)
    created = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    resource_id = Column(Text, nullable=False)
    package_id = Column(Text, nullable=False)
    owner_org = Column(Text, nullable=True)
    #: the dataset's topic category when the file was served (if the schema has one)
    topic = Column(Text, nullable=True)
    #: web, qr, api, email or paper
    channel = Column(Text, nullable=False)
    #: the access request that granted the download, if any (id only)
    request_id = Column(Text, nullable=True)
    #: salted hash of the visitor, salt rotated daily; never an IP address
    visitor_key = Column(Text, nullable=True)
    is_bot = Column(Boolean, nullable=False, default=False)
    #: False for a repeat by the same visitor within the dedup window
    counted = Column(Boolean, nullable=False, default=True)
    #: the staff member who recorded an e-mail or paper delivery
    recorded_by = Column(Text, nullable=True)

    __table_args__ = (
        # only the indexes a query uses (migration 1a2b3c4d5e6f): the counts
        # read the per-month sums, never the events
        Index(
            "utt1service_download_event_delivery_idx",
            "resource_id",
            "created",
            postgresql_where=text("channel IN ('email', 'paper')"),
        ),
        # the downloads through a grant by time (the report's periods;
        # migration 3c4d5e6f7081)
        Index(
            "utt1service_download_event_grant_idx",
            "created",
            postgresql_where=text("request_id IS NOT NULL"),
        ),
        Index(
            "utt1service_download_event_request_idx",
            "request_id",
            postgresql_where=text("request_id IS NOT NULL"),
        ),
    )

    @classmethod
    def reportable(cls):
        """The filter every count uses: the reportable downloads
        (``common/counting.py``)."""
        return _REPORTABLE

    def as_dict(self) -> dict[str, Any]:
        created = self.created
        if isinstance(created, datetime.datetime):
            created = created.isoformat()
        return {
            "id": self.id,
            "created": created,
            "resource_id": self.resource_id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "topic": self.topic,
            "channel": self.channel,
            "request_id": self.request_id,
            "is_bot": self.is_bot,
            "counted": self.counted,
            "recorded_by": self.recorded_by,
        }
