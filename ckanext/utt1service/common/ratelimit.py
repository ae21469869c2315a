# -*- coding: utf-8 -*-
"""The protection of the public submissions (survey responses and
complaints), shared by the forms and the API so that both refuse the same
things with the same answer:

- the **honeypot** field ``website`` (hidden from people, filled in by form
  robots): refused, HTTP 400;
- anonymous **API** calls must send JSON: a cross-site HTML form cannot (it
  can only send ``application/x-www-form-urlencoded`` or
  ``multipart/form-data``), so another web site cannot make its visitors'
  browsers post complaints in their names and from their addresses (CKAN
  checks no CSRF token for anonymous API calls); HTTP 400;
- the per-visitor **rate limit**, kept in CKAN's Redis by the ``limits``
  library (moving window), keyed on ``downloads.visitor_key()`` (the user
  when logged in, else the client address): HTTP 429 with ``Retry-After``.

The refusals are :class:`tk.ValidationError`\\ s, which CKAN's API answers
with 409; :func:`api_answer` (an ``after_app_request`` hook) gives an API
response the status and headers the refusal asked for.

When Redis cannot be reached the rate limit **fails open**: the submission
is accepted and a warning is logged (a citizen's complaint must not be lost
because of a cache; the honeypot and the CSRF check of the forms still
apply).
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Optional

import flask

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

__all__ = [
    "HONEYPOT",
    "RateLimited",
    "api_answer",
    "check_api_submission",
    "check_honeypot",
    "hit",
    "honeypot_filled",
    "honeypot_message",
]

#: name of the honeypot field: hidden from people, filled in by form robots
HONEYPOT = "website"

_limiter = None
_storage_url: Optional[str] = None

#: flask.g attribute: (status, headers) that an API refusal asks for
_ANSWER = "utt1service_api_answer"


class RateLimited(tk.ValidationError):
    """Too many submissions from one visitor; the message says when to try
    again. Forms and the API answer it with HTTP 429."""

    def __init__(self, message: str, retry_after: int):
        super().__init__({"rate_limit": [message]})
        self.message = message
        self.retry_after = retry_after


def _answer_with(status: int, headers: Optional[dict[str, str]] = None) -> None:
    if flask.has_request_context():
        setattr(flask.g, _ANSWER, (status, headers or {}))


def api_answer(response: Any) -> Any:
    """After an API call refused by this module: its own status (400, 429)
    and headers instead of the 409 CKAN gives every validation error."""
    wanted = flask.g.get(_ANSWER)
    if wanted and flask.request.blueprint == "api" and response.status_code == 409:
        status, headers = wanted
        response.status_code = status
        response.headers.update(headers)
    return response


def honeypot_filled(data: Any) -> bool:
    value = data.get(HONEYPOT) if hasattr(data, "get") else None
    return bool(value) and (not isinstance(value, str) or bool(value.strip()))


def honeypot_message() -> str:
    return tk._(
        "Your form was not accepted because a hidden field meant to catch automated "
        "submissions was filled in. If you are a person, please reload the page and "
        "send the form again."
    )


def check_honeypot(data_dict: Any) -> None:
    """Refuse a submission whose honeypot field is filled in (HTTP 400)."""
    if honeypot_filled(data_dict):
        _answer_with(400)
        raise tk.ValidationError({"honeypot": [honeypot_message()]})


def check_api_submission() -> None:
    """An anonymous call of the action API must send JSON (HTTP 400
    otherwise): see the module docstring."""
    if not flask.has_request_context() or flask.request.blueprint != "api":
        return
    from ckan.common import current_user

    if current_user.is_authenticated or flask.request.method != "POST" or flask.request.is_json:
        return
    _answer_with(400)
    raise tk.ValidationError({"content_type": [tk._(
        "Without an API token, send this call as JSON (Content-Type: application/json)."
    )]})


def _get_limiter():
    global _limiter, _storage_url
    url = tk.config.get("ckan.redis.url")
    if _limiter is None or url != _storage_url:
        from limits.storage import RedisStorage
        from limits.strategies import MovingWindowRateLimiter

        prefix = (tk.config.get("ckan.site_id") or "ckan") + ":utt1service:limits"
        _limiter = MovingWindowRateLimiter(RedisStorage(url, key_prefix=prefix))
        _storage_url = url
    return _limiter


def hit(name: str, limit: str, key: str) -> None:
    """Count one submission of form ``name`` by visitor ``key``; raise
    :class:`RateLimited` when ``limit`` (e.g. ``"10/hour"``) is used up.
    Without Redis, let it through (fail open) and log a warning."""
    from limits import parse

    item = parse(limit)
    try:
        limiter = _get_limiter()
        if limiter.hit(item, name, key):
            return
        stats = limiter.get_window_stats(item, name, key)
    except Exception:  # noqa: BLE001 - Redis unreachable: fail open
        log.warning("Rate limit of %s not checked: Redis is unreachable", name, exc_info=True)
        return
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    wait = max(1, int(stats.reset_time - now + 0.999))
    minutes = max(1, (wait + 59) // 60)
    _answer_with(429, {"Retry-After": str(wait)})
    raise RateLimited(
        tk._(
            "You have sent this form too many times in a short while. "
            "Please try again in {minutes} minutes."
        ).format(minutes=minutes),
        retry_after=wait,
    )
