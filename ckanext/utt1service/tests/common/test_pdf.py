# -*- coding: utf-8 -*-
"""Every PDF of the extension is printed by ``common.pdf``: its text layer
must give back the exact Thai that was typed (searching, copying and screen
readers depend on it), its pages must show the text, and printing must
fetch nothing."""
from __future__ import annotations

import http.server
import re
import subprocess
import threading

import pytest

from ckanext.utt1service.common import pdf

# Words the old pipeline (WeasyPrint 70) read back wrong: ำ split in two,
# tone marks and lower vowels swapped or lost, spurious spaces.
THAI = [
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1",
    "ปีงบประมาณ 2569",
    "1 ตุลาคม 2568",
    "ค่าเฉลี่ย",
    "ระหว่างวันที่",
    "ทุกรายการแสดงคู่กับช่วงเวลาเดียวกัน",
    "จัดทำเมื่อ",
    "น้ำ",
    "ปู่",
    "ที่",
    "กลุ่มนโยบายและแผน",
    "คำขอใช้บริการข้อมูลที่ได้รับ",
    "ผู้อำนวยการ",
]


def document(body: str, extra_css: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ทดสอบ</title>'
        "<style>@page { size: A4; margin: 2cm; "
        '@bottom-center { content: "หน้า " counter(page) " / " counter(pages); font-family: "Sarabun"; } } '
        f'html {{ font-family: "Sarabun"; font-size: 15pt; }} {extra_css}</style></head>'
        f"<body>{body}</body></html>"
    )


def text_of(body: bytes, tmp_path, mode: str = "-layout") -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", mode, str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture(scope="module")
def thai_pdf():
    paragraphs = "".join(f"<p>{s}</p>" for s in THAI)
    table = "<table><tr>" + "".join(f"<th>{s}</th>" for s in THAI[:4]) + "</tr></table>"
    bold = f"<h1>{THAI[0]}</h1><p><b>{' '.join(THAI[1:])}</b></p>"
    second = f'<div style="break-before: page"><p style="font-size: 10pt">{" ".join(THAI)}</p></div>'
    return pdf.render(document(bold + paragraphs + table + second))


@pytest.mark.parametrize("mode", ["-layout", "-raw"])
def test_the_text_layer_gives_back_the_exact_thai(thai_pdf, tmp_path, mode):
    text = text_of(thai_pdf, tmp_path, mode)
    missing = [s for s in THAI if s not in text]
    assert missing == []
    # the broken forms of the old pipeline are nowhere
    for wrong in ("สำนักงำน", "ต่ลาคม", "ระหวุาง", "จัดทาเมื่อ", "ปี งบประมาณ"):
        assert wrong not in text


def test_page_numbers_and_the_embedded_font(thai_pdf, tmp_path):
    text = text_of(thai_pdf, tmp_path)
    assert "หน้า 1 / 2" in text and "หน้า 2 / 2" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "out.pdf")], check=True, capture_output=True
    ).stdout.decode()
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    # only Sarabun, embedded (no fallback font drew any of the Thai)
    assert rows and all("Sarabun" in row and " yes " in row for row in rows), fonts


def test_the_pages_show_ink(thai_pdf, tmp_path):
    from PIL import Image

    (tmp_path / "out.pdf").write_bytes(thai_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "out.pdf"), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(1 for value in image.getdata() if value < 128)
    assert dark > 2000  # text drawn, not an empty page


def test_printing_fetches_nothing(tmp_path):
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        body = pdf.render(document(
            f'<p>ปีงบประมาณ</p><img src="{base}/image.png" alt="">'
            f'<link rel="stylesheet" href="{base}/style.css">'
            f'<script src="{base}/script.js"></script>'
            f'<script>document.body.append("SCRIPT RAN")</script>',
            extra_css=f'body {{ background: url("{base}/background.png"); }}',
        ))
    finally:
        server.shutdown()
    assert hits == []
    text = text_of(body, tmp_path)
    assert "ปีงบประมาณ" in text and "SCRIPT RAN" not in text


def test_a_missing_browser_is_a_clear_error(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.pdf_browser", "/nonexistent/chromium")
    with pytest.raises(pdf.PdfError, match="cannot start"):
        pdf.render(document("<p>x</p>"))


def test_a_hanging_browser_is_stopped(ckan_config, monkeypatch, tmp_path):
    script = tmp_path / "hangs"
    script.write_text("#!/bin/sh\nsleep 600\n")
    script.chmod(0o755)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.pdf_browser", str(script))
    with pytest.raises(pdf.PdfError, match="longer than 1 s"):
        pdf.render(document("<p>x</p>"), timeout=1)


def test_the_font_is_sarabun_from_its_package():
    css = pdf.font_face_css()
    assert css.count("@font-face") == 4
    assert re.search(r'font-family: "Sarabun"; font-weight: 700; font-style: normal', css)
    with pytest.raises(FileNotFoundError):
        pdf.font_file("../../etc/passwd")
