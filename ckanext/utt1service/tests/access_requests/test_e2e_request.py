# -*- coding: utf-8 -*-
"""End-to-end in a real Chromium: a requester asks for a restricted file,
staff check the request, the director approves it, the requester downloads
the file; a stranger is refused at the same address."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from ckan.tests import factories

from ckanext.utt1service.tests.browser import log_in

from .conftest import upload

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues", "clean_redis")]

PASSWORD = "e2e-Passw0rd-utt1"


def login(browser, live_server, user):
    context = browser.new_context(base_url=live_server, locale="th-TH", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    log_in(page, user["name"], PASSWORD)
    return page


def test_request_check_approve_download_and_a_stranger_refused(browser, live_server, monkeypatch):
    import ckan.plugins.toolkit as tk

    # Redirects and links are made from the site URL: the live server's.
    monkeypatch.setitem(tk.config, "ckan.site_url", live_server)
    secret = f"ข้อมูลนักเรียนรายบุคคล {uuid.uuid4().hex}\n".encode() * 10
    director = factories.User(name="director", fullname="ผู้อำนวยการ นโยบาย", password=PASSWORD)
    staff = factories.User(name="staff", fullname="เจ้าหน้าที่ ข้อมูล", password=PASSWORD)
    requester = factories.User(name="somchai", fullname="สมชาย ใจดี", password=PASSWORD)
    stranger = factories.User(name="stranger", fullname="คนแปลก หน้า", password=PASSWORD)
    org = factories.Organization(name="utt1-policy-planning", title="กลุ่มนโยบายและแผน", users=[
        {"name": "director", "capacity": "admin"}, {"name": "staff", "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], name="students-2568",
                                title="ข้อมูลนักเรียนรายบุคคล ปีการศึกษา 2568")
    resource = upload(dataset["id"], secret, "students.csv", access_level="restricted",
                      name="นักเรียนรายบุคคล.csv", format="CSV")
    download_path = f"/dataset/{dataset['id']}/resource/{resource['id']}/download/students.csv"

    # The requester finds the file and asks for it.
    page = login(browser, live_server, requester)
    page.goto("/dataset/students-2568")
    page.locator(".resource-item .utt1-request-access").first.click()
    page.wait_for_url("**/request-access**")
    assert page.input_value("#field-first_name") == "สมชาย"
    assert page.get_attribute("#field-first_name", "readonly") is not None
    page.fill("#field-position", "ครู")
    page.fill("#field-agency", "โรงเรียนบ้านหนองแก")
    page.select_option("#field-agency_type", "school")
    page.fill("#field-intended_use", "วิจัยในชั้นเรียน")
    page.fill("#field-phone", "081-234-5678")
    page.check("#field-consent")
    page.get_by_role("button", name="ส่งคำขอ").click()
    page.wait_for_url("**/access-request/**")
    assert "รอตรวจสอบ" in page.locator(".utt1-state").first.inner_text()
    request_url = page.url

    # Staff find it through the organization's tab and check it.
    staff_page = login(browser, live_server, staff)
    staff_page.goto("/organization/utt1-policy-planning")
    # the tab (on CKAN 2.12 a facet link's label also contains the words:
    # "… จำกัดสิทธิ์ (ต้องยื่นคำขอใช้ข้อมูล)")
    staff_page.locator('a[href$="/organization/access-requests/utt1-policy-planning"]').filter(
        has_text="คำขอใช้ข้อมูล").click()
    staff_page.locator(".utt1-queue-row a").first.click()
    assert "สมชาย ใจดี" in staff_page.inner_text(".utt1-request-fields")
    assert "โรงเรียนในสังกัด" in staff_page.inner_text(".utt1-request-fields")
    assert staff_page.locator(".utt1-action-approve").count() == 0
    staff_page.fill("#field-action-comment", "เอกสารครบถ้วน")
    staff_page.locator(".utt1-action-check").click()
    # the post lands on the same address: wait for the new state, not for a load event
    expect(staff_page.locator(".utt1-state").first).to_contain_text("ตรวจสอบแล้ว รออนุมัติ")

    # The director approves.
    director_page = login(browser, live_server, director)
    director_page.goto(request_url)
    director_page.locator(".utt1-action-approve").click()
    expect(director_page.locator(".utt1-state").first).to_have_text("อนุมัติ")

    # The requester downloads the file from "My requests".
    page.goto("/dashboard/access-requests")
    with page.expect_download() as download:
        page.locator(".utt1-download").first.click()
    with open(download.value.path(), "rb") as f:
        assert f.read() == secret

    # A stranger at the same address is refused.
    stranger_page = login(browser, live_server, stranger)
    response = stranger_page.goto(download_path)
    assert response.status == 403
    assert secret not in response.body()
    assert "ไฟล์นี้จำกัดสิทธิ์" in stranger_page.inner_text("h1")
    for p in (page, staff_page, director_page, stranger_page):
        p.context.close()
