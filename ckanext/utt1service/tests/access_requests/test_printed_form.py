# -*- coding: utf-8 -*-
"""The printable request form, printed by a browser: its PDF keeps the Thai."""
from __future__ import annotations

import subprocess

import pytest

from ckan.tests import helpers

from ckanext.utt1service.tests.access_requests.conftest import FORM, as_user


@pytest.mark.world("pending")
def test_a_printed_request_form_keeps_its_thai_text(world, browser, live_server, tmp_path):
    req = helpers.call_action(
        "utt1service_request_create_on_behalf", context=as_user(world.staff),
        **dict(FORM, first_name="สมศรี", surname="ใจดี", email="somsri@example.org",
               intake_channel="phone", consent_method="phone",
               package_id=world.dataset["id"], resource_ids=[world.restricted["id"]]),
    )
    context = browser.new_context(base_url=live_server, locale="th-TH",
                                  extra_http_headers={"Authorization": world.staff["token"]})
    try:
        page = context.new_page()
        response = page.goto(f"/access-request/{req['id']}/form")
        assert response.status == 200
        page.evaluate("document.fonts.ready.then(() => true)")
        target = tmp_path / "form.pdf"
        target.write_bytes(page.pdf(format="A4"))
    finally:
        context.close()

    text = " ".join(subprocess.run(["pdftotext", str(target), "-"], check=True,
                                   capture_output=True).stdout.decode("utf-8").split())
    fonts = subprocess.run(["pdffonts", str(target)], check=True, capture_output=True).stdout.decode()
    for typed in ("แบบคำขอข้อมูลสารสนเทศ", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1",
                  "สมศรี", "ใจดี", "ตำแหน่ง", "มีความประสงค์ขอข้อมูลเกี่ยวกับ", "ผู้ขอข้อมูล"):
        assert typed in text, typed
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("Sarabun" in row for row in rows), fonts
