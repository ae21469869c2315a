# -*- coding: utf-8 -*-
"""No pages: an app-wide hook that keeps the API's answers like the forms':
a refused public submission (honeypot, cross-site form, rate limit) is
answered with the status the forms use (400, 429 with ``Retry-After``)
instead of CKAN's 409 (see ``ratelimit.py``).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ckanext.utt1service.common import ratelimit

__all__ = ["protection"]

protection = Blueprint("utt1service_protection", __name__)


@protection.after_app_request
def _api_answer(response: Any) -> Any:
    return ratelimit.api_answer(response)
