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
    factories.Dataset(owner_org=org["id"], name="something-else", title="Something else")

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
