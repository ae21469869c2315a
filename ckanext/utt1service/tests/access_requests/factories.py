# -*- coding: utf-8 -*-
"""Factories for the extension's own access-request tables, registered as
fixtures in ``conftest.py`` (as CKAN's ``ckanext/activity`` registers
``ActivityFactory``): ``access_request`` / ``access_request_factory``,
``access_grant`` / ``access_grant_factory``.

A request is built in the state a test needs without walking the workflow:
``AccessRequestFactory(dataset=..., files=[resource], state="approved")``
names the files and, for an approved, delivered or closed request, gives a
grant for each (``grant_days`` from now; negative: ended).
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

import ckan.model as model
from ckan.tests import factories as ckan_factories

from ckanext.utt1service.access_requests.model import (
    AccessGrant,
    AccessRequest,
    AccessRequestResource,
)
from ckanext.utt1service.common import thaidate

#: the states in which a request's grants exist
GRANTED_STATES = ("approved", "delivered", "closed")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _this_year() -> int:
    return thaidate.be_year(thaidate.to_bangkok(_now()).year)


def _next_number() -> int:
    """The next running number of this year (as the workflow gives them)."""
    from sqlalchemy import func

    last = (model.Session.query(func.max(AccessRequest.number))
            .filter(AccessRequest.year_be == _this_year()).scalar())
    return (last or 0) + 1


def _dataset() -> dict[str, Any]:
    return ckan_factories.Dataset(owner_org=ckan_factories.Organization()["id"])


def _resources(o: Any) -> list[AccessRequestResource]:
    return [
        AccessRequestResource(resource_id=r["id"], resource_name=r.get("name") or r["id"],
                              position_=i)
        for i, r in enumerate(o.files)
    ]


def _grants(o: Any) -> list[AccessGrant]:
    if o.state not in GRANTED_STATES:
        return []
    now = _now()
    return [
        AccessGrant(resource_id=r["id"], user_id=o.user_id, granted_at=now,
                    expires_at=now + datetime.timedelta(days=o.grant_days))
        for r in o.files
    ]


class _Model(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session = model.Session
        sqlalchemy_session_persistence = "commit"


class AccessRequestFactory(_Model):
    """An access request (แบบคำขอข้อมูลสารสนเทศ) with its files and grants."""

    class Meta:
        model = AccessRequest

    class Params:
        #: the dataset asked for (a new one of a new organization by default)
        dataset = factory.LazyFunction(_dataset)
        #: resource dicts of the files asked for
        files = factory.LazyAttribute(lambda o: o.dataset.get("resources") or [])
        #: how long the grants of an approved request last (negative: ended)
        grant_days = 30

    id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    package_id = factory.LazyAttribute(lambda o: o.dataset["id"])
    owner_org = factory.LazyAttribute(lambda o: o.dataset["owner_org"])
    user_id = None
    state = "submitted"
    number = factory.LazyFunction(_next_number)
    year_be = factory.LazyFunction(_this_year)
    first_name = "สมหญิง"
    surname = factory.Sequence(lambda n: f"ทดสอบ{n}")
    position = "ครู"
    agency = "โรงเรียนบ้านหนองแก"
    agency_type = "school"
    affiliation = "สพป.อุทัยธานี เขต 1"
    data_wanted = "จำนวนนักเรียนรายบุคคล"
    intended_use = "วิจัยในชั้นเรียน"
    delivery_channel = "download"
    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    phone = "081-234-5678"
    consent_at = factory.LazyFunction(_now)
    consent_retention_days = 365
    token_salt = factory.LazyAttribute(lambda o: None if o.user_id else uuid.uuid4().hex)
    created = factory.LazyFunction(_now)
    modified = factory.LazyFunction(_now)
    submitted_at = factory.LazyFunction(_now)
    state_since = factory.LazyAttribute(lambda o: o.submitted_at)
    email_confirmed_at = factory.LazyFunction(_now)
    decided_at = factory.LazyAttribute(
        lambda o: _now() if o.state in GRANTED_STATES + ("rejected",) else None)
    resources = factory.LazyAttribute(_resources)
    grants = factory.LazyAttribute(_grants)


class AccessGrantFactory(_Model):
    """A grant of one file of a request (``request``: an AccessRequest)."""

    class Meta:
        model = AccessGrant

    class Params:
        request = factory.SubFactory(AccessRequestFactory, state="approved", files=[])
        days = 30

    id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    request_id = factory.LazyAttribute(lambda o: o.request.id)
    resource_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    user_id = factory.LazyAttribute(lambda o: o.request.user_id)
    granted_at = factory.LazyFunction(_now)
    expires_at = factory.LazyAttribute(lambda o: _now() + datetime.timedelta(days=o.days))
