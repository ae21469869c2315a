# -*- coding: utf-8 -*-
"""The educational-information dataset schema seen from Python: the editable
list of topic categories, and choice labels in the user's language (facets,
the summary box of the dataset page, the search index)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

__all__ = [
    "DEFAULT_TOPIC_CATEGORIES",
    "topic_category_choices",
    "dataset_schema",
    "field",
    "choices",
    "choice_label",
    "choice_labels_all_languages",
    "current_lang",
]

DATASET_TYPE = "dataset"

# value, Thai label, English label. Sysadmins replace the list with
# ckanext.utt1service.topic_categories (one "value | ไทย | English" a line).
DEFAULT_TOPIC_CATEGORIES: list[tuple[str, str, str]] = [
    ("students", "นักเรียน", "Students"),
    ("teachers", "ครูและบุคลากรทางการศึกษา", "Teachers and education personnel"),
    ("schools", "สถานศึกษา", "Schools"),
    ("budget", "งบประมาณ", "Budget"),
    ("achievement", "ผลสัมฤทธิ์ทางการเรียน (O-NET, NT, RT)", "Learning achievement (O-NET, NT, RT)"),
    ("buildings", "อาคารสถานที่และครุภัณฑ์", "Buildings and equipment"),
    ("other", "อื่นๆ", "Other"),
]


def _parse_topic_lines(text: str) -> list[tuple[str, str, str]]:
    """One topic a line (or separated by ";", for environment variables)."""
    topics = []
    for line in text.replace(";", "\n").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        value = parts[0]
        th = parts[1] if len(parts) > 1 and parts[1] else value
        en = parts[2] if len(parts) > 2 and parts[2] else th
        topics.append((value, th, en))
    return topics


def topic_category_choices() -> list[dict[str, Any]]:
    """Choices of the topic category field, as ckanext-scheming wants them."""
    configured = tk.config.get("ckanext.utt1service.topic_categories") or ""
    topics = _parse_topic_lines(configured) or DEFAULT_TOPIC_CATEGORIES
    return [{"value": v, "label": {"th": th, "en": en}} for v, th, en in topics]


def current_lang() -> str:
    """The user's language; the portal's default outside a request."""
    from ckan.lib.i18n import get_lang

    try:
        return get_lang()
    except RuntimeError:
        return tk.config.get("ckan.locale_default") or "th"


def dataset_schema(dataset_type: str = DATASET_TYPE) -> Optional[dict[str, Any]]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    return scheming_get_dataset_schema(dataset_type)


def field(field_name: str, dataset_type: str = DATASET_TYPE) -> Optional[dict[str, Any]]:
    """A dataset field of the schema, or a resource field as ``res_<name>``."""
    schema = dataset_schema(dataset_type)
    if not schema:
        return None
    fields = schema["dataset_fields"]
    if field_name.startswith("res_"):
        fields, field_name = schema["resource_fields"], field_name[4:]
    for f in fields:
        if f["field_name"] == field_name:
            return f
    return None


def choices(field_name: str, dataset_type: str = DATASET_TYPE) -> list[dict[str, Any]]:
    f = field(field_name, dataset_type)
    if not f:
        return []
    if "choices" in f:
        return f["choices"]
    if f.get("choices_helper") == "utt1service_topic_category_choices":
        return topic_category_choices()
    return []


def _text(label: Any, lang: str) -> str:
    if isinstance(label, dict):
        return label.get(lang) or label.get("th") or label.get("en") or ""
    return str(label)


def choice_label(field_name: str, value: Any, lang: str, dataset_type: str = DATASET_TYPE) -> str:
    """The label of a choice in ``lang``; the value itself when unknown."""
    for c in choices(field_name, dataset_type):
        if c["value"] == value:
            return _text(c.get("label", value), lang)
    return "" if value is None else str(value)


def choice_labels_all_languages(field_name: str, values: list[Any]) -> list[str]:
    """Thai and English labels of the chosen values (for the search index)."""
    out: list[str] = []
    for c in choices(field_name):
        if c["value"] in values:
            label = c.get("label")
            out.extend(label.values() if isinstance(label, dict) else [str(label)])
    return out
