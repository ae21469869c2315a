# -*- coding: utf-8 -*-
"""The Sarabun web font for the pages that the visitor's own browser prints:
the printable request form and the QR posters.

Their PDF is made by whatever browser prints them, with whatever Thai font
its computer has; many fonts misplace the marks of the text layer (ำ, ่, ุ:
"สำนักงำน", see ``common/pdf.py``). These pages load Sarabun (the font of
the extension's own PDFs) from the files of ``fontpkg-sarabun`` served here,
so a PDF printed from them reads back the typed Thai. Only the four faces of
:data:`ckanext.utt1service.common.pdf.FACES` are served; nothing is copied
into the repository.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import pdf

__all__ = ["fonts"]

fonts = Blueprint("utt1service_fonts", __name__)

#: a year: the files change only with the pinned package's version
MAX_AGE = 365 * 24 * 3600


def font(name: str) -> Any:
    """One face of the Sarabun family (TTF), cached by browsers."""
    try:
        path = pdf.font_file(name)
    except FileNotFoundError:
        return tk.abort(404, tk._("Font not found"))
    response = send_file(path, mimetype="font/ttf", max_age=MAX_AGE, conditional=True)
    response.cache_control.public = True
    return response


fonts.add_url_rule("/utt1service/fonts/<name>", view_func=font)
