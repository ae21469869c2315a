# -*- coding: utf-8 -*-
"""Satisfaction survey responses (แบบประเมินความพึงพอใจในการขอรับบริการข้อมูล).

One row per response. The five items are stored as 3 (ดีมาก), 2 (พอใช้) or
1 (ควรปรับปรุง), so a report can take shares and means in SQL. A response
is tied to at most one download event or one access request, and each of
those accepts one response (unique columns).
"""
from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    SmallInteger,
    Text,
    func,
    text,
)

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import vocabularies
from ckanext.utt1service.common.model import new_id

__all__ = ["SurveyResponse", "SURVEY_ITEM_COLUMNS"]

#: the five rated items, in the order of the office's form (1.1, 1.2, 2.1, 2.2, 2.3)
SURVEY_ITEM_COLUMNS = vocabularies.SURVEY_ITEMS.codes()
SURVEY_ITEM_COLUMNS = (
    "staff_courtesy",
    "staff_reception",
    "search_speed",
    "data_match",
    "data_quality",
)



def _rating(name: str) -> Column:
    return Column(name, SmallInteger, CheckConstraint(f"{name} BETWEEN 1 AND 3"), nullable=False)


class SurveyResponse(tk.BaseModel):  # type: ignore[misc]
    __tablename__ = "utt1service_survey_response"

    id = Column(Text, primary_key=True, default=new_id)
    created = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    #: the download this response is about (one response per download)
    download_event_id = Column(Text, nullable=True, unique=True)
    #: the access request this response is about (one response per request)
    request_id = Column(Text, nullable=True, unique=True)
    resource_id = Column(Text, nullable=True)
    package_id = Column(Text, nullable=True)
    owner_org = Column(Text, nullable=True)

    staff_courtesy = _rating("staff_courtesy")  # 1.1 เจ้าหน้าที่มีมนุษยสัมพันธ์ที่ดี
    staff_reception = _rating("staff_reception")  # 1.2 การต้อนรับของเจ้าหน้าที่
    search_speed = _rating("search_speed")  # 2.1 ความรวดเร็วในการสืบค้น
    data_match = _rating("data_match")  # 2.2 ข้อมูลตรงกับความต้องการของท่าน
    data_quality = _rating("data_quality")  # 2.3 ความทันสมัย ครบถ้วน ถูกต้องของข้อมูล

    #: ข้อเสนอแนะ
    suggestion = Column(Text, nullable=True)
    #: school, office_staff, government, private, public, student (optional)
    respondent_type = Column(Text, nullable=True)
    #: online (the respondent), paper or phone (entered by staff)
    mode = Column(Text, nullable=False, default="online")
    #: the staff member who entered a paper or phone response
    entered_by = Column(Text, nullable=True)

    __table_args__ = (
        Index("utt1service_survey_response_created_idx", "created"),
        Index("utt1service_survey_response_org_idx", "owner_org", "created"),
        # the list of a period's suggestions (migration 2b3c4d5e6f70)
        Index(
            "utt1service_survey_response_suggestion_idx",
            "created",
            postgresql_where=text("btrim(coalesce(suggestion, '')) <> ''"),
        ),
    )

    def as_dict(self) -> dict[str, Any]:
        created = self.created
        if isinstance(created, datetime.datetime):
            created = created.isoformat()
        out = {
            "id": self.id,
            "created": created,
            "download_event_id": self.download_event_id,
            "request_id": self.request_id,
            "resource_id": self.resource_id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "suggestion": self.suggestion,
            "respondent_type": self.respondent_type,
            "mode": self.mode,
            "entered_by": self.entered_by,
        }
        for name in SURVEY_ITEM_COLUMNS:
            out[name] = getattr(self, name)
        return out
