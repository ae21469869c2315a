# -*- coding: utf-8 -*-
"""Thai first: every string of this extension has a Thai translation."""
from __future__ import annotations

import pathlib

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = pathlib.Path(__file__).resolve().parents[2]
PO = PACKAGE / "i18n" / "th" / "LC_MESSAGES" / "ckanext-utt1service.po"

# The same method map as setup.py's message_extractors.
METHODS = [
    ("tests/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "ckan.lib.extract:extract_ckan"),
    ("**/templates/**.txt", "ckan.lib.extract:extract_ckan"),
]


def _source_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=METHODS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_source_string_has_a_thai_translation():
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
        and not m.fuzzy
    }
    missing = {
        msgid: where for msgid, where in _source_messages().items() if msgid not in translated
    }
    assert not missing, "strings without a Thai translation (run `make i18n`):\n" + "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda x: x[1])
    )


def test_the_thai_catalog_is_found_by_ckan(app):
    # ITranslation: the footer is rendered in Thai, the default locale.
    body = app.get("/").get_data(as_text=True)
    assert "กลุ่มนโยบายและแผน กลุ่มงานข้อมูลสารสนเทศ" in body
    body = app.get("/en/").get_data(as_text=True)
    assert "Policy and Planning Group, Information Unit" in body
