# -*- coding: utf-8 -*-
"""In a real Chromium on a phone: the progress page of an Excel import that
runs in the background follows the job by itself and then shows its result,
in Thai, accessible (axe-core), without sideways scrolling."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.utt1service.catalog import excel
from ckanext.utt1service.tests.browser import PHONE, check_page

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index")]

TOKEN = "0123456789abcdef0123456789abcdef"


def test_the_progress_page_follows_the_import_and_shows_the_result(browser, live_server):
    editor = factories.UserWithToken(fullname="สมใจ ใจดี")
    factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    status = {"user_id": editor["id"], "state": "running", "total": 120, "done": 30,
              "created": 30, "updated": 0, "failures": []}
    excel.save_status(TOKEN, status)
    context = browser.new_context(base_url=live_server, locale="th-TH", viewport=PHONE,
                                  extra_http_headers={"Authorization": editor["token"]})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"/dataset-excel/import/{TOKEN}")
        bar = page.get_by_role("progressbar", name="ความคืบหน้า")
        assert bar.get_attribute("value") == "30" and bar.get_attribute("max") == "120"
        assert page.get_by_role("status").inner_text().strip() == "นำไปใช้แล้ว 30 จาก 120 แถว"
        # (the user name is data the user chose, not a word of the page)
        check_page(page, allowed=["Excel", editor["name"]])

        # the job goes on: the bar follows
        excel.save_status(TOKEN, dict(status, done=90, created=90))
        page.wait_for_function(
            "document.querySelector('progress').value === 90", timeout=15000)
        # the job ends: the page shows the result, and the rows that failed
        excel.save_status(TOKEN, dict(status, state="done", done=120, created=118, updated=1,
                                      failures=["row-007: ชื่อชุดข้อมูล: มีชุดข้อมูลอื่นในแคตตาล็อกใช้ชื่อนี้แล้ว"]))
        page.get_by_text("การนำเข้าเสร็จสิ้น").wait_for()
        assert "สร้าง 118 ชุดข้อมูล แก้ไข 1 ชุดข้อมูล" in page.get_by_role("status").inner_text()
        assert page.get_by_role("heading", name="แถวที่บันทึกไม่ได้").is_visible()
        assert page.locator("progress").count() == 0
        check_page(page, allowed=["Excel", "row-007", editor["name"]])
    finally:
        context.close()
