# -*- coding: utf-8 -*-
"""The printable A4 posters of the catalogue and of a dataset."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

from ckanext.utt1service.tests.access_requests.conftest import upload

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

OFFICE = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1"


def _poster(app, url: str, **kw) -> BeautifulSoup:
    response = app.get(url, **kw)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        "main.utt1service-poster"
    )


def test_catalogue_poster_in_thai(app):
    poster = _poster(app, "/bigdata/poster")
    text = poster.get_text(" ", strip=True)

    assert poster.select_one(".utt1service-poster-office-name").get_text(strip=True) == OFFICE
    assert poster.h1.get_text(strip=True) == "Big Data / ข้อมูลสารสนเทศ"
    assert poster.select_one(".utt1service-poster-code img")["src"] == "/bigdata/qr.svg"
    assert poster.select_one(".utt1service-poster-address").get_text(strip=True) == (
        "http://test.ckan.net/bigdata"
    )
    assert "สแกน QR-Code" in text
    steps = [li.get_text(" ", strip=True) for li in poster.select(".utt1service-poster-steps li")]
    assert len(steps) == 3
    assert "กล้อง" in steps[0]
    assert "ดาวน์โหลด" in steps[2]
    assert "พิมพ์เมื่อ" in poster.footer.get_text()


def test_dataset_poster_names_the_dataset_and_carries_its_code(app, org):
    dataset = factories.Dataset(
        owner_org=org["id"], name="students-2568", title="จำนวนนักเรียน ปีการศึกษา 2568"
    )

    poster = _poster(app, "/dataset/students-2568/poster")

    assert poster.h1.get_text(strip=True) == "จำนวนนักเรียน ปีการศึกษา 2568"
    assert poster.select_one(".utt1service-poster-code img")["src"] == (
        f"/dataset/{dataset['id']}/qr.svg"
    )
    assert poster.select_one(".utt1service-poster-address").get_text(strip=True) == (
        "http://test.ckan.net/dataset/students-2568"
    )


def test_poster_in_english(app):
    poster = _poster(app, "/en/bigdata/poster")

    assert "Uthai Thani Primary Educational Service Area Office 1" in poster.get_text()
    assert "Scan the QR code" in poster.get_text()


def test_poster_stylesheet_prints_on_one_a4_page(app):
    page = BeautifulSoup(app.get("/bigdata/poster").get_data(as_text=True), "html.parser")
    hrefs = [link["href"] for link in page.select("link[rel=stylesheet]") if "bigdata" in link["href"]]
    assert len(hrefs) == 1

    css = app.get(hrefs[0]).get_data(as_text=True)

    assert "@page { size: A4 portrait; margin: 0; }" in css
    assert ".utt1service-poster-toolbar { display: none; }" in css


def test_a_restricted_datasets_poster_does_not_promise_a_download(app, org):
    public = factories.Dataset(owner_org=org["id"], name="open-2568", title="สรุปจำนวนนักเรียน")
    factories.Resource(package_id=public["id"], url="http://example.org/a.csv", format="CSV")
    mixed = factories.Dataset(owner_org=org["id"], name="mixed-2568", title="นักเรียนรายบุคคล")
    factories.Resource(package_id=mixed["id"], url="http://example.org/b.csv", format="CSV")
    upload(mixed["id"], b"a,b\n", "c.csv", format="CSV", access_level="restricted")
    closed = factories.Dataset(owner_org=org["id"], name="closed-2568", title="ข้อมูลส่วนบุคคล")
    upload(closed["id"], b"a,b\n", "d.csv", format="CSV", access_level="restricted")

    def kicker(name):
        return _poster(app, f"/dataset/{name}/poster").select_one(".utt1service-poster-kicker").get_text(strip=True)

    assert kicker("open-2568") == "ข้อมูลสารสนเทศทางการศึกษา ดาวน์โหลดได้"
    assert "ยื่นคำขอ" in kicker("mixed-2568")
    assert "ดาวน์โหลดได้" not in kicker("closed-2568") and "ยื่นคำขอ" in kicker("closed-2568")


def _printed(page, path: str, tmp_path) -> tuple[str, str]:
    """The page printed to PDF by Chromium as a visitor would (A4, print
    CSS) once its fonts are loaded: its text (pdftotext, whitespace
    collapsed) and its fonts (pdffonts)."""
    import subprocess

    response = page.goto(path)
    assert response.status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    target = tmp_path / "printed.pdf"
    target.write_bytes(page.pdf(format="A4", print_background=True))
    text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True)
    fonts = subprocess.run(["pdffonts", str(target)], check=True, capture_output=True)
    return " ".join(text.stdout.decode("utf-8").split()), fonts.stdout.decode()


def test_a_printed_poster_keeps_its_thai_text(page, tmp_path):
    """The poster loads Sarabun from the extension, so the PDF a visitor's
    browser prints reads back the Thai as typed (TLWG fonts do not)."""
    text, fonts = _printed(page, "/bigdata/poster", tmp_path)

    for typed in (OFFICE, "สแกน QR-Code", "เปิดกล้อง", "ดาวน์โหลด", "พิมพ์เมื่อ"):
        assert typed in text, typed
    assert "Sarabun" in fonts, fonts


def test_the_sarabun_faces_are_served_and_nothing_else(app):
    response = app.get("/utt1service/fonts/Sarabun-Regular.ttf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "font/ttf"
    assert response.data[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert "max-age" in response.headers["Cache-Control"]
    for name in ("Sarabun-Thin.ttf", "..%2F__init__.py", "OFL.txt", "nothing"):
        app.get(f"/utt1service/fonts/{name}", status=404)
