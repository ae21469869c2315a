# -*- coding: utf-8 -*-
"""Factories of the extension's own tables (as ``ckanext/activity``'s tests
register ``ActivityFactory``): rows as the features would have written
them, at any time a test needs (the report tests put events on both sides of
the Bangkok fiscal-year boundaries). Registered as fixtures in
``tests/conftest.py`` (``download_event_factory``, ``survey_response_factory``,
``complaint_factory``, ``audit_event_factory``).

``Factory(dataset=pkg_dict, …)`` fills the dataset id and organization from
a dataset dict; every row is added to CKAN's session and flushed (the test
commits when it needs other connections to see it).
"""
from __future__ import annotations

import datetime
import uuid

import factory

import ckan.model as ckan_model

from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import SurveyResponse

__all__ = ["DownloadEventFactory", "SurveyResponseFactory", "ComplaintFactory", "AuditEventFactory"]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class _Factory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session = ckan_model.Session  # (CKAN's scoped session)
        sqlalchemy_session_persistence = "flush"

    class Params:
        dataset = None

    id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    created = factory.LazyFunction(_now)
    package_id = factory.LazyAttribute(lambda o: o.dataset["id"] if o.dataset else None)
    owner_org = factory.LazyAttribute(lambda o: o.dataset["owner_org"] if o.dataset else None)


class DownloadEventFactory(_Factory):
    """A download (by default counted, not a bot, through the web)."""

    class Meta:
        model = DownloadEvent

    class Params:
        resource = None

    resource_id = factory.LazyAttribute(lambda o: o.resource["id"] if o.resource else str(uuid.uuid4()))
    channel = "web"
    counted = True
    is_bot = False
    visitor_key = factory.LazyFunction(lambda: uuid.uuid4().hex)


class SurveyResponseFactory(_Factory):
    """A survey response; ``ratings`` (five numbers, 1–3) sets the items in
    the form's order."""

    class Meta:
        model = SurveyResponse
        exclude = ("ratings",)

    ratings = (3, 3, 3, 3, 3)
    staff_courtesy = factory.LazyAttribute(lambda o: o.ratings[0])
    staff_reception = factory.LazyAttribute(lambda o: o.ratings[1])
    search_speed = factory.LazyAttribute(lambda o: o.ratings[2])
    data_match = factory.LazyAttribute(lambda o: o.ratings[3])
    data_quality = factory.LazyAttribute(lambda o: o.ratings[4])


class ComplaintFactory(_Factory):
    """A complaint received through the web form."""

    class Meta:
        model = Complaint

    kind = "complaint"
    category = "other"
    channel = "web"
    state = "received"
    description = "ข้อมูลไม่ตรงกับที่ต้องการ"
    updated = factory.SelfAttribute("created")


class AuditEventFactory(factory.alchemy.SQLAlchemyModelFactory):
    """A row of the audit trail."""

    class Meta:
        model = AuditEvent
        sqlalchemy_session = ckan_model.Session  # (CKAN's scoped session)
        sqlalchemy_session_persistence = "flush"

    id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    object_type = "complaint"
    object_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    action = "create"
    created = factory.LazyFunction(_now)
