# -*- coding: utf-8 -*-
"""Table previews: the DataStore and ckanext-xloader on the catalogue's files.

- ``can_upload`` (``IXloader``): only public files are loaded. A restricted
  file is never fetched nor copied into the DataStore (xloader would fetch
  it with a sysadmin's token and make a table of it).
- ``refuse_restricted_load`` (``IXloader.datastore_before_update``): a file
  that became restricted while its job waited is not written either (the
  hook runs just before the table is written; raising aborts the job).
- ``drop_restricted_tables`` (after every dataset update): the table of a
  file that has become restricted is dropped at once and its
  ``datastore_active`` flag cleared, in the same transaction as the change.
- ``detect_encoding``: Thai office CSVs are often TIS-620 / Windows-874, which
  the detector xloader uses (chardet) names with too little confidence for
  xloader to use it, so the rows came out as Latin-1 mojibake. UTF-8 (with or
  without a BOM) is kept; bytes that are not UTF-8 but are Thai characters of
  TIS-620 (0xA1-0xFB) are read as Windows-874 (a superset of TIS-620);
  anything else is left to xloader. ``install`` puts it in xloader's loader.

The rule on who may read a table's rows is not here: it is the download
gate's (``access_requests/logic/datastore_auth.py``).
"""
from __future__ import annotations

import codecs
import logging
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

RESTRICTED = "restricted"
# How much of a file the encoding is decided on.
SAMPLE_BYTES = 256 * 1024
# Share of the non-ASCII bytes that must be TIS-620 Thai characters.
THAI_SHARE = 0.9
# TIS-620 vowel and tone marks written above or below a letter: each follows
# a Thai byte (in Latin-1 these are accented letters, e.g. "é" after "f").
THAI_MARKS = frozenset([0xD1, *range(0xD4, 0xDB), *range(0xE7, 0xEF)])


class RestrictedFileError(Exception):
    """A restricted file reached xloader's loader: the job stops."""


def _restricted(extras: Optional[dict[str, Any]]) -> bool:
    return (extras or {}).get("access_level") == RESTRICTED


def is_restricted_resource(resource_id: str) -> bool:
    """Whether the resource (active or not) is restricted, read from the
    database (not from a cached dict)."""
    resource = model.Session.query(model.Resource).get(resource_id)
    return resource is not None and _restricted(resource.extras)


# IXloader

def can_upload(resource_id: str) -> bool:
    if is_restricted_resource(resource_id):
        log.info("xloader: resource %s is restricted, not loaded into the DataStore",
                 resource_id)
        return False
    return True


def refuse_restricted_load(resource_id: str) -> None:
    model.Session.expire_all()
    if is_restricted_resource(resource_id):
        raise RestrictedFileError(f"resource {resource_id} is restricted: not loaded")


def after_upload(resource_dict: dict[str, Any]) -> None:
    """After a load: should the file have become restricted meanwhile, its
    table goes at once."""
    resource_id = resource_dict.get("id")
    if resource_id and is_restricted_resource(resource_id):
        drop_table(resource_id)
        model.Session.commit()


# A file becomes restricted

def _write_engine() -> Optional[sa.engine.Engine]:
    if not tk.config.get("ckan.datastore.write_url"):
        return None
    from ckanext.datastore.backend.postgres import get_write_engine

    return get_write_engine()


def table_exists(resource_id: str) -> bool:
    engine = _write_engine()
    if engine is None:
        return False
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = :t"),
            {"t": resource_id},
        ).first() is not None


def drop_table(resource_id: str) -> bool:
    """Drops the DataStore table of the resource (and its aliases) and clears
    its ``datastore_active`` flag in the current session (committed with
    the caller's change). Whether a table was there."""
    engine = _write_engine()
    dropped = False
    if engine is not None:
        from ckanext.datastore.backend.postgres import identifier

        with engine.begin() as conn:
            dropped = conn.execute(
                sa.text("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = :t"),
                {"t": resource_id},
            ).first() is not None
            if dropped:
                conn.execute(sa.text(f"DROP TABLE {identifier(resource_id)} CASCADE"))
    resource = model.Session.query(model.Resource).get(resource_id)
    if resource is not None and (resource.extras or {}).get("datastore_active"):
        extras = dict(resource.extras)
        extras["datastore_active"] = False
        resource.extras = extras
        # CKAN 2.12 indexes the dataset before it commits, from a query
        # that does not flush the session: written now, the index (and
        # resource_show, which reads it) no longer claims a table.
        model.Session.flush()
    if dropped:
        log.info("DataStore table of restricted resource %s dropped", resource_id)
    return dropped


def drop_restricted_tables(pkg_dict: dict[str, Any]) -> list[str]:
    """Every restricted file of the dataset: no DataStore table, no
    ``datastore_active`` flag. Returns the ids whose table was dropped."""
    dropped = []
    for res in pkg_dict.get("resources") or []:
        if res.get("id") and res.get("access_level") == RESTRICTED:
            if drop_table(res["id"]):
                dropped.append(res["id"])
    return dropped


# Thai encodings

def thai_encoding(sample: bytes, complete: bool = False) -> Optional[str]:
    """``utf-8-sig``, ``utf-8`` or ``cp874`` when the bytes are clearly one
    of them; None when undecided (ASCII-only data is ``utf-8``)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    high = thai = 0
    previous = 0
    for byte in sample:
        if byte >= 0x80:
            high += 1
            if byte in THAI_MARKS and previous < 0xA1:
                return None  # a mark on nothing Thai: not TIS-620
            if 0xA1 <= byte <= 0xFB and not 0xDB <= byte <= 0xDE:
                thai += 1
        previous = byte
    if high and thai / high >= THAI_SHARE:
        return "cp874"
    return None


def detect_encoding(file_path: str, fallback: Callable[[str], Any]) -> Any:
    with open(file_path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
        complete = not f.read(1)
    if sample[:4] == b"PK\x03\x04" or sample[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return fallback(file_path)  # Excel: the encoding is inside the file
    found = thai_encoding(sample, complete)
    if found is None:
        return fallback(file_path)
    return {"encoding": found, "confidence": 1.0, "language": "th"}


#: What CKAN's DataTables view keeps of a search (everything else becomes
#: the full-text wildcard "_"): it kept Latin letters and digits only, so
#: no Thai search or column filter of a preview ever found a row.
DATATABLES_KEPT = r"[^0-9a-zA-Z\-]+"
DATATABLES_KEPT_THAI = r"[^0-9a-zA-Z\-\u0E00-\u0E7F]+"


class _ThaiSearchRe:
    """``re`` as CKAN's DataTables view sees it: the same, except that its
    search clean-up keeps Thai letters, vowels, tone marks and digits."""

    def __getattr__(self, name: str) -> Any:
        import re

        return getattr(re, name)

    def sub(self, pattern: Any, repl: Any, string: Any, *args: Any, **kwargs: Any) -> Any:
        import re

        if pattern == DATATABLES_KEPT:
            pattern = DATATABLES_KEPT_THAI
        return re.sub(pattern, repl, string, *args, **kwargs)


def install() -> None:
    """Puts ``detect_encoding`` in xloader's loader and the Thai-aware
    search clean-up in CKAN's DataTables view (once each)."""
    try:
        from ckanext.datatablesview import blueprint as datatables
    except ImportError:
        datatables = None
    if datatables is not None and not isinstance(datatables.re, _ThaiSearchRe):
        datatables.re = _ThaiSearchRe()
    try:
        from ckanext.xloader import loader
    except ImportError:  # xloader not installed: nothing to do
        return
    current = loader.detect_encoding
    if getattr(current, "utt1service", False):
        return

    def detect(file_path: str) -> Any:
        return detect_encoding(file_path, current)

    detect.utt1service = True  # type: ignore[attr-defined]
    loader.detect_encoding = detect


def _refused_in_a_table_view(error: Exception) -> Any:
    import flask
    from werkzeug.exceptions import Forbidden

    if flask.request.blueprint not in ("datatablesview", "datastore"):
        raise error
    return flask.current_app.handle_http_exception(Forbidden(str(error) or None))


def guard_table_views(app: Any) -> Any:
    """CKAN's DataTables view ("download what is shown") lets a refused
    ``datastore_search`` escape as a 500: answered 403 like every other
    refusal (nothing is shown either way)."""
    from ckan.logic import NotAuthorized

    app.register_error_handler(NotAuthorized, _refused_in_a_table_view)
    return app
