# -*- coding: utf-8 -*-
"""Pages load fast on a phone: fingerprinted assets kept by browsers, text
compressed.

CKAN sends every response, its asset bundles included, with
``Cache-Control: public, max-age=<ckan.cache_expires>, must-revalidate``
(0 by default), so a browser asks again for each of the ~24 files of every
page. This WSGI middleware, around CKAN's Flask application, changes what
leaves it:

- the asset bundles under ``ckan.webassets.url`` (``/webassets/…``), whose
  file names carry a hash of their content (``0fdb5ee0_activity.js``), are
  sent as ``public, max-age=<ckanext.utt1service.asset_max_age>, immutable``:
  a new version has a new name, so browsers never need to ask again;
- the other static files of CKAN and of the extension (``/base/…``,
  ``/utt1service/…``: images, fonts, the emblem) get
  ``public, max-age=<ckanext.utt1service.static_max_age>``;
- pages, style sheets, scripts, JSON and SVG are compressed with gzip when
  the browser accepts it (``ckanext.utt1service.compress``). The nginx of the
  Docker deployment compresses as well; this covers the development server
  and a container reached without nginx.

- the asset bundles are built and their addresses worked out once per
  process, at its first request (``ckanext.utt1service.webassets_built_once``):
  CKAN's webassets otherwise checks every source file of every bundle a page
  includes, on every page (about 0.5 ms a bundle, ten bundles on the search
  page), and then reads its addresses from memory (webassets' ``auto_build``
  off, as its documentation advises for production). A changed asset file
  is then served after a restart; with ``debug = true`` nothing changes.

Never compressed or buffered: downloads (anything sent as an attachment, any
type not listed, e.g. CSV, XLSX, PDF) — they stream as before, and a
download is counted only when sent whole (``common/counting.py``). Nor is a
response without a ``Content-Length`` (werkzeug sets one for every body it
holds whole; a streamed body, such as the DataStore's dump
``/datastore/dump/<id>?format=json`` that CKAN writes row by row, has none),
nor one larger than ``MAX_SIZE``: compressing them here would hold the whole
body in memory first.
"""
from __future__ import annotations

import gzip
import logging
import threading
import time
from typing import Any, Callable, Iterable, Optional

import ckan.plugins.toolkit as tk

__all__ = ["SpeedMiddleware", "build_assets_once", "install"]

log = logging.getLogger(__name__)
_build_lock = threading.Lock()

#: what is worth compressing (text); everything else streams untouched
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
)
#: smaller bodies gain nothing from gzip
MIN_SIZE = 1024
#: larger bodies are sent as they are rather than held in memory to compress
MAX_SIZE = 4 * 1024 * 1024
#: static files that are not fingerprinted: CKAN's base images and fonts, the
#: extension's public folder
STATIC_PREFIXES = ("/base/", "/utt1service/")


def _header(headers: list[tuple[str, str]], name: str) -> Optional[str]:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _without(headers: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    drop = {n.lower() for n in names}
    return [(k, v) for k, v in headers if k.lower() not in drop]


class SpeedMiddleware:
    """Cache lifetimes of static files and gzip of text responses."""

    def __init__(self, app: Callable, *, asset_prefix: str = "/webassets", asset_max_age: int = 31536000,
                 static_max_age: int = 86400, compress: bool = True, assets_built_once: bool = False) -> None:
        self.app = app
        #: bundles not built yet in this process (built at the first request)
        self.assets_pending = assets_built_once
        self.asset_prefix = asset_prefix.rstrip("/") + "/"
        self.asset_max_age = asset_max_age
        self.static_max_age = static_max_age
        self.compress = compress

    def _cache_control(self, path: str) -> Optional[str]:
        if self.asset_max_age and path.startswith(self.asset_prefix):
            return f"public, max-age={self.asset_max_age}, immutable"
        if self.static_max_age and path.startswith(STATIC_PREFIXES):
            return f"public, max-age={self.static_max_age}"
        return None

    def _compressible(self, environ: dict, status: str, headers: list[tuple[str, str]]) -> bool:
        if not self.compress or environ.get("REQUEST_METHOD") == "HEAD":
            return False
        if "gzip" not in (environ.get("HTTP_ACCEPT_ENCODING") or "").lower():
            return False
        if not status.startswith("200"):
            return False
        if _header(headers, "Content-Encoding") or "attachment" in (_header(headers, "Content-Disposition") or ""):
            return False
        ctype = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in COMPRESSIBLE:
            return False
        # streamed (no length known before the end) or too large to hold
        length = _header(headers, "Content-Length")
        if length is None or not length.strip().isdigit():
            return False
        return int(length) <= MAX_SIZE

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.assets_pending:
            with _build_lock:
                if self.assets_pending:
                    build_assets_once()
                    self.assets_pending = False
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            captured.update(status=status, headers=list(headers), exc_info=exc_info)
            return lambda data: None  # write(): not used by Flask/werkzeug

        body = self.app(environ, capture)
        status, headers = captured["status"], captured["headers"]
        path = environ.get("PATH_INFO") or ""
        cache = self._cache_control(path) if status.startswith(("200", "304")) else None
        if cache:
            # the same file for everyone: CKAN's "Vary: Cookie" would make a
            # browser fetch it again once a session cookie is set (log in)
            vary = [v.strip() for v in (_header(headers, "Vary") or "").split(",")
                    if v.strip() and v.strip().lower() != "cookie"]
            headers = _without(headers, "Cache-Control", "Pragma", "Expires", "Vary") + [("Cache-Control", cache)]
            if vary:
                headers.append(("Vary", ", ".join(vary)))
        if not self._compressible(environ, status, headers):
            start_response(status, headers, captured["exc_info"])
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        vary = _header(headers, "Vary")
        headers = _without(headers, "Vary")
        headers.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
        if len(data) >= MIN_SIZE:
            data = gzip.compress(data, compresslevel=6)
            headers = _without(headers, "Content-Length") + [
                ("Content-Encoding", "gzip"), ("Content-Length", str(len(data)))]
        start_response(status, headers, captured["exc_info"])
        return [data]


def build_assets_once() -> bool:
    """Build every asset bundle that needs it and work out its address, then
    turn webassets' ``auto_build`` off: pages take the addresses from memory
    instead of checking each bundle's source files again. Returns whether it
    did; with CKAN's ``debug`` (source files served one by one) or when a
    bundle cannot be built, CKAN's behaviour stays (a warning in the log)."""
    from webassets.exceptions import BundleError

    from ckan.lib import webassets_tools

    env = webassets_tools.env
    if env.debug or not env.auto_build:
        return False
    started = time.perf_counter()
    bundles = list(env)  # the registered bundles
    try:
        for bundle in bundles:
            bundle.urls()
    except (BundleError, OSError) as e:
        log.warning("Asset bundles are checked on every page (building them failed: %s)", e)
        return False
    except Exception:  # noqa: BLE001 - a page must not fail for it
        log.exception("Asset bundles are checked on every page (building them failed)")
        return False
    env.auto_build = False
    log.info("%d asset bundles built in %.0f ms; pages no longer check their sources",
             len(bundles), (time.perf_counter() - started) * 1000)
    return True


def install(app: Any) -> Any:
    """Wrap the Flask application's WSGI callable (``IMiddleware``); returns
    the application."""
    if isinstance(app.wsgi_app, SpeedMiddleware):
        return app
    app.wsgi_app = SpeedMiddleware(
        app.wsgi_app,
        asset_prefix=tk.config.get("ckan.webassets.url") or "/webassets",
        asset_max_age=tk.config.get("ckanext.utt1service.asset_max_age"),
        static_max_age=tk.config.get("ckanext.utt1service.static_max_age"),
        compress=tk.asbool(tk.config.get("ckanext.utt1service.compress")),
        assets_built_once=tk.asbool(tk.config.get("ckanext.utt1service.webassets_built_once")),
    )
    return app
