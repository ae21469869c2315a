# -*- coding: utf-8 -*-
"""Thai office files into the DataStore with xloader's own loader: CSVs in
UTF-8 (with and without a BOM), TIS-620 and Windows-874, and an Excel file
with a Thai sheet name, each generated here; the rows come back with the
right characters, Thai numerals and Buddhist-Era dates as written. Then the
whole way: a public upload goes through xloader's job in the jobs worker,
fetched over HTTP from the portal, and gets a table view; a restricted
upload never does."""
from __future__ import annotations

import io
import logging

import openpyxl
import pytest

import ckan.model as model
from ckan.tests import factories, helpers
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.utt1service.catalog import preview

ROWS = [
    ("โรงเรียน", "อำเภอ", "นักเรียน", "วันที่สำรวจ", "หมายเหตุ"),
    ("บ้านหนองฉาง", "หนองฉาง", "๑๒๓", "10 มิ.ย. 2567", "ครูครบ"),
    ("อนุบาลอุทัยธานี", "เมืองอุทัยธานี", "456", "1 ต.ค. 2567", "ห้องเรียนพิเศษ"),
    ("วัดหนองขุนชาติ", "หนองขาหย่าง", "๗๘", "30 ก.ย. 2568", "ฤดูฝน ฦ ฯ ๆ"),
]
LOG = logging.getLogger(__name__)


def _csv(rows=ROWS) -> str:
    return "".join(",".join(r) + "\r\n" for r in rows)


def _resource(fmt: str = "CSV", **extra) -> dict:
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    return helpers.call_action(
        "resource_create", context={"user": sysadmin["name"]}, package_id=dataset["id"],
        url="https://example.org/schools." + fmt.lower(), format=fmt, name="โรงเรียน", **extra)


def _records(resource_id: str) -> list[tuple]:
    found = helpers.call_action("datastore_search", resource_id=resource_id, sort="_id")
    names = [f["id"] for f in found["fields"] if f["id"] != "_id"]
    return [tuple(names)] + [tuple(r[n] for n in names) for r in found["records"]]


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "tis-620", "cp874"])
def test_thai_csv_loads_with_the_right_characters(tmp_path, encoding):
    rows = list(ROWS)
    if encoding == "cp874":
        # characters Windows-874 has beyond TIS-620 (curly quotes, dash)
        rows.append(("“บ้านใหม่”", "ลานสัก – ป่าอ้อ", "๙", "2 พ.ย. 2568", "…"))
    path = tmp_path / "schools.csv"
    path.write_bytes(_csv(rows).encode(encoding))
    res = _resource()
    from ckanext.xloader import loader

    loader.load_csv(str(path), resource_id=res["id"], mimetype="text/csv", logger=LOG)
    assert _records(res["id"]) == rows


def test_the_encoding_is_decided_on_the_bytes():
    text = _csv()
    assert preview.thai_encoding(text.encode("utf-8"), True) == "utf-8"
    assert preview.thai_encoding(text.encode("utf-8-sig"), True) == "utf-8-sig"
    assert preview.thai_encoding(text.encode("tis-620"), True) == "cp874"
    assert preview.thai_encoding(text.encode("cp874"), True) == "cp874"
    assert preview.thai_encoding(b"school,students\r\nA,1\r\n", True) == "utf-8"
    # Latin-1 text is not taken for Thai: left to xloader
    assert preview.thai_encoding("café,naïve,Ærø\n".encode("latin-1"), True) is None
    # a UTF-8 sample cut in the middle of a character is still UTF-8
    cut = text.encode("utf-8")[:-1 - len("ๆ\r\n".encode())] + "ๆ".encode()[:2]
    assert preview.thai_encoding(cut, False) == "utf-8"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_excel_with_a_thai_sheet_name(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ข้อมูลโรงเรียน ปี ๒๕๖๗"
    for row in ROWS:
        sheet.append(list(row))
    path = tmp_path / "schools.xlsx"
    book.save(path)
    res = _resource("XLSX")
    from ckanext.xloader import loader

    loader.load_table(str(path), resource_id=res["id"], logger=LOG,
                      mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    # xloader guesses the column types of Excel files: the numbers column
    # (Thai and Arabic digits) becomes a number column; the rest stays as
    # written, Buddhist-Era dates included.
    expected = [ROWS[0]] + [(r[0], r[1], int(r[2]), *r[3:]) for r in ROWS[1:]]
    assert _records(res["id"]) == expected


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_public_upload_goes_through_the_worker_and_gets_a_table_view(
        app, live_server, ckan_config, monkeypatch):
    """xloader's real job in the jobs worker: fetched over HTTP from the
    portal with the site user's token, loaded, ``datastore_active`` set and
    the DataTables view added (``ckan.views.default_views``)."""
    from ckan.lib.jobs import Worker
    from ckan.lib.redis import connect_to_redis

    sysadmin = factories.SysadminWithToken()
    monkeypatch.setitem(ckan_config, "ckanext.xloader.api_token", sysadmin["token"])
    monkeypatch.setitem(ckan_config, "ckanext.xloader.site_url", live_server)
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])

    def upload(name, data, **extra):
        return helpers.call_action(
            "resource_create", context={"user": sysadmin["name"]}, package_id=dataset["id"],
            url=name, upload=FakeFileStorage(io.BytesIO(data), name), format="CSV",
            name=name, **extra)

    public = upload("schools.csv", _csv().encode("tis-620"))
    restricted = upload("students.csv", _csv().encode("utf-8"), access_level="restricted")
    model.Session.remove()
    Worker(["default"], connection=connect_to_redis()).work(burst=True)
    model.Session.remove()

    shown = helpers.call_action("resource_show", id=public["id"])
    assert shown["datastore_active"] is True
    assert _records(public["id"]) == ROWS
    views = helpers.call_action("resource_view_list", id=public["id"])
    assert "datatables_view" in [v["view_type"] for v in views]

    assert not helpers.call_action("resource_show", id=restricted["id"]).get("datastore_active")
    assert not preview.table_exists(restricted["id"])
    assert "datatables_view" not in [
        v["view_type"] for v in helpers.call_action("resource_view_list", id=restricted["id"])]
