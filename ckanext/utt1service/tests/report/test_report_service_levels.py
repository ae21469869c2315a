# -*- coding: utf-8 -*-
"""The late requests in the service report (issue 19): one set of targets
(``ckanext.utt1service.target_days_*``, the old ``request_target_days``
a deprecated alias of the whole-service target) and one computation, the
one of the queue (``utt1service_request_service_levels``), for a quarter
beside the same quarter of the year before.

The figures of a generated data set (fixed seed, moments on both sides of
the quarter bounds and of each due day in Bangkok time) are compared with a
direct count written here, in calendar days and in working days with
holidays."""
from __future__ import annotations

import datetime
import random
import types
from unittest import mock

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.common import CKANConfig, config_declaration
from ckan.tests import factories, helpers

from ckanext.utt1service.access_requests import service_levels
from ckanext.utt1service.common.thaidate import BANGKOK
from ckanext.utt1service.tests.report.conftest import _request, auth, bkk
from ckanext.utt1service.tests.report.test_report_numbers import page_tables

TARGETS = {"check": 2, "decision": 3, "delivery": 1, "overall": 7}
# Thai public holidays in the two quarters (and one on a weekend)
HOLIDAYS = ["2025-01-01", "2025-02-12", "2025-01-04", "2026-01-01", "2026-01-02", "2026-03-03"]
# FY 2569 Q2 and FY 2568 Q2: [start, end) in Bangkok time
PERIODS = {"cur": (bkk(2026, 1, 1), bkk(2026, 4, 1)), "prev": (bkk(2025, 1, 1), bkk(2025, 4, 1))}


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(BANGKOK).date()


def _late(start: datetime.datetime, end: datetime.datetime, target: int, working: bool) -> bool:
    """Late: the step ended after its due day, the ``target``-th day of
    service after the day it started."""
    holidays = {datetime.date.fromisoformat(d) for d in HOLIDAYS}
    due, left = _day(start), target
    while left:
        due += datetime.timedelta(days=1)
        if not working or (due.weekday() < 5 and due not in holidays):
            left -= 1
    return _day(end) > due


def _direct(rows: list[dict], working: bool) -> dict[str, dict[str, dict[str, int]]]:
    """{period: {step: {count, late}}}, counted straight from the data."""
    out = {p: {s: {"count": 0, "late": 0} for s in TARGETS} for p in PERIODS}
    for row in rows:
        period = next((p for p, (a, b) in PERIODS.items() if a <= row["received"] < b), None)
        if period is None:
            continue
        decided = row.get("approved") or row.get("rejected")
        ends = {
            "check": (row["received"], row.get("checked")),
            "decision": (row.get("checked"), decided),
            "delivery": (row.get("approved"), row.get("delivered")) if row["channel"] != "download" else (None, None),
            "overall": (row["received"], decided if row["channel"] == "download" or not row.get("approved")
                        else row.get("delivered")),
        }
        for step, (start, end) in ends.items():
            if start and end:
                out[period][step]["count"] += 1
                out[period][step]["late"] += _late(start, end, TARGETS[step], working)
    return out


def _generate(dataset: dict) -> list[dict]:
    rng = random.Random(19)
    rows = []

    def later(moment: datetime.datetime, hours: int) -> datetime.datetime:
        return moment + datetime.timedelta(hours=rng.randint(0, hours), minutes=rng.choice([0, 1, 59]))

    # moments around the bounds of both quarters, then random ones
    received = [bkk(2025, 1, 1, 0, 0), bkk(2024, 12, 31, 23, 59), bkk(2025, 3, 31, 23, 59),
                bkk(2025, 4, 1, 0, 0), bkk(2026, 1, 1, 0, 0), bkk(2025, 12, 31, 23, 59),
                bkk(2026, 3, 31, 23, 59), bkk(2026, 4, 1, 0, 0)]
    for year in (2025, 2026):
        start = bkk(year - 1, 12, 20)
        received += [start + datetime.timedelta(minutes=rng.randint(0, 110 * 24 * 60)) for _ in range(30)]
    for when in received:
        row = {"received": when, "channel": rng.choice(["download", "email", "paper"])}
        steps = [("submitted", when)]
        fate = rng.random()
        if fate < 0.1:  # still waiting for the check
            pass
        elif fate < 0.2:  # rejected before any check
            row["rejected"] = later(when, 400)
            steps.append(("rejected", row["rejected"]))
        else:
            row["checked"] = later(when, 168)
            steps.append(("checked", row["checked"]))
            if fate < 0.3:
                pass  # waiting for the decision
            elif fate < 0.4:
                row["rejected"] = later(row["checked"], 240)
                steps.append(("rejected", row["rejected"]))
            else:
                row["approved"] = later(row["checked"], 240)
                steps.append(("approved", row["approved"]))
                if row["channel"] != "download" and fate < 0.85:
                    row["delivered"] = later(row["approved"], 120)
                    steps.append(("delivered", row["delivered"]))
        _request(dataset, "โรงเรียนทดสอบ", "school", row["channel"], steps)
        rows.append(row)
    # a step that ends at 23:59 of its due day is on time, at 00:00 the next day late
    for end, in ((bkk(2026, 2, 4, 23, 59),), (bkk(2026, 2, 5, 0, 0),)):
        row = {"received": bkk(2026, 2, 2, 9, 0), "channel": "download", "checked": end}
        _request(dataset, "ขอบเขต", "school", "download", [("submitted", row["received"]), ("checked", end)])
        rows.append(row)
    model.Session.commit()
    return rows


@pytest.fixture()
def generated(clean_db, clean_index):
    w = types.SimpleNamespace()
    w.sysadmin = factories.SysadminWithToken()
    w.org = factories.Organization(name="report-office")
    w.dataset = factories.Dataset(owner_org=w.org["id"])
    w.rows = _generate(w.dataset)
    return w


def _late_table(report: dict) -> dict[str, dict]:
    for section in report["sections"]:
        for table in section["tables"]:
            if table["key"] == "requests_late":
                return {row["key"]: row for row in table["rows"]}
    raise AssertionError("no table of late requests")


@pytest.mark.parametrize("working", [False, True])
def test_late_counts_of_a_quarter_equal_a_direct_count(app, generated, ckan_config, monkeypatch, working):
    for step, days in TARGETS.items():
        monkeypatch.setitem(ckan_config, f"ckanext.utt1service.target_days_{step}", days)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.service_working_days", working)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.holidays", " ".join(HOLIDAYS))
    expected = _direct(generated.rows, working)
    # the data set is not trivial: late and on-time steps in both periods
    for p in PERIODS:
        assert expected[p]["overall"]["late"] > 0 and expected[p]["check"]["late"] > 0
        assert expected[p]["overall"]["count"] > expected[p]["overall"]["late"]
        assert expected[p]["delivery"]["count"] > 0

    report = helpers.call_action("utt1service_report_show", context={"user": generated.sysadmin["name"]},
                                 fiscal_year=2569, quarter=2)
    table = _late_table(report)
    assert list(table) == ["check", "decision", "delivery", "overall"]
    for step, row in table.items():
        assert row["target"] == TARGETS[step]
        for p in PERIODS:
            assert (row[f"count_{p}"], row[f"late_{p}"]) == (
                expected[p][step]["count"], expected[p][step]["late"]), (step, p)

    # the queue's own action gives the same figures
    levels = helpers.call_action("utt1service_request_service_levels",
                                 context={"user": generated.sysadmin["name"]},
                                 fiscal_year=2569, quarter=2, owner_org=generated.org["id"])
    assert levels["start"] == PERIODS["cur"][0].isoformat()
    assert {s: {"count": f["count"], "late": f["late"]} for s, f in levels["steps"].items()} == expected["cur"]

    # and so does the page, in Thai
    html = app.get("/th/ckan-admin/service-report", query_string={"fy": "2569", "half": "q2"},
                   headers=auth(generated.sysadmin)).get_data(as_text=True)
    rows = dict(page_tables(html)["requests_late"])
    assert rows["overall"]["late_cur"] == str(expected["cur"]["overall"]["late"])
    assert rows["overall"]["late_prev"] == str(expected["prev"]["overall"]["late"])
    assert rows["check"]["label"] == "ตรวจสอบโดยเจ้าหน้าที่"
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "คำขอใช้ข้อมูลที่เกินระยะเวลามาตรฐานการให้บริการ" in text
    assert ("วันทำการ" if working else "วันตามปฏิทิน") in text


def test_the_boundary_of_a_due_day(generated, ckan_config, monkeypatch):
    # the two requests received 2 Feb 2026 09:00 and checked on the due day
    # (4 Feb, target 2) at 23:59 and the next day at 00:00: one late
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_check", 2)
    only = [r for r in generated.rows if r["received"] == bkk(2026, 2, 2, 9, 0)]
    assert [_late(r["received"], r["checked"], 2, False) for r in only] == [False, True]


@pytest.mark.parametrize("settings, expected", [
    ({}, 15),                                     # neither: the default
    ({"request_target_days": 20}, 20),            # only the old option: still used
    ({"request_target_days": "20"}, 20),          # (as an environment variable gives it)
    ({"target_days_overall": 10}, 10),
    ({"target_days_overall": 10, "request_target_days": 20}, 10),  # both: the new one wins
])
def test_the_old_option_is_a_deprecated_alias_of_the_overall_target(ckan_config, monkeypatch,
                                                                    settings, expected):
    for key in ("target_days_overall", "request_target_days"):
        monkeypatch.setitem(ckan_config, f"ckanext.utt1service.{key}", settings.get(key))
    logged = mock.Mock()
    monkeypatch.setattr(service_levels, "log", logged)
    monkeypatch.setattr(service_levels, "_warned", [])
    assert service_levels.targets()["overall"] == expected
    assert service_levels.targets()["overall"] == expected  # asked again: no second warning
    warned = ["request_target_days" in str(call.args) for call in logged.warning.call_args_list]
    old_only = "request_target_days" in settings and "target_days_overall" not in settings
    assert warned == ([True] if old_only else [])


def test_a_deployed_config_with_only_the_old_option_starts_and_keeps_its_value():
    # what CKAN does with the declaration at start-up (make_safe, normalize,
    # then validate, which would refuse to start on an error)
    for values, overall, old in (({"ckanext.utt1service.request_target_days": "20"}, None, 20),
                                 ({}, None, None),
                                 ({"ckanext.utt1service.target_days_overall": "9"}, 9, None)):
        cfg = CKANConfig(values)
        config_declaration.make_safe(cfg)
        config_declaration.normalize(cfg)
        assert not {k for k in config_declaration.validate(cfg)[1] if "utt1service" in k}
        assert cfg.get("ckanext.utt1service.target_days_overall") == overall
        assert cfg.get("ckanext.utt1service.request_target_days") == old
    wrong = CKANConfig({"ckanext.utt1service.request_target_days": "fifteen"})
    config_declaration.make_safe(wrong)
    assert "ckanext.utt1service.request_target_days" in config_declaration.validate(wrong)[1]


def test_the_report_uses_the_old_option_when_only_it_is_set(generated, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.target_days_overall", None)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.request_target_days", 1)
    report = helpers.call_action("utt1service_report_show", context={"user": generated.sysadmin["name"]},
                                 fiscal_year=2569, quarter=2)
    overall = _late_table(report)["overall"]
    assert overall["target"] == 1
    assert overall["late_cur"] == sum(
        1 for r in generated.rows
        if PERIODS["cur"][0] <= r["received"] < PERIODS["cur"][1]
        and (end := ((r.get("approved") or r.get("rejected")) if r["channel"] == "download" or not r.get("approved")
                     else r.get("delivered")))
        and _late(r["received"], end, 1, False))
