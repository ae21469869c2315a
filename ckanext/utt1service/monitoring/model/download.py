# -*- coding: utf-8 -*-
"""Download events: one row per successful download.

Rows are written by :mod:`ckanext.utt1service.downloads` with a single
``INSERT … SELECT`` inside the download request, and by staff for files
delivered by e-mail or on paper. Reports count the rows where
the reportable ones (``common/counting.py``, :meth:`DownloadEvent.reportable`); repeated
downloads within the dedup window and bot downloads are kept, flagged, so the
raw log stays complete.

An event is small (issue 20, migration ``f3a4b5c6d7e8``): its id is a
``uuid`` and its file, dataset, organization and topic at the time of the
download are one :class:`DownloadTarget` row shared by every download of
that file, referenced by ``target_id``. ``DownloadEvent(resource_id=…,
package_id=…)`` still works: the target is found or added when the event is
inserted, and ``event.resource_id`` (…) read it back.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    Text,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import column_property

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import counting
from ckanext.utt1service.common.model import new_id

__all__ = ["DownloadEvent", "DownloadTarget"]

_REPORTABLE = text(counting.REPORTABLE)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_TARGET_FIELDS = ("resource_id", "package_id", "owner_org", "topic")


class DownloadTarget(tk.BaseModel):  # type: ignore[misc]
    """A file with the dataset, organization and topic it had when it was
    downloaded: shared by all its downloads (never deleted). Added by the
    database function ``utt1service_download_target_id``."""

    __tablename__ = "utt1service_download_target"

    id = Column(Integer, primary_key=True)
    resource_id = Column(Text, nullable=False)
    package_id = Column(Text, nullable=False)
    owner_org = Column(Text, nullable=True)
    #: the dataset's topic category when the file was served (if the schema has one)
    topic = Column(Text, nullable=True)




class DownloadEvent(tk.BaseModel):  # type: ignore[misc]
    """One successful download of one resource."""

    __tablename__ = "utt1service_download_event"

    id = Column(UUID(as_uuid=False), primary_key=True, default=new_id)
    #: when the file was served, timezone-aware (stored as UTC)
    created = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    #: the file, dataset, organization and topic (a DownloadTarget)
    target_id = Column(Integer, nullable=False)
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
        # only the indexes a query uses (migrations 1a2b3c4d5e6f, f3a4b5c6d7e8):
        # the counts read the per-month sums, never the events
        Index(
            "utt1service_download_event_delivery_idx",
            "target_id",
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

    def __init__(self, **values: Any) -> None:
        target = {name: values.pop(name, None) for name in _TARGET_FIELDS}
        super().__init__(**values)
        if self.target_id is None:
            self._target = target

    @staticmethod
    def is_id(value: Any) -> bool:
        """Whether ``value`` can be an event's id (a uuid)."""
        return isinstance(value, str) and _UUID.match(value) is not None

    @classmethod
    def get(cls, event_id: Any) -> "DownloadEvent | None":
        """The event of this id, or None (also for an id that is no uuid,
        which no event has)."""
        if not cls.is_id(event_id):
            return None
        from ckan import model
        return model.Session.get(cls, event_id)

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


# resource_id, package_id, owner_org, topic: read from the target (read-only;
# give them to the constructor)
for _name in _TARGET_FIELDS:
    setattr(DownloadEvent, _name, column_property(
        select(getattr(DownloadTarget, _name))
        .where(DownloadTarget.id == DownloadEvent.target_id)
        .correlate_except(DownloadTarget)
        .scalar_subquery()
    ))


@event.listens_for(DownloadEvent, "before_insert")
def _find_target(_mapper, connection, event_: DownloadEvent) -> None:
    """The target of an event made with ``resource_id=…`` (…)."""
    if event_.target_id is None:
        values = getattr(event_, "_target", {})
        event_.target_id = connection.execute(
            select(func.utt1service_download_target_id(
                *(values.get(name) for name in _TARGET_FIELDS)))
        ).scalar()
