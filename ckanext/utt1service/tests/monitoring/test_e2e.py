# -*- coding: utf-8 -*-
"""End-to-end in a real Chromium: download a public file, answer the survey,
see the thank-you; file a complaint, staff resolve it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.monitoring.model.complaint import Complaint
from ckanext.utt1service.monitoring.model.download import DownloadEvent
from ckanext.utt1service.monitoring.model.survey import SurveyResponse
from ckanext.utt1service.tests.browser import log_in

from .conftest import BROWSER_UA

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index")]


@pytest.fixture()
def visitor(browser, live_server, ckan_config, monkeypatch):
    """A browser tab with an ordinary desktop user agent (headless Chromium
    says "HeadlessChrome", which CrawlerDetect rightly calls a robot). The
    site URL is the live server's, so redirects and download links work."""
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    context = browser.new_context(
        base_url=live_server, locale="th-TH", user_agent=BROWSER_UA, accept_downloads=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def test_download_a_public_file_then_answer_the_survey(visitor, public_file):
    dataset, resource = public_file["dataset"], public_file["resource"]
    visitor.goto(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    invite = visitor.locator("[data-utt1service-invite]")
    assert not invite.is_visible()

    with visitor.expect_download() as download:
        visitor.locator("a.resource-url-analytics").first.click()
    assert download.value.suggested_filename == "students.csv"

    invite.wait_for(state="visible")  # the file came, the page stayed
    assert "ขอบคุณที่ดาวน์โหลดข้อมูล" in invite.inner_text()
    invite.get_by_role("link", name="ตอบแบบประเมิน").click()

    visitor.wait_for_url("**/survey/**")
    assert "students.csv" in visitor.locator(".utt1service-survey-about").inner_text()
    for name, value in (("staff_courtesy", "3"), ("staff_reception", "3"), ("search_speed", "2"),
                        ("data_match", "3"), ("data_quality", "2")):
        visitor.check(f"input[name={name}][value='{value}']")
    visitor.fill("#field-suggestion", "อยากได้ข้อมูลรายอำเภอ")
    visitor.select_option("#field-respondent-type", "school")
    visitor.get_by_role("button", name="ส่งแบบประเมิน").click()

    visitor.wait_for_url("**/survey/thanks**")
    assert "ขอบคุณที่ตอบแบบประเมินความพึงพอใจ" in visitor.locator("h1").inner_text()
    visitor.get_by_role("link", name="กลับไปยังชุดข้อมูล").click()
    # the click navigates: wait for the new page, never read a page mid-load
    expect(visitor.locator("body")).to_contain_text("ดาวน์โหลดแล้ว 1 ครั้ง")
    assert not visitor.locator("[data-utt1service-invite]").is_visible()

    model.Session.expire_all()
    event_buffer.flush_for_reading()  # the downloads' buffer written
    [event] = model.Session.query(DownloadEvent).all()
    [response] = model.Session.query(SurveyResponse).all()
    assert response.download_event_id == event.id and not event.is_bot
    assert (response.search_speed, response.respondent_type, response.suggestion) == (
        2, "school", "อยากได้ข้อมูลรายอำเภอ")


def test_file_a_complaint_and_staff_resolve_it(visitor, browser, live_server, office):
    visitor.goto("/complaint/")
    visitor.select_option("#field-category", "cannot_find")
    visitor.fill("#field-description", "ค้นหาข้อมูลครูรายโรงเรียนไม่พบ")
    visitor.fill("#field-contact-email", "teacher@example.org")
    visitor.check("#field-consent")
    visitor.get_by_role("button", name="ส่ง", exact=True).click()
    visitor.wait_for_url("**/complaint/thanks")
    number = visitor.locator(".utt1service-ack-number strong").inner_text()
    assert "ได้รับเรื่องของท่านแล้ว" in visitor.locator("h1").inner_text()

    staff = factories.User(name="staff-a", password="Staff-Pass-2569")
    helpers.call_action("organization_member_create", id=office["id"], username="staff-a", role="editor")
    context = browser.new_context(base_url=live_server, locale="th-TH", user_agent=BROWSER_UA)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    log_in(tab, staff["name"], "Staff-Pass-2569")

    tab.goto("/complaint/register?state=open")
    tab.get_by_role("link", name=number, exact=True).click()
    expect(tab.locator("body")).to_contain_text("ค้นหาข้อมูลครูรายโรงเรียนไม่พบ")
    expect(tab.locator("body")).to_contain_text("teacher@example.org")  # staff see the contact

    tab.select_option("#field-state", "in_progress")
    tab.get_by_role("button", name="บันทึก", exact=True).click()
    expect(tab.locator("body")).to_contain_text("สถานะปัจจุบัน: กำลังดำเนินการ")
    tab.select_option("#field-state", "resolved")
    tab.fill("#field-resolution", "แนะนำให้ค้นด้วยคำว่า ครู และเพิ่มคำสำคัญในชุดข้อมูลแล้ว")
    tab.get_by_role("button", name="บันทึก", exact=True).click()
    expect(tab.locator("body")).to_contain_text("สถานะปัจจุบัน: แก้ไขแล้ว")
    context.close()

    model.Session.expire_all()
    [complaint] = model.Session.query(Complaint).all()
    assert complaint.state == "resolved" and complaint.resolution.startswith("แนะนำให้ค้น")
