# -*- coding: utf-8 -*-
"""What the "Big Data" landing page (/bigdata) shows: topic categories with
their dataset counts, the newest datasets and the most-downloaded ones.

Everything is read through ``package_search`` with the caller's context, so a
visitor only ever sees (and counts) the datasets that they may see.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

#: The dataset field (ckanext-scheming) that holds a dataset's topic category.
TOPIC_FIELD = "topic_category"

#: How many datasets the "newest" and "most downloaded" lists show.
LIST_SIZE = 5


def topic_categories(dataset_type: str = "dataset") -> list[dict[str, str]]:
    """The topic categories of the dataset schema, in schema order, each as
    ``{"value": …, "label": …}`` with the label in the user's language.

    Empty when the schema has no ``topic_category`` field (or no choices).
    """
    schema = tk.h.scheming_get_dataset_schema(dataset_type)
    if not schema:
        return []
    field = tk.h.scheming_field_by_name(schema.get("dataset_fields", []), TOPIC_FIELD)
    if not field:
        return []
    choices = tk.h.scheming_field_choices(field) or []
    return [
        {
            "value": choice["value"],
            "label": tk.h.scheming_language_text(choice.get("label", choice["value"])),
        }
        for choice in choices
    ]


def _search(context: Context, **data_dict: Any) -> dict[str, Any]:
    data_dict.setdefault(
        "include_private", tk.config.get("ckan.search.default_include_private")
    )
    return tk.get_action("package_search")(dict(context), data_dict)


def topic_counts(context: Context) -> list[dict[str, Any]]:
    """Every topic category with the number of datasets the user may see in
    it (``count``, 0 included), in schema order."""
    categories = topic_categories()
    if not categories:
        return []
    result = _search(
        context,
        q="",
        rows=0,
        **{"facet.field": [TOPIC_FIELD], "facet.limit": -1, "facet.mincount": 1},
    )
    counts = result.get("facets", {}).get(TOPIC_FIELD, {})
    return [dict(category, count=counts.get(category["value"], 0)) for category in categories]


def dataset_count(context: Context) -> int:
    """How many datasets the user may see in the whole catalogue."""
    return _search(context, q="", rows=0)["count"]


def newest(context: Context, limit: int = LIST_SIZE) -> list[dict[str, Any]]:
    """The most recently created datasets, newest first."""
    return _search(context, q="", rows=limit, sort="metadata_created desc")["results"]


def most_downloaded(context: Context, limit: int = LIST_SIZE) -> tuple[list[dict[str, Any]], bool]:
    """The most-downloaded datasets that the user may see, and whether the
    order really comes from download counts.

    Without counting data, the datasets are those of ``package_search``'s
    default order (relevance, then the most recently modified) and the second
    value is False, so that the page can say so.
    """
    ids = [row["package_id"] for row in
           tk.get_action("utt1service_most_downloaded")(dict(context), {"limit": limit})]
    if ids:
        fq = "id:(" + " OR ".join(f'"{i}"' for i in ids) + ")"
        found = _search(context, q="", fq=fq, rows=len(ids))["results"]
        rank = {pkg_id: n for n, pkg_id in enumerate(ids)}
        found.sort(key=lambda pkg: rank.get(pkg["id"], len(ids)))
        if found:
            return found[:limit], True
    return _search(context, q="", rows=limit)["results"], False


def landing(context: Context) -> dict[str, Any]:
    """What the landing page shows (``/bigdata`` and the home page), with the
    rights of the user in ``context``."""
    most, counted = most_downloaded(context)
    return {
        "topics": topic_counts(context),
        "topic_field": TOPIC_FIELD,
        "dataset_count": dataset_count(context),
        "newest": newest(context),
        "most_downloaded": most,
        "downloads_counted": counted,
    }
