# -*- coding: utf-8 -*-
"""Addresses and forms carrying a NUL byte are refused before any view.

PostgreSQL cannot store or compare a text containing the NUL character
(U+0000): psycopg2 refuses such a value with a ``ValueError`` wherever it
reaches SQL, which became a 500 on any page taking an id or a name from the
address (``/access-request/%00``, ``/dataset/%00/qr.png``,
``/survey/thanks?dataset=%00``). No address, query or form field ever needs
one, so they are refused here, once, for every page:

- a NUL in the path: 404 (no such page);
- a NUL in the query string or in a form field: 400 with a message.

API calls of the extension's own actions (``utt1service_*``) are left to
the actions, which answer with a validation error naming the field
(``common/input_guard.py``). Calls of CKAN core's actions carrying a NUL
anywhere (``package_create`` with a NUL in a title gave a 500) get CKAN's
usual API answer to invalid data: 409 with a ``Validation Error``.
"""
from __future__ import annotations

from typing import Any, Iterable

import flask

import ckan.plugins.toolkit as tk

__all__ = ["refuse_nul_bytes", "install"]

NUL = "\x00"


def _has_nul(pairs: Iterable[tuple[str, Any]]) -> bool:
    return any(NUL in key or (isinstance(value, str) and NUL in value) for key, value in pairs)


def _nested_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_nested_nul(k) or _nested_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_nested_nul(v) for v in value)
    return False


def _api_refusal() -> Any:
    """CKAN's API answer to invalid data, for a core action's call carrying
    a NUL byte; None when the call may go on."""
    request = flask.request
    action = request.path.rstrip("/").rsplit("/", 1)[-1]
    if action.startswith("utt1service_"):
        return None
    body = request.get_json(silent=True) if request.is_json else None
    if not (
        _has_nul(request.args.items(multi=True))
        or _has_nul(request.form.items(multi=True))
        or _nested_nul(body)
    ):
        return None
    message = tk._("The data contains a character that is not allowed (a NUL byte).")
    return flask.jsonify({
        "help": tk.h.url_for("api.action", logic_function="help_show", ver=3,
                             name=action, _external=True),
        "success": False,
        "error": {"__type": "Validation Error", "message": message},
    }), 409


def refuse_nul_bytes() -> Any:
    """A ``before_request`` function: refuses the request when the address,
    the form or (for core API actions) the data carries a NUL byte."""
    request = flask.request
    if NUL in request.path:
        tk.abort(404, tk._("Page not found"))
    if request.path.startswith("/api/"):
        return _api_refusal()
    if _has_nul(request.args.items(multi=True)) or (
        request.method in ("POST", "PUT", "PATCH") and _has_nul(request.form.items(multi=True))
    ):
        tk.abort(
            400,
            tk._("The address or the form contains a character that is not allowed "
                 "(a NUL byte). Please check what was typed or pasted and try again."),
        )


def install(app: Any) -> Any:
    """Run :func:`refuse_nul_bytes` right after CKAN's own ``before_request``
    (which identifies the user and prepares the page), before every hook of
    the extensions."""
    from ckan.config.middleware.flask_app import ckan_before_request

    hooks = app.before_request_funcs.setdefault(None, [])
    if refuse_nul_bytes in hooks:
        return app
    position = hooks.index(ckan_before_request) + 1 if ckan_before_request in hooks else 0
    hooks.insert(position, refuse_nul_bytes)
    return app
