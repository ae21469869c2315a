# -*- coding: utf-8 -*-
"""The DataStore's doors to a restricted file's rows: CKAN's own auth
functions of the ``datastore`` plugin, chained.

CKAN lets anyone who may see a resource (``resource_show``) read its table;
the metadata of a restricted file is public here, so each reading door also
asks the download gate (``gate.rows_refused``, the rule of every download):
``datastore_search`` (also behind the dump ``/datastore/dump/<id>`` and the
table views), ``datastore_search_sql`` (every table the statement reads),
``datastore_info``. Writing a restricted file's rows into the DataStore
(``datastore_create``, ``datastore_upsert``) is refused to everyone,
sysadmins included: its rows never enter the DataStore (xloader skips it,
``catalog/preview.py`` drops its table when a file becomes restricted).
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.utt1service.access_requests import gate

__all__ = [
    "datastore_search",
    "datastore_search_sql",
    "datastore_info",
    "datastore_create",
    "datastore_upsert",
]

AuthFunction = Callable[[Context, DataDict], AuthResult]


def _resource_id(data_dict: DataDict) -> Any:
    data_dict = data_dict or {}
    return data_dict.get("resource_id") or data_dict.get("id")


def _refused() -> AuthResult:
    return {"success": False, "msg": tk._("This file is restricted")}


def _reading(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    if gate.rows_refused(dict(context), _resource_id(data_dict)):
        return _refused()
    return result


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return _reading(next_auth, context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return _reading(next_auth, context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: AuthFunction, context: Context,
                         data_dict: DataDict) -> AuthResult:
    # CKAN 2.12 passes the statement's tables as a generator, which CKAN's
    # own check (next_auth) would use up: read them once, for both checks.
    names = list(context.get("table_names") or [])
    context["table_names"] = names  # type: ignore[typeddict-unknown-key]
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    for name in names:
        if gate.rows_refused(dict(context), name):
            return _refused()
    return result


def _writing(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    resource_id = _resource_id(data_dict)
    if resource_id:
        info = gate.resource_info(str(resource_id))
        restricted = info is not None and info.restricted
    else:  # a new resource given whole: its own access level
        new_resource = (data_dict or {}).get("resource")
        restricted = isinstance(new_resource, dict) and gate.is_restricted(new_resource)
    if restricted:
        return {"success": False, "msg": tk._("Restricted files are not loaded into the DataStore")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_sysadmins_check
def datastore_create(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return _writing(next_auth, context, data_dict)


@tk.chained_auth_function
@tk.auth_sysadmins_check
def datastore_upsert(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return _writing(next_auth, context, data_dict)
