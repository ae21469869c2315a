# -*- coding: utf-8 -*-
"""One failing request never breaks the next ones.

CKAN keeps one SQLAlchemy session per thread (``model.Session``) and
discards it only in its ``after_request`` handler. When a statement fails
(a value out of range, a broken constraint) PostgreSQL aborts the
transaction; if anything then fails before that handler runs (CKAN's own
error page queries the database for the page header, so it fails too), the
thread keeps the aborted transaction and every later request it serves, by
anyone, answers 500 "current transaction is aborted".

Two guards, installed by the plugin (``IMiddleware``):

- around the Flask application (``app.wsgi_app``): whatever happened, the
  session is rolled back and discarded when the request is over, after its
  response was sent. This is the request boundary itself, not a Flask
  ``teardown_request``: that one also runs when a ``test_request_context``
  pushed inside a request ends (the report's and the mails' rendering in
  another language do that), which would discard the session in the middle
  of the request;
- before CKAN's error page is rendered for a database error, the session is
  rolled back, so that the page can be drawn (a clean 500 page instead of a
  bare one).
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wsgi import ClosingIterator

import ckan.model as model

log = logging.getLogger(__name__)

__all__ = ["discard_session", "RequestSessionScope", "install"]


def discard_session() -> None:
    """Roll back and forget this thread's session (a new one starts with the
    next use). Never raises: a broken connection is logged and dropped."""
    try:
        model.Session.rollback()
    except Exception:  # noqa: BLE001 - the connection itself may be gone
        log.warning("Rolling back the database session failed", exc_info=True)
    try:
        model.Session.remove()
    except Exception:  # noqa: BLE001
        log.warning("Discarding the database session failed", exc_info=True)


class RequestSessionScope:
    """WSGI wrapper: the session ends with the request, whatever happened."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            body = self.wsgi_app(environ, start_response)
        except BaseException:
            discard_session()
            raise
        # After the body was sent (or the client went away).
        return ClosingIterator(body, discard_session)


def _rolled_back_first(handler: Callable[[Exception], Any]) -> Callable[[Exception], Any]:
    def handle(error: Exception) -> Any:
        # Rolled back, not discarded: the signed-in user's object still
        # belongs to this session, and the page reads it.
        try:
            model.Session.rollback()
        except Exception:  # noqa: BLE001
            log.warning("Rolling back the database session failed", exc_info=True)
        return handler(error)

    return handle


def install(app: Any) -> Any:
    """Put both guards on CKAN's Flask application; returns it."""
    if not isinstance(app.wsgi_app, RequestSessionScope):
        app.wsgi_app = RequestSessionScope(app.wsgi_app)
    # CKAN registers its error page for every exception outside test mode;
    # database errors get it on a clean session.
    generic = app.error_handler_spec.get(None, {}).get(None, {}).get(Exception)
    if generic is not None:
        app.register_error_handler(SQLAlchemyError, _rolled_back_first(generic))
    return app
