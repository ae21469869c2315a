# -*- coding: utf-8 -*-
"""Template helpers of the dataset schema, search page and dataset page."""
from __future__ import annotations

import copy
import hashlib
import json
import threading
import unicodedata
from collections import OrderedDict
from typing import Any

import flask

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError

from ckanext.utt1service.catalog import bigdata, dataset_schema, gd, search
from ckanext.utt1service.catalog.bigdata import (
    topic_categories as utt1service_topic_categories,
)
from ckanext.utt1service.common import vocabularies

__all__ = [
    "utt1service_topic_category_choices",
    "utt1service_choice_label",
    "utt1service_dataset_summary",
    "utt1service_search_sorting",
    "utt1service_facet_label",
    "utt1service_topic_categories",
    "utt1service_did_you_mean",
    "get_organization",
    "utt1service_gd_section",
    "utt1service_gd_field_names",
    "utt1service_landing",
    "utt1service_column_type_labels",
    "structured_data",
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


def utt1service_gd_field_names() -> list[str]:
    """The GD Catalog fields and their "other" companions: the dataset page
    shows them in the "GD Catalog" box, not in the table of the rest."""
    names = list(gd.GD_FIELDS) + [f"{name}_other" for name in gd.OTHER_VALUE]
    return [n for n in names if n != "license_id"]


def utt1service_gd_section(pkg: dict[str, Any]) -> dict[str, Any]:
    """The dataset page's "GD Catalog" box: whether the dataset is offered
    to GD Catalog (a sentence) and its GD fields in the user's language."""
    state = gd.status(pkg)
    return {
        "status": state,
        "status_text": tk._(gd.STATUS_TEXT[state]),
        "rows": gd.rows(pkg, dataset_schema.current_lang()),
    }


def utt1service_search_sorting() -> list[tuple[str, str]]:
    """The sort menu of the dataset search page (with sorting by year)."""
    return search.sort_options()


FACET_LABEL_LENGTH = 45


def utt1service_did_you_mean(q: str) -> str | None:
    """The search page's "did you mean" for a query that found nothing
    (``search.did_you_mean``), with the visitor's rights."""
    context = {"user": tk.current_user.name, "auth_user_obj": tk.current_user}
    try:
        return search.did_you_mean(q, context)
    except (tk.ValidationError, tk.NotAuthorized, SearchError):
        return None


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


def organization_without_search(context: dict, data_dict: dict) -> dict:
    """``organization_show`` while the search server is down: without the
    parts that come from it (sub-groups), its dataset count from the
    database (the active public datasets)."""
    import ckan.model as model

    group_dict = tk.get_action("organization_show")(
        context, dict(data_dict, include_datasets=False, include_dataset_count=False, include_groups=False)
    )
    group_dict["package_count"] = (
        model.Session.query(model.Package)
        .filter(model.Package.owner_org == group_dict["id"], model.Package.state == "active",
                model.Package.private.is_(False))
        .count()
    )
    return group_dict


@tk.chained_helper
def get_organization(next_helper, org=None, include_datasets=False):
    """CKAN core's helper (the organization box of the dataset page and the
    access-request pages). Its dataset count comes from the search server:
    while that is down, the count comes from the database rather than the
    page failing."""
    from ckan.lib.search.common import SearchError, SolrConnectionError

    try:
        # CKAN's dataset page draws the organization box twice (its secondary
        # column is rendered for two layouts): one organization_show (a Solr
        # query and seven SQL statements) per request and organization.
        # (with the request's WSGI environment: an inner request context,
        # e.g. a mail drawn in another language, shares flask.g)
        kept = flask.request.environ.setdefault("utt1service.organizations", {})
    except RuntimeError:  # outside a request
        kept = {}
    key = (org, bool(include_datasets))
    if key in kept:
        return copy.deepcopy(kept[key])
    try:
        found = next_helper(org, include_datasets)
    except (SearchError, SolrConnectionError):
        if org is None or include_datasets:
            raise
        try:
            found = organization_without_search({}, {"id": org})
        except (tk.ObjectNotFound, tk.ValidationError, tk.NotAuthorized):
            found = {}
    kept[key] = copy.deepcopy(found)
    return found


def utt1service_landing() -> dict[str, Any]:
    """What the landing page shows, for the home page (``home/index.html``):
    topic counts, the newest and most-downloaded datasets the visitor may see."""
    return bigdata.landing({"user": tk.current_user.name, "auth_user_obj": tk.current_user})


def utt1service_column_type_labels() -> dict[str, str]:
    """The DataStore's column types with their names in the page's language
    (``common/vocabularies.COLUMN_TYPES``), for a file's data dictionary."""
    return dict(vocabularies.COLUMN_TYPES.choices())


#: JSON-LD of the datasets' pages kept by :func:`structured_data` (per process)
STRUCTURED_DATA_KEPT = 256
_structured: "OrderedDict[str, str]" = OrderedDict()
_structured_lock = threading.Lock()


@tk.chained_helper
def structured_data(next_helper, dataset_dict, profiles=None):
    """ckanext-dcat's helper (the schema.org JSON-LD in every dataset page),
    kept for the same dataset dict, profiles and language.

    ckanext-dcat builds a new serializer for each call, and finding its
    profiles reads the entry points of every installed distribution: a
    third of the Python calls of a dataset page (``make bench-profile``).
    The JSON-LD depends only on the dataset dict shown, the profiles and
    the language of the URLs; the key is a digest of all three, so any
    change of the dataset gives a new key: what a page embeds is never
    older than what it shows. (Its blank nodes keep the names they got
    when it was made: the same graph.)"""
    try:
        blob = json.dumps([dataset_schema.current_lang(), profiles, dataset_dict],
                          sort_keys=True, default=str, ensure_ascii=False)
    except (TypeError, ValueError):  # keys that cannot be sorted: not kept
        return next_helper(dataset_dict, profiles)
    key = hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()
    with _structured_lock:
        found = _structured.get(key)
        if found is not None:
            _structured.move_to_end(key)
            return found
    made = next_helper(dataset_dict, profiles)
    with _structured_lock:
        _structured[key] = made
        while len(_structured) > STRUCTURED_DATA_KEPT:
            _structured.popitem(last=False)
    return made
