# -*- coding: utf-8 -*-
"""DataStore reads are counted: ``datastore_search`` chained.

Every read of a table's rows by a visitor goes through ``datastore_search``:
the table view (its page and its rows), the row API and the dump
(``/datastore/dump/<id>``). Once CKAN's action has answered (so only reads
that were allowed, i.e. of public files or by someone who may download the
restricted one), the read is recorded in the ``datastore`` channel
(``downloads.record_datastore_read``: once per visitor and file in the
dedup window). Internal calls (``ignore_auth``: xloader, CKAN's own checks)
and calls outside a web request are not reads by anyone.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import flask

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

log = logging.getLogger(__name__)

__all__ = ["datastore_search"]


@tk.chained_action
@tk.side_effect_free
def datastore_search(up_func: Callable[[Context, DataDict], Any], context: Context,
                     data_dict: DataDict) -> Any:
    result = up_func(context, data_dict)
    if context.get("ignore_auth") or not flask.has_request_context():
        return result
    resource_id = (result or {}).get("resource_id") or (data_dict or {}).get("resource_id")
    if resource_id:
        from ckanext.utt1service.monitoring import downloads

        try:
            downloads.record_datastore_read(str(resource_id))
        except Exception:  # noqa: BLE001 - the read must go on
            log.exception("Could not record the DataStore read of %s", resource_id)
    return result
