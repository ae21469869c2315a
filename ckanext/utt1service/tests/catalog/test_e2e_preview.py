# -*- coding: utf-8 -*-
"""End-to-end in a real Chromium: a visitor opens a public table's page,
finds one school in its preview (the DataTables view on the DataStore, in
Thai), then downloads the file."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index")]

SCHOOLS = [("บ้านหนองฉาง", "หนองฉาง", "๑๒๓"), ("อนุบาลอุทัยธานี", "เมืองอุทัยธานี", "456"),
           ("วัดหนองขุนชาติ", "หนองขาหย่าง", "78"), ("บ้านทัพทัน", "ทัพทัน", "210")]


def test_preview_a_table_filter_it_to_one_school_and_download(
        page, live_server, ckan_config, monkeypatch, create_with_upload, tmp_path):
    # the view's frame is addressed with the site's URL
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    sysadmin = factories.Sysadmin()
    org = factories.Organization(title="กลุ่มนโยบายและแผน")
    dataset = factories.Dataset(owner_org=org["id"], name="schools-2568",
                                title="จำนวนนักเรียนรายโรงเรียน 2568")
    csv = "โรงเรียน,อำเภอ,นักเรียน\n" + "".join(",".join(r) + "\n" for r in SCHOOLS)
    res = create_with_upload(csv, "schools.csv", context={"user": sysadmin["name"]},
                             package_id=dataset["id"], name="นักเรียนรายโรงเรียน.csv", format="CSV")
    site = {"user": sysadmin["name"], "ignore_auth": True}
    # what xloader's job does with the file (the job itself: test_preview_loading.py)
    helpers.call_action("datastore_create", context=dict(site), resource_id=res["id"], force=True,
                        fields=[{"id": n, "type": "text"} for n in ("โรงเรียน", "อำเภอ", "นักเรียน")],
                        records=[dict(zip(("โรงเรียน", "อำเภอ", "นักเรียน"), r)) for r in SCHOOLS])
    helpers.call_action("resource_view_create", context=dict(site), resource_id=res["id"],
                        view_type="datatables_view", title="ตาราง")

    page.goto(f"/dataset/{dataset['name']}/resource/{res['id']}")
    table = page.frame_locator("iframe").first
    rows = table.locator("table.dataTable tbody tr")
    rows.first.wait_for()
    assert rows.count() == len(SCHOOLS)
    # the school column's filter: names starting with what is typed
    school = table.locator("th.fhead input").first
    school.fill("บ้านหนอง")
    school.press("Enter")
    table.locator("table.dataTable tbody tr", has_text="อนุบาล").wait_for(state="detached")
    assert rows.count() == 1
    assert "บ้านหนองฉาง" in rows.first.inner_text() and "๑๒๓" in rows.first.inner_text()

    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    with page.expect_download() as info:
        page.locator(f"a[href*='/resource/{res['id']}/download']").first.click()
    path = info.value.path()
    assert "บ้านหนองฉาง" in open(path, encoding="utf-8").read()


def test_columns_named_with_a_dot_or_brackets_show_their_cells(
        page, live_server, ckan_config, monkeypatch):
    """CKAN's view gave DataTables each column name as a path into the row:
    "ร้อยละ.ผ่าน" was read as row["ร้อยละ"]["ผ่าน"] and its cells were empty."""
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    res = factories.Resource(package_id=dataset["id"], url="http://example.org/pass.csv", format="CSV")
    fields = ["โรงเรียน", "ร้อยละ.ผ่าน", "score[2568]", "O-NET (เฉลี่ย)"]
    rows = [["บ้านหนองฉาง", "87.5", "61", "45.2"], ["อนุบาลอุทัยธานี", "92.25", "70", "51.9"]]
    site = {"user": sysadmin["name"], "ignore_auth": True}
    helpers.call_action("datastore_create", context=dict(site), resource_id=res["id"], force=True,
                        fields=[{"id": n, "type": "text"} for n in fields],
                        records=[dict(zip(fields, r)) for r in rows])
    view = helpers.call_action("resource_view_create", context=dict(site), resource_id=res["id"],
                               view_type="datatables_view", title="ตาราง")

    page.goto(f"/dataset/{dataset['name']}/resource/{res['id']}/view/{view['id']}")
    body = page.locator("table.dataTable tbody tr")
    body.first.locator("td").first.wait_for()
    shown = [[c.strip() for c in r] for r in body.evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td')].slice(1).map(td => td.innerText))")]
    assert shown == rows
    # the filter of the dotted column finds its rows
    dotted = page.get_by_role("searchbox", name="กรองคอลัมน์ ร้อยละ.ผ่าน")
    dotted.fill("92")
    dotted.press("Enter")
    page.locator("table.dataTable tbody tr", has_text="บ้านหนองฉาง").wait_for(state="detached")
    assert body.count() == 1 and "92.25" in body.first.inner_text()
