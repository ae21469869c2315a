# -*- coding: utf-8 -*-
"""Catalogue search: the facets of the search page and API, what goes into the
Solr index (repeating subfields flattened, years as integers, choice labels in
both languages), facet items labelled in the user's language, Thai queries
(words inside longer words, unfinished words, the education synonym list),
search-as-you-type suggestions and "did you mean".

The analysis itself (ICU word segmentation, the Thai character pairs, the
spellchecker and the suggester) is in the Solr configset
(``solr/configsets/ckan/conf``)."""
from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections import OrderedDict
from typing import Any, Optional

import requests

import ckan.plugins.toolkit as tk

from ckanext.utt1service.catalog import dataset_schema
from ckanext.utt1service.common.compat import solr_settings

__all__ = [
    "FACET_FIELDS",
    "YEAR_FIELDS",
    "dataset_facets",
    "organization_facets",
    "before_dataset_index",
    "after_dataset_search",
    "before_dataset_search",
    "thai_query",
    "normalize_query",
    "synonyms",
    "suggest",
    "did_you_mean",
    "Synonyms",
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


def _drop_portal_filled_text(pkg_dict: dict[str, Any]) -> None:
    """The GD Catalog values the portal filled in (``gd_auto``) repeat the
    education fields in other words (the office's name as the data source,
    "ระดับการศึกษา" as the disaggregation): kept as filters (``allow_harvest:True``,
    ``data_type:…``) but out of the searched text (``extras_*`` is copied
    there), so a word finds the datasets that say it, not every dataset."""
    import json

    raw = pkg_dict.pop("extras_gd_auto", None) or pkg_dict.get("gd_auto")
    pkg_dict.pop("gd_auto", None)
    try:
        auto = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        auto = {}
    for name in auto if isinstance(auto, dict) else ():
        pkg_dict.pop(f"extras_{name}", None)


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

    _drop_portal_filled_text(pkg_dict)

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
# Thai queries (issues 3 and 14).
#
# Thai is typed without spaces, so "ปีการศึกษา" reaches Solr as one "word"
# that the ICU analyzer of the "text" field cuts into several (ปี การ ศึกษา),
# and a word is cut differently inside a longer one ("ประจำปี" is ประจำ|ปี
# alone but ประจำ|ปีงบประมาณ inside "ประจำปีงบประมาณ"). A plain query with
# Thai in it (or a spelling from the education synonym list) is therefore
# rewritten for Solr's edismax parser, one clause per word the user typed:
#
#   ( ปีการศึกษา                          all its ICU pieces in one field
#                                          (title, or the catch-all text),
#                                          ranked as CKAN ranks words
#     OR title_thai:"ปีการศึกษา"^=8        or inside a longer word of the
#     OR text_thai:"ปีการศึกษา"^=1 )       title / anywhere: a phrase of
#                                          character pairs, with fixed scores
#
# and, where a spelling of the synonym list occurs, OR its other spellings
# ("O-NET" for "โอเน็ต"). The clauses are joined with OR, so that CKAN's
# minimum-match rule (``mm``: both of two words, all but one of three to
# five, 80 % of more) decides how many words must be found, as for English.
# Words are split where Thai meets Latin letters or digits ("ที่6" = "ที่ 6"),
# Thai digits are read as digits, and "พ.ศ." in front of a year is dropped
# (titles write the year with or without it). Queries with search syntax
# (fields, quotes, brackets, wildcards, AND/OR/NOT) and queries without Thai
# or a listed spelling are left to CKAN as typed.

#: the fixed scores of a match of a Thai word inside a longer one: in the
#: title above a match of the whole word anywhere else (title ^4 and the
#: catch-all text ^1 in CKAN's ``qf``), anywhere else lowest
RECALL_TITLE_SCORE = 8
RECALL_TEXT_SCORE = 1

#: the configset file of the education synonyms, read from Solr
SYNONYMS_FILE = "synonyms_education.txt"
#: how long a read of the synonym file is used (seconds)
SYNONYMS_TTL = 60

_THAI = re.compile("[\u0e00-\u0e7f]")
_THAI_LETTERS = re.compile("[\u0e01-\u0e4e]+")
# tone marks, mai taikhu and thanthakhat: left out of the recall fields
_MARKS = re.compile("[\u0e47-\u0e4c]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# "พ.ศ." / "พ.ศ" / "พศ." in front of a four-digit year
_BE = re.compile(r"(?<![\u0e01-\u0e4e])พ\.?\s*ศ\.?\s*(?=[0-9]{4}(?![0-9]))")
# a boundary between Thai and a Latin letter or a digit
_SCRIPT_CHANGE = re.compile(r"(?<=[\u0e01-\u0e4e])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u0e01-\u0e4e])")
# search syntax that the user means: such a query is left alone
_SYNTAX = re.compile(r'[:"()\[\]{}*?~^\\]|&&|\|\||(?:^|\s)(?:AND|OR|NOT)(?:\s|$)')
# characters the edismax parser would read as syntax inside a word
_ESCAPE = re.compile(r'([+\-!&|/])')

_SESSION = requests.Session()


def _is_thai(text: str) -> bool:
    return bool(_THAI.search(text))


def _auth() -> Optional[tuple[str, str]]:
    _url, user, password = solr_settings()
    return (user, password) if user and password else None


def _solr(path: str, params: dict[str, Any], timeout: Optional[float] = None) -> requests.Response:
    """A request to a handler of CKAN's Solr core (``/spell``,
    ``/suggest``, ``/admin/file``)."""
    response = _SESSION.get(
        solr_settings()[0].rstrip("/") + path,
        params=params,
        auth=_auth(),
        timeout=timeout or tk.config.get("solr_timeout") or 60,
    )
    response.raise_for_status()
    return response


# --- the synonym list ---------------------------------------------------------


def _key(text: str) -> str:
    """How spellings are compared: lower case, without spaces, dots,
    hyphens, tone marks and the like."""
    return "".join(c for c in _MARKS.sub("", text.lower()) if c.isalnum() or "\u0e01" <= c <= "\u0e4e")


def _split_rule(side: str) -> list[str]:
    parts = re.split(r"(?<!\\),", side)
    return [p.replace("\\,", ",").strip() for p in parts if p.strip()]


class Synonyms:
    """The education synonym list, in Solr's synonym file format: one
    meaning a line, spellings separated by commas (each finds the others),
    or ``a, b => c, d`` (a or b finds c or d); ``#`` starts a comment line.

    :meth:`spans` finds the spellings in a query as substrings, compared
    by :func:`_key` (so "ป. 6", "ป.6" and "ป6" are one spelling, and "O NET"
    is "O-NET"), longest first; a spelling that starts or ends with a Latin
    letter or digit must not run on into another one ("NT" is not found in
    "students", nor "ป.1" in "ป.12")."""

    def __init__(self, text: str) -> None:
        #: key → the spellings it finds (its own first)
        self.rules: dict[str, list[str]] = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=>" in line:
                left, right = line.split("=>", 1)
                sources, targets = _split_rule(left), _split_rule(right)
            else:
                sources = targets = _split_rule(line)
            for source in sources:
                key = _key(source)
                if not key:
                    continue
                found = self.rules.setdefault(key, [source])
                keys = {_key(f) for f in found}
                for target in targets:
                    if _key(target) and _key(target) not in keys:
                        found.append(target)
                        keys.add(_key(target))
        self._longest_first = sorted(self.rules, key=len, reverse=True)

    def spans(self, q: str) -> list[tuple[int, int, list[str]]]:
        """``(start, end, other spellings)`` of each spelling found in ``q``."""
        # the compared form of q, and where each of its characters is in q
        chars, where = [], []
        for i, c in enumerate(q):
            for k in _key(c):  # (one character, or none; "İ" lowers to two)
                chars.append(k)
                where.append(i)
        flat = "".join(chars)
        found, i = [], 0
        while i < len(flat):
            for key in self._longest_first:
                if not flat.startswith(key, i):
                    continue
                start, end = where[i], where[i + len(key) - 1] + 1
                while end < len(q) and not q[end].isspace() and not _key(q[end]):
                    end += 1  # a trailing dot or tone mark belongs to it
                if (start and _latin(q[start]) and _latin(q[start - 1])) or (
                    end < len(q) and _latin(q[end - 1]) and _latin(q[end])
                ):
                    continue
                alternatives = self.rules[key][1:]
                if alternatives:
                    found.append((start, end, alternatives))
                i += len(key)
                break
            else:
                i += 1
        return found


def _latin(c: str) -> bool:
    return c.isascii() and c.isalnum()


class _Configset:
    """What the Solr core's configset offers the query (read through Solr)."""

    def __init__(self, synonyms: Synonyms, recall: bool) -> None:
        self.synonyms = synonyms
        #: whether the core has the character-pair fields (a Solr still on
        #: an older configset has not: a query naming them would fail)
        self.recall = recall


@functools.lru_cache(maxsize=4)
def _configset_at(url: str, period: int) -> _Configset:
    # read once (or failed once) per period of SYNONYMS_TTL seconds
    try:
        recall = _SESSION.get(url.rstrip("/") + "/schema/fields/title_thai", params={"wt": "json"},
                              auth=_auth(), timeout=5).status_code == 200
        response = _solr("/admin/file", {"file": SYNONYMS_FILE, "contentType": "text/plain;charset=utf-8"},
                         timeout=5)
    except requests.RequestException as e:
        log.warning("The search configset (%s) could not be read from Solr: %s", SYNONYMS_FILE, e)
        return _Configset(Synonyms(""), recall=False)
    response.encoding = "utf-8"
    return _Configset(Synonyms(response.text), recall)


def _configset() -> _Configset:
    return _configset_at(solr_settings()[0], int(time.time() // SYNONYMS_TTL))


def synonyms() -> Synonyms:
    """The synonym list of the configset of CKAN's Solr core (Solr's file
    handler), read again after at most :data:`SYNONYMS_TTL` seconds, so an
    edited list is used without restarting CKAN; an empty list while Solr
    cannot give it."""
    return _configset().synonyms


# --- the query ------------------------------------------------------------------


def normalize_query(q: str) -> str:
    """Thai digits as digits, "พ.ศ." before a year dropped."""
    return _BE.sub(" ", q.translate(_THAI_DIGITS))


def _escape(word: str) -> str:
    return _ESCAPE.sub(r"\\\1", word)


def _recall(text: str) -> str:
    """The clauses that find Thai ``text`` inside longer words, or "" for
    text that is not only Thai letters (with dots or hyphens) of two
    characters or more."""
    if re.search("[A-Za-z0-9]", text) or not _configset().recall:
        return ""
    runs = [r for r in _THAI_LETTERS.findall(_MARKS.sub("", text)) if len(r) > 1]
    if not runs:
        return ""
    clauses = []
    for field, score in (("title_thai", RECALL_TITLE_SCORE), ("text_thai", RECALL_TEXT_SCORE)):
        phrases = " AND ".join(f'{field}:"{run}"' for run in runs)
        clauses.append(f"({phrases})^={score}" if len(runs) > 1 else f"{phrases}^={score}")
    return " OR ".join(clauses)


def _word(text: str, recall: bool = True) -> str:
    """The clause of one word (no spaces) of the user's query; with
    ``recall=False`` the word itself only (for a word to leave out)."""
    parts = [p for p in _SCRIPT_CHANGE.split(text) if p]
    clauses = []
    for part in parts:
        if not re.search(r"\w", part):
            continue  # punctuation only
        if len(re.findall(r"[^\W_]+", part)) > 1 and re.search("[A-Za-z0-9]", part):
            # "ป.6", "O-NET", "2566-2570": its pieces side by side, as CKAN
            # searches such a word
            clauses.append(f'"{part}"')
            continue
        inside = _recall(part) if recall and _is_thai(part) else ""
        clauses.append(f"({_escape(part)} OR {inside})" if inside else _escape(part))
    if len(clauses) == 1:
        return clauses[0]
    return "(" + " AND ".join(clauses) + ")" if clauses else ""


def _text(text: str, recall: bool = True) -> str:
    """The clause of a stretch of the query (one or more words, all needed)."""
    clauses = [c for c in (_word(w, recall) for w in text.split()) if c]
    if len(clauses) == 1:
        return clauses[0]
    return "(" + " AND ".join(clauses) + ")" if clauses else ""


def _spelling(text: str) -> str:
    """The clause of another spelling from the synonym list (a phrase)."""
    phrase = '"' + text.replace("\\", " ").replace('"', " ") + '"'
    recall = _recall(text) if _is_thai(text) else ""
    return f"({phrase} OR {recall})" if recall else phrase


def _unit(q: str, start: int, end: int, spans: list[tuple[int, int, list[str]]]) -> str:
    """The clause of the words of ``q[start:end]``, with the other spellings
    of each synonym found in it as alternatives."""
    if not spans:
        return _text(q[start:end])
    clauses, at = [], start
    for s, e, others in spans:
        if at < s:
            clauses.append(_text(q[at:s]))
        # the words as typed side by side, or another spelling
        alternatives = [_spelling(q[s:e])] + [_spelling(o) for o in others]
        clauses.append("(" + " OR ".join(a for a in alternatives if a) + ")")
        at = e
    if at < end:
        clauses.append(_text(q[at:end]))
    clauses = [c for c in clauses if c]
    return clauses[0] if len(clauses) == 1 else "(" + " AND ".join(clauses) + ")"


def thai_query(q: str) -> Optional[str]:
    """The edismax query for a plain query ``q`` (see above), or None when
    ``q`` is better left to CKAN as typed."""
    if not isinstance(q, str) or not q.strip() or _SYNTAX.search(q) or len(q) > 500:
        return None
    typed, q = q, normalize_query(q)
    spans = synonyms().spans(q) if q.strip() else []
    if not spans and not _is_thai(q) and q == typed:
        return None
    # the words, each (start, end, operator); a synonym that spans words
    # joins them into one clause
    words = [[m.start(), m.end()] for m in re.finditer(r"\S+", q)]
    for s, e, _others in spans:
        inside = [w for w in words if w[0] < e and s < w[1]]
        if len(inside) > 1:
            inside[0][1] = inside[-1][1]
            for w in inside[1:]:
                words.remove(w)
    clauses = []
    for start, end in words:
        operator = ""
        if q[start] in "+-":
            operator, start = q[start], start + 1
        if start >= end:
            continue
        inside = [sp for sp in spans if start <= sp[0] and sp[1] <= end]
        if operator == "-":
            clause = _text(q[start:end], recall=False)  # leave out the word itself only
        else:
            clause = _unit(q, start, end, inside)
        if clause:
            clauses.append(operator + clause)
    return " OR ".join(clauses) if clauses else None


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """A plain query with Thai (or a listed spelling) in it is rewritten for
    edismax (see above); the caller's own ``defType`` or ``qf`` is kept."""
    if search_params.get("defType") or search_params.get("qf"):
        return search_params
    query = thai_query(search_params.get("q"))
    if query:
        search_params["q"] = query
        search_params["defType"] = "edismax"
    return search_params


# --- search as you type, and "did you mean" ------------------------------------

#: at most this many titles are suggested
SUGGESTIONS = 8
#: what has been typed is cut to this many characters
SUGGEST_MAX_CHARS = 100


def _suggest_contexts(user_obj: Any) -> Optional[str]:
    """The suggester's filter for ``user_obj``: the permission labels that
    CKAN's own search uses for them (as the update chain of solrconfig.xml
    stores them), or None for a sysadmin, who sees everything."""
    from ckan import authz
    from ckan.lib import plugins as lib_plugins

    name = getattr(user_obj, "name", None)
    if name and authz.is_sysadmin(name):
        return None
    labels = lib_plugins.get_permission_labels().get_user_dataset_labels(user_obj)
    return " OR ".join(re.sub("[^A-Za-z0-9]", "_", label) for label in labels)


def suggest(typed: str, user_obj: Any) -> list[dict[str, str]]:
    """Up to :data:`SUGGESTIONS` titles of datasets that ``user_obj`` may
    see and that contain what has been ``typed`` so far, as
    ``{"title", "name", "url"}`` (Solr's suggester ``utt1_titles``, see
    solrconfig.xml): any part of a title, Thai or Latin, tone marks
    optional. Empty for fewer than two characters, or when Solr cannot be
    asked."""
    typed = " ".join(normalize_query(typed or "").split())[:SUGGEST_MAX_CHARS]
    if len(_key(typed)) < 2:
        return []
    params = {"suggest.q": typed, "suggest.count": SUGGESTIONS * 3, "wt": "json"}
    contexts = _suggest_contexts(user_obj)
    if contexts is not None:
        params["suggest.cfq"] = contexts
    try:
        answer = _solr("/suggest", params, timeout=5).json()
        found = next(iter(answer["suggest"]["utt1_titles"].values()))["suggestions"]
    except (requests.RequestException, ValueError, KeyError, StopIteration) as e:
        log.warning("No search suggestions (%s): %s", typed, e)
        return []
    suggestions: list[dict[str, str]] = []
    seen = set()
    ours = _names_of_this_site([item.get("payload") for item in found])
    for item in found:
        name, title = item.get("payload"), item.get("term")
        if not name or not title or name in seen or name not in ours:
            continue
        seen.add(name)
        suggestions.append({"title": title, "name": name, "url": tk.h.url_for("dataset.read", id=name)})
        if len(suggestions) == SUGGESTIONS:
            break
    return suggestions


_DATASET_NAME = re.compile(r"[a-z0-9_-]{1,100}")


def _names_of_this_site(names: list[Any]) -> set[str]:
    """Those of ``names`` that are datasets of this site. CKAN lets several
    sites share one Solr core (``ckan.site_id``), and the suggester keeps
    every title of the core: another site's must not be suggested."""
    wanted = sorted({n for n in names if isinstance(n, str) and _DATASET_NAME.fullmatch(n)})
    if not wanted:
        return set()
    params = {
        "q": "*:*",
        "fq": [f'site_id:"{tk.config.get("ckan.site_id")}"', "+entity_type:package",
               "name:(" + " OR ".join(f'"{n}"' for n in wanted) + ")"],
        "fl": "name", "rows": len(wanted), "wt": "json",
    }
    try:
        docs = _solr("/select", params, timeout=5).json()["response"]["docs"]
    except (requests.RequestException, ValueError, KeyError) as e:
        log.warning("Search suggestions left out: this site's datasets unknown: %s", e)
        return set()
    return {d.get("name") for d in docs}


def _visible_text(pkg: dict[str, Any]) -> str:
    """What a dataset's page shows of the words the spellchecker knows."""
    parts = [pkg.get("title") or "", pkg.get("notes") or ""]
    parts += [t.get("name") or "" for t in pkg.get("tags") or []]
    for name in LABELLED_FIELDS:
        if pkg.get(name):
            parts += dataset_schema.choice_labels_all_languages(name, _as_list(pkg[name]))
    return " ".join(parts)


def did_you_mean(q: str, context: dict[str, Any]) -> Optional[str]:
    """For a query that found nothing: the same query with its misspelt
    words replaced by the nearest words of titles, tags and category labels
    (Solr's spellchecker ``utt1_words``, see solrconfig.xml), if that finds
    datasets the user may see whose title, description, tags or category
    labels hold the new words; otherwise None. (The spellchecker knows
    every title, so a suggestion is shown only when the user can see where
    it comes from.)"""
    if not isinstance(q, str) or not q.strip() or _SYNTAX.search(q) or len(q) > 200:
        return None
    if any(ord(c) > 0xFFFF for c in q):
        return None  # Solr's offsets count UTF-16 units
    typed = normalize_query(q).strip()
    try:
        found = _solr("/spell", {"spellcheck.q": typed, "wt": "json"}, timeout=5).json()
        pairs = found["spellcheck"]["suggestions"]
        corrections = [(p["startOffset"], p["endOffset"], p["suggestion"]) for p in pairs[1::2]]
    except (requests.RequestException, ValueError, KeyError, TypeError) as e:
        log.warning("No spelling suggestion for %r: %s", typed, e)
        return None
    tried = set()
    for n in range(3):
        text, words = typed, []
        for start, end, options in sorted(corrections, reverse=True):
            word = options[min(n, len(options) - 1)]
            words.append(word)
            text = text[:start] + word + text[end:]
        if not words or text == typed or text in tried or _SYNTAX.search(text):
            continue
        tried.add(text)
        result = tk.get_action("package_search")(dict(context), {
            "q": text, "rows": 10, "facet": "false",
            # as the search page searches
            "include_private": tk.config.get("ckan.search.default_include_private"),
        })
        shown = [_key(_visible_text(d)) for d in result["results"]]
        if all(any(_key(w) in s for s in shown) for w in words):
            return text
    return None


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
