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

API calls (``/api/…``) are left to the actions, which answer with a
validation error naming the field (``logic/input_guard.py``).
"""
from __future__ import annotations

from typing import Any, Iterable

import flask

import ckan.plugins.toolkit as tk

__all__ = ["refuse_nul_bytes", "install"]

NUL = "\x00"


def _has_nul(pairs: Iterable[tuple[str, Any]]) -> bool:
    return any(NUL in key or (isinstance(value, str) and NUL in value) for key, value in pairs)


def refuse_nul_bytes() -> None:
    """A ``before_request`` function: aborts the request when the address or
    the form carries a NUL byte."""
    request = flask.request
    if NUL in request.path:
        tk.abort(404, tk._("Page not found"))
    if request.path.startswith("/api/"):
        return
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
