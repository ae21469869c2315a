# -*- coding: utf-8 -*-
"""Template helpers of the dataset schema, search page and dataset page."""
from __future__ import annotations

import unicodedata
from typing import Any

from ckanext.utt1service import dataset_schema, search

__all__ = [
    "utt1service_topic_category_choices",
    "utt1service_choice_label",
    "utt1service_dataset_summary",
    "utt1service_search_sorting",
    "utt1service_facet_label",
]

# What the summary box of the dataset page shows, in this order.
SUMMARY_FIELDS = [
    "topic_category",
    "academic_year",
    "fiscal_year",
    "education_level",
    "coverage",
    "source_program",
    "collection_round",
    "unit_of_measure",
    "update_frequency",
    "data_category",
]


def utt1service_topic_category_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """choices_helper of the topic category field (an editable list)."""
    return dataset_schema.topic_category_choices()


def utt1service_choice_label(field_name: str, value: Any) -> str:
    """The label of a choice of the dataset schema in the user's language."""
    return dataset_schema.choice_label(field_name, value, dataset_schema.current_lang())


def _values(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def utt1service_dataset_summary(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The education fields of a dataset as label + readable values, for the
    summary box (empty fields left out)."""
    lang = dataset_schema.current_lang()
    rows = []
    for name in SUMMARY_FIELDS:
        f = dataset_schema.field(name, pkg.get("type") or "dataset")
        values = _values(pkg.get(name))
        if not f or not values:
            continue
        shown = [dataset_schema.choice_label(name, v, lang) for v in values]
        if name == "source_program" and pkg.get("source_program_other"):
            shown = [
                f"{s}: {pkg['source_program_other']}" if v == "other" else s
                for v, s in zip(values, shown)
            ]
        label = f["label"]
        rows.append(
            {
                "name": name,
                "label": label.get(lang) or label.get("th") if isinstance(label, dict) else label,
                "values": shown,
            }
        )
    return rows


def utt1service_search_sorting() -> list[tuple[str, str]]:
    """The sort menu of the dataset search page (with sorting by year)."""
    return search.sort_options()


FACET_LABEL_LENGTH = 45


def utt1service_facet_label(item: dict[str, Any]) -> str:
    """A facet item's label, shortened to about 45 visible characters.

    CKAN cuts facet labels at 22 code points, which in Thai (where vowel and
    tone marks are code points of their own) leaves about 15 letters: "ทั้งเขต
    พื้นที่การศึ...". Marks are not counted here; the sidebar wraps the rest.
    """
    label = str(item.get("display_name") or item.get("name") or "")
    visible = 0
    for i, char in enumerate(label):
        if unicodedata.category(char) != "Mn":
            visible += 1
        if visible > FACET_LABEL_LENGTH:
            return label[:i].rstrip() + "…"
    return label
