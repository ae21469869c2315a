# -*- coding: utf-8 -*-
"""Dataset metadata in Excel: the template, the export and the import.

The template has one row per dataset and one column per field, headed by
the field's Thai label with its name in brackets (``ชื่อชุดข้อมูล (title)``:
the import reads the name). Choice fields take their Thai (or English)
label or value; single choices have a drop-down list (the lists are on a
hidden sheet), multiple choices are separated by commas. An empty cell
leaves the field as it is.

The import plans first (:func:`plan`: what each row would create or change,
and its errors in the user's language, by running the same permission
checks and validation as ``package_create``/``package_update`` without
saving), then applies the rows without errors through the normal actions
(:func:`apply`): validation, permissions, activity and the search index as
for a dataset saved in the form, each dataset indexed once (:func:`install`).
More than :data:`INLINE_ROWS` rows are applied by a background job
(:func:`apply_job`, CKAN's job queue) whose progress is kept in Redis for the
progress page (:func:`save_status`, :func:`load_status`).
"""
from __future__ import annotations

import dataclasses
import datetime
import io
import json
import logging
import re
import threading
from typing import Any, Iterable, Optional

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.catalog import dataset_schema, gd, validators
from ckanext.utt1service.common.spreadsheet import append_row

log = logging.getLogger(__name__)

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "ExcelError",
    "RowPlan",
    "template",
    "export",
    "read",
    "plan",
    "apply",
    "apply_job",
    "install",
    "INLINE_ROWS",
    "save_status",
    "load_status",
]

#: the columns of the template, in order (dataset fields, and the first
#: contact's name and e-mail)
COLUMNS = [
    "name", "title", "title_en", "owner_org", "private", "notes", "tag_string", "license_id",
    "topic_category", "source_program", "source_program_other", "collection_round",
    "academic_year", "fiscal_year", "education_level", "coverage", "unit_of_measure",
    "update_frequency", "contact_name", "contact_email", "data_steward",
    *[f for f in gd.GD_FIELDS if f not in ("license_id", "unit_of_measure")],
    *[f"{f}_other" for f in gd.OTHER_VALUE if f != "license_id"], "license_id_other",
]
#: the most rows one file may have
MAX_ROWS = 2000
_HEADER = re.compile(r"\(([a-z_]+)\)\s*$")
_YES = {"true", "yes", "1", "ใช่", "ส่วนตัว", "private"}
_NO = {"false", "no", "0", "ไม่ใช่", "สาธารณะ", "public"}
_LABELS = {
    "owner_org": {"th": "หน่วยงาน", "en": "Organization"},
    "private": {"th": "การเผยแพร่ (สาธารณะ/ส่วนตัว)", "en": "Visibility (public/private)"},
    "contact_name": {"th": "ชื่อผู้ติดต่อ", "en": "Contact name"},
    "contact_email": {"th": "อีเมลผู้ติดต่อ", "en": "Contact e-mail"},
    "tag_string": {"th": "คำสำคัญ (คั่นด้วยจุลภาค)", "en": "Tags (comma-separated)"},
}


class ExcelError(Exception):
    """The file cannot be read as the template (a message for the user)."""


@dataclasses.dataclass
class RowPlan:
    row: int
    name: str
    action: str  # create | update | unchanged | error
    changes: dict[str, Any]
    errors: list[str]
    title: str = ""
    #: the labels of the fields the row changes
    changed: list[str] = dataclasses.field(default_factory=list)


def _label(name: str, lang: str) -> str:
    if name in _LABELS:
        return _LABELS[name].get(lang) or _LABELS[name]["th"]
    f = dataset_schema.field(name)
    label = f.get("label") if f else name
    if isinstance(label, dict):
        return label.get(lang) or label.get("th") or name
    return str(label or name)


def _is_multiple(name: str) -> bool:
    f = dataset_schema.field(name) or {}
    return f.get("preset") in ("multiple_checkbox", "multiple_select")


def _choices(name: str) -> list[dict[str, Any]]:
    if name == "owner_org":
        return []
    if name == "license_id":
        return [{"value": lic.id, "label": {"th": lic.title, "en": lic.title}}
                for lic in model.Package.get_license_register().values()]
    return dataset_schema.choices(name)


def _choice_text(name: str, value: Any) -> str:
    for choice in _choices(name):
        if choice["value"] == value:
            label = choice.get("label")
            return (label.get("th") if isinstance(label, dict) else label) or str(value)
    return str(value)


def _to_value(name: str, text: str) -> Optional[str]:
    """A cell's text as the field's value (value, or Thai or English label)."""
    wanted = text.strip().casefold()
    for choice in _choices(name):
        label = choice.get("label")
        labels = label.values() if isinstance(label, dict) else [label]
        if wanted in {str(choice["value"]).casefold(), *(str(x).casefold() for x in labels)}:
            return choice["value"]
    return None


# ------------------------------------------------------------------ write


def _header(lang: str) -> list[str]:
    return [f"{_label(name, lang)} ({name})" for name in COLUMNS]


def _workbook(lang: str) -> tuple[Any, Any]:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "datasets"
    append_row(sheet, _header(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.freeze_panes = "A2"
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    column = 0
    for i, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 24
        choices = _choices(name)
        if name == "private":
            choices = [{"value": "สาธารณะ"}, {"value": "ส่วนตัว"}]
        if not choices or _is_multiple(name):
            continue
        column += 1
        letter = get_column_letter(column)
        lists.cell(row=1, column=column, value=name)
        for j, choice in enumerate(choices, start=2):
            lists.cell(row=j, column=column, value=_choice_text(name, choice["value"]))
        check = DataValidation(
            type="list", formula1=f"lists!${letter}$2:${letter}${len(choices) + 1}",
            allow_blank=True, showErrorMessage=True,
            errorTitle=_label(name, lang), error=tk._("Choose a value from the list"),
        )
        sheet.add_data_validation(check)
        check.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{MAX_ROWS + 1}")
    return wb, sheet


def _save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template(lang: str = "th") -> bytes:
    """The empty template (headers, drop-down lists)."""
    wb, _sheet = _workbook(lang)
    return _save(wb)


def _cell(name: str, pkg: dict[str, Any], orgs: dict[str, str]) -> Any:
    if name == "owner_org":
        return orgs.get(pkg.get("owner_org") or "", "")
    if name == "private":
        return "ส่วนตัว" if pkg.get("private") else "สาธารณะ"
    if name in ("contact_name", "contact_email"):
        contacts = pkg.get("contacts") or []
        first = contacts[0] if contacts and isinstance(contacts[0], dict) else {}
        return first.get(name.split("_", 1)[1]) or ""
    if name == "tag_string":
        return ", ".join(t["name"] for t in pkg.get("tags") or [])
    value = pkg.get(name)
    if gd.is_empty(value):
        return ""
    values = value if isinstance(value, list) else [value]
    if _choices(name):
        return ", ".join(_choice_text(name, v) for v in values)
    return ", ".join(str(v) for v in values)


def export(datasets: Iterable[dict[str, Any]], lang: str = "th") -> bytes:
    """The template filled with ``datasets`` (``package_show`` dicts)."""
    wb, sheet = _workbook(lang)
    orgs = {g.id: g.name for g in model.Session.query(model.Group).filter_by(is_organization=True)}
    for pkg in datasets:
        append_row(sheet, [_cell(name, pkg, orgs) for name in COLUMNS])
    return _save(wb)


# ------------------------------------------------------------------- read


def read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The filled-in rows of an uploaded template: (row number, field →
    text of its non-empty cells)."""
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # (openpyxl raises many kinds for a file that is not XLSX)
        raise ExcelError(tk._("The file is not an Excel (.xlsx) file"))
    sheet = wb["datasets"] if "datasets" in wb.sheetnames else wb.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = []
    for cell in header:
        match = _HEADER.search(str(cell or ""))
        names.append(match.group(1) if match and match.group(1) in COLUMNS else None)
    if "name" not in names:
        raise ExcelError(tk._("The first row is not the template's header row: "
                                "download the template and fill it in"))
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {}
        for name, value in zip(names, values):
            if name and value is not None and str(value).strip() != "":
                text = str(value).strip()
                if isinstance(value, float) and value.is_integer():
                    text = str(int(value))
                elif isinstance(value, datetime.datetime):
                    # (a date cell: the day, as the date fields take it)
                    text = (value.date().isoformat() if value.time() == datetime.time()
                            else value.isoformat())
                elif isinstance(value, datetime.date):
                    text = value.isoformat()
                cells[name] = text.lstrip("'") if text.startswith("'") else text
        if cells:
            out.append((number, cells))
        if len(out) > MAX_ROWS:
            raise ExcelError(tk._("At most {max} rows can be imported at once")
                               .format(max=MAX_ROWS))
    return out


# ------------------------------------------------------------------- plan


def _fields(cells: dict[str, str], errors: list[str], lang: str) -> dict[str, Any]:
    """A row's cells as dataset fields (choice labels → values)."""
    data: dict[str, Any] = {}
    for name, text in cells.items():
        if name in ("name", "contact_name", "contact_email", "owner_org"):
            continue
        if name == "private":
            low = text.casefold()
            if low in _YES:
                data["private"] = True
            elif low in _NO:
                data["private"] = False
            else:
                errors.append(f"{_label(name, lang)}: " + tk._("Choose a value from the list"))
            continue
        if _choices(name) and name != "tag_string":
            parts = [p for p in (x.strip() for x in text.split(",")) if p] \
                if _is_multiple(name) else [text]
            values = []
            for part in parts:
                value = _to_value(name, part)
                if value is None:
                    errors.append(f"{_label(name, lang)}: "
                                  + tk._('"{value}" is not in the list').format(value=part))
                else:
                    values.append(value)
            data[name] = values if _is_multiple(name) else (values[0] if values else None)
            if data[name] is None:
                del data[name]
            continue
        data[name] = text
    return data


def _error_lines(error_dict: dict[str, Any], lang: str) -> list[str]:
    lines = []
    for key, messages in error_dict.items():
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            for sub in messages:
                lines += _error_lines(sub, lang)
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            label = _label("contact_email", lang) if key == "contacts" else _label(key, lang)
            lines.append(f"{label}: {message}")
    return lines


def _context(user: str) -> dict[str, Any]:
    return {"user": user, "model": model, "session": model.Session}


def _organization(text: str) -> Optional[str]:
    group = model.Group.get(text)
    if group is None:
        group = (model.Session.query(model.Group)
                 .filter_by(title=text, is_organization=True, state="active").first())
    return group.id if group is not None and group.is_organization else None


def _contacts(cells: dict[str, str], existing: list[Any]) -> Optional[list[dict[str, Any]]]:
    if "contact_name" not in cells and "contact_email" not in cells:
        return None
    first = dict(existing[0]) if existing and isinstance(existing[0], dict) else {}
    if "contact_name" in cells:
        first["name"] = cells["contact_name"]
    if "contact_email" in cells:
        first["email"] = cells["contact_email"]
    return [first, *existing[1:]]


def _validate(user: str, data: dict[str, Any], action: str,
              package: Optional[model.Package], lookups: "_Lookups") -> dict[str, Any]:
    plugin = lib_plugins.lookup_package_plugin("dataset")
    schema = (plugin.create_package_schema() if action == "package_create"
              else plugin.update_package_schema())
    context = dict(_context(user), utt1service_taken_titles=lookups.taken_titles)
    if package is not None:
        context["package"] = package
        context["id"] = package.id
    _data, errors = lib_plugins.plugin_validate(plugin, context, data, schema, action)
    return errors


def _plan_row(user: str, number: int, cells: dict[str, str], lang: str,
              seen: set[str], lookups: "_Lookups") -> tuple[RowPlan, Optional[dict[str, Any]]]:
    errors: list[str] = []
    name = cells.get("name", "").strip()
    result = RowPlan(number, name, "error", {}, errors, cells.get("title", ""))
    if not name:
        errors.append(f"{_label('name', lang)}: " + tk._("Missing value"))
        return result, None
    if name in seen:
        errors.append(f"{_label('name', lang)}: " + tk._("The same URL is on another row"))
        return result, None
    seen.add(name)
    title = cells.get("title", "").strip()
    if title:
        # (each row against the catalogue: the validation; rows among
        # themselves: here)
        title_key = validators._title_key(title)
        if title_key in lookups.titles:
            errors.append(f"{_label('title', lang)}: "
                          + tk._("The same title is on another row"))
            return result, None
        lookups.titles.add(title_key)
    fields = _fields(cells, errors, lang)
    existing = None
    if name in lookups.existing:
        try:
            existing = tk.get_action("package_show")(_context(user), {"id": name})
        except tk.ObjectNotFound:
            existing = None
        except tk.NotAuthorized:
            errors.append(tk._("You may not change this dataset"))
            return result, None

    if existing is None:
        org = lookups.organization(cells.get("owner_org", ""))
        if org is None:
            errors.append(f"{_label('owner_org', lang)}: " + tk._("No such organization"))
            return result, None
        data = {"name": name, "owner_org": org, "type": "dataset", **fields}
        contacts = _contacts(cells, [])
        if contacts:
            data["contacts"] = contacts
        if not lookups.may_create(data):
            errors.append(tk._("You may not add datasets to this organization"))
            return result, None
        if errors:
            return result, None
        errors += _error_lines(_validate(user, dict(data), "package_create", None, lookups), lang)
        if errors:
            return result, None
        result.action, result.changes = "create", fields
        return result, {"action": "create", "data": data}

    if "owner_org" in cells:
        org = lookups.organization(cells["owner_org"])
        if org is None:
            errors.append(f"{_label('owner_org', lang)}: " + tk._("No such organization"))
        elif org != existing.get("owner_org"):
            fields["owner_org"] = org
    contacts = _contacts(cells, existing.get("contacts") or [])
    if contacts is not None:
        fields["contacts"] = contacts
    try:
        tk.check_access("package_update", _context(user), {"id": existing["id"]})
    except tk.NotAuthorized:
        errors.append(tk._("You may not change this dataset"))
        return result, None
    changes = {k: v for k, v in fields.items()
               if k == "tag_string" and v != ", ".join(t["name"] for t in existing["tags"])
               or k != "tag_string" and gd.normal(v) != gd.normal(existing.get(k))}
    if errors:
        return result, None
    if not changes:
        result.action = "unchanged"
        return result, None
    merged = {**existing, **changes}
    if "tag_string" in changes:
        merged.pop("tags", None)
    errors += _error_lines(
        _validate(user, merged, "package_update", model.Package.get(existing["id"]), lookups),
        lang)
    if errors:
        return result, None
    result.action, result.changes = "update", changes
    result.changed = [_label("contact_name" if k == "contacts" else k, lang) for k in changes]
    return result, {"action": "update", "data": {"id": existing["id"], **changes}}


class _Lookups:
    """What an import looks up once instead of once a row: which of the
    file's names are datasets already (one query), organizations by name or
    title, and whether the user may add datasets to an organization (the
    ``package_create`` auth depends only on the user and the organization)."""

    def __init__(self, user: str, rows: list[tuple[int, dict[str, str]]]):
        self.user = user
        names = {cells.get("name", "").strip() for _n, cells in rows} - {""}
        self.existing: set[str] = set()
        for chunk in _chunks(sorted(names), 500):
            for name, pkg_id in model.Session.query(model.Package.name, model.Package.id).filter(
                    model.Package.name.in_(chunk) | model.Package.id.in_(chunk)):
                self.existing.update((name, pkg_id))
        self._orgs: dict[str, Optional[str]] = {}
        #: the titles of the rows planned so far (no two the same)
        self.titles: set[str] = set()
        #: the file's titles that datasets of the catalogue have (one query)
        self.taken_titles = validators.taken_titles(
            cells.get("title", "") for _n, cells in rows)
        self._may_create: dict[str, bool] = {}

    def organization(self, text: str) -> Optional[str]:
        if text not in self._orgs:
            self._orgs[text] = _organization(text)
        return self._orgs[text]

    def may_create(self, data: dict[str, Any]) -> bool:
        org = data["owner_org"]
        if org not in self._may_create:
            try:
                tk.check_access("package_create", _context(self.user), {"owner_org": org})
                self._may_create[org] = True
            except tk.NotAuthorized:
                self._may_create[org] = False
        return self._may_create[org]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def plan(user: str, rows: list[tuple[int, dict[str, str]]],
         lang: str) -> tuple[list[RowPlan], list[dict[str, Any]]]:
    """What each row would do (and its errors), and the work to apply."""
    seen: set[str] = set()
    plans, work = [], []
    lookups = _Lookups(user, rows)
    with gd.batch():
        for number, cells in rows:
            row_plan, job = _plan_row(user, number, cells, lang, seen, lookups)
            plans.append(row_plan)
            if job:
                work.append(job)
    return plans, work


#: while this thread applies an import: the ids of the datasets it saved
#: that the search index has not had yet (see :func:`install`)
_importing = threading.local()
#: how many saved datasets are sent to the search index at a time, with
#: one Solr commit each time (so the catalogue search shows a long import
#: as it goes)
INDEX_BATCH = 100


_installed = False


def install() -> None:
    """Let an import index each dataset once (called once by the plugin).

    CKAN 2.11's search plugin indexes a dataset at every commit that touched
    it, and a new dataset twice (as "new", and as "changed" through its
    tags, extras and groups); CKAN 2.12's actions index the dataset they
    save themselves, once. Either way each time with a Solr commit, which
    also rebuilds the title suggester (over the whole catalogue). While
    *this thread* applies an import, the datasets it saves are only noted;
    :func:`apply` then indexes each once, with one Solr commit per
    :data:`INDEX_BATCH`. Other requests (other threads) index as always;
    ``ckan.search.solr_commit`` is left alone."""
    global _installed
    if _installed:
        return
    _installed = True
    from ckan import logic
    from ckan.lib import search

    def noted(entity_id: str) -> bool:
        pending = getattr(_importing, "pending", None)
        if pending is None:
            return False
        pending.add(entity_id)
        return True

    plugin = getattr(search, "SynchronousSearchPlugin", None)  # (CKAN 2.11)
    if plugin is not None:
        original = plugin.notify

        def notify(self: Any, entity: Any, operation: str) -> None:
            if (isinstance(entity, model.Package)
                    and operation != model.DomainObjectOperation.deleted and noted(entity.id)):
                return None
            return original(self, entity, operation)

        plugin.notify = notify  # type: ignore[method-assign]

    for name in ("index_insert_package_dicts", "index_update_package_dicts"):  # (CKAN 2.12)
        index_dicts = getattr(logic, name, None)
        if index_dicts is None:
            continue

        def index_unless_importing(both: Any, *args: Any, _index: Any = index_dicts,
                                   **kwargs: Any) -> None:
            if not noted(both[0]["id"]):
                _index(both, *args, **kwargs)

        setattr(logic, name, index_unless_importing)

    # While this thread indexes the import's datasets, CKAN's indexer hands
    # its Solr documents to a list instead of sending each one: they go to
    # Solr together, in one request per batch (:func:`_index_pending`).
    from ckan.lib.search import index as search_index

    connect = search_index.make_connection

    def make_connection(*args: Any, **kwargs: Any) -> Any:
        docs = getattr(_importing, "docs", None)
        if docs is not None:
            return _Collector(docs)
        return connect(*args, **kwargs)

    search_index.make_connection = make_connection

    # A dataset the import saved and has not indexed yet is not in Solr, or
    # is there as it was before: ``package_show`` (the activity record's)
    # would ask Solr for it only to find it stale. Skip that request.
    show = search.show

    def show_unless_pending(package_reference: str) -> dict[str, Any]:
        pending = getattr(_importing, "pending", None)
        if pending and package_reference in pending:
            raise search.SearchError("not indexed yet")
        return show(package_reference)

    search.show = show_unless_pending


class _Collector:
    """A stand-in for the Solr connection of CKAN's indexer that keeps the
    documents (see :func:`install`)."""

    def __init__(self, docs: list[dict[str, Any]]):
        self.docs = docs

    def add(self, docs: list[dict[str, Any]], **_kwargs: Any) -> None:
        self.docs.extend(docs)

    def __getattr__(self, name: str) -> Any:
        # (anything else, e.g. a delete, goes to Solr as usual)
        from ckan.lib.search.common import make_connection

        return getattr(make_connection(), name)


def _index_pending() -> None:
    """Index (once each) the datasets the import saved since the last call,
    then commit the search index once."""
    from ckan import logic
    from ckan.lib import search

    pending = getattr(_importing, "pending", None) or set()
    if not pending:
        return
    ids, pending_now = sorted(pending), set()
    _importing.pending = pending_now
    index = search.index_for("package")
    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    # CKAN's indexer builds each document (its package_show, validation and
    # plugins); the documents go to Solr in one request, then one commit
    _importing.docs = docs = []
    try:
        for pkg_id in ids:
            try:
                if hasattr(logic, "package_show_default_and_custom_schemas"):  # (CKAN 2.12)
                    default, custom = logic.package_show_default_and_custom_schemas(
                        dict(context), pkg_id)
                    pkg = dict(default, with_custom_schema=custom)
                else:
                    pkg = tk.get_action("package_show")(dict(context), {"id": pkg_id})
            except tk.ObjectNotFound:
                continue
            index.update_dict(pkg, defer_commit=True)
    finally:
        _importing.docs = None
    if docs:
        try:
            search.make_connection().add(docs=docs, commit=False)
        except Exception as error:  # (pysolr.SolrError, socket errors)
            raise search.SearchIndexError(f"Solr: {str(error)[:1000]}")
    search.commit()


def apply(user: str, work: list[dict[str, Any]],
          progress: Optional[Any] = None) -> tuple[int, int, list[str]]:
    """Create and change the datasets through the actions; returns
    (created, updated, errors of rows that failed after all).

    Every row goes through ``package_create``/``package_patch`` as the user
    (validation, permissions, activity); the search index gets each dataset
    once, :data:`INDEX_BATCH` at a time (:func:`install`). ``progress``, if
    given, is called after each row with (rows done, created, updated,
    failures)."""
    failures: list[str] = []
    # the rows' titles against the catalogue's, in one query (the rows
    # among themselves: the dry run)
    taken = validators.taken_titles(job["data"].get("title") or "" for job in work)
    _importing.pending = set()
    try:
        with gd.batch():
            created, updated = _apply_all(user, work, failures, taken, progress)
    except Exception:
        # (the rows saved so far are committed: they are still indexed below)
        model.Session.rollback()
        raise
    finally:
        try:
            _index_pending()
        finally:
            _importing.pending = None
    return created, updated, failures


def _apply_all(user: str, work: list[dict[str, Any]], failures: list[str],
               taken: dict[str, set[str]], progress: Optional[Any]) -> tuple[int, int]:
    created = updated = 0
    for done, job in enumerate(work, start=1):
        outcome = _apply_job(user, job, failures, taken)
        created += outcome == "create"
        updated += outcome == "update"
        if done % INDEX_BATCH == 0:
            _index_pending()
        if progress is not None:
            progress(done, created, updated, failures)
    return created, updated


def _apply_job(user: str, job: dict[str, Any], failures: list[str],
               taken: dict[str, set[str]]) -> Optional[str]:
    context = dict(_context(user), utt1service_taken_titles=taken)
    try:
        if job["action"] == "create":
            # (the new dataset's id is enough: no package_show of it)
            tk.get_action("package_create")(dict(context, return_id_only=True),
                                            dict(job["data"]))
        else:
            tk.get_action("package_patch")(context, dict(job["data"]))
    except (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound) as error:
        name = job["data"].get("name") or job["data"].get("id")
        failures.append(f"{name}: {_failure_text(error)}")
        return None
    return job["action"]


def _failure_text(error: Exception) -> str:
    if isinstance(error, tk.ValidationError):
        return "; ".join(_error_lines(error.error_dict, dataset_schema.current_lang()))
    return str(error) or error.__class__.__name__


# ------------------------------------------------------- in the background

#: an import with more rows to apply than this runs as a background job
#: (``ckan jobs worker``), with a progress page; smaller ones in the request
INLINE_ROWS = 20
#: how long the progress and result of an import are kept (seconds)
STATUS_TTL = 7 * 24 * 3600


def _status_key(token: str) -> str:
    return f"{tk.config.get('ckan.site_id')}:utt1service:excel-import:{token}"


def save_status(token: str, status: dict[str, Any]) -> None:
    """Keep the progress of the import ``token`` (Redis, a week)."""
    from ckan.lib.redis import connect_to_redis

    connect_to_redis().setex(_status_key(token), STATUS_TTL,
                             json.dumps(status, ensure_ascii=False))


def load_status(token: str) -> Optional[dict[str, Any]]:
    """The progress of the import ``token``: user_id, state (queued,
    running, done, failed), total, done, created, updated, failures."""
    from ckan.lib.redis import connect_to_redis

    raw = connect_to_redis().get(_status_key(token))
    if not raw:
        return None
    try:
        status = json.loads(raw)
    except ValueError:
        return None
    return status if isinstance(status, dict) else None


def _as_user_in(user: str, lang: str) -> Any:
    """Where the job runs, a request of ``user`` in ``lang``, as the click
    was: the rows' errors are then in the user's language, and CKAN's
    permission checks find the user without asking the database each time.
    ``ckan jobs worker`` runs a job outside any request, but its command
    holds the portal's Flask app; elsewhere (a test) the current request is
    kept.

    (Logged in, CKAN's permission checks find the user without asking the
    database each time: about a tenth of a row's queries.)"""
    import contextlib

    import click
    import flask

    if flask.has_request_context():
        return contextlib.nullcontext()
    command = click.get_current_context(silent=True)
    app = command.meta.get("flask_app") if command is not None else None
    if app is None and flask.has_app_context():
        # (a worker run inside the portal's app, e.g. by a test)
        app = flask.current_app._get_current_object()  # type: ignore[attr-defined]
    if app is None:
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def request() -> Any:
        with app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
            user_obj = model.User.get(user)
            if user_obj is not None and user_obj.is_active:
                from flask_login import login_user

                login_user(user_obj)
            yield

    return request()


def apply_job(user: str, token: str, work: list[dict[str, Any]], lang: str = "th") -> None:
    """The background job of a large import: :func:`apply` as ``user``,
    its progress kept for the progress page every few rows."""
    with _as_user_in(user, lang):
        _apply_job_run(user, token, work)


def _apply_job_run(user: str, token: str, work: list[dict[str, Any]]) -> None:
    status = load_status(token) or {"total": len(work)}
    status.update(state="running", done=0, created=0, updated=0, failures=[])
    save_status(token, status)
    step = max(1, min(25, len(work) // 20))

    def progress(done: int, created: int, updated: int, failures: list[str]) -> None:
        if done % step == 0 or done == len(work):
            status.update(done=done, created=created, updated=updated,
                          failures=failures[:200])
            save_status(token, status)

    try:
        created, updated, failures = apply(user, work, progress)
    except Exception:
        log.exception("Excel import %s failed", token)
        status["state"] = "failed"
        save_status(token, status)
        raise
    status.update(state="done", done=len(work), created=created, updated=updated,
                  failures=failures[:200], failed_rows=len(failures))
    save_status(token, status)
