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


# The request timeline computed directly, as the report read it before
# issue 20: the first time of each step grouped from the whole audit trail,
# joined with every access request (organization, agency type, channel) and
# with the first download through each grant grouped from every download.
_DIRECT_TIMELINE = f"""
    events AS (
        SELECT object_id AS id,
               min(created) FILTER (WHERE to_state <> 'unconfirmed') AS received_at,
               min(created) FILTER (WHERE to_state = 'approved') AS approved_at,
               min(created) FILTER (WHERE to_state = 'rejected') AS rejected_at,
               min(created) FILTER (WHERE to_state = 'withdrawn') AS withdrawn_at,
               min(created) FILTER (WHERE to_state = 'delivered') AS delivered_at,
               min(created) FILTER (WHERE to_state = 'checked') AS checked_at
          FROM utt1service_audit
         WHERE object_type = 'access_request' AND to_state IS NOT NULL
         GROUP BY object_id
    ),
    received AS MATERIALIZED (
        SELECT r.id, r.agency_type, r.delivery_channel, e.received_at, e.approved_at, e.rejected_at,
               e.withdrawn_at, e.checked_at, least(e.approved_at, e.rejected_at) AS decided_at,
               least(e.delivered_at, d.downloaded_at) AS delivered_at
          FROM events e
          JOIN utt1service_access_request r ON r.id = e.id
          LEFT JOIN (SELECT request_id, min(created) AS downloaded_at
                       FROM utt1service_download_event
                      WHERE request_id IS NOT NULL GROUP BY request_id) d ON d.request_id = r.id
         WHERE e.received_at IS NOT NULL AND e.received_at < :ce AND {queries._org('r.owner_org')}
    )
"""


# The turnaround of the requests as it was computed before: one row per step
# taken, grouped by step and by step and channel.
_DIRECT_TURNAROUND = f"""
    WITH {_DIRECT_TIMELINE},
    steps AS (
        SELECT r.delivery_channel AS channel, s.step, s.at,
               {queries._days('s.at', 'r.received_at')} AS days
          FROM received r
         CROSS JOIN LATERAL (VALUES ('checked', r.checked_at), ('decided', r.decided_at),
                                    ('delivered', r.delivered_at)) AS s(step, at)
         WHERE s.at IS NOT NULL AND ({queries._cur('s.at')} OR {queries._prev('s.at')})
    )
    SELECT step, CASE WHEN grouping(channel) = 1 THEN '_all' ELSE channel END AS channel,
           {queries._stats('days', 'at')}
      FROM steps
     GROUP BY GROUPING SETS ((step), (step, channel))
"""


def _random_requests(rng: random.Random, datasets: list, resource: dict) -> list:
    from ckanext.utt1service.tests.report.conftest import _request

    start = datetime.datetime(2022, 10, 1, tzinfo=BANGKOK)
    made = []
    for _ in range(120):
        t = start + datetime.timedelta(hours=rng.randrange(4 * 366 * 24))
        steps = [("unconfirmed", t)] if rng.random() < 0.2 else []
        steps.append(("submitted", t + datetime.timedelta(hours=1)))
        if rng.random() < 0.6:
            steps.append(("checked", steps[-1][1] + datetime.timedelta(days=rng.choice([0, 1, 3, 60]))))
        outcome = rng.choice(["pending", "approved", "approved", "rejected", "withdrawn"])
        t = steps[-1][1]
        if outcome != "pending":
            t += datetime.timedelta(days=rng.choice([1, 5, 40, 200, 500]))
            steps.append((outcome, t))
        if outcome == "approved" and rng.random() < 0.5:
            steps.append(("delivered", t + datetime.timedelta(days=rng.choice([1, 30, 300]))))
        dataset = rng.choice(datasets)
        request = _request(dataset, "โรงเรียน", rng.choice(["school", None]),
                           rng.choice(["download", "email", "paper"]), steps)
        made.append(request)
        if outcome == "approved" and rng.random() < 0.6:
            for _ in range(rng.choice([1, 2])):
                DownloadEventFactory(dataset=datasets[0], resource=resource, request_id=request.id,
                                     created=t + datetime.timedelta(days=rng.choice([0, 2, 100, 400])))
    return made


def _request_scopes(org_id: str) -> list:
    return list(_scopes()) + [
        queries.Scope(*fiscal_year_bounds(2569), *fiscal_year_bounds(2568), org_id=org_id),
        queries.Scope(*fiscal_year_bounds(2568, 1), *fiscal_year_bounds(2567, 1)),
        queries.Scope(*fiscal_year_bounds(2569, None, 3), *fiscal_year_bounds(2568, None, 3)),
    ]


def _timeline_differences() -> list:
    from ckanext.utt1service.report import sums

    kept = next(k for k in sums.KEPT if k.table == "utt1service_request_timeline")
    return sums.differences(kept)


def test_request_figures_of_the_periods_equal_those_read_from_every_request(monkeypatch):
    """The access-request figures and turnaround read only the timeline rows
    of the requests a period can count (received in it, or earlier and still
    open, decided, withdrawn or delivered in it, or first downloaded through
    a grant in it), with the request's organization, agency type, channel
    and first download kept in the timeline; on random trails over four
    years they equal the figures computed directly from every audit row,
    request and download, also after requests change, go away and get new
    downloads."""
    from ckan.tests import factories

    rng = random.Random(2569)
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    other = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"])
    made = _random_requests(rng, [dataset, dataset, other], resource)
    model.Session.commit()

    def compare() -> list:
        scopes = _request_scopes(org["id"])
        fast = [queries.requests(scope) for scope in scopes]
        with monkeypatch.context() as patched:
            patched.setattr(queries, "_TIMELINE", _DIRECT_TIMELINE)
            direct = [queries.requests(scope) for scope in scopes]
        assert fast == direct
        for scope, figures in zip(scopes, fast):
            turnaround = sorted(
                (dict(r) for r in model.Session.execute(sa.text(_DIRECT_TURNAROUND), scope.params()).mappings()),
                key=lambda r: (r["step"], r["channel"]))
            assert len(figures["turnaround"]) == len(turnaround)
            for got, expected in zip(figures["turnaround"], turnaround):
                assert set(got) == set(expected)
                for key, value in expected.items():
                    if isinstance(value, float):
                        assert got[key] == pytest.approx(value, abs=1e-9), key
                    else:
                        assert got[key] == value, key
        assert _timeline_differences() == []
        return fast

    fast = compare()
    assert sum(f["figures"]["received_cur"] for f in fast) > 0
    assert sum(f["figures"]["pending_prev"] for f in fast) > 0
    assert sum(t["n_cur"] for f in fast for t in f["turnaround"]) > 0
    assert sum(f["figures"]["days_to_delivery_cur"] is not None for f in fast) > 0

    # Afterwards: a request moves to another organization and channel, one
    # states its agency type, one is deleted, downloads through grants come
    # and go, a whole bulk update of channels.
    made[0].owner_org = other["owner_org"]
    made[1].delivery_channel = "paper"
    made[2].agency_type = "university"
    model.Session.delete(made[3])
    approved = [r for r in made[4:] if r.state in ("approved", "delivered")]
    for request in approved[:5]:
        DownloadEventFactory(dataset=dataset, resource=resource, request_id=request.id,
                             created=datetime.datetime(2026, 1, 15, tzinfo=BANGKOK))
    model.Session.commit()
    model.Session.execute(sa.text(
        "DELETE FROM utt1service_download_event WHERE id IN (SELECT id FROM utt1service_download_event"
        " WHERE request_id IS NOT NULL ORDER BY created LIMIT 3)"))
    model.Session.execute(sa.text(
        "UPDATE utt1service_download_event SET created = created - interval '400 days'"
        " WHERE request_id = :id"), {"id": approved[6].id})
    model.Session.execute(sa.text(
        "UPDATE utt1service_access_request SET delivery_channel = 'email' WHERE delivery_channel = 'paper'"))
    model.Session.commit()
    compare()

    # emptied the way a restore or a test does
    model.Session.execute(sa.text("TRUNCATE utt1service_download_event"))
    model.Session.commit()
    compare()
    model.Session.execute(sa.text("TRUNCATE utt1service_access_request CASCADE"))
    model.Session.commit()
    assert compare()[0]["figures"]["received_cur"] == 0


_DIRECT_COMPLAINT_TURNAROUND = f"""
    WITH complaints AS (
        SELECT c.id, c.created, c.resolved_at,
               (SELECT min(a.created) FROM utt1service_audit a
                 WHERE a.object_type = 'complaint' AND a.object_id = c.id
                   AND a.action = 'change_state') AS acknowledged_at
          FROM utt1service_complaint c
         WHERE c.created < :ce AND {queries._org('c.owner_org')}
    ),
    steps AS (
        SELECT s.step, s.at, {queries._days('s.at', 'c.created')} AS days
          FROM complaints c
         CROSS JOIN LATERAL (VALUES ('acknowledged', c.acknowledged_at),
                                    ('resolved', c.resolved_at)) AS s(step, at)
         WHERE {queries._cur('s.at')} OR {queries._prev('s.at')}
    )
    SELECT step, {queries._stats('days', 'at')} FROM steps GROUP BY step
"""

_DIRECT_COMPLAINT_STATES = f"""
    WITH received AS (
        SELECT c.id, c.created, c.resolved_at, c.closed_at,
               CASE WHEN {queries._cur('c.created')} THEN :ce ELSE :pe END AS period_end,
               {queries._cur('c.created')} AS is_cur
          FROM utt1service_complaint c
         WHERE ({queries._cur('c.created')} OR {queries._prev('c.created')}) AND {queries._org('c.owner_org')}
    ),
    states AS (
        SELECT r.is_cur,
               coalesce(
                   (SELECT a.to_state FROM utt1service_audit a
                     WHERE a.object_type = 'complaint' AND a.object_id = r.id
                       AND a.to_state IS NOT NULL AND a.created < r.period_end
                     ORDER BY a.created DESC LIMIT 1),
                   CASE WHEN r.closed_at < r.period_end THEN 'closed'
                        WHEN r.resolved_at < r.period_end THEN 'resolved'
                        ELSE 'received' END
               ) AS state
          FROM received r
    )
    SELECT state AS key, count(*) FILTER (WHERE is_cur) AS cur, count(*) FILTER (WHERE NOT is_cur) AS prev
      FROM states GROUP BY 1
"""


def test_complaint_turnaround_and_states_equal_a_direct_computation():
    """The complaints' turnaround (acknowledged, resolved) and their state
    at the end of each period read only the complaints of the periods; on
    random complaints over four years, with trails that end before, inside
    and after the periods, they equal reading every complaint's trail."""
    from ckanext.utt1service.tests.report.conftest import _complaint

    rng = random.Random(15)
    start = datetime.datetime(2022, 10, 1, tzinfo=BANGKOK)
    for _ in range(150):
        t = start + datetime.timedelta(hours=rng.randrange(4 * 366 * 24))
        steps = [("received", t)]
        for state in ("in_progress", "resolved", "closed"):
            if rng.random() < 0.7:
                t += datetime.timedelta(hours=rng.choice([1, 30, 24 * 20, 24 * 300]))
                steps.append((state, t))
            else:
                break
        _complaint(None, rng.choice(["complaint", "problem"]), "other", steps)
    model.Session.commit()

    def rows(result) -> list:
        return sorted((dict(r) for r in result), key=lambda r: str(r.get("step", r.get("key"))))

    for scope in _request_scopes("no-such-org"):
        params = scope.params()
        direct = model.Session.execute(sa.text(_DIRECT_COMPLAINT_TURNAROUND), params).mappings().all()
        assert rows(queries.complaint_turnaround(scope)) == rows(direct)
        direct = model.Session.execute(sa.text(_DIRECT_COMPLAINT_STATES), params).mappings().all()
        assert rows(queries.complaints_by_state(scope)) == rows(direct)
    whole = queries.complaint_turnaround(_request_scopes("x")[0])
    assert {r["step"] for r in whole} == {"acknowledged", "resolved"}
    assert all(r["n_cur"] > 0 and r["n_prev"] > 0 for r in whole)


def test_the_report_kept_under_the_data_version_equals_a_fresh_computation_after_every_write(app):
    """The request and complaint figures of the report are kept under a data
    version that every write to requests, their trail and timeline, and
    complaints changes (report/cache.py, migration c7d8e9f0a1b2): a second
    report is read from what was kept, and after a new request, a decision,
    a new complaint, a change of a complaint's state, a deletion, or an own
    uncommitted write, the report equals one computed without keeping
    anything; an audited action on something else (an analysis saved) keeps
    what was kept."""
    from ckan.tests import factories

    from ckanext.utt1service.access_requests.model import AccessRequest
    from ckanext.utt1service.common.model import AuditEvent
    from ckanext.utt1service.report import build, cache
    from ckanext.utt1service.tests.report.conftest import _complaint, _request

    rng = random.Random(20)
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    resource = factories.Resource(package_id=dataset["id"])
    _random_requests(rng, [dataset], resource)
    day = datetime.datetime(2026, 3, 2, 9, tzinfo=BANGKOK)  # FY 2569
    _complaint(None, "complaint", "other", [("received", day)])
    model.Session.commit()
    cache.clear()

    def report(keep: bool = True) -> dict:
        with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": "th"}):
            if keep:
                found = build.build(2569)
            else:
                original = cache.data_version
                cache.data_version = lambda: None
                try:
                    found = build.build(2569)
                finally:
                    cache.data_version = original
        for key in ("generated", "generated_label", "ongoing"):
            found.pop(key)
        return found

    def table(found: dict, key: str) -> list:
        return next(t for s in found["sections"] for t in s["tables"] if t["key"] == key)["rows"]

    first = report()
    assert first == report(keep=False)
    hits = cache.stats["hits"]
    assert report() == first
    assert cache.stats["hits"] >= hits + 8  # requests, both service levels, five complaint queries

    def received(found: dict) -> tuple:
        return (next(r["cur"] for r in table(found, "summary") if r["key"] == "requests"),
                next(r["cur"] for r in table(found, "summary") if r["key"] == "complaints"))

    before = received(first)
    # a new request, decided, and a new complaint taken up: all committed
    made = _request(dataset, "โรงเรียน", "school", "email",
                    [("submitted", day), ("checked", day + datetime.timedelta(days=1)),
                     ("approved", day + datetime.timedelta(days=2))])
    _complaint(None, "problem", "other", [("received", day), ("in_progress", day + datetime.timedelta(days=3))])
    model.Session.commit()
    after = report()
    assert after == report(keep=False)
    assert received(after)[0] == before[0] + 1 and received(after)[1] > before[1]

    # a state change of an existing request only (its trail and timeline)
    AuditEvent.record("access_request", made.id, "delivered", from_state="approved",
                      to_state="delivered").created = day + datetime.timedelta(days=4)
    model.Session.commit()
    delivered = report()
    assert delivered == report(keep=False) and delivered != after

    # a later change of state of a complaint: a row of its trail only
    taken_up = model.Session.execute(sa.text(
        "SELECT object_id FROM utt1service_audit WHERE object_type = 'complaint'"
        " AND to_state = 'in_progress' LIMIT 1")).scalar()
    AuditEvent.record("complaint", taken_up, "change_state", from_state="in_progress",
                      to_state="resolved").created = day + datetime.timedelta(days=5)
    model.Session.commit()
    resolved = report()
    assert resolved == report(keep=False) and resolved != delivered
    delivered = resolved

    # what the report does not read (another kind of audited object) keeps what was kept
    report()
    misses = cache.stats["misses"]
    AuditEvent.record("report_analysis", "2569-year", "save", data={"problems": "x"})
    model.Session.commit()
    assert report() == delivered and cache.stats["misses"] == misses

    # an own write not committed yet: the report sees it, and keeps nothing
    _complaint(None, "complaint", "other", [("received", day)])
    model.Session.flush()
    misses = cache.stats["misses"]
    own = report()
    assert received(own)[1] == received(after)[1] + 1 and cache.stats["misses"] == misses
    model.Session.rollback()
    assert report() == delivered

    # a deletion
    model.Session.query(AccessRequest).filter_by(id=made.id).delete()
    model.Session.commit()
    assert report() == report(keep=False)
