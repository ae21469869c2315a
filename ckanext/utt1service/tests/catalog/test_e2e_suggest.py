# -*- coding: utf-8 -*-
"""End-to-end in a real Chromium (issue 14): on a 390 px phone screen, type
the start of a Thai word in a search box and pick one of the suggestions,
with the keyboard (ARIA combobox) or the pointer."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ckan.tests import factories

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def catalogue(clean_db, clean_index):
    org = factories.Organization(title="กลุ่มนโยบายและแผน")
    factories.Dataset(owner_org=org["id"], name="computers-2568", notes="",
                      title="ครุภัณฑ์คอมพิวเตอร์โน้ตบุ๊กสำหรับห้องปฏิบัติการ")
    factories.Dataset(owner_org=org["id"], name="onet-p6", notes="",
                      title="ผลการทดสอบระดับชาติ(O-NET)ชั้นประถมศึกษาปีที่6")
    factories.Dataset(owner_org=org["id"], name="teachers", notes="",
                      title="จำนวนครูจำแนกตามโรงเรียน")


@pytest.mark.usefixtures("catalogue")
def test_type_part_of_a_thai_word_on_a_phone_and_choose_with_the_keyboard(page):
    page.set_viewport_size(PHONE)
    page.goto("/dataset/")
    box = page.locator("#field-giant-search")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.click()
    box.press_sequentially("คอมพิวเตอ", delay=40)  # the word is not finished
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    options = listbox.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("ครุภัณฑ์คอมพิวเตอร์โน้ตบุ๊กสำหรับห้องปฏิบัติการ")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="ชุดข้อมูลแนะนำ 1 รายการ")).to_have_count(1)
    # the list stays on the 390 px screen
    area = listbox.bounding_box()
    assert area["x"] >= 0 and area["x"] + area["width"] <= PHONE["width"]

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    expect(box).to_be_focused()
    box.press("Enter")
    page.wait_for_url("**/dataset/computers-2568")
    assert "ครุภัณฑ์คอมพิวเตอร์" in page.locator("h1").first.inner_text()


@pytest.mark.usefixtures("catalogue")
def test_click_a_suggestion_on_the_big_data_page(page):
    page.set_viewport_size(PHONE)
    page.goto("/bigdata")
    box = page.locator("#utt1service-bigdata-q")
    box.click()
    box.press_sequentially("O-NE", delay=40)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    # Escape closes the list, Down opens it again
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(options.first).to_be_hidden()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    options.first.click()
    page.wait_for_url("**/dataset/onet-p6")


@pytest.mark.usefixtures("catalogue")
def test_enter_without_choosing_a_suggestion_searches(page):
    page.set_viewport_size(PHONE)
    page.goto("/dataset/")
    box = page.locator("#field-giant-search")
    box.click()
    box.press_sequentially("คอมพิว", delay=40)
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    box.press("Enter")
    page.wait_for_url("**/dataset/?q=**")
    assert page.locator(".dataset-item").count() == 1
