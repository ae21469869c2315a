# -*- coding: utf-8 -*-
"""No pages: app-wide hooks that keep answers clear.

- The API answers a refused public submission (honeypot, cross-site form,
  rate limit) with the status the forms use (400, 429 with
  ``Retry-After``) instead of CKAN's 409 (see ``ratelimit.py``).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ckanext.utt1service import ratelimit

protection = Blueprint("utt1service_protection", __name__)


@protection.after_app_request
def _api_answer(response: Any) -> Any:
    return ratelimit.api_answer(response)
