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
from ckanext.utt1service.tests.factories import SurveyResponseFactory

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
