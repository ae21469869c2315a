# -*- coding: utf-8 -*-
"""E-mails of the service, rendered in a given language outside any web
request (a background job renders them as well as a page): the templates of
``templates/utt1service/emails/`` with Jinja2 and the extension's catalog.

Every template gets ``lang``, ``date`` and ``datetime`` (Buddhist Era in
Thai, see ``thaidate``), ``office_name`` (in that language) and ``site_url``;
strings go through ``_()`` (Jinja2's i18n extension, new style: ``%(name)s``
placeholders are filled by keyword arguments).
"""
from __future__ import annotations

import os
from typing import Any, Optional

import jinja2
from babel.support import NullTranslations, Translations

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import thaidate

__all__ = ["gettext", "office_name", "render", "bilingual"]

# the package root, where the templates and the catalog are
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(_ROOT, "templates", "utt1service", "emails")
I18N = os.path.join(_ROOT, "i18n")
DOMAIN = "ckanext-utt1service"

_translations: dict[str, Any] = {}
_env: Optional[jinja2.Environment] = None


def _translations_for(lang: str) -> Any:
    if lang not in _translations:
        if lang == "en":
            _translations[lang] = NullTranslations()
        else:
            _translations[lang] = Translations.load(I18N, [lang], domain=DOMAIN)
    return _translations[lang]


def gettext(lang: str, message: str) -> str:
    """``message`` (an English msgid) in ``lang``."""
    return _translations_for(lang).gettext(message)


def office_name(lang: str) -> str:
    key = "ckanext.utt1service.office_name" if lang == "th" else "ckanext.utt1service.office_name_en"
    return tk.config.get(key) or ""


def _environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            extensions=["jinja2.ext.i18n"],
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _env


def render(template: str, lang: str, **variables: Any) -> str:
    """The text of ``template`` (a file of the e-mail templates) in ``lang``."""
    env = _environment()
    env.install_gettext_translations(_translations_for(lang), newstyle=True)  # type: ignore[attr-defined]
    return env.get_template(template).render(
        lang=lang,
        date=lambda v: thaidate.format_date(v, lang, long=True),
        datetime=lambda v: thaidate.format_datetime(v, lang),
        office_name=office_name(lang),
        site_url=tk.config.get("ckan.site_url") or "",
        **variables,
    ).strip()


def bilingual(template: str, subject: str, **variables: Any) -> tuple[str, str]:
    """Thai subject / English subject; the Thai text, then the English one,
    each signed with the office's name. ``subject`` is an English msgid with
    ``%(name)s`` placeholders filled from ``variables``."""
    parts = {}
    for lang in ("th", "en"):
        parts[lang] = (
            (gettext(lang, subject) % variables).strip(),
            render(template, lang, **variables),
        )
    (th_subject, th_body), (en_subject, en_body) = parts["th"], parts["en"]
    body = (
        f"{th_body}\n\n{office_name('th')}\n\n"
        "-------------------- English --------------------\n\n"
        f"{en_body}\n\n{office_name('en')}\n"
    )
    return f"{th_subject} / {en_subject}", body
