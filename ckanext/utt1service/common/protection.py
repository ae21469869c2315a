# -*- coding: utf-8 -*-
"""No pages: app-wide hooks that keep answers clear when something fails.

- The API answers a refused public submission (honeypot, cross-site form,
  rate limit) with the status the forms use (400, 429 with
  ``Retry-After``) instead of CKAN's 409 (see ``ratelimit.py``).
- A page that needs the search server while it cannot be reached shows a
  clear message (HTTP 503) instead of a 500 (see ``search.py``).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ckan.lib.search.common import SolrConnectionError

from ckanext.utt1service.catalog import search
from ckanext.utt1service.common import ratelimit

__all__ = ["protection"]

protection = Blueprint("utt1service_protection", __name__)


@protection.after_app_request
def _api_answer(response: Any) -> Any:
    return ratelimit.api_answer(response)


@protection.app_errorhandler(SolrConnectionError)
def _search_unavailable(error: SolrConnectionError) -> Any:
    return search.search_unavailable(error)
