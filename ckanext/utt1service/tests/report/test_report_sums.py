# -*- coding: utf-8 -*-
"""The report's fast paths give exactly the figures of a direct computation
(issue 20): the satisfaction figures read per-month sums kept by triggers,
and must equal grouping the responses themselves, after inserts, updates
and deletes, for the whole office, one organization and the responses
about no organization, on both sides of the fiscal-year and month bounds."""
from __future__ import annotations

import datetime
import random

import pytest
import sqlalchemy as sa

import ckan.model as model

from ckanext.utt1service.common.thaidate import BANGKOK, fiscal_year_bounds
from ckanext.utt1service.report import queries
from ckanext.utt1service.tests.factories import (
    DownloadEventFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.usefixtures("clean_db")

ITEMS = queries.SURVEY_ITEMS


def _direct(scope: queries.Scope) -> dict:
    """The figures grouped from the responses (the query before the sums)."""
    org = ("(CAST(:org AS text) IS NULL OR owner_org = :org"
           " OR (:unassigned AND coalesce(owner_org, '') = ''))")
    out = {}
    for suffix, lo, hi in (("cur", "cs", "ce"), ("prev", "ps", "pe")):
        parts = ["count(*) AS responses",
                 "count(*) FILTER (WHERE btrim(coalesce(suggestion, '')) <> '') AS suggestions"]
        for item in ITEMS:
            parts += [f"count(*) FILTER (WHERE {item} = {r}) AS {item}_{r}" for r in (3, 2, 1)]
            parts.append(f"avg({item}::numeric) AS {item}_mean")
        parts.append(f"avg(({' + '.join(ITEMS)})::numeric / {len(ITEMS)}) AS overall_mean")
        row = model.Session.execute(sa.text(
            f"SELECT {', '.join(parts)} FROM utt1service_survey_response"
            f" WHERE created >= :{lo} AND created < :{hi} AND {org}"), scope.params()).mappings().one()
        out.update({f"{key}_{suffix}": value for key, value in row.items()})
    return out


def _same(fast: dict, direct: dict) -> None:
    assert set(direct) <= set(fast)
    for key, value in direct.items():
        if value is None or fast[key] is None:
            assert fast[key] == value, key
        else:
            assert float(fast[key]) == pytest.approx(float(value), abs=1e-9), key


def _scopes():
    cs, ce = fiscal_year_bounds(2569)
    ps, pe = fiscal_year_bounds(2568)
    hs, he = fiscal_year_bounds(2569, 2)
    hps, hpe = fiscal_year_bounds(2568, 2)
    yield queries.Scope(cs, ce, ps, pe)
    yield queries.Scope(cs, ce, ps, pe, org_id="org-a")
    yield queries.Scope(cs, ce, ps, pe, org_id="org-a", unassigned=True)
    yield queries.Scope(hs, he, hps, hpe, org_id="org-b")


def test_satisfaction_from_the_monthly_sums_equals_grouping_the_responses():
    rng = random.Random(20)
    # around the bounds: 30 Sep 23:59 / 1 Oct 00:00 and 31 Mar / 1 Apr, Bangkok
    edges = [datetime.datetime(y, m, d, h, mi, tzinfo=BANGKOK)
             for y in (2024, 2025, 2026)
             for (m, d, h, mi) in ((9, 30, 23, 59), (10, 1, 0, 0), (3, 31, 23, 59), (4, 1, 0, 0))]
    start = datetime.datetime(2023, 9, 1, tzinfo=BANGKOK)
    responses = []
    for i in range(160):
        when = edges[i] if i < len(edges) else start + datetime.timedelta(minutes=rng.randrange(3 * 366 * 24 * 60))
        responses.append(SurveyResponseFactory(
            created=when,
            owner_org=rng.choice(["org-a", "org-b", None, ""]),
            ratings=tuple(rng.choice((1, 2, 3)) for _ in ITEMS),
            suggestion=rng.choice([None, "", "  ", "ขอข้อมูลรายเดือน", "more data please"]),
        ))
    model.Session.commit()
    for scope in _scopes():
        _same(queries.survey_figures(scope), _direct(scope))

    # changes after the fact: a response moved, re-rated, deleted, a bulk update
    responses[20].created = datetime.datetime(2025, 10, 1, 0, 0, tzinfo=BANGKOK)
    responses[21].staff_courtesy = 1
    responses[22].suggestion = "=ข้อเสนอใหม่"
    responses[23].owner_org = "org-b"
    model.Session.delete(responses[24])
    model.Session.commit()
    model.Session.execute(sa.text("UPDATE utt1service_survey_response SET data_quality = 2 WHERE data_quality = 3"))
    model.Session.execute(sa.text("DELETE FROM utt1service_survey_response WHERE owner_org = ''"))
    model.Session.commit()
    for scope in _scopes():
        _same(queries.survey_figures(scope), _direct(scope))

    model.Session.execute(sa.text("TRUNCATE utt1service_survey_response"))
    model.Session.commit()
    assert model.Session.execute(sa.text("SELECT count(*) FROM utt1service_report_survey_month")).scalar() == 0


def _unbounded_timeline() -> str:
    """The request timeline without the bound to the periods (every request
    received before the end, as the report read it before issue 20)."""
    text = queries._TIMELINE
    start = text.index("           AND (received_at >= :ps")
    end = text.index("created < :ce))\n", start) + len("created < :ce))\n")
    return text[:start] + text[end:]


def test_request_figures_of_the_periods_equal_those_read_from_every_request(monkeypatch):
    """The access-request figures read only the requests a period can count
    (received in it, or earlier and still open, decided, withdrawn or
    delivered in it, or first downloaded through a grant in it); on random
    trails over four years they equal reading every request."""
    from ckan.tests import factories

    from ckanext.utt1service.tests.report.conftest import _request

    rng = random.Random(2569)
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    other = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"])
    start = datetime.datetime(2022, 10, 1, tzinfo=BANGKOK)
    for _ in range(120):
        t = start + datetime.timedelta(hours=rng.randrange(4 * 366 * 24))
        steps = [("unconfirmed", t)] if rng.random() < 0.2 else []
        steps.append(("submitted", t + datetime.timedelta(hours=1)))
        outcome = rng.choice(["pending", "approved", "approved", "rejected", "withdrawn"])
        t = steps[-1][1]
        if outcome != "pending":
            t += datetime.timedelta(days=rng.choice([1, 5, 40, 200, 500]))
            steps.append((outcome, t))
        if outcome == "approved" and rng.random() < 0.5:
            steps.append(("delivered", t + datetime.timedelta(days=rng.choice([1, 30, 300]))))
        request = _request(rng.choice([dataset, dataset, other]), "โรงเรียน", rng.choice(["school", None]),
                           rng.choice(["download", "email"]), steps)
        if outcome == "approved" and rng.random() < 0.6:
            for _ in range(rng.choice([1, 2])):
                DownloadEventFactory(dataset=dataset, resource=resource, request_id=request.id,
                                     created=t + datetime.timedelta(days=rng.choice([0, 2, 100, 400])))
    model.Session.commit()

    scopes = list(_scopes()) + [
        queries.Scope(*fiscal_year_bounds(2569), *fiscal_year_bounds(2568), org_id=org["id"]),
        queries.Scope(*fiscal_year_bounds(2568, 1), *fiscal_year_bounds(2567, 1)),
    ]
    bounded = [queries.requests(scope) for scope in scopes]
    monkeypatch.setattr(queries, "_TIMELINE", _unbounded_timeline())
    every = [queries.requests(scope) for scope in scopes]
    assert bounded == every
    assert sum(b["figures"]["received_cur"] for b in bounded) > 0
    assert sum(b["figures"]["pending_prev"] for b in bounded) > 0
