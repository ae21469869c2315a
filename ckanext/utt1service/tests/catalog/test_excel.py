# -*- coding: utf-8 -*-
"""Dataset metadata in Excel: the template (Thai headers, drop-down lists),
the export, and the import: a dry run that saves nothing and says each
row's errors in Thai, then apply through the normal actions; 500 rows."""
from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import excel

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


@pytest.fixture()
def office():
    editor = factories.UserWithToken()
    org = factories.Organization(name="utt1-office", title="สพป.อุทัยธานี เขต 1",
                                 users=[{"name": editor["name"], "capacity": "editor"}])
    return org, editor


def _book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _filled(rows):
    """The template with ``rows`` (field → value) filled in."""
    wb = _book(excel.template("th"))
    sheet = wb["datasets"]
    for row in rows:
        sheet.append([row.get(name, "") for name in excel.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(app, editor, data, prefix=""):
    return app.post(prefix + "/dataset-excel", headers={"Authorization": editor["token"]},
                    data={"file": (io.BytesIO(data), "datasets.xlsx")})


def test_the_template_has_thai_headers_and_drop_down_lists(app, office):
    _org, editor = office
    response = app.get("/dataset-excel/template.xlsx", headers={"Authorization": editor["token"]})
    assert response.status_code == 200
    wb = _book(response.data)
    header = [c.value for c in wb["datasets"][1]]
    assert "ชื่อชุดข้อมูล (title)" in header
    assert "ประเภทชุดข้อมูล (data_type)" in header
    assert wb["lists"].sheet_state == "hidden"
    column = header.index("ประเภทชุดข้อมูล (data_type)") + 1
    letter = openpyxl.utils.get_column_letter(column)
    checks = [dv for dv in wb["datasets"].data_validations.dataValidation
              if any(str(r).startswith(letter + "2") for r in dv.sqref.ranges)]
    assert checks and checks[0].type == "list"
    lists = wb["lists"]
    listed = {lists.cell(row=r, column=c).value
              for c in range(1, lists.max_column + 1) for r in range(2, lists.max_row + 1)}
    assert {"ข้อมูลสถิติ", "ข้อมูลระเบียน", "นักเรียน"} <= listed


def test_only_staff_who_may_add_datasets_use_the_page(app, office):
    assert app.get("/dataset-excel").status_code == 403
    outsider = factories.UserWithToken()
    assert app.get("/dataset-excel", headers={"Authorization": outsider["token"]}).status_code == 403
    _org, editor = office
    page = app.get("/dataset-excel", headers={"Authorization": editor["token"]})
    assert page.status_code == 200 and "แม่แบบ" in page.get_data(as_text=True)
    # the dataset search page links to it for staff only
    search = app.get("/dataset", headers={"Authorization": editor["token"]})
    assert "/dataset-excel" in search.get_data(as_text=True)
    assert "/dataset-excel" not in app.get("/dataset").get_data(as_text=True)


def test_export_fills_the_template_with_the_catalogue(app, office):
    org, editor = office
    helpers.call_action("package_create", context={"user": editor["name"]}, name="students",
                        owner_org=org["id"], title="จำนวนนักเรียน", topic_category="students",
                        private=True)
    response = app.get("/dataset-excel/export.xlsx", headers={"Authorization": editor["token"]})
    sheet = _book(response.data)["datasets"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["URL (name)"] == "students"
    assert row["ชื่อชุดข้อมูล (title)"] == "จำนวนนักเรียน"
    assert row["หน่วยงาน (owner_org)"] == "utt1-office"
    assert row["ประเภทชุดข้อมูล (data_type)"] == "ข้อมูลสถิติ"
    # an exported file imports again without changes
    plans, work = excel.plan(editor["name"], excel.read(response.data), "th")
    assert [p.action for p in plans] == ["unchanged"] and not work


def test_dry_run_shows_each_rows_errors_in_thai_and_saves_nothing_then_apply(app, office):
    org, editor = office
    helpers.call_action("package_create", context={"user": editor["name"]}, name="teachers",
                        owner_org=org["id"], title="จำนวนครู")
    data = _filled([
        {"name": "new-students", "title": "นักเรียนใหม่", "owner_org": "utt1-office",
         "topic_category": "นักเรียน", "academic_year": 2568, "coverage": "อำเภอทัพทัน"},
        {"name": "teachers", "update_frequency": "ทุกปี", "data_type": "ข้อมูลระเบียน"},
        {"name": "bad-year", "title": "ปีผิด", "owner_org": "utt1-office", "academic_year": 2025},
        {"name": "bad-choice", "title": "ค่าผิด", "owner_org": "utt1-office",
         "data_type": "ข้อมูลแปลก"},
        {"name": "no-org", "title": "ไม่มีหน่วยงาน", "owner_org": "nowhere"},
    ])
    body = html.unescape(_upload(app, editor, data).get_data(as_text=True))
    assert "1 to create" not in body  # (the page is in Thai)
    assert "2025 ดูเหมือนเป็นปี ค.ศ." in body
    assert '"ข้อมูลแปลก" ไม่อยู่ในรายการ' in body
    assert "ไม่พบหน่วยงานนี้" in body
    assert "สร้างใหม่ 1, แก้ไข 1, ไม่เปลี่ยนแปลง 0, มีข้อผิดพลาด 3" in body
    # one error for the year (the GD years derived from it do not repeat it)
    assert body.count("2025 ดูเหมือนเป็นปี ค.ศ.") == 1
    assert "ความถี่ในการปรับปรุงข้อมูล, ประเภทชุดข้อมูล" in body
    # nothing saved by the dry run
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id="new-students")
    assert "update_frequency" not in helpers.call_action("package_show", id="teachers")

    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    done = app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
                    data={"token": token}, follow_redirects=True)
    assert "สร้าง 1 ชุดข้อมูล แก้ไข 1 ชุดข้อมูล" in html.unescape(done.get_data(as_text=True))
    created = helpers.call_action("package_show", id="new-students")
    assert (created["topic_category"], created["academic_year"]) == ("students", 2568)
    assert created["coverage"] == ["thap-than"]
    changed = helpers.call_action("package_show", id="teachers")
    assert (changed["update_frequency"], changed["data_type"]) == ("yearly", "ข้อมูลระเบียน")
    # through the actions: in the search index too
    assert helpers.call_action("package_search", q="name:new-students")["count"] == 1
    # the same token cannot be applied twice
    again = app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
                     data={"token": token}, follow_redirects=True)
    assert "อัปโหลดไฟล์อีกครั้ง" in html.unescape(again.get_data(as_text=True))


def test_dry_run_checks_gd_tags_and_unique_titles_in_the_users_language(app, office):
    org, editor = office
    for name, title in (("teachers", "จำนวนครู"), ("students", "จำนวนนักเรียน")):
        helpers.call_action("package_create", context={"user": editor["name"]}, name=name,
                            owner_org=org["id"], title=title)
    data = _filled([
        {"name": "ok-row", "title": "จำนวน โรงเรียน", "owner_org": "utt1-office",
         "tag_string": "โรงเรียน, ๒๕๖๘"},
        {"name": "bad-tag", "title": "แท็กผิด", "owner_org": "utt1-office",
         "tag_string": "ครู/นักเรียน"},
        {"name": "taken-title", "title": "จำนวนนักเรียน", "owner_org": "utt1-office"},
        {"name": "same-title", "title": "จำนวน  โรงเรียน", "owner_org": "utt1-office"},
        # an existing dataset may keep its own title
        {"name": "teachers", "title": "จำนวนครู", "notes": "ปรับปรุง"},
    ])
    body = html.unescape(_upload(app, editor, data).get_data(as_text=True))
    assert "สร้างใหม่ 1, แก้ไข 1, ไม่เปลี่ยนแปลง 0, มีข้อผิดพลาด 3" in body
    assert 'คำสำคัญ "ครู/นักเรียน" ใช้ได้เฉพาะตัวอักษร' in body
    assert "มีชุดข้อมูลอื่นในแคตตาล็อกใช้ชื่อนี้แล้ว" in body
    assert "ชื่อชุดข้อมูลนี้ซ้ำกับแถวอื่นในไฟล์" in body
    english = html.unescape(_upload(app, editor, data, prefix="/en").get_data(as_text=True))
    assert "Another dataset of the catalogue already has this title" in english
    assert "The same title is on another row" in english


def test_geospatial_columns_are_imported_and_junk_in_them_is_an_error_of_the_row(app, office):
    # GD's geospatial fields have their columns (a choice by its Thai label,
    # a date cell as its day); junk in them is the row's error, never a 500
    import datetime

    _org, editor = office
    geo = {"owner_org": "utt1-office", "data_type": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
           "geographic_data_set": "ชั้นข้อมูลขอบเขตการปกครอง", "equivalent_scale": "1:50,000",
           "west_bound_longitude": "99.0236", "east_bound_longitude": "100.1234",
           "data_release_date": datetime.datetime(2026, 6, 1)}
    data = _filled([
        dict(geo, name="map-ok", title="แผนที่เขตพื้นที่"),
        dict(geo, name="map-junk", title="แผนที่ขยะ", west_bound_longitude="1e400",
             north_bound_longitude="9" * 400),
        dict(geo, name="map-scale", title="แผนที่มาตราส่วนผิด", equivalent_scale="1:3"),
    ])
    body = html.unescape(_upload(app, editor, data).get_data(as_text=True))
    assert "สร้างใหม่ 1, แก้ไข 0, ไม่เปลี่ยนแปลง 0, มีข้อผิดพลาด 2" in body
    assert "ป้อนค่าองศาแบบทศนิยม เช่น 99.0236" in body
    assert 'มาตราส่วน (สำหรับชุดข้อมูลภูมิสารสนเทศ): "1:3"' in body
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
             data={"token": token})
    shown = helpers.call_action("package_show", id="map-ok")
    assert (shown["geographic_data_set"], shown["equivalent_scale"]) == (
        "ชั้นข้อมูลขอบเขตการปกครอง", "1:50,000")
    assert (shown["west_bound_longitude"], shown["data_release_date"]) == ("99.0236", "2026-06-01")


def test_a_file_that_is_not_the_template_is_refused_clearly(app, office):
    _org, editor = office
    body = html.unescape(_upload(app, editor, b"not a spreadsheet").get_data(as_text=True))
    assert "ไม่ใช่ไฟล์ Excel" in body


def test_an_editor_cannot_import_into_another_organization(office):
    _org, editor = office
    factories.Organization(name="other-office")
    rows = excel.read(_filled([{"name": "x1", "title": "x", "owner_org": "other-office"}]))
    plans, work = excel.plan(editor["name"], rows, "en")
    assert plans[0].action == "error" and not work


@pytest.fixture()
def queues(reset_queues):
    """Empty job queues before and after the test: a job this test leaves
    (an import not run) must not run in another test's worker."""
    reset_queues()
    yield
    reset_queues()


def _run_jobs(app):
    """What `ckan jobs worker` does, until the queue is empty (as there,
    inside the portal's Flask app)."""
    from ckan import model
    from ckan.lib.jobs import Worker
    from ckan.lib.redis import connect_to_redis

    model.Session.remove()
    with app.flask_app.app_context():
        Worker(["default"], connection=connect_to_redis()).work(burst=True)
    model.Session.remove()


@pytest.mark.heavy  # a minute or more: started first (tests/scheduling.py)
@pytest.mark.usefixtures("queues")
def test_five_hundred_rows_dry_run_then_all_applied_in_the_background(app, office):
    # through the pages, as staff do: the dry run checks every row (one row
    # with an error); the click hands the 499 others to a background job at
    # once, whose page says how far it is and then the result; every row
    # goes through package_create (validation, permissions, activity) and
    # is in the search index; figures: README "Excel in, Excel out" and
    # make bench-excel
    org, editor = office
    rows = [{"name": f"school-{i:03d}", "title": f"ข้อมูลโรงเรียน {i}", "owner_org": "utt1-office",
             "topic_category": "สถานศึกษา", "academic_year": 2568, "tag_string": "โรงเรียน",
             "data_type": "ข้อมูลระเบียน"}
            for i in range(500)]
    rows[250]["academic_year"] = 2025
    auth = {"Authorization": editor["token"]}
    body = html.unescape(_upload(app, editor, _filled(rows)).get_data(as_text=True))
    assert "สร้างใหม่ 499, แก้ไข 0, ไม่เปลี่ยนแปลง 0, มีข้อผิดพลาด 1" in body
    assert body.count("2025 ดูเหมือนเป็นปี ค.ศ.") == 1
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    clicked = app.post("/dataset-excel/apply", headers=auth, data={"token": token},
                       follow_redirects=False)
    assert clicked.status_code == 302
    progress_url = clicked.headers["Location"]
    assert progress_url.endswith(f"/dataset-excel/import/{token}")
    waiting = html.unescape(app.get(progress_url, headers=auth).get_data(as_text=True))
    assert "รอเริ่ม" in waiting and "นำไปใช้แล้ว 0 จาก 499 แถว" in waiting
    assert '<progress id="utt1service-import-progress" max="499" value="0">' in waiting
    # nothing is saved before the job runs
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id="school-000")

    _run_jobs(app)
    done = html.unescape(app.get(progress_url, headers=auth).get_data(as_text=True))
    assert "การนำเข้าเสร็จสิ้น" in done and "สร้าง 499 ชุดข้อมูล แก้ไข 0 ชุดข้อมูล" in done
    assert app.get(progress_url + "/status.json", headers=auth).json == {
        "state": "done", "total": 499, "done": 499, "created": 499, "updated": 0}
    # every one in the search index, each once
    assert helpers.call_action("package_search", fq="tags:โรงเรียน", rows=0)["count"] == 499
    shown = helpers.call_action("package_show", id="school-499")
    assert (shown["owner_org"], shown["data_type"]) == (org["id"], "ข้อมูลระเบียน")
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id="school-250")
    # the activity stream has each new dataset, by the editor
    activity = helpers.call_action("package_activity_list", id="school-123")
    assert [(a["activity_type"], a["user_id"]) for a in activity] == [("new package", editor["id"])]


@pytest.mark.usefixtures("queues")
def test_only_the_importer_sees_an_imports_progress(app, office):
    org, editor = office
    rows = [{"name": f"row-{i:02d}", "title": f"แถว {i}", "owner_org": "utt1-office"}
            for i in range(excel.INLINE_ROWS + 1)]
    body = html.unescape(_upload(app, editor, _filled(rows)).get_data(as_text=True))
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    url = app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
                   data={"token": token}, follow_redirects=False).headers["Location"]
    other = factories.UserWithToken()
    helpers.call_action("member_create", id=org["id"], object=other["name"],
                        object_type="user", capacity="editor")
    for who in ({"Authorization": other["token"]}, {}):
        assert app.get(url, headers=who).status_code in (403, 404)
        assert app.get(url + "/status.json", headers=who).status_code in (403, 404)
    for junk in ("x" * 32, "0" * 31, "%00" + "0" * 29, "0" * 5000):
        assert app.get(f"/dataset-excel/import/{junk}",
                       headers={"Authorization": editor["token"]}).status_code == 404
    # the token is spent: applying it again does not start a second import
    again = app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
                     data={"token": token}, follow_redirects=True)
    assert "อัปโหลดไฟล์อีกครั้ง" in html.unescape(again.get_data(as_text=True))


@pytest.mark.usefixtures("queues")
def test_a_large_import_that_cannot_be_queued_says_so_and_can_be_tried_again(app, office,
                                                                            monkeypatch):
    # Redis down: no 500; nothing saved; the same dry run can be applied later
    import redis

    _org, editor = office
    rows = [{"name": f"later-{i:02d}", "title": f"ภายหลัง {i}", "owner_org": "utt1-office"}
            for i in range(excel.INLINE_ROWS + 1)]
    body = html.unescape(_upload(app, editor, _filled(rows)).get_data(as_text=True))
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(excel, "save_status", down)
    page = app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
                    data={"token": token})
    assert page.status_code == 200
    assert "เริ่มการนำเข้าไม่ได้" in html.unescape(page.get_data(as_text=True))
    monkeypatch.undo()
    again = app.post("/dataset-excel/apply", headers={"Authorization": editor["token"]},
                     data={"token": token}, follow_redirects=False)
    assert again.headers["Location"].endswith(f"/dataset-excel/import/{token}")


def test_an_import_indexes_each_dataset_once_and_other_requests_at_once(office):
    # while an import applies, another request (thread) saving a dataset
    # still has it in the search index at once; the imported datasets are
    # in it when the import ends
    import threading

    org, editor = office
    seen = {}

    def elsewhere():
        helpers.call_action("package_create", context={"user": editor["name"]},
                            name="saved-elsewhere", owner_org=org["id"], title="บันทึกจากที่อื่น")
        seen["elsewhere"] = helpers.call_action("package_search", q="name:saved-elsewhere",
                                                rows=0)["count"]
        seen["imported"] = helpers.call_action("package_search", q="name:imported-1",
                                               rows=0)["count"]

    def progress(done, created, updated, failures):
        if done == 1:
            thread = threading.Thread(target=elsewhere)
            thread.start()
            thread.join()

    rows = excel.read(_filled([{"name": f"imported-{i}", "title": f"นำเข้า {i}",
                                "owner_org": "utt1-office"} for i in (1, 2)]))
    _plans, work = excel.plan(editor["name"], rows, "th")
    assert excel.apply(editor["name"], work, progress) == (2, 0, [])
    # the other request's dataset at once; the import's not before its end
    # (on both versions: 2.11's search plugin and 2.12's actions index)
    assert seen == {"elsewhere": 1, "imported": 0}
    assert helpers.call_action("package_search", q="name:imported-*", rows=0)["count"] == 2
    assert tk.config.get("ckan.search.solr_commit") is True
