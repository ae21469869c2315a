# -*- coding: utf-8 -*-
"""In a real Chromium: the landing page leads to a dataset whose QR code can
be downloaded, and the posters print on one A4 page with a readable code."""
from __future__ import annotations

import pathlib
import re
import subprocess

import pytest

from ckan.tests import factories

from ckanext.utt1service.tests.catalog.conftest import decode

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index")]

SITE = "http://test.ckan.net"


def test_landing_page_to_a_dataset_and_its_qr_code(page, org, topic_schema, tmp_path):
    dataset = factories.Dataset(
        owner_org=org["id"],
        name="students-by-grade-2568",
        title="จำนวนนักเรียนจำแนกตามระดับชั้น 2568",
        topic_category=topic_schema[0]["value"],
    )

    page.goto("/")
    page.get_by_role("link", name="Big Data / ข้อมูลสารสนเทศ").first.click()
    page.wait_for_url("**/bigdata")
    topic = page.locator(".utt1service-topic", has_text=topic_schema[0]["label"]["th"])
    assert topic.locator(".utt1service-topic-count").inner_text() == "1"

    page.locator(".utt1service-bigdata-newest a.utt1service-bigdata-link").first.click()
    page.wait_for_url("**/dataset/students-by-grade-2568")
    qr_image = page.locator(".utt1service-qr img")
    assert qr_image.evaluate("img => img.complete && img.naturalWidth > 0")

    with page.expect_download() as info:
        page.get_by_role("link", name="ดาวน์โหลด PNG").click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename == "qr-students-by-grade-2568.png"
    assert decode(saved.read_bytes()) == [f"{SITE}/dataset/{dataset['id']}?utm_source=qr"]


def _print(page, url: str, out: pathlib.Path) -> bytes:
    """The page printed to PDF by Chromium, page 1 rendered to PNG; returns
    the PNG after checking the PDF is one A4 page."""
    page.goto(url)
    page.wait_for_function("document.querySelector('.utt1service-poster-code img').complete")
    page.emulate_media(media="print")
    pdf = out / "poster.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"^Page size:.* pts \(A4\)$", info, re.M), info
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(out / "poster")], check=True)
    return (out / "poster.png").read_bytes()  # kept in tmp_path for a look


def test_catalogue_poster_prints_on_one_a4_page_with_a_readable_code(page, tmp_path):
    rendered = _print(page, "/bigdata/poster", tmp_path)

    assert decode(rendered) == [f"{SITE}/bigdata?utm_source=qr"]


def test_dataset_poster_prints_on_one_a4_page_with_a_readable_code(page, org, tmp_path):
    dataset = factories.Dataset(
        owner_org=org["id"],
        name="onet-p6-2567",
        title="ผลการทดสอบทางการศึกษาระดับชาติขั้นพื้นฐาน (O-NET) ชั้นประถมศึกษาปีที่ 6 "
        "ปีการศึกษา 2567 จำแนกตามโรงเรียน รายวิชา และระดับคะแนน เปรียบเทียบกับระดับประเทศ",
    )

    rendered = _print(page, "/dataset/onet-p6-2567/poster", tmp_path)

    assert decode(rendered) == [f"{SITE}/dataset/{dataset['id']}?utm_source=qr"]
