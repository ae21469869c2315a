# -*- coding: utf-8 -*-
"""Tables of the fiscal-year service report.

- :class:`ReportAnalysis`: the staff's analysis of problems and obstacles and
  their proposed improvements, one row per fiscal year, period and
  organization; every change is audited (object_type ``report_analysis``).
- :class:`DownloadMonthCount` and :class:`ResourceMonthCount`: the counted,
  non-bot download events summed per Bangkok month. A trigger on
  ``utt1service_download_event`` (migration ``c6a3d4e5f6a7``) keeps them equal
  to the events on every insert, update, delete and truncate, so the report
  reads a few thousand rows instead of a million. Nothing in Python writes
  them; ``ckan utt1service report-rebuild-counts`` recomputes them.

Created by the migration ``c6a3d4e5f6a7_report_analyses``.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import deferred

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common.model import new_id, utcnow

__all__ = [
    "ReportAnalysis",
    "ReportPublication",
    "DownloadMonthCount",
    "ResourceMonthCount",
    "REPORT_PERIODS",
]

#: the periods a report covers: the whole fiscal year, its first half
#: (October–March), its second half (April–September) and its quarters
#: (October–December, January–March, April–June, July–September)
REPORT_PERIODS = ("year", "h1", "h2", "q1", "q2", "q3", "q4")




class ReportAnalysis(tk.BaseModel):  # type: ignore[misc]
    """What the staff wrote about one period (saved per fiscal year, period
    and organization; ``owner_org`` is '' for the whole office)."""

    __tablename__ = "utt1service_report_analysis"

    id = Column(Text, primary_key=True, default=new_id)
    fiscal_year = Column(Integer, nullable=False)
    period = Column(Text, nullable=False)
    owner_org = Column(Text, nullable=False, default="")
    #: ปัญหาและอุปสรรค
    problems = Column(Text, nullable=False, default="")
    #: ข้อเสนอแนะและแนวทางการปรับปรุง
    improvements = Column(Text, nullable=False, default="")
    created = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    modified = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    modified_by = Column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint(
            "period IN ('year', 'h1', 'h2', 'q1', 'q2', 'q3', 'q4')",
            name="utt1service_report_analysis_period_check",
        ),
        UniqueConstraint(
            "fiscal_year", "period", "owner_org", name="utt1service_report_analysis_key"
        ),
    )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fiscal_year": self.fiscal_year,
            "period": self.period,
            "owner_org": self.owner_org or None,
            "problems": self.problems or "",
            "improvements": self.improvements or "",
            "modified": self.modified.isoformat() if self.modified else None,
            "modified_by": self.modified_by,
        }


class ReportPublication(tk.BaseModel):  # type: ignore[misc]
    """A period's report of the whole office as published (migration
    ``a1b7c8d9e0f1``): frozen report and files; unpublishing keeps the row."""

    __tablename__ = "utt1service_report_publication"

    id = Column(Text, primary_key=True, default=new_id)
    fiscal_year = Column(Integer, nullable=False)
    period = Column(Text, nullable=False)
    report = Column(JSONB, nullable=False)
    acknowledged_name = Column(Text, nullable=False)
    acknowledged_position = Column(Text, nullable=False)
    acknowledged_on = Column(Date, nullable=False)
    pdf = deferred(Column(LargeBinary, nullable=False))
    xlsx = deferred(Column(LargeBinary, nullable=False))
    csv = deferred(Column(LargeBinary, nullable=False))
    published_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    published_by = Column(Text, nullable=True)
    unpublished_at = Column(DateTime(timezone=True), nullable=True)
    unpublished_by = Column(Text, nullable=True)
    unpublish_reason = Column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint(
            "period IN ('year', 'h1', 'h2', 'q1', 'q2', 'q3', 'q4')",
            name="utt1service_report_publication_period_check",
        ),
        Index(
            "utt1service_report_publication_live",
            "fiscal_year",
            "period",
            unique=True,
            postgresql_where=text("unpublished_at IS NULL"),
        ),
    )


class DownloadMonthCount(tk.BaseModel):  # type: ignore[misc]
    """Counted, non-bot downloads per Bangkok month, organization, topic and
    channel ('' where the event had no organization or topic)."""

    __tablename__ = "utt1service_report_download_month"

    month = Column(Date, primary_key=True)
    owner_org = Column(Text, primary_key=True)
    topic = Column(Text, primary_key=True)
    channel = Column(Text, primary_key=True)
    downloads = Column(BigInteger, nullable=False)


class ResourceMonthCount(tk.BaseModel):  # type: ignore[misc]
    """Counted, non-bot downloads per Bangkok month, organization, dataset
    and resource."""

    __tablename__ = "utt1service_report_resource_month"

    month = Column(Date, primary_key=True)
    owner_org = Column(Text, primary_key=True)
    package_id = Column(Text, primary_key=True)
    resource_id = Column(Text, primary_key=True)
    downloads = Column(BigInteger, nullable=False)
