# -*- coding: utf-8 -*-
"""End-to-end in a real Chromium: the office's director reviews a half
year's report and publishes it; an anonymous visitor finds it on the public
page and downloads its PDF, whose Thai text reads back as typed."""
from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from ckan.tests import factories, helpers

from ckanext.utt1service.tests.browser import log_in

pytestmark = [pytest.mark.e2e]


def test_the_director_publishes_and_a_visitor_downloads_the_pdf(
    browser, live_server, known_world, ckan_config, monkeypatch, tmp_path
):
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.office_organization", "report-office")
    director = factories.User(name="director-e2e", password="Director-Pass-2569")
    helpers.call_action("organization_member_create", id="report-office", username=director["name"], role="admin")

    context = browser.new_context(base_url=live_server, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(30000)
    log_in(tab, director["name"], "Director-Pass-2569")

    tab.goto("/organization/service-report/report-office?fy=2569&half=2")
    tab.fill("#publish-complaints", "เพิ่มช่องทางแจ้งปัญหาทางโทรศัพท์")
    tab.fill("#publish-name", "นางสาวมาลี ศรีสุข")
    tab.fill("#publish-position", "ผู้อำนวยการ")
    tab.fill("#publish-on", "2026-10-20")
    tab.get_by_role("button", name="เผยแพร่ ปีงบประมาณ 2569 รอบ 6 เดือนหลัง").click()
    # the post lands back on the same address: wait for the message, not a load event
    expect(tab.locator("body")).to_contain_text("เผยแพร่รายงานบนหน้าสาธารณะแล้ว")
    context.close()

    visitor = browser.new_context(base_url=live_server, locale="th-TH", accept_downloads=True)
    page = visitor.new_page()
    page.set_default_timeout(30000)
    page.goto("/service-reports")
    assert "รายงานผลการให้บริการข้อมูลสารสนเทศ" in page.locator("h1").inner_text()
    row = page.locator("tr[data-publication]")
    assert "ปีงบประมาณ 2569 รอบ 6 เดือนหลัง" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "published-service-report-2569-h2.pdf"
    path = tmp_path / "published.pdf"
    download.value.save_as(path)
    # the public page at a phone's width: nothing wider than the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/service-reports")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "published-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/en/service-reports")
    assert "Report on the results of the information service" in page.locator("h1").inner_text()
    page.screenshot(path=str(tmp_path / "published-en.png"), full_page=True)
    visitor.close()
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                                   capture_output=True).stdout.decode("utf-8").split())
    for wanted in ("ปีงบประมาณ 2569 รอบ 6 เดือนหลัง", "ระหว่างวันที่ 1 เมษายน 2569 ถึงวันที่ 30 กันยายน 2569",
                   "เพิ่มช่องทางแจ้งปัญหาทางโทรศัพท์", "นางสาวมาลี ศรีสุข", "20 ตุลาคม 2569"):
        assert wanted in text, wanted
