# -*- coding: utf-8 -*-
"""Validators of the educational-information dataset schema
(``schemas/dataset.yaml``): Thai tags, Buddhist Era years, the checks that
need more than one field (fiscal year against the periods of the resources,
first/last year of data, coverage, "other" program), and the GD Catalog
fields (pre-filled from the education fields, older English codes converted,
the "other" companions, classification against category, and what GD
Catalog requires of a dataset offered to it)."""
from __future__ import annotations

import datetime as dt
import json
import re
from itertools import count
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.utt1service.catalog import dataset_schema, gd
from ckanext.utt1service.common import thaidate

__all__ = [
    "utt1service_tag_name_validator",
    "utt1service_tag_string_convert",
    "utt1service_title_unique",
    "utt1service_be_year",
    "utt1service_int_output",
    "utt1service_dataset_consistency",
    "utt1service_gd_prefill",
    "utt1service_gd_legacy",
    "utt1service_gd_license",
    "utt1service_gd_consistency",
    "utt1service_longitude",
    "utt1service_latitude",
    "utt1service_short_text",
    "tag_name_validator",
]

#: GD Catalog's longest dataset URL name (thai_gdc's package_name_validator)
GD_NAME_MAX = 70

BE_YEAR_MIN = 2500
BE_YEAR_MAX = 2700
# A year in this range is a Gregorian (ค.ศ.) year whose Buddhist Era year
# would be valid: almost certainly typed in the wrong era.
GREGORIAN_MIN = BE_YEAR_MIN - thaidate.BE_OFFSET
GREGORIAN_MAX = BE_YEAR_MAX - thaidate.BE_OFFSET

#: GD Catalog's tag rule (thai_gdc's tag validator): the characters of the
#: Thai block (ก-๙: letters, vowel and tone marks, digits, ฯ ๆ ฿ ๏), letters,
#: digits and underscores of any script, spaces, hyphens and dots. CKAN's
#: own [\w -.] rejects the Thai vowel and tone marks (not "word" characters).
GD_TAG = re.compile(r"[ก-๙\w \-.]*")
MISSING = tk.missing


def utt1service_tag_name_validator(value: Any, context: Context) -> Any:
    """GD Catalog's tag rule (:data:`GD_TAG`): Thai words, letters, digits,
    spaces, hyphens, underscores, dots."""
    if not isinstance(value, str) or not GD_TAG.fullmatch(value):
        raise tk.Invalid(
            tk._(
                'Tag "{tag}" can only contain letters (Thai or English), digits, '
                'spaces, hyphens (-), underscores (_) and dots (.)'
            ).format(tag=value)
        )
    return value


# CKAN's default tags schema looks its tag validator up by this name, so the
# name is registered too: tags given as a list through the API ("tags":
# [{"name": "นักเรียน"}]) are checked by the same rules as the tag string.
tag_name_validator = utt1service_tag_name_validator


def utt1service_tag_string_convert(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Split the comma-separated tag string into ``tags`` (as CKAN's
    tag_string_convert does) and check each tag with the Thai-aware rules."""
    value = data[key]
    if isinstance(value, str):
        tags = [t.strip() for t in value.split(",") if t.strip()]
    else:
        tags = [t.strip() for t in value if t and t.strip()]
    start = max([int(k[1]) for k in data if len(k) == 3 and k[0] == "tags"] + [-1]) + 1
    for num, tag in zip(count(start), tags):
        data[("tags", num, "name")] = tag
    tag_length_validator = tk.get_validator("tag_length_validator")
    for tag in tags:
        try:
            tag_length_validator(tag, context)
            utt1service_tag_name_validator(tag, context)
        except tk.Invalid as e:
            errors[key].append(e.error)


def _title_key(title: str) -> str:
    """A title as compared for uniqueness: spaces collapsed, case ignored."""
    return " ".join(title.split()).lower()


def _title_sql(column: Any) -> Any:
    """:func:`_title_key` in SQL."""
    from sqlalchemy import func

    return func.lower(func.regexp_replace(func.btrim(column), r"\s+", " ", "g"))


def taken_titles(titles: Iterable[str]) -> dict[str, set[str]]:
    """Which of ``titles`` the catalogue's datasets already have, in one
    query: title key → the ids of the datasets that have it. Given to
    ``package_create``/``package_update`` as the context's
    ``utt1service_taken_titles``, :func:`utt1service_title_unique` reads it
    instead of asking the database for each dataset."""
    import ckan.model as model

    keys = sorted({_title_key(t) for t in titles if isinstance(t, str) and t.strip()})
    taken: dict[str, set[str]] = {key: set() for key in keys}
    for i in range(0, len(keys), 500):
        key = _title_sql(model.Package.title)
        for pkg_id, found in model.Session.query(model.Package.id, key).filter(
                model.Package.state == "active", model.Package.type == "dataset",
                key.in_(keys[i:i + 500])):
            taken[found].add(pkg_id)
    return taken


def utt1service_title_unique(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """No two datasets of the catalogue have the same title (GD Catalog and
    its users tell datasets apart by their titles). Spaces and letter case
    do not make a title different. Checked when a dataset is created or its
    title changes (older datasets that already share a title can still be
    edited; changing the title must end the clash)."""
    import ckan.model as model

    title = data.get(key)
    if not isinstance(title, str) or not title.strip():
        return
    wanted = _title_key(title)
    own = context.get("package")
    own_id = own.id if own is not None else data.get(("id",))
    if own is None and isinstance(own_id, str) and own_id:
        own = model.Package.get(own_id)
    if own is not None and _title_key(own.title or "") == wanted:
        return
    taken = context.get("utt1service_taken_titles")
    if taken is not None:
        # (a batch, e.g. an Excel import, looked the titles up at once)
        clash = bool(taken.get(wanted, set()) - {own.id if own is not None else None})
    else:
        query = model.Session.query(model.Package.id).filter(
            model.Package.state == "active",
            model.Package.type == "dataset",
            _title_sql(model.Package.title) == wanted,
        )
        if own is not None:
            query = query.filter(model.Package.id != own.id)
        clash = query.first() is not None
    if clash:
        errors[key].append(tk._(
            "Another dataset of the catalogue already has this title: "
            "give this dataset a title of its own"))


def _parse_year(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    # int() also reads Thai digits (๒๕๖๘)
    if text.isdigit():
        return int(text)
    return None


def utt1service_be_year(value: Any, context: Context) -> int:
    """A Buddhist Era year (พ.ศ.) between 2500 and 2700, as an integer.

    A Gregorian year typed by mistake (e.g. 2025) gets an error that says so
    and gives the Buddhist Era year.
    """
    year = _parse_year(value)
    if year is None:
        raise tk.Invalid(tk._("Enter the year as a number, e.g. 2568"))
    if GREGORIAN_MIN <= year <= GREGORIAN_MAX:
        raise tk.Invalid(
            tk._(
                "{year} looks like a Gregorian (ค.ศ.) year. Enter the Buddhist "
                "Era (พ.ศ.) year: {be_year}"
            ).format(year=year, be_year=thaidate.be_year(year))
        )
    if not BE_YEAR_MIN <= year <= BE_YEAR_MAX:
        raise tk.Invalid(
            tk._("Enter a Buddhist Era (พ.ศ.) year between {low} and {high}").format(
                low=BE_YEAR_MIN, high=BE_YEAR_MAX
            )
        )
    return year


#: the longest text of GD's short free-text fields (positional accuracy,
#: reference period, "other" scale)
SHORT_TEXT_MAX = 200
_DEGREES = re.compile(r"[+-]?(\d{1,3}(\.\d{1,10})?|\.\d{1,10})")


def _degrees(value: Any, limit: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise tk.Invalid(tk._("Enter decimal degrees, e.g. 99.0236"))
    text = str(value).strip().replace("\u2212", "-")
    if not _DEGREES.fullmatch(text):
        raise tk.Invalid(tk._("Enter decimal degrees, e.g. 99.0236"))
    number = float(text)
    if not -limit <= number <= limit:
        raise tk.Invalid(tk._("Enter a number of degrees between -{limit} and {limit}")
                         .format(limit=limit))
    return text


def utt1service_longitude(value: Any, context: Context) -> Any:
    """A longitude in decimal degrees (−180 … 180), kept as the text typed
    (GD Catalog keeps its bounding box as text)."""
    if value is MISSING or value is None or value == "":
        return value
    return _degrees(value, 180)


def utt1service_latitude(value: Any, context: Context) -> Any:
    """A latitude in decimal degrees (−90 … 90), kept as the text typed.
    (thai_gdc names the north and south bounds ``…_longitude``; they are
    latitudes.)"""
    if value is MISSING or value is None or value == "":
        return value
    return _degrees(value, 90)


def utt1service_short_text(value: Any, context: Context) -> Any:
    """A short free text on one line (at most :data:`SHORT_TEXT_MAX`
    characters)."""
    if value is MISSING or value is None:
        return value
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Enter text"))
    text = " ".join(value.split())
    if len(text) > SHORT_TEXT_MAX:
        raise tk.Invalid(tk._("At most {max} characters").format(max=SHORT_TEXT_MAX))
    return text


def utt1service_int_output(value: Any) -> Any:
    """Years come back from the database as text: show them as integers."""
    year = _parse_year(value)
    return value if year is None else year


def _date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _value(data: FlattenDataDict, key: FlattenKey) -> Any:
    value = data.get(key, MISSING)
    return None if value is MISSING or value == "" else value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")  # (compares false: no error)


def _add_error(errors: FlattenErrorDict, key: FlattenKey, message: str) -> None:
    errors.setdefault(key, [])
    if message not in errors[key]:
        errors[key].append(message)


def _check_years(data: FlattenDataDict, errors: FlattenErrorDict) -> None:
    first = _parse_year(_value(data, ("first_year_of_data",)) or "")
    last = _parse_year(_value(data, ("last_year_of_data",)) or "")
    if first and last and last < first and not errors.get(("last_year_of_data",)):
        _add_error(
            errors,
            ("last_year_of_data",),
            tk._("The last year of data ({last}) is before the first year ({first})").format(
                last=last, first=first
            ),
        )


def _check_periods(data: FlattenDataDict, errors: FlattenErrorDict) -> None:
    lang = dataset_schema.current_lang()
    fiscal_year = _parse_year(_value(data, ("fiscal_year",)) or "")
    if errors.get(("fiscal_year",)):
        fiscal_year = None
    bounds = None
    if fiscal_year:
        start, end = thaidate.fiscal_year_bounds(fiscal_year)
        bounds = (start.date(), end.date() - dt.timedelta(days=1))
    indexes = sorted({k[1] for k in data if len(k) == 3 and k[0] == "resources"})
    for i in indexes:
        start_key, end_key = ("resources", i, "period_start"), ("resources", i, "period_end")
        start = _date(_value(data, start_key))
        end = _date(_value(data, end_key))
        if start and end and end < start:
            _add_error(errors, end_key, tk._("The end of the period is before its start"))
            continue
        if not bounds:
            continue
        for key, day in ((start_key, start), (end_key, end)):
            if day and not bounds[0] <= day <= bounds[1]:
                message = tk._(
                    "{date} is outside fiscal year {fiscal_year} ({first} – {last})"
                ).format(
                    date=thaidate.format_date(day, lang),
                    fiscal_year=fiscal_year,
                    first=thaidate.format_date(bounds[0], lang),
                    last=thaidate.format_date(bounds[1], lang),
                )
                _add_error(errors, key, message)
                _add_error(
                    errors,
                    ("fiscal_year",),
                    tk._(
                        "Fiscal year {fiscal_year} does not match the period "
                        "covered by resource {number}"
                    ).format(fiscal_year=fiscal_year, number=i + 1),
                )


def _choices(data: FlattenDataDict, key: FlattenKey) -> list[str]:
    value = _value(data, key)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        value = parsed if isinstance(parsed, list) else [value]
    elif value is not None and not isinstance(value, (list, tuple)):
        value = [value]
    return [v for v in (value or []) if v not in (None, "")]


def _check_coverage(data: FlattenDataDict, errors: FlattenErrorDict) -> None:
    coverage = _choices(data, ("coverage",))
    if "service-area" in coverage and len(coverage) > 1:
        _add_error(
            errors,
            ("coverage",),
            tk._("Choose either the whole service area or some districts, not both"),
        )


def _check_program(data: FlattenDataDict, errors: FlattenErrorDict) -> None:
    if _value(data, ("source_program",)) == "other" and not _value(
        data, ("source_program_other",)
    ):
        _add_error(
            errors, ("source_program_other",), tk._('Name the program when you choose "Other"')
        )


def utt1service_dataset_consistency(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Checks across fields, run after the field validators (the schema's
    ``after_validators``): first year ≤ last year of data; each resource's
    period inside the fiscal year and not ending before it starts; coverage
    either the whole area or districts; a name for an "other" program."""
    _check_years(data, errors)
    _check_periods(data, errors)
    _check_coverage(data, errors)
    _check_program(data, errors)


# ------------------------------------------------------------- GD Catalog


def _dataset_view(data: FlattenDataDict) -> dict[str, Any]:
    """The flattened data as a dataset dict, enough for :func:`gd.derive`:
    the top-level fields, ``resources`` and ``contacts`` as lists of dicts."""
    pkg: dict[str, Any] = {}
    nested: dict[str, dict[Any, dict[str, Any]]] = {"resources": {}, "contacts": {}}
    for key, value in data.items():
        if value is MISSING:
            continue
        if len(key) == 1:
            pkg[key[0]] = value
        elif len(key) == 3 and key[0] in nested:
            nested[key[0]].setdefault(key[1], {})[key[2]] = value
    for name, items in nested.items():
        if items:
            pkg[name] = [items[i] for i in sorted(items)]
    return pkg


def _stored_auto(data: FlattenDataDict, context: Context) -> dict[str, str]:
    """What the portal filled in last time: the posted ``gd_auto`` or, when a
    form left it out, the stored one."""
    raw = data.get(("gd_auto",), MISSING)
    if raw is MISSING or raw is None:
        package = context.get("package")
        raw = (package.extras or {}).get("gd_auto") if package is not None else None
    try:
        auto = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return {str(k): str(v) for k, v in auto.items()} if isinstance(auto, dict) else {}


def utt1service_gd_prefill(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Before the fields are checked (the schema's ``before_validators``):
    fill in the GD Catalog fields that are empty, or that still hold what
    the portal filled in, from the education fields (``gd.prefill``); the
    field validators then check them like typed values. GD's resource-level
    fields that a client sends back are dropped: they are derived when the
    dataset is shown, never stored (``gd.add_resource_fields``)."""
    derived = set(gd.RESOURCE_FIELDS)
    for flat_key in [k for k in data if len(k) == 3 and k[0] == "resources"]:
        if flat_key[2] in derived:
            del data[flat_key]
        elif flat_key[2] == "__extras" and isinstance(data[flat_key], dict):
            # (keys the resource schema does not know wait there)
            for name in derived & set(data[flat_key]):
                del data[flat_key][name]
    pkg = _dataset_view(data)
    values, auto = gd.prefill(pkg, _stored_auto(data, context))
    for name, value in values.items():
        data[(name,)] = value
    data[("gd_auto",)] = json.dumps(auto, ensure_ascii=False, sort_keys=True)


def utt1service_gd_legacy(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """The English codes that older datasets stored under GD's names
    (``public``, ``th``, ``yes``) become GD's values (``ข้อมูลสาธารณะ``,
    ``ไทย``, ``True``), so a dataset saved again, or an old API client,
    keeps working."""
    name = field["field_name"]

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = data.get(key, MISSING)
        if value is not MISSING and value is not None:
            data[key] = gd.legacy_value(name, value)

    return validator


utt1service_gd_legacy.is_a_scheming_validator = True  # type: ignore[attr-defined]


def utt1service_gd_license(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """A licence of GD Catalog's list (the portal's licence register); the
    licence ids of older datasets (``cc-by``, ``other-closed``) become GD's
    licence or "อื่นๆ" with the old licence's name."""
    import ckan.model as model

    value = data.get(key, MISSING)
    if gd.is_empty(value):
        return
    if not isinstance(value, str):
        errors[key].append(tk._("Choose a licence from the list"))
        return
    licence, other = gd.legacy_license(value)
    if licence != value:
        data[key] = licence
        if other and gd.is_empty(data.get(("license_id_other",))):
            data[("license_id_other",)] = other
    if model.Package.get_license_register().get(licence) is None:
        errors[key].append(tk._("Choose a licence from the list"))


def _label(name: str) -> str:
    f = dataset_schema.field(name)
    label = f.get("label") if f else name
    if isinstance(label, dict):
        return label.get(dataset_schema.current_lang()) or label.get("th") or name
    return str(label)


def _has_tags(data: FlattenDataDict) -> bool:
    return any(
        len(k) == 3 and k[0] == "tags" and k[2] == "name" and v not in (MISSING, None, "")
        for k, v in data.items()
    )


def utt1service_gd_consistency(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """GD Catalog's rules across fields, after the field validators: "อื่นๆ"
    needs its text; the data classification must go with the category; a
    dataset offered to GD Catalog (allow_harvest = True) needs every field
    GD Catalog requires, and a URL name of at most 70 characters."""
    for name, asking in gd.OTHER_VALUE.items():
        other_key = (f"{name}_other",)
        if asking in _choices(data, (name,)) and not _value(data, other_key):
            _add_error(errors, other_key, tk._('Say what "{other}" is').format(other=asking))

    category = _value(data, ("data_category",))
    classification = _value(data, ("data_classification",))
    allowed = gd.CLASSIFICATIONS.get(category, ())
    if category and classification and allowed and classification not in allowed:
        _add_error(
            errors,
            ("data_classification",),
            tk._("{category} is classified as: {allowed}").format(
                category=category, allowed=", ".join(allowed)
            ),
        )

    for low, high, message in (
        ("west_bound_longitude", "east_bound_longitude",
         tk._("The west bound must not be east of the east bound")),
        ("south_bound_longitude", "north_bound_longitude",
         tk._("The south bound must not be north of the north bound")),
    ):
        low_value, high_value = _value(data, (low,)), _value(data, (high,))
        if (isinstance(low_value, str) and isinstance(high_value, str) and low_value
                and high_value and not errors.get((low,)) and not errors.get((high,))
                and _float(low_value) > _float(high_value)):
            _add_error(errors, (low,), message)

    if _value(data, ("allow_harvest",)) != gd.TRUE:
        return
    required = tk._("Required when the dataset is offered to GD Catalog")
    for name in gd.REQUIRED:
        present = _has_tags(data) if name == "tag_string" else bool(_choices(data, (name,)))
        if not present and not errors.get((name,)):
            _add_error(errors, (name,), required)
    name = _value(data, ("name",))
    if isinstance(name, str) and len(name) > GD_NAME_MAX:
        _add_error(
            errors,
            ("name",),
            tk._("GD Catalog takes URL names of at most {max} characters").format(max=GD_NAME_MAX),
        )
