# -*- coding: utf-8 -*-
"""Every PDF the extension makes (the service report, the published
reports, the record of processing activities): a standalone HTML document
printed to PDF by Chromium (Debian's ``chromium``, headless
``--print-to-pdf``) in the Sarabun font.

Why Chromium and not WeasyPrint. WeasyPrint (70.0, the newest release) lays
Thai out correctly but writes a wrong text layer: one text per *glyph* for
the whole document, and nothing for the other glyphs of a cluster of several
glyphs. HarfBuzz always draws SARA AM (ำ) as two glyphs, so the PDF read back
"สำนักงำน", "จัดทาเมื่อ", "ต่ลาคม" (upstream Kozea/WeasyPrint#2841, open).
Chromium (Skia) writes ``/ActualText`` for every grapheme cluster with a
mark, so ``pdftotext``, copying, searching and screen readers get the typed
text back. ``tests/common/test_pdf.py`` checks this.

Why Sarabun. It is the openly licensed (SIL OFL 1.1) redesign of the
government's TH Sarabun family, installed from PyPI (``fontpkg-sarabun``,
unmodified TTF files) and embedded as ``data:`` URLs: nothing is installed
into the system's fonts, and its marks sit where poppler's word-breaking
expects them (the TLWG fonts make it read "ปี งบประมาณ").

Rendering fetches nothing: the document gets a Content-Security-Policy that
allows only inline styles and ``data:`` fonts and images, and no scripts at
all. Chromium runs without its sandbox (it cannot start one as root or in a
container without user namespaces); it only ever loads the extension's own
templates with every user-entered text escaped, scripts forbidden.
"""
from __future__ import annotations

import base64
import functools
import os
import pathlib
import signal
import subprocess
import tempfile
from typing import Optional

import ckan.plugins.toolkit as tk

__all__ = ["FAMILY", "FACES", "PdfError", "font_file", "font_face_css", "render"]

#: the family name of the PDFs' font in their CSS
FAMILY = "Sarabun"
#: (weight, style) → the file of the Sarabun family
FACES = {
    (400, "normal"): "Sarabun-Regular.ttf",
    (700, "normal"): "Sarabun-Bold.ttf",
    (400, "italic"): "Sarabun-Italic.ttf",
    (700, "italic"): "Sarabun-BoldItalic.ttf",
}

#: what the printed document may load: inline styles, data: fonts and images
CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:"


class PdfError(Exception):
    """Chromium could not print the document (missing, crashed, too slow)."""


def font_file(name: str) -> pathlib.Path:
    """A file of the Sarabun family as installed by ``fontpkg-sarabun``."""
    import fontpkg_sarabun

    path = pathlib.Path(fontpkg_sarabun.ROOT) / "files" / name
    if name not in FACES.values() or not path.is_file():
        raise FileNotFoundError(name)
    return path


@functools.lru_cache(maxsize=None)
def font_face_css() -> str:
    """``@font-face`` rules of the four faces as ``data:`` URLs."""
    rules = []
    for (weight, style), name in FACES.items():
        data = base64.b64encode(font_file(name).read_bytes()).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
            f"font-style: {style}; src: url(data:font/ttf;base64,{data}); }}"
        )
    return "\n".join(rules)


def _prepared(html: str) -> str:
    """The document with the CSP and the fonts first in its ``<head>``."""
    head = (
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<style>{font_face_css()}\n"
        # backgrounds (table heads, chart keys) are part of the document
        "html { print-color-adjust: exact; -webkit-print-color-adjust: exact; }</style>"
    )
    index = html.find("<head>")
    if index < 0:
        raise ValueError("the document has no <head>")
    index += len("<head>")
    return html[:index] + head + html[index:]


def browser() -> str:
    return tk.config.get("ckanext.utt1service.pdf_browser")


def render(html: str, timeout: Optional[float] = None) -> bytes:
    """The PDF of a standalone HTML document (paper size, margins, running
    headers and page numbers from its ``@page`` rules). Its CSS names the
    font as :data:`FAMILY`."""
    seconds = timeout or tk.config.get("ckanext.utt1service.pdf_timeout")
    with tempfile.TemporaryDirectory(prefix="utt1service-pdf-") as work:
        folder = pathlib.Path(work)
        source = folder / "document.html"
        source.write_text(_prepared(html), encoding="utf-8")
        target = folder / "document.pdf"
        command = [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            # containers give /dev/shm 64 MB; Chromium then uses /tmp instead
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-sync",
            "--mute-audio",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        env = dict(os.environ, HOME=work)
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as error:
            raise PdfError(f"cannot start {command[0]}: {error}") from error
        try:
            _, stderr = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired as error:
            # Chromium starts several processes: end the whole group it leads
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfError(f"printing took longer than {seconds} s") from error
        if process.returncode != 0 or not target.is_file():
            tail = stderr.decode("utf-8", "replace")[-500:]
            raise PdfError(f"{command[0]} exited with {process.returncode}: {tail}")
        return target.read_bytes()
