# -*- coding: utf-8 -*-
"""In a real Chromium on a phone (390 px): a geospatial dataset's page shows
GD Catalog's geospatial fields in Thai, and the dataset form says what is
wrong with a coordinate, both accessible (axe-core), without sideways
scrolling."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import gd
from ckanext.utt1service.tests.browser import (
    PHONE,
    check_page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index")]


def test_geospatial_fields_on_the_dataset_page_and_in_the_form(browser, live_server):
    sysadmin = factories.SysadminWithToken(fullname="สมใจ ใจดี")
    org = factories.Organization(name="utt1-office", title="สพป.อุทัยธานี เขต 1",
                                 description="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1")
    pkg = helpers.call_action(
        "package_create", context={"user": sysadmin["name"]}, name="school-map",
        owner_org=org["id"], title="แผนที่ที่ตั้งโรงเรียน", notes="ที่ตั้งโรงเรียนในสังกัด",
        data_type=gd.GEOSPATIAL, geographic_data_set="ชั้นข้อมูลชุมนุม/อาคาร",
        equivalent_scale="อื่นๆ", equivalent_scale_other="1:5,000",
        west_bound_longitude="99.0236", east_bound_longitude="100.1234",
        south_bound_longitude="14.9876", north_bound_longitude="15.6789",
        positional_accuracy="±5 เมตร", reference_period="ปีการศึกษา 2568",
        data_release_date="2026-06-01", data_release_calendar="2026-06-30",
        resources=[{"url": "http://example.org/schools.geojson", "name": "ที่ตั้งโรงเรียน",
                    "format": "GeoJSON"}])
    context = browser.new_context(base_url=live_server, locale="th-TH", viewport=PHONE,
                                  extra_http_headers={"Authorization": sysadmin["token"]})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"/dataset/{pkg['name']}")
        box = page.get_by_text("ชุดข้อมูลภูมิศาสตร์ (สำหรับชุดข้อมูลภูมิสารสนเทศ)")
        assert box.is_visible()
        assert page.get_by_text("30 มิ.ย. 2569").first.is_visible()
        check_page(page, allowed=["GD", "Catalog", sysadmin["name"], "GeoJSON"])

        page.goto(f"/dataset/edit/{pkg['name']}")
        page.fill("#field-west_bound_longitude", "ตะวันตก")
        page.locator("#field-west_bound_longitude").press("Enter")
        page.get_by_text("ป้อนค่าองศาแบบทศนิยม เช่น 99.0236").first.wait_for()
        # the whole form: axe-core, no English, no sideways scroll
        check_page(page, allowed=[
            "GD", "Catalog", "GeoJSON", "URL", "schema.org", "DCAT",
            # DGA's own term beside its Thai, and GD Catalog's format names
            # (proper names, as CSV or PDF are)
            "Steward", "DOC", "DOCX", "RDF", "NoSQL", "Arc", "Info", "Coverage", "Shapefile",
            "GeoTiff", "GML",
            # the user's name (the avatar), and the examples of the two fields
            # that must be Latin: the English title, the name in the address
            sysadmin["name"], "Students", "by", "grade", "academic", "year",
            "students-by-grade-2568"])
        # the new fields: Thai labels
        for name in ("geographic_data_set", "equivalent_scale", "west_bound_longitude",
                     "north_bound_longitude", "positional_accuracy", "reference_period",
                     "data_release_date", "data_release_calendar"):
            label = page.locator(f"label[for='field-{name}']").inner_text()
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in label), (name, label)
    finally:
        context.close()
