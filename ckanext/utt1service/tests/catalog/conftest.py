# -*- coding: utf-8 -*-
"""Fixtures of the QR code / "Big Data" landing page / poster tests."""
from __future__ import annotations

import copy
import io

import pytest
import zxingcpp
from PIL import Image

#: Used when the dataset schema has no topic_category field yet (another
#: issue adds it): the tests then run against this stand-in.
STAND_IN_TOPICS = [
    {"value": "students", "label": {"th": "นักเรียน", "en": "Students"}},
    {"value": "teachers", "label": {"th": "ครูและบุคลากร", "en": "Teachers and staff"}},
    {"value": "budget", "label": {"th": "งบประมาณ", "en": "Budget"}},
]


@pytest.fixture()
def topic_schema(monkeypatch):
    """The dataset schema's topic_category choices (value, Thai and English
    label). When the schema has no such field yet, a select field with the
    stand-in choices is added to the loaded schema for the test."""
    from ckanext.scheming import plugins as scheming

    plugin = scheming.SchemingDatasetsPlugin.instance
    schema = plugin._expanded_schemas["dataset"]
    for field in schema["dataset_fields"]:
        if field["field_name"] == "topic_category":
            from ckanext.scheming.helpers import scheming_field_choices

            return scheming_field_choices(field)

    raw = copy.deepcopy(plugin._schemas)
    raw["dataset"]["dataset_fields"].append(
        {
            "field_name": "topic_category",
            "label": {"th": "หมวดหมู่ข้อมูล", "en": "Topic category"},
            "preset": "select",
            "choices": STAND_IN_TOPICS,
        }
    )
    monkeypatch.setattr(plugin, "_schemas", raw)
    monkeypatch.setattr(plugin, "_expanded_schemas", scheming._expand_schemas(raw))
    return STAND_IN_TOPICS


def decode(png_bytes: bytes) -> list[str]:
    """The texts of the QR codes that a real decoder (ZXing) finds in a PNG."""
    image = Image.open(io.BytesIO(png_bytes))
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def decode_svg(svg_bytes: bytes) -> list[str]:
    """The same for an SVG image, rasterised by Cairo first."""
    import cairosvg

    return decode(cairosvg.svg2png(bytestring=svg_bytes, output_width=400))


@pytest.fixture()
def org():
    """The office's organization (the schema wants every dataset to have one)."""
    from ckan.tests import factories

    return factories.Organization(name="utt1-policy-planning")
