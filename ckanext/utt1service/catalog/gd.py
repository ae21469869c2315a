# -*- coding: utf-8 -*-
"""The Thai Government Data Catalog (GD Catalog) side of the dataset schema.

GD Catalog harvests agency catalogues that run the ``thai_gdc`` CKAN
extension and copies their datasets' fields by name, so the schema carries
thai_gdc's own field names and values (matched: thai_gdc 2.2.4, its
``ckan_dataset.json``; README "GD Catalog, DCAT and Excel"). The values of
GD's choice fields are the Thai texts themselves (``ข้อมูลสถิติ``, ``ปี``).

Staff should not type twice what an education field already says: the
GD fields are filled in from the education fields (:func:`derive`) when
they are empty, and kept in step with them until someone changes them by
hand (:func:`prefill`, the schema's ``before_validators``). ``gd_auto``, a
hidden field, remembers what the portal filled in: a GD field whose value is
still what the portal put there follows the education fields; a value a
person typed is theirs and stays.
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
from typing import Any, Callable, Iterator, Optional

import ckan.plugins.toolkit as tk

from ckanext.utt1service.catalog import dataset_schema
from ckanext.utt1service.common.i18n import N_

__all__ = [
    "GD_VERSION",
    "TRUE",
    "FALSE",
    "OTHER",
    "GD_FIELDS",
    "REQUIRED",
    "OTHER_VALUE",
    "CLASSIFICATIONS",
    "LEGACY",
    "LEGACY_LICENSES",
    "RESTRICTED_CONDITION",
    "OPEN_CONDITION",
    "licenses_file",
    "legacy_value",
    "legacy_license",
    "derive",
    "prefill",
    "normal",
    "is_empty",
    "status",
    "STATUS_TEXT",
    "rows",
    "shown_for",
    "group_name",
    "sync_group",
]

#: the thai_gdc release whose schema this one matches
GD_VERSION = "2.2.4"

TRUE, FALSE = "True", "False"
OTHER = "อื่นๆ"
UNKNOWN = "ไม่ทราบ"
NONE = "ไม่มี"
STATISTICAL = "ข้อมูลสถิติ"
RECORD = "ข้อมูลระเบียน"
GEOSPATIAL = "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"

#: the GD Catalog fields of the schema, in the order the dataset page shows
#: them (their ``_other`` companions are shown with them)
GD_FIELDS = [
    "allow_harvest",
    "data_type",
    "objective",
    "maintainer",
    "maintainer_email",
    "data_source",
    "update_frequency_unit",
    "update_frequency_interval",
    "geo_coverage",
    "data_format",
    "data_category",
    "data_classification",
    "license_id",
    "accessible_condition",
    "data_support",
    "data_collect",
    "data_language",
    "first_year_of_data",
    "last_year_of_data",
    "disaggregate",
    "unit_of_measure",
    "unit_of_multiplier",
    "calculation_method",
    "standard",
    "official_statistics",
    "high_value_dataset",
    "reference_data",
    "data_release_calendar",
    "geographic_data_set",
    "equivalent_scale",
    "west_bound_longitude",
    "east_bound_longitude",
    "north_bound_longitude",
    "south_bound_longitude",
    "positional_accuracy",
    "reference_period",
    "data_release_date",
]

#: what GD Catalog requires of a dataset (thai_gdc 2.2.4 ``required: true``);
#: required here when the dataset is offered (``allow_harvest`` = True)
REQUIRED = [
    "data_type",
    "title",
    "notes",
    "tag_string",
    "maintainer",
    "maintainer_email",
    "objective",
    "update_frequency_unit",
    "geo_coverage",
    "data_source",
    "data_format",
    "data_category",
    "license_id",
]

#: fields with an ``_other`` companion, and the value that asks for it
OTHER_VALUE = {
    "data_type": "ข้อมูลประเภทอื่นๆ",
    "objective": OTHER,
    "update_frequency_unit": OTHER,
    "geo_coverage": OTHER,
    "data_format": OTHER,
    "data_support": OTHER,
    "data_collect": OTHER,
    "data_language": OTHER,
    "disaggregate": OTHER,
    "unit_of_multiplier": OTHER,
    "equivalent_scale": OTHER,
    "license_id": OTHER,
}

#: data_category → the data_classification values it allows (thai_gdc's form)
CLASSIFICATIONS = {
    "ข้อมูลสาธารณะ": ("เปิดเผย",),
    "ข้อมูลใช้ภายใน": ("ชั้นเผยแพร่ภายในองค์กร",),
    "ข้อมูลส่วนบุคคล": ("ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก"),
    "ข้อมูลความมั่นคง": ("ลับ", "ลับมาก", "ลับที่สุด"),
    "ข้อมูลความลับทางราชการ": ("ลับ", "ลับมาก", "ลับที่สุด"),
}

#: the English codes older datasets (before issue 16) stored under GD's names
LEGACY = {
    "data_category": {
        "public": "ข้อมูลสาธารณะ",
        "internal": "ข้อมูลใช้ภายใน",
        "personal": "ข้อมูลส่วนบุคคล",
        "security": "ข้อมูลความมั่นคง",
        "secret": "ข้อมูลความลับทางราชการ",
    },
    "data_language": {"th": "ไทย", "en": "อังกฤษ", "other": OTHER},
    "official_statistics": {"yes": TRUE, "no": FALSE},
    "high_value_dataset": {"yes": TRUE, "no": FALSE},
    "reference_data": {"yes": TRUE, "no": FALSE},
    "allow_harvest": {"yes": TRUE, "no": FALSE, "true": TRUE, "false": FALSE},
}

#: CKAN's own licence ids → GD Catalog's licence and, for "other", its text
LEGACY_LICENSES = {
    "cc-by": ("Creative Commons Attributions", ""),
    "cc-by-sa": ("Creative Commons Attribution Share-Alike", ""),
    "cc-nc": ("Creative Commons Attribution Non-Commercial", ""),
    "notspecified": (OTHER, "License not specified"),
    "odc-pddl": (OTHER, "Open Data Commons Public Domain Dedication and License (PDDL)"),
    "odc-odbl": (OTHER, "Open Data Commons Open Database License (ODbL)"),
    "odc-by": (OTHER, "Open Data Commons Attribution License"),
    "cc-zero": (OTHER, "Creative Commons CCZero"),
    "gfdl": (OTHER, "GNU Free Documentation License"),
    "other-open": (OTHER, "Other (Open)"),
    "other-pd": (OTHER, "Other (Public Domain)"),
    "other-at": (OTHER, "Other (Attribution)"),
    "uk-ogl": (OTHER, "UK Open Government Licence (OGL)"),
    "other-nc": (OTHER, "Other (Non-Commercial)"),
    "other-closed": (OTHER, "Other (Not Open)"),
}

#: accessible_condition the portal fills in
OPEN_CONDITION = "ไม่มีการจำกัดการเข้าถึงข้อมูล"
RESTRICTED_CONDITION = (
    "ไฟล์ที่จำกัดสิทธิ์ต้องยื่นคำขอใช้ข้อมูลและได้รับอนุมัติก่อน "
    "คำอธิบายชุดข้อมูลและไฟล์อื่นเปิดเผยได้"
)

# update_frequency → unit, interval, unit_other ("every N units": interval 1
# with the finest unit, so both readings of GD's interval agree)
_FREQUENCY = {
    "per-term": ("ครึ่งปี", "1", ""),
    "yearly": ("ปี", "1", ""),
    "quarterly": ("ไตรมาส", "1", ""),
    "monthly": ("เดือน", "1", ""),
    "irregular": (OTHER, "", "ไม่แน่นอน"),
    "never": ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", "", ""),
}
# a collection round says the update frequency when update_frequency does not
_ROUND_FREQUENCY = {
    "10-jun": "per-term",
    "10-nov": "per-term",
    "year-end": "yearly",
    "fiscal-year-end": "yearly",
}
# data-collection program → data_support, data_collect (+ its "other" text)
_PROGRAM = {
    "dmc": ("หน่วยงานของรัฐ", "บุคคล", ""),
    "national-tests": ("หน่วยงานของรัฐ", "บุคคล", ""),
    "b-obec": ("หน่วยงานของรัฐ", "อาคาร/สิ่งปลูกสร้าง", ""),
    "m-obec": ("หน่วยงานของรัฐ", OTHER, "ครุภัณฑ์"),
    "emis": ("หน่วยงานของรัฐ", OTHER, "สถานศึกษา"),
    "school-reports": ("สถาบันการศึกษา", OTHER, "สถานศึกษา"),
}
# topic category → data_collect (+ "other" text), when the program does not say
_TOPIC_COLLECT = {
    "students": ("บุคคล", ""),
    "teachers": ("บุคคล", ""),
    "achievement": ("บุคคล", ""),
    "schools": (OTHER, "สถานศึกษา"),
    "budget": (OTHER, "สถานศึกษา"),
    "buildings": ("อาคาร/สิ่งปลูกสร้าง", ""),
}
# resource format → GD's data_format
_FORMATS = {
    "CSV": "CSV", "TSV": "CSV",
    "XLS": "XLS", "XLSX": "XLS", "ODS": "XLS",
    "JSON": "JSON", "GEOJSON": "JSON",
    "XML": "XML",
    "HTML": "HTML", "HTM": "HTML",
    "PDF": "PDF",
    "DOC": "DOC/DOCX", "DOCX": "DOC/DOCX", "ODT": "DOC/DOCX",
    "TXT": "Text", "TEXT": "Text",
    "JPG": "Image", "JPEG": "Image", "PNG": "Image", "GIF": "Image", "SVG": "Image",
    "MP4": "Video", "AVI": "Video", "MOV": "Video",
    "MP3": "Audio", "WAV": "Audio",
    "RDF": "RDF", "TTL": "RDF", "JSON-LD": "RDF", "JSONLD": "RDF",
    "SHP": "Shapefile", "SHAPEFILE": "Shapefile",
    "TIF": "GeoTiff", "TIFF": "GeoTiff", "GEOTIFF": "GeoTiff",
    "GML": "GML",
    "API": "Database", "SQL": "Database",
}
_DISTRICTS_AREA = "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"
# the Buddhist Era years the schema takes (validators.BE_YEAR_MIN/MAX)
_BE_YEARS = (2500, 2700)
_EDUCATION_LEVEL = "ระดับการศึกษา"

#: GD's display rule: fields shown only for some data types (others: all)
_SHOWN_FOR = {
    "data_support": {RECORD, "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"},
    "data_collect": {RECORD, "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"},
    "high_value_dataset": {RECORD, "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"},
    "reference_data": {RECORD, "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"},
    "first_year_of_data": {STATISTICAL},
    "last_year_of_data": {STATISTICAL},
    "disaggregate": {STATISTICAL},
    "unit_of_measure": {STATISTICAL},
    "unit_of_multiplier": {STATISTICAL},
    "calculation_method": {STATISTICAL},
    "standard": {STATISTICAL},
    "official_statistics": {STATISTICAL},
    "data_release_calendar": {STATISTICAL, GEOSPATIAL},
    "geographic_data_set": {GEOSPATIAL},
    "equivalent_scale": {GEOSPATIAL},
    "west_bound_longitude": {GEOSPATIAL},
    "east_bound_longitude": {GEOSPATIAL},
    "north_bound_longitude": {GEOSPATIAL},
    "south_bound_longitude": {GEOSPATIAL},
    "positional_accuracy": {GEOSPATIAL},
    "reference_period": {GEOSPATIAL},
    "data_release_date": {GEOSPATIAL},
}
#: GD's date fields (shown as Thai dates)
DATE_FIELDS = ("data_release_calendar", "data_release_date")


def licenses_file() -> str:
    """GD Catalog's licence list, the portal's licence register."""
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "schemas", "gd_licenses.json")


def legacy_value(field_name: str, value: Any) -> Any:
    """An older dataset's English code under a GD name, as GD's value
    (lists item by item); anything else unchanged."""
    table = LEGACY.get(field_name)
    if not table:
        return value
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return [table.get(v, v) if isinstance(v, str) else v for v in value]
    if isinstance(value, str):
        return table.get(value, table.get(value.strip().lower(), value))
    return value


def legacy_license(value: Any) -> tuple[Any, str]:
    """A CKAN licence id as GD's licence (and the text of "other")."""
    if isinstance(value, str) and value in LEGACY_LICENSES:
        return LEGACY_LICENSES[value]
    return value, ""


# ----------------------------------------------------------------- helpers


def is_empty(value: Any) -> bool:
    return value is None or value is tk.missing or value == "" or value == [] or value == "[]"


def normal(value: Any) -> str:
    """One text per value, to compare what the portal filled in with what
    came back (a list may come back as its JSON text, a year as a number)."""
    if is_empty(value):
        return ""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, (list, tuple)):
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    return str(value).strip()


def _list(value: Any) -> list[Any]:
    if is_empty(value):
        return []
    if isinstance(value, str):
        if value.startswith("["):
            try:
                return list(json.loads(value))
            except ValueError:
                pass
        return [value]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _year(value: Any) -> Optional[int]:
    if isinstance(value, bool) or is_empty(value):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _format_of(resource: dict[str, Any]) -> str:
    fmt = str(resource.get("format") or "").strip().upper().lstrip(".")
    if not fmt:
        for key in ("url", "name"):
            path = str(resource.get(key) or "").split("?")[0]
            if "." in path.rsplit("/", 1)[-1]:
                fmt = path.rsplit(".", 1)[-1].upper()
                break
    return fmt


def _data_format(resources: list[dict[str, Any]]) -> tuple[list[str], str]:
    found: list[str] = []
    others: list[str] = []
    for res in resources:
        fmt = _format_of(res)
        if not fmt:
            continue
        gd = _FORMATS.get(fmt)
        if gd:
            if gd not in found:
                found.append(gd)
        elif fmt not in others:
            others.append(fmt)
    if others:
        found.append(OTHER)
    return (found or [UNKNOWN]), ", ".join(others)


#: while this thread saves many datasets at once (:func:`batch`), what is
#: looked up once for all of them
_batch = threading.local()


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Within: the organizations' titles and the GD group are looked up once
    for all the datasets this thread derives and saves (an Excel import),
    not once per dataset."""
    _batch.cache = {}
    try:
        yield
    finally:
        _batch.cache = None


def _once(key: str, compute: Callable[[], Any]) -> Any:
    cache = getattr(_batch, "cache", None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _organization_title(owner_org: Any) -> str:
    if is_empty(owner_org):
        return ""
    import ckan.model as model

    def title() -> str:
        group = model.Group.get(str(owner_org))
        return (group.title or group.name) if group else ""

    return _once(f"org-title:{owner_org}", title)


# ----------------------------------------------------------------- derive


def derive(pkg: dict[str, Any]) -> dict[str, Any]:
    """The GD fields as the education fields of ``pkg`` say them.

    ``pkg`` is a dataset dict (``resources`` and ``contacts`` as lists of
    dicts). A field the education fields say nothing about is left out, or
    given GD's neutral value (``ไม่ทราบ``, ``ไม่มี``, ``False``).
    """
    d: dict[str, Any] = {
        "allow_harvest": FALSE,
        "data_type": STATISTICAL,
        "objective": ["พันธกิจหน่วยงาน"],
        "official_statistics": FALSE,
        "high_value_dataset": FALSE,
        "reference_data": FALSE,
        "data_language": ["ไทย"],
        "unit_of_multiplier": "หน่วย",
    }

    unit = _organization_title(pkg.get("owner_org"))
    if unit:
        d["maintainer"] = unit
    contacts = [c for c in _list(pkg.get("contacts")) if isinstance(c, dict)]
    email = next((str(c["email"]).strip() for c in contacts if c.get("email")), "")
    email = email or (tk.config.get("ckanext.utt1service.gd_contact_email") or "")
    if email:
        d["maintainer_email"] = email

    program = pkg.get("source_program")
    if program == "other" and not is_empty(pkg.get("source_program_other")):
        d["data_source"] = str(pkg["source_program_other"])
    elif not is_empty(program) and program != "other":
        d["data_source"] = dataset_schema.choice_label("source_program", program, "th")
    else:
        d["data_source"] = tk.config.get("ckanext.utt1service.office_name") or ""

    frequency = pkg.get("update_frequency")
    if is_empty(frequency):
        frequency = _ROUND_FREQUENCY.get(pkg.get("collection_round"))
    if frequency in _FREQUENCY:
        unit_value, interval, other = _FREQUENCY[frequency]
    else:
        unit_value, interval, other = UNKNOWN, "", ""
    d.update(update_frequency_unit=unit_value, update_frequency_interval=interval,
             update_frequency_unit_other=other)

    coverage = [str(c) for c in _list(pkg.get("coverage"))]
    if "service-area" in coverage:
        office = tk.config.get("ckanext.utt1service.office_name") or ""
        d.update(geo_coverage=OTHER, geo_coverage_other=f"เขตพื้นที่การศึกษา: {office}".strip())
    elif coverage:
        d.update(geo_coverage="อำเภอ", geo_coverage_other="")
    else:
        d.update(geo_coverage=UNKNOWN, geo_coverage_other="")

    resources = [r for r in _list(pkg.get("resources")) if isinstance(r, dict)]
    formats, other_formats = _data_format(resources)
    d.update(data_format=formats, data_format_other=other_formats)

    category = legacy_value("data_category", pkg.get("data_category"))
    if is_empty(category):
        category = "ข้อมูลสาธารณะ"
    d["data_category"] = category
    allowed = CLASSIFICATIONS.get(category, ())
    if len(allowed) == 1:
        d["data_classification"] = allowed[0]

    if any(r.get("access_level") == "restricted" for r in resources):
        d["accessible_condition"] = RESTRICTED_CONDITION
    elif category == "ข้อมูลสาธารณะ":
        d["accessible_condition"] = OPEN_CONDITION

    support, collect, collect_other = _PROGRAM.get(program, (NONE, "", ""))
    if not collect:
        collect, collect_other = _TOPIC_COLLECT.get(pkg.get("topic_category"), (UNKNOWN, ""))
    d.update(data_support=support, data_support_other="", data_collect=collect,
             data_collect_other=collect_other)

    # a year the schema refuses (a Gregorian one) is not copied: one error
    year = next((y for y in (_year(pkg.get("academic_year")), _year(pkg.get("fiscal_year")))
                 if y and _BE_YEARS[0] <= y <= _BE_YEARS[1]), None)
    if year:
        d["first_year_of_data"] = year
        d["last_year_of_data"] = year

    breakdown = []
    if len(_list(pkg.get("education_level"))) > 1:
        breakdown.append(_EDUCATION_LEVEL)
    if coverage and "service-area" not in coverage:
        breakdown.append(_DISTRICTS_AREA)
    d["disaggregate"] = breakdown or [NONE]
    return d


def prefill(pkg: dict[str, Any], auto: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """What to set in ``pkg``: each GD field that is empty, or still holds
    what the portal filled in last time (``auto``), gets the derived value;
    a value someone typed stays. Returns (the values to set, the new
    ``auto``)."""
    derived = derive(pkg)
    # a year typed by hand bounds the other one (first ≤ last)
    first_typed = not _follows(pkg, auto, "first_year_of_data")
    last_typed = not _follows(pkg, auto, "last_year_of_data")
    if "first_year_of_data" in derived and last_typed and _year(pkg.get("last_year_of_data")):
        derived["first_year_of_data"] = min(derived["first_year_of_data"], _year(pkg["last_year_of_data"]))
    if "last_year_of_data" in derived and first_typed and _year(pkg.get("first_year_of_data")):
        derived["last_year_of_data"] = max(derived["last_year_of_data"], _year(pkg["first_year_of_data"]))
    values: dict[str, Any] = {}
    new_auto: dict[str, str] = {}
    for name, value in derived.items():
        if _follows(pkg, auto, name):
            if normal(value) != normal(pkg.get(name)):
                values[name] = value
            if normal(value):
                new_auto[name] = normal(value)
    return values, new_auto


def _follows(pkg: dict[str, Any], auto: dict[str, str], name: str) -> bool:
    current = pkg.get(name)
    return is_empty(current) or normal(current) == auto.get(name)


# ----------------------------------------------------------------- the page

STATUS_TEXT = {
    "offered": N_("Offered to GD Catalog: its harvester takes this dataset's description "
                  "(restricted files are described, never handed over)."),
    "private": N_("Consent is given, but the dataset is private: GD Catalog's harvester "
                  "cannot see it until it is public."),
    "no_consent": N_("Not offered to GD Catalog: the agency has not given its consent."),
    "inactive": N_("Not offered to GD Catalog: the dataset is not published."),
}


def status(pkg: dict[str, Any]) -> str:
    """``offered``, ``private``, ``no_consent`` or ``inactive``: whether GD
    Catalog's harvester gets this dataset."""
    if legacy_value("allow_harvest", pkg.get("allow_harvest")) != TRUE:
        return "no_consent"
    if pkg.get("state", "active") != "active":
        return "inactive"
    if pkg.get("private"):
        return "private"
    return "offered"


def shown_for(field_name: str, data_type: Any) -> bool:
    """GD's display rule: some fields belong to some data types only."""
    types = _SHOWN_FOR.get(field_name)
    return types is None or data_type in types


def rows(pkg: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The GD fields of a dataset as label + shown values, in GD's order,
    for the dataset page ("อื่นๆ" carries its text; empty fields and the
    fields GD does not show for the dataset's type are left out)."""
    schema_type = pkg.get("type") or "dataset"
    data_type = pkg.get("data_type")
    out = []
    for name in GD_FIELDS:
        f = dataset_schema.field(name, schema_type)
        if not f or not shown_for(name, data_type) or name == "update_frequency_interval":
            continue
        values = [v for v in _list(pkg.get(name)) if not is_empty(v)]
        if not values:
            continue
        if name == "license_id":
            shown = [pkg.get("license_title") or str(v) for v in values]
        elif name in OTHER_VALUE or f.get("choices"):
            shown = [dataset_schema.choice_label(name, v, lang) for v in values]
        elif name in DATE_FIELDS:
            from ckanext.utt1service.common import thaidate

            shown = [_thai_date(v, lang, thaidate) for v in values]
        else:
            shown = [str(v) for v in values]
        other = pkg.get(f"{name}_other")
        if name in OTHER_VALUE and not is_empty(other):
            shown = [f"{s}: {other}" if v == OTHER_VALUE[name] else s for v, s in zip(values, shown)]
        if name == "update_frequency_unit" and not is_empty(pkg.get("update_frequency_interval")):
            shown = [f"{s} ({pkg['update_frequency_interval']})" for s in shown]
        label = f["label"]
        out.append({
            "name": name,
            "label": label.get(lang) or label.get("th") if isinstance(label, dict) else str(label),
            "values": shown,
            "markdown": f.get("display_snippet") == "markdown.html",
        })
    return out


def _thai_date(value: Any, lang: str, thaidate: Any) -> str:
    try:
        return thaidate.format_date(value, lang) or str(value)
    except (TypeError, ValueError):
        return str(value)


# ----------------------------------------------------------- the GD group
#
# The stock CKAN harvester of ckanext-harvest (which GD Catalog runs) has no
# filter on a dataset field: it takes every public dataset the search API
# returns, unless its source configuration names organizations or groups
# (``groups_filter_include``). So the consented public datasets are kept as
# the members of one CKAN group, ``gd-catalog``: a GD harvest source with
# ``{"groups_filter_include": ["gd-catalog"]}`` gets exactly them. The
# membership follows ``allow_harvest``, ``private`` and the state every time
# a dataset is saved (the plugin's after-create/update hooks, in the same
# transaction, so the search index has it); nobody edits the group by hand.
# CKAN 2.12 calls the update hook only when a save changed something, so a
# membership lost outside a save is put right by ``gd-backfill``
# (catalog/cli.py), which then syncs the group itself.

#: the group's Thai and English title
GROUP_TITLE = "GD Catalog (ชุดข้อมูลที่ยินยอมให้ GD Catalog เก็บเกี่ยว)"
GROUP_DESCRIPTION = (
    "ชุดข้อมูลสาธารณะที่หน่วยงานยินยอมให้นำไปใช้ที่ GD-Catalog (allow_harvest) "
    "ระบบปรับสมาชิกของกลุ่มนี้ให้เองทุกครั้งที่บันทึกชุดข้อมูล อย่าแก้ไขด้วยมือ\n\n"
    "The public datasets the office offers to GD Catalog; kept by the portal."
)


def group_name() -> str:
    """The name of the group of consented datasets (option
    ``ckanext.utt1service.gd_group``)."""
    return tk.config.get("ckanext.utt1service.gd_group") or "gd-catalog"


def sync_group(pkg_dict: dict[str, Any]) -> Optional[bool]:
    """Make the dataset a member of the GD group exactly when GD Catalog's
    harvester may take it (:func:`status` is ``offered``). Adds to the
    current session (the caller's action commits). Returns whether it is a
    member now, or None when nothing needed doing."""
    import ckan.model as model

    pkg = model.Package.get(pkg_dict.get("id") or "")
    if pkg is None or pkg.type != "dataset":
        return None
    offered = status({**pkg_dict, "state": pkg.state, "private": pkg.private}) == "offered"

    def find_group() -> Optional[str]:
        group = model.Group.by_name(group_name())
        return group.id if group is not None else None

    group_id = _once("gd-group", find_group)
    if group_id is None:
        if not offered:
            return None
        group = model.Group(name=group_name(), title=GROUP_TITLE, description=GROUP_DESCRIPTION,
                            type="group", is_organization=False, approval_status="approved")
        model.Session.add(group)
        model.Session.flush()
        group_id = group.id
        # (not kept for the batch: the save may still be rolled back)
        if getattr(_batch, "cache", None) is not None:
            _batch.cache.pop("gd-group", None)
    member = (model.Session.query(model.Member)
              .filter_by(group_id=group_id, table_id=pkg.id, table_name="package").first())
    is_member = member is not None and member.state == "active"
    if offered == is_member:
        return None
    if member is None:
        member = model.Member(group=model.Session.get(model.Group, group_id), table_id=pkg.id,
                              table_name="package", capacity="public")
        model.Session.add(member)
    member.state = "active" if offered else "deleted"
    # CKAN 2.12 builds the dataset's search document in the same action,
    # after this hook and before its commit, from a session that does not
    # flush itself: unflushed, the document lacked the group (2.11 indexed
    # after the commit)
    model.Session.flush()
    return offered


# ------------------------------------------------------- resource-level fields

#: GD Catalog's resource fields (thai_gdc 2.x ``resource_fields``) that the
#: portal derives from each resource and its dataset; they are given with
#: every resource (``package_show``, ``resource_show``: what GD Catalog's
#: harvester reads), never typed and never stored
RESOURCE_FIELDS = [
    "resource_accessible_condition",
    "resource_created_date",
    "resource_last_updated_date",
    "resource_data_collect",
    "resource_data_collect_other",
    "resource_first_year_of_data",
    "resource_last_year_of_data",
    "resource_disaggregate",
    "resource_disaggregate_other",
    "resource_unit_of_measure",
    "resource_unit_of_multiplier",
    "resource_unit_of_multiplier_other",
    "resource_official_statistics",
    "resource_data_release_calendar",
    "resource_geographic_data_set",
    "resource_equivalent_scale",
    "resource_equivalent_scale_other",
    "resource_positional_accuracy",
    "resource_data_release_date",
]
#: (resource field, dataset field) for statistical data (thai_gdc shows
#: these for ข้อมูลสถิติ only)
_STATISTICAL_FROM = [
    ("resource_first_year_of_data", "first_year_of_data"),
    ("resource_last_year_of_data", "last_year_of_data"),
    ("resource_disaggregate", "disaggregate"),
    ("resource_disaggregate_other", "disaggregate_other"),
    ("resource_unit_of_measure", "unit_of_measure"),
    ("resource_unit_of_multiplier", "unit_of_multiplier"),
    ("resource_unit_of_multiplier_other", "unit_of_multiplier_other"),
    ("resource_official_statistics", "official_statistics"),
    ("resource_data_release_calendar", "data_release_calendar"),
]
#: (resource field, dataset field) for geospatial data (thai_gdc shows
#: these for ข้อมูลภูมิสารสนเทศเชิงพื้นที่ only)
_GEOSPATIAL_FROM = [
    ("resource_geographic_data_set", "geographic_data_set"),
    ("resource_equivalent_scale", "equivalent_scale"),
    ("resource_equivalent_scale_other", "equivalent_scale_other"),
    ("resource_positional_accuracy", "positional_accuracy"),
    ("resource_data_release_date", "data_release_date"),
]


def _day(value: Any) -> str:
    """The date (YYYY-MM-DD) of a CKAN timestamp, or ""."""
    text = str(value or "").strip()
    return text[:10] if len(text) >= 10 and text[4] == "-" and text[7] == "-" else ""


def resource_gd_fields(pkg: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """GD Catalog's fields of ``resource`` in dataset ``pkg``, as thai_gdc
    has them for the dataset's data type: its access condition (restricted
    files: the access-request condition), the day it was created and last
    changed (CKAN's ``created`` and ``last_modified``/``metadata_modified``),
    and the dataset's unit of collection or statistical fields. Empty values
    are left out."""
    data_type = pkg.get("data_type")
    out: dict[str, Any] = {}
    if resource.get("access_level") == "restricted":
        out["resource_accessible_condition"] = RESTRICTED_CONDITION
    elif legacy_value("data_category", pkg.get("data_category")) in (None, "", "ข้อมูลสาธารณะ"):
        out["resource_accessible_condition"] = OPEN_CONDITION
    elif pkg.get("accessible_condition") not in (None, "", RESTRICTED_CONDITION):
        out["resource_accessible_condition"] = pkg["accessible_condition"]
    created = _day(resource.get("created"))
    if created and data_type != STATISTICAL:
        out["resource_created_date"] = created
    updated = (_day(resource.get("last_modified")) or _day(resource.get("metadata_modified"))
               or created)
    if updated:
        out["resource_last_updated_date"] = updated
    if data_type == STATISTICAL:
        for name, source in _STATISTICAL_FROM:
            out[name] = pkg.get(source)
    elif data_type == GEOSPATIAL:
        for name, source in _GEOSPATIAL_FROM:
            out[name] = pkg.get(source)
    else:
        out["resource_data_collect"] = pkg.get("data_collect")
        out["resource_data_collect_other"] = pkg.get("data_collect_other")
    return {k: (_list(v) if k == "resource_disaggregate" else v)
            for k, v in out.items() if not is_empty(v)}


def add_resource_fields(pkg: dict[str, Any]) -> None:
    """Give each resource of ``pkg`` (a shown dataset) its GD fields
    (:func:`resource_gd_fields`), replacing any sent back by a client."""
    if pkg.get("type") not in (None, "dataset"):
        return
    for resource in pkg.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        for name in RESOURCE_FIELDS:
            resource.pop(name, None)
        resource.update(resource_gd_fields(pkg, resource))
