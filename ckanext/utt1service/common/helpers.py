# -*- coding: utf-8 -*-
"""Template helpers every feature uses: the office's name and dates in the
user's language (Buddhist Era in Thai), also for CKAN core's own dates."""
from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

import flask

import ckan.plugins.toolkit as tk
from ckan.lib.i18n import get_lang

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.i18n import N_

__all__ = [
    "utt1service_office_name",
    "utt1service_date",
    "utt1service_datetime",
    "render_datetime",
    "add_url_param",
    "markdown_extract",
    "utt1service_emblem_url",
    "utt1service_header_logo_url",
    "utt1service_favicon_url",
    "utt1service_error_page",
    "utt1service_date_input",
    "utt1service_light_scripts",
    "utt1service_needs_ckan_scripts",
    "utt1service_leave_out_ckan_scripts",
]

#: Pages that need none of CKAN's JavaScript modules (jQuery, the vendor
#: bundle with moment/select2/jed, htmx, CKAN's module system): they load
#: the extension's small ``utt1service-light-js`` instead (collapsing menu,
#: closing alerts, the sort order that submits itself). "anonymous": only
#: for visitors who are not logged in (a logged-in user's dataset page has
#: the follow button, which needs htmx, and the resource page the manage
#: menu). A template on these pages that needs CKAN's modules says so with
#: ``h.utt1service_needs_ckan_scripts()`` (the resource page with a data
#: preview does).
LIGHT_PAGES = {
    "home.index": "everyone",
    "home.about": "everyone",
    "dataset.search": "everyone",
    "utt1service_bigdata.index": "everyone",
    "user.login": "anonymous",
    "user.register": "anonymous",
    "dataset.read": "anonymous",
    "resource.read": "anonymous",
    "dataset_resource.read": "anonymous",
}

#: CKAN's own logo, the default of ckan.site_logo: the header shows the
#: office's emblem instead (the sysadmin's own logo is shown as set).
CKAN_DEFAULT_LOGO = "/base/images/ckan-logo.png"

#: Thai (and English) titles and explanations of the error pages; werkzeug's
#: own names and descriptions are English only.
ERROR_PAGES = {
    400: (N_("Bad request"), N_("The address or the form could not be understood. Go back and try again.")),
    401: (N_("Please log in"), N_("This page is for logged-in users. Log in, then try again.")),
    403: (N_("Not allowed"), N_("You do not have permission to see this page. If you think you should, log in or contact the office.")),
    404: (N_("Page not found"), N_("There is no page at this address. It may have moved, or the address may be mistyped. Search the data or start from the home page.")),
    405: (N_("Not allowed"), N_("This page cannot be used that way.")),
    409: (N_("Conflict"), N_("The request conflicts with the current state of the data. Reload the page and try again.")),
    413: (N_("File too large"), N_("The file is larger than the portal accepts.")),
    429: (N_("Too many requests"), N_("Please wait a moment, then try again.")),
    500: (N_("Something went wrong"), N_("The portal could not answer. Please try again later; if it happens again, tell the office.")),
    503: (N_("Temporarily unavailable"), N_("The portal is busy or being maintained. Please try again in a minute.")),
}


def utt1service_office_name() -> str:
    """The office's name in the user's language."""
    if get_lang() == "th":
        return tk.config.get("ckanext.utt1service.office_name")
    return tk.config.get("ckanext.utt1service.office_name_en")


def utt1service_date(value, long: bool = False) -> str:
    """A date in the user's language: Buddhist Era and Thai month names in Thai
    (25 พ.ย. 2569), Gregorian in English (25 Nov 2026)."""
    return thaidate.format_date(value, get_lang(), long=long)


def utt1service_datetime(value) -> str:
    """Like utt1service_date, with the Bangkok time of day."""
    return thaidate.format_datetime(value, get_lang())


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False, with_seconds=False):
    """CKAN core's dates (dataset and resource pages, activity stream, user
    pages) in the Buddhist Era on Thai pages, like the extension's own; an
    explicit ``date_format`` and the other languages are left to CKAN."""
    if date_format or get_lang() != "th" or not datetime_:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    try:
        if with_hours or with_seconds:
            return thaidate.format_datetime(datetime_, "th")
        return thaidate.format_date(datetime_, "th")
    except (TypeError, ValueError):
        return next_helper(datetime_, date_format, with_hours, with_seconds)


#: descriptions longer than this are not kept (1,024 of them at most)
EXTRACT_CACHE_TEXT_LIMIT = 10_000


@tk.chained_helper
def markdown_extract(next_helper, text, extract_length=190):
    """CKAN core's helper (the description under each dataset of a search
    page, the home page and the organization pages), kept per process for
    the same text: CKAN renders the Markdown, cleans the HTML and shortens it
    again for every item of every page (about a tenth of the Thai search
    page's time). The result depends only on the text and the length, so an
    edited description is a new text and is rendered anew."""
    if not isinstance(text, str) or not text or len(text) > EXTRACT_CACHE_TEXT_LIMIT:
        return next_helper(text, extract_length)
    try:
        return _kept_extract(next_helper, text, extract_length)
    except TypeError:  # an unhashable length: CKAN's helper decides
        return next_helper(text, extract_length)


@functools.lru_cache(maxsize=1024)
def _kept_extract(next_helper, text: str, extract_length: Any) -> Any:
    return next_helper(text, extract_length)


def _param_value(value: Any) -> Any:
    # as CKAN's helpers encode a parameter (ckan.lib.helpers._url_with_params)
    return value.encode("utf-8") if isinstance(value, str) else str(value)


@tk.chained_helper
def add_url_param(next_helper, alternative_url=None, controller=None, action=None, extras=None,
                  new_params=None):
    """CKAN core's helper (every facet link of the search pages, their sort
    and pagination links), with the same result for less work.

    CKAN builds each link from scratch: the page's address through
    ``url_for`` and all its parameters encoded again, for each of the
    40-odd facet items of the Thai search page (a fifth of the page's time).
    Here the address with the page's parameters is built once per request
    and set of arguments, by CKAN's helper itself, and each link appends its
    own parameter encoded as CKAN encodes it: ``urlencode(a + b)`` is
    ``urlencode(a) + "&" + urlencode(b)``, so the text is the same."""
    try:
        key = ("utt1service_add_url_param", alternative_url, controller, action,
               tuple(sorted((extras or {}).items())))
        hash(key)
        # kept with this request's WSGI environment, not in flask.g: a
        # request context pushed inside a request (the mails and reports
        # drawn in another language) shares g but has its own address
        cache = flask.request.environ.setdefault("utt1service.url_bases", {})
    except (TypeError, RuntimeError):  # unhashable extras; outside a request
        return next_helper(alternative_url, controller, action, extras, new_params)
    base = cache.get(key)
    if base is None:
        has_params = any(k != "page" for k in flask.request.args.keys())
        base = cache[key] = (next_helper(alternative_url, controller, action, extras, None), has_params)
    url, has_params = base
    if not new_params:
        return url
    tail = urlencode([(k, _param_value(v)) for k, v in new_params.items()])
    return url + ("&" if has_params else "?") + tail


def utt1service_emblem_url() -> str:
    """The office's emblem (``ckanext.utt1service.emblem``) as a URL."""
    return tk.h.url_for_static_or_external(tk.config.get("ckanext.utt1service.emblem"))


def utt1service_header_logo_url() -> str:
    """The image of the page header: the logo a sysadmin set
    (``ckan.site_logo``) unless it is CKAN's own, else the office's emblem."""
    logo = tk.config.get("ckan.site_logo") or ""
    if logo and logo != CKAN_DEFAULT_LOGO:
        return tk.h.url_for_static_or_external(logo)
    return utt1service_emblem_url()


def utt1service_favicon_url() -> str:
    """The browser tab's icon (``ckanext.utt1service.favicon``) as a URL."""
    return tk.h.url_for_static_or_external(tk.config.get("ckanext.utt1service.favicon"))


def utt1service_error_page(code: Any, content: Any) -> dict[str, str]:
    """Title and explanation of an error page in the user's language.

    A message the portal gave (``tk.abort(404, _("Dataset not found"))``)
    is kept as the explanation; werkzeug's English defaults are replaced."""
    try:
        number = int(code[0] if isinstance(code, (list, tuple)) else code)
    except (TypeError, ValueError, IndexError):
        number = 500
    title, explanation = ERROR_PAGES.get(number, ERROR_PAGES[500 if number >= 500 else 400])
    text = str(content or "")
    default = _werkzeug_description(number)
    if text and text != default and text != "Internal server error":
        return {"code": str(number), "title": tk._(title), "explanation": text}
    return {"code": str(number), "title": tk._(title), "explanation": tk._(explanation)}


def _werkzeug_description(code: int) -> str:
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions.get(code)
    return exc.description if exc is not None else ""


def utt1service_date_input(value: Any = None) -> str:
    """A day as the forms take it: day/month/Buddhist-Era year (25/11/2569);
    today in Bangkok when ``value`` is None; a value the user typed (a string
    that is not YYYY-MM-DD) is given back as typed."""
    import datetime

    if value is None or value == "":
        day = datetime.datetime.now(thaidate.BANGKOK).date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return f"{day.day}/{day.month}/{thaidate.be_year(day.year)}"


def utt1service_light_scripts() -> bool:
    """Whether this page loads only the extension's small script instead of
    CKAN's bundles (``LIGHT_PAGES``; ``ckanext.utt1service.light_pages``)."""
    from flask import g, has_request_context, request

    if not has_request_context() or not tk.asbool(tk.config.get("ckanext.utt1service.light_pages", True)):
        return False
    if g.get("utt1service_ckan_scripts"):
        return False
    who = LIGHT_PAGES.get(request.endpoint or "")
    if who is None:
        return False
    return who == "everyone" or not tk.current_user.is_authenticated


#: CKAN's script bundles (and the plugins' that need them) a light page
#: leaves out, even when a template asks for one unconditionally (the
#: DataStore plugin's resource page adds its "Data API" script, which pulls
#: CKAN's bundles in, to every resource page).
CKAN_SCRIPT_BUNDLES = (
    "base/main",
    "base/ckan",
    "vendor/vendor",
    "vendor/jquery",
    "vendor/htmx",
    "vendor/bootstrap",
    "ckanext-activity/activity",
    "ckanext_datastore/datastore",
)


def utt1service_leave_out_ckan_scripts() -> str:
    """On a light page (the scripts of its end, before the other plugins'
    blocks add theirs): CKAN's script bundles count as included already, so
    a later ``{% asset %}`` of one of them adds nothing. Returns ""."""
    from flask import g

    if not hasattr(g, "_webassets"):
        g._webassets = {"style": [], "script": [], "included": set()}
    g._webassets["included"].update(CKAN_SCRIPT_BUNDLES)
    return ""


def utt1service_needs_ckan_scripts() -> str:
    """Called by a template of a light page that needs CKAN's JavaScript
    modules (before the scripts at the end of the page): CKAN's bundles are
    loaded after all. Returns "" (use it as ``{{ h.… }}``)."""
    from flask import g

    g.utt1service_ckan_scripts = True
    return ""
