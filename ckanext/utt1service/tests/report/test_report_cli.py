# -*- coding: utf-8 -*-
"""``ckan utt1service report`` writes the same numbers as the page, and
``ckan utt1service report-rebuild-counts`` recomputes the monthly counts."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from ckan import model
from ckan.cli.cli import ckan

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.monitoring.model.download import DownloadEvent


def run(cli, *args: str):
    result = cli.invoke(ckan, ["utt1service", *args])
    assert result.exit_code == 0, result.output
    return result


def test_csv_xlsx_and_pdf_of_a_half_year_for_one_organization(cli, known_world, tmp_path):
    out = tmp_path / "channels.csv"
    result = run(cli, "report", "--fy", "2569", "--half", "2", "--format", "csv",
                 "--table", "downloads_by_channel", "--output", str(out))
    assert "Wrote" in result.output
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    # FY 2569 second half: paper 1 Apr 00:00, web 10 Jun and 30 Sep 23:59;
    # FY 2568 second half: qr 1 Apr 00:00, e-mail 30 Sep 23:59.
    assert rows[1:] == [
        ["เว็บไซต์", "2", "66.7", "0", "0.0"],
        ["QR-Code", "0", "0.0", "1", "50.0"],
        ["API", "0", "0.0", "0", "0.0"],
        ["ตัวอย่างตาราง / API ข้อมูล", "0", "0.0", "0", "0.0"],
        ["อีเมล", "0", "0.0", "1", "50.0"],
        ["เอกสาร", "1", "33.3", "0", "0.0"],
        ["รวม", "3", "100.0", "2", "100.0"],
    ]

    out = tmp_path / "agency-types.csv"
    run(cli, "report", "--fy", "2569", "--half", "2", "--format", "csv", "--lang", "en",
        "--table", "requests_by_agency_type", "--output", str(out), "--quiet")
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    # FY 2569 second half: r5 (university, 30 Sep 23:59); FY 2568 second
    # half: r9 (university) and r1 (school, 30 Sep 23:59).
    assert rows == [
        ["Requester's agency type", "FY 2569", "FY 2569 (%)", "FY 2568", "FY 2568 (%)"],
        ["School under the office", "0", "0.0", "1", "50.0"],
        ["Educational service area office", "0", "0.0", "0", "0.0"],
        ["Other government agency", "0", "0.0", "0", "0.0"],
        ["Higher education institution or researcher", "1", "100.0", "1", "50.0"],
        ["Private sector", "0", "0.0", "0", "0.0"],
        ["General public", "0", "0.0", "0", "0.0"],
        ["Other", "0", "0.0", "0", "0.0"],
        ["Total", "1", "100.0", "2", "100.0"],
    ]

    out = tmp_path / "report.xlsx"
    run(cli, "report", "--fy", "2569", "--org", "report-schools", "--format", "xlsx",
        "--lang", "en", "--output", str(out), "--quiet")
    book = load_workbook(out)
    assert book.worksheets[0]["A1"].value == "Report on the information service, fiscal year 2569"
    key_figures = next(s for s in book.worksheets if s["A1"].value == "Key figures")
    assert [list(r) for r in key_figures.iter_rows(min_row=4, max_row=5, values_only=True)] == [
        ["Downloads", 2, 0], ["Access requests received", 1, 0]
    ]

    out = tmp_path / "report.pdf"
    run(cli, "report", "--fy", "2569", "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_unknown_table_and_bad_year_are_explained(cli, known_world, tmp_path):
    result = cli.invoke(ckan, ["utt1service", "report", "--fy", "2569", "--format", "csv",
                               "--table", "nope", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code != 0
    assert "downloads_by_month" in result.output  # the tables that exist are listed
    result = cli.invoke(ckan, ["utt1service", "report", "--fy", "1999", "--format", "csv",
                               "--output", str(tmp_path / "x.csv")])
    assert result.exit_code != 0
    assert "fiscal_year" in result.output


def _counts() -> list[tuple]:
    return [
        tuple(r) for r in model.Session.execute(
            __import__("sqlalchemy").text(
                "SELECT month, owner_org, topic, channel, downloads FROM utt1service_report_download_month"
                " WHERE downloads <> 0 ORDER BY 1, 2, 3, 4"
            )
        )
    ]


def test_the_monthly_counts_follow_every_change_of_the_events(cli, known_world):
    before = _counts()
    # Flag a counted event as a bot, count a repeat, delete one, move one.
    event_buffer.flush_for_reading()  # the downloads' buffer written
    events = model.Session.query(DownloadEvent).order_by(DownloadEvent.created).all()
    events[1].is_bot = True
    repeat = next(e for e in events if not e.counted)
    repeat.counted = True
    model.Session.delete(events[2])
    model.Session.commit()
    after = _counts()
    assert after != before
    # The counts equal a fresh computation from the events.
    result = run(cli, "report-rebuild-counts")
    assert "downloads in" in result.output
    assert _counts() == after


def _sums() -> dict[str, list[tuple]]:
    from ckanext.utt1service.report import sums
    sa = __import__("sqlalchemy")
    return {kept.table: [tuple(r) for r in model.Session.execute(sa.text(
        f"SELECT * FROM {kept.table} ORDER BY {', '.join(kept.keys)}"))] for kept in sums.KEPT}


def test_rebuild_sums_shows_what_differs_and_fixes_it_only_with_apply(cli, known_world):
    """``ckan utt1service rebuild-sums``: a dry run by default that lists the
    rows where a table of sums and its direct computation differ (exit 1),
    ``--apply`` rewrites those rows, and then they agree."""
    sa = __import__("sqlalchemy")
    fine = cli.invoke(ckan, ["utt1service", "rebuild-sums"])
    assert fine.exit_code == 0, fine.output
    assert "Every sum equals its direct computation." in fine.output
    good = _sums()
    assert all(good.values()), "the known world fills every table of sums"

    (month, org, topic, channel, n), = model.Session.execute(sa.text(
        "SELECT month, owner_org, topic, channel, downloads FROM utt1service_report_download_month"
        " WHERE downloads > 0 ORDER BY 1, 2, 3, 4 LIMIT 1"))
    for statement in (
        "UPDATE utt1service_report_download_month SET downloads = downloads + 5"
        f" WHERE (month, owner_org, topic, channel) = ('{month}', '{org}', '{topic}', '{channel}')",
        "DELETE FROM utt1service_report_resource_month WHERE (month, resource_id) IN"
        " (SELECT month, resource_id FROM utt1service_report_resource_month"
        "   WHERE downloads > 0 ORDER BY 1, 2 LIMIT 1)",
        "INSERT INTO utt1service_report_survey_month (month, owner_org, responses)"
        " VALUES ('2001-01-01', 'no-such-org', 3)",
        "UPDATE utt1service_request_timeline SET received_at = NULL WHERE request_id ="
        " (SELECT min(request_id) FROM utt1service_request_timeline WHERE received_at IS NOT NULL)",
    ):
        model.Session.execute(sa.text(statement))
    model.Session.commit()
    broken = _sums()

    dry = cli.invoke(ckan, ["utt1service", "rebuild-sums"])
    assert dry.exit_code == 1, dry.output
    assert "utt1service_report_download_month: 1 rows differ" in dry.output
    assert f"channel={channel}: downloads {n + 5} → {n}" in dry.output
    assert "utt1service_report_resource_month: 1 rows differ" in dry.output
    assert "owner_org=no-such-org: responses 3 → 0" in dry.output
    assert "utt1service_request_timeline: 1 rows differ" in dry.output
    assert "4 rows differ; run again with --apply to fix them." in dry.output
    model.Session.rollback()
    assert _sums() == broken  # a dry run changes nothing

    fixed = cli.invoke(ckan, ["utt1service", "rebuild-sums", "--apply"])
    assert fixed.exit_code == 0, fixed.output
    assert "utt1service_report_download_month: 1 rows fixed" in fixed.output
    assert "utt1service_report_survey_month: 1 rows fixed" in fixed.output
    model.Session.rollback()
    assert _sums() == good
    assert "Every sum equals" in cli.invoke(ckan, ["utt1service", "rebuild-sums"]).output
