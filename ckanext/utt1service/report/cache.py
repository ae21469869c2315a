# -*- coding: utf-8 -*-
"""The report's slow figures kept under a data version (issue 20).

The access-request figures, the service levels and the complaint figures
read every request and complaint of the two periods: about 3 s of SQL at
10 M download events, every time the page is shown, though they change only
when a request or a complaint does. Migration ``c7d8e9f0a1b2`` keeps one
number, ``utt1service_report_version.version``, which every write to the
tables these figures read (access requests, their audit trail and timeline,
complaints and their timeline) sets, in the writing transaction, to that
transaction's id. The figures are kept in this process under (that
version, what was asked, the extension's settings), and only under it (a
caller whose result holds translated text puts the language in what was
asked: the service levels):

- exact by construction: the version is read *before* the figures, in the
  same database session; a write committed after the version was read makes
  a new version, so a kept result can only be newer than its version, never
  older, and the next report after a write computes again;
- a transaction that has written anything itself (``pg_current_xact_id_if_
  assigned()`` is set: its own uncommitted writes are visible to it alone)
  neither reads nor fills the cache;
- without the version row (a database before the migration), nothing is
  kept.

Kept per CKAN worker process (a small LRU of :data:`SIZE` results): each
worker computes a period's figures once per change. The download tables
read per-month sums and are not kept (a download would change the version
every second).
"""
from __future__ import annotations

import collections
import copy
import threading
from typing import Any, Callable, Hashable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = ["data_version", "cached", "clear", "SIZE"]

#: results kept per process (a report keeps 8: requests, two service levels, five complaint tables)
SIZE = 256

_lock = threading.Lock()
_kept: "collections.OrderedDict[Hashable, Any]" = collections.OrderedDict()
#: how often a result was found, and computed (for tests and benchmarks)
stats = {"hits": 0, "misses": 0}


def clear() -> None:
    with _lock:
        _kept.clear()


def data_version() -> Optional[int]:
    """The version of the data the kept figures depend on, read in the
    report's own database session; None when nothing may be kept (this
    transaction wrote something, or the version row is missing)."""
    clean, present = model.Session.execute(sa.text(
        "SELECT pg_current_xact_id_if_assigned() IS NULL,"
        " to_regclass('utt1service_report_version') IS NOT NULL"
    )).one()
    if not clean or not present:  # own writes, or a database before the migration
        return None
    version = model.Session.execute(sa.text(
        "SELECT version FROM utt1service_report_version WHERE id = 1")).scalar()
    return None if version is None else int(version)


def _settings() -> tuple:
    """The extension's settings (service-level targets, working days,
    holidays, …): a change of configuration is a change of the figures."""
    return tuple(sorted(
        (key, repr(value)) for key, value in tk.config.items() if key.startswith("ckanext.utt1service.")
    ))


def cached(version: Optional[int], key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, or a copy of its result kept under ``version`` and
    ``key`` and the settings (``key`` holds the language when the result
    holds translated text). ``version`` None: computed, not kept. The result must be
    plain data (dicts, lists, numbers, text, dates)."""
    if version is None:
        return compute()
    full = (version, key, _settings())
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            stats["hits"] += 1
            return copy.deepcopy(_kept[full])
    value = compute()
    with _lock:
        stats["misses"] += 1
        _kept[full] = copy.deepcopy(value)
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return value
