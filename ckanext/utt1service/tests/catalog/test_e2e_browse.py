# -*- coding: utf-8 -*-
"""End-to-end in a real Chromium: home page → search → dataset."""
from __future__ import annotations

import pytest

from ckan.tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index")]


def test_search_the_catalogue_and_open_a_dataset(page):
    org = factories.Organization(title="Policy and Planning Group")
    factories.Dataset(
        owner_org=org["id"],
        name="school-budget-2568",
        title="School budget 2568",
        notes="Budget allocated to each school.",
    )
    # notes of its own: the factory's random notes may contain "budget"
    factories.Dataset(
        owner_org=org["id"], name="something-else", title="Something else",
        notes="Enrolment of each school.",
    )

    page.goto("/")
    assert page.locator("form input[name=q]").first.is_visible()
    page.locator("form input[name=q]").first.fill("budget")
    page.locator("form input[name=q]").first.press("Enter")

    page.wait_for_url("**/dataset/**")
    results = page.locator(".dataset-item")
    assert results.count() == 1
    results.first.locator("a").first.click()

    page.wait_for_url("**/dataset/school-budget-2568")
    assert "School budget 2568" in page.locator("h1").first.inner_text()
    assert "Budget allocated to each school." in page.content()


def test_search_a_thai_word_filter_by_a_facet_and_open_the_dataset(page):
    org = factories.Organization(title="กลุ่มนโยบายและแผน")
    factories.Dataset(
        owner_org=org["id"],
        name="students-by-grade-2568",
        title="จำนวนนักเรียนจำแนกตามระดับชั้น ปีการศึกษา 2568",
        topic_category="students",
        academic_year="2568",
        education_level=["primary"],
    )
    factories.Dataset(
        owner_org=org["id"],
        name="kindergarten-students-2568",
        title="จำนวนนักเรียนอนุบาล ปีการศึกษา 2568",
        topic_category="students",
        education_level=["kindergarten"],
    )
    factories.Dataset(owner_org=org["id"], name="budget-2569", title="งบประมาณรายจ่ายประจำปี 2569")

    page.goto("/")
    search = page.locator("form input[name=q]").first
    search.fill("นักเรียน")
    search.press("Enter")
    page.wait_for_url("**/dataset/**")
    assert page.locator(".dataset-item").count() == 2

    # the education-level facet, labelled in Thai
    page.locator(".filters a", has_text="ประถมศึกษา").first.click()
    page.wait_for_url("**education_level=primary**")
    results = page.locator(".dataset-item")
    assert results.count() == 1
    results.first.locator("a").first.click()

    page.wait_for_url("**/dataset/students-by-grade-2568")
    assert "จำนวนนักเรียนจำแนกตามระดับชั้น" in page.locator("h1").first.inner_text()
    summary = page.get_by_role("region", name="เกี่ยวกับชุดข้อมูลนี้")
    assert "ประถมศึกษา" in summary.inner_text()
    assert "2568" in summary.inner_text()
