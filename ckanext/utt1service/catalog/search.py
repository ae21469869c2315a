# -*- coding: utf-8 -*-
"""Catalogue search: the facets of the search page and API, what goes into the
Solr index (repeating subfields flattened, years as integers, choice labels in
both languages), and facet items labelled in the user's language.

The Thai word segmentation itself is in the Solr configset
(``solr/configsets/ckan/conf/schema.xml``)."""
from __future__ import annotations

import functools
import json
import logging
import re
from collections import OrderedDict
from typing import Any, Optional

import requests

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrSettings

from ckanext.utt1service.catalog import dataset_schema

__all__ = [
    "FACET_FIELDS",
    "YEAR_FIELDS",
    "dataset_facets",
    "organization_facets",
    "before_dataset_index",
    "after_dataset_search",
    "before_dataset_search",
    "segment_thai_query",
    "sort_options",
    "search_unavailable",
    "guard_search_views",
]

log = logging.getLogger(__name__)

# Facets in the order the search page shows them.
FACET_FIELDS = [
    "topic_category",
    "education_level",
    "academic_year",
    "fiscal_year",
    "source_program",
    "coverage",
    "res_access_level",
    "res_format",
    "organization",
    "tags",
]

# Fields whose facet items get their choice label instead of the stored code.
LABELLED_FIELDS = [
    "topic_category",
    "education_level",
    "source_program",
    "coverage",
    "res_access_level",
    "collection_round",
    "data_category",
    "data_language",
    "update_frequency",
]

YEAR_FIELDS = ["academic_year", "fiscal_year", "first_year_of_data", "last_year_of_data"]

# Free-text fields of the schema that the catch-all "text" field should hold.
TEXT_FIELDS = ["source_program_other", "unit_of_measure", "data_steward"]


def _titles() -> dict[str, str]:
    # Called per request, so the titles are in the user's language.
    return {
        "topic_category": tk._("Topic"),
        "education_level": tk._("Education level"),
        "academic_year": tk._("Academic year"),
        "fiscal_year": tk._("Fiscal year"),
        "source_program": tk._("Data-collection program"),
        "coverage": tk._("Coverage"),
        "res_access_level": tk._("Access level"),
    }


def dataset_facets(facets_dict: "OrderedDict[str, Any]", package_type: str) -> "OrderedDict[str, Any]":
    """The facets of the dataset search page (and of package_search when the
    caller asks for them), labelled in the user's language."""
    titles = _titles()
    facets: "OrderedDict[str, Any]" = OrderedDict()
    for name in FACET_FIELDS:
        title = titles.get(name) or facets_dict.get(name)
        if title:
            facets[name] = title
    return facets


def organization_facets(
    facets_dict: "OrderedDict[str, Any]", organization_type: str, package_type: str
) -> "OrderedDict[str, Any]":
    facets = dataset_facets(facets_dict, package_type)
    facets.pop("organization", None)
    return facets


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except ValueError:
            return [value]
        return loaded if isinstance(loaded, list) else [loaded]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _flatten_repeating(pkg_dict: dict[str, Any], schema: dict[str, Any]) -> None:
    for f in schema["dataset_fields"]:
        if "repeating_subfields" not in f:
            continue
        name = f["field_name"]
        rows = [r for r in _as_list(pkg_dict.pop(name, None)) if isinstance(r, dict)]
        pkg_dict.pop("extras_" + name, None)
        for sub in f["repeating_subfields"]:
            values = [str(r[sub["field_name"]]) for r in rows if r.get(sub["field_name"])]
            if values:
                pkg_dict[f"{name}_{sub['field_name']}"] = values


def _resources(pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("validated_data_dict", "data_dict"):
        try:
            return json.loads(pkg_dict.get(key) or "{}").get("resources") or []
        except ValueError:
            continue
    return []


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Shape a dataset for the Solr schema of the configset: contacts as
    ``contacts_name``/``contacts_email``/…, years as integers, the access levels
    of the resources, and the Thai and English labels of the chosen categories
    in the catch-all text field (so "ประถมศึกษา" or "teachers" find them)."""
    schema = dataset_schema.dataset_schema(pkg_dict.get("dataset_type") or "dataset")
    if not schema:
        return pkg_dict
    _flatten_repeating(pkg_dict, schema)

    for name in YEAR_FIELDS:
        value = pkg_dict.get(name)
        if isinstance(value, str) and value.strip().isdigit():
            pkg_dict[name] = int(value)
        elif not isinstance(value, int):
            pkg_dict.pop(name, None)

    text: list[str] = list(_as_list(pkg_dict.get("text")))
    for name in LABELLED_FIELDS:
        if name.startswith("res_") or name not in pkg_dict:
            continue
        values = _as_list(pkg_dict[name])
        if dataset_schema.field(name) and dataset_schema.field(name).get("preset") in (
            "multiple_checkbox",
            "multiple_select",
        ):
            pkg_dict[name] = values
        text.extend(dataset_schema.choice_labels_all_languages(name, values))
    for name in TEXT_FIELDS:
        if pkg_dict.get(name):
            text.append(str(pkg_dict[name]))

    levels = [r.get("access_level") or "public" for r in _resources(pkg_dict)]
    if levels:
        pkg_dict["res_access_level"] = sorted(set(levels))
    if text:
        pkg_dict["text"] = text
    return pkg_dict


def after_dataset_search(search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
    """Facet items of the schema's choice fields get their label in the
    user's language as ``display_name`` (the page and the API alike)."""
    facets = search_results.get("search_facets") or {}
    if not facets:
        return search_results
    lang = dataset_schema.current_lang()
    for name in LABELLED_FIELDS:
        for item in (facets.get(name) or {}).get("items", []):
            item["display_name"] = dataset_schema.choice_label(name, item["name"], lang)
    return search_results


def sort_options() -> list[tuple[str, str]]:
    """The sort menu of the search page: CKAN's, plus newest year first."""
    return [
        (tk._("Relevance"), "score desc, metadata_modified desc"),
        (tk._("Academic year, newest first"), "academic_year desc, metadata_modified desc"),
        (tk._("Fiscal year, newest first"), "fiscal_year desc, metadata_modified desc"),
        (tk._("Name Ascending"), "title_string asc"),
        (tk._("Name Descending"), "title_string desc"),
        (tk._("Last Modified"), "metadata_modified desc"),
    ]


# --------------------------------------------------------------------------
# Thai queries. Thai is typed without spaces, so "ปีการศึกษา" or
# "นักเรียนอนุบาล" reaches Solr as one "word" that the analyzer cuts into
# several (ปี การ ศึกษา). CKAN's dismax query would then need them as an exact
# phrase. Instead, each such word is cut here by the same ICU analyzer that
# indexed the text (Solr's field analysis request), and all its pieces are
# required (+ปี +การ +ศึกษา), anywhere in the dataset. Words the user
# separated with spaces keep CKAN's minimum-match rule, as English words do:
# both of two words, all but one of three to five, 80 % of more.

_THAI = re.compile("[\u0e00-\u0e7f]")
_SESSION = requests.Session()


def _is_thai(text: str) -> bool:
    return bool(_THAI.search(text))


def _query_tokens(q: str) -> Optional[list[dict[str, Any]]]:
    """The tokens of the ICU tokenizer of the "text" field for ``q``."""
    url, user, password = SolrSettings.get()
    try:
        return list(_cached_tokens(url, user, password, q))
    except (requests.RequestException, ValueError, KeyError, IndexError) as e:
        log.warning("Thai query segmentation failed, searching as typed: %s", e)
        return None


@functools.lru_cache(maxsize=2048)
def _cached_tokens(url: str, user: Optional[str], password: Optional[str], q: str) -> tuple[Any, ...]:
    # The analysis of a query never changes while the core runs, so the
    # answers for the last 2048 distinct queries are kept (a few kB).
    response = _SESSION.get(
        url.rstrip("/") + "/analysis/field",
        params={"analysis.fieldtype": "text", "analysis.query": q, "wt": "json"},
        auth=(user, password) if user and password else None,
        timeout=tk.config.get("solr_timeout") or 60,
    )
    response.raise_for_status()
    stages = response.json()["analysis"]["field_types"]["text"]["query"]
    # [tokenizer name, tokens, filter name, tokens, ...]
    return tuple({k: t[k] for k in ("text", "start", "end")} for t in stages[1])


def segment_thai_query(q: str) -> str:
    """``q`` with each Thai word that the analyzer cuts into pieces replaced
    by its required pieces: "ปีการศึกษา 2568" → "+ปี +การ +ศึกษา 2568".
    Words with + or - in front, and anything not Thai, are left as typed."""
    # offsets count UTF-16 code units: one per Thai or ASCII character, so a
    # query with characters outside the BMP is left alone
    if any(ord(c) > 0xFFFF for c in q):
        return q
    tokens = _query_tokens(q)
    if not tokens:
        return q
    cuts = {
        right["start"]
        for left, right in zip(tokens, tokens[1:])
        if left["end"] == right["start"] and _is_thai(left["text"]) and _is_thai(right["text"])
    }
    words = []
    for match in re.finditer(r"\S+", q):
        word, start = match.group(), match.start()
        inner = sorted(c - start for c in cuts if start < c < match.end())
        if not inner or word[0] in "+-":
            words.append(word)
            continue
        bounds = [0] + inner + [len(word)]
        words.extend("+" + word[a:b] for a, b in zip(bounds, bounds[1:]))
    return " ".join(words)


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """Cut plain Thai queries into words (see above). Fielded queries
    ("title:…"), quoted phrases and queries without Thai are left alone."""
    q = search_params.get("q")
    if isinstance(q, str) and _is_thai(q) and ":" not in q and '"' not in q:
        search_params["q"] = segment_thai_query(q)
    return search_params


# --- when the search server is down ---------------------------------------------


def search_unavailable(error: Any = None) -> Any:
    """The page shown instead of a 500 when Solr cannot be reached: what
    happened, in the user's language, and what still works (HTTP 503)."""
    log.error("The search server cannot be reached: %s", error)
    body = tk.render("utt1service/search_unavailable.html", {})
    return body, 503, {"Retry-After": "60"}


def _guarded(view: Any) -> Any:
    from werkzeug.exceptions import InternalServerError

    from ckan.lib.search.common import SolrConnectionError

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except InternalServerError as error:
            # CKAN's search view turns a lost Solr into abort(500)
            if isinstance(error.__context__, SolrConnectionError):
                return search_unavailable(error.__context__)
            raise

    return guarded


def guard_search_views(app: Any) -> None:
    """Wrap CKAN's dataset search view (of every dataset type) so that a
    search server that cannot be reached shows :func:`search_unavailable`.
    Other pages that need Solr raise ``SolrConnectionError`` themselves,
    which the plugin's error handler answers the same way."""
    for endpoint, view in list(app.view_functions.items()):
        # by name: CKAN loads its view modules from a path of their own
        if (getattr(view, "__module__", None), getattr(view, "__name__", None)) == (
            "ckan.views.dataset", "search"
        ):
            app.view_functions[endpoint] = _guarded(view)
