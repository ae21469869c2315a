# -*- coding: utf-8 -*-
"""Per-visitor rate limits of the public forms, kept in CKAN's Redis by the
``limits`` library (moving window)."""
from __future__ import annotations

import datetime
from typing import Optional

import ckan.plugins.toolkit as tk

__all__ = ["RateLimited", "hit"]

_limiter = None
_storage_url: Optional[str] = None


class RateLimited(tk.ValidationError):
    """Too many submissions from one visitor; the message says when to try
    again. The views answer it with HTTP 429."""

    def __init__(self, message: str, retry_after: int):
        super().__init__({"rate_limit": [message]})
        self.message = message
        self.retry_after = retry_after


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
    :class:`RateLimited` when ``limit`` (e.g. ``"10/hour"``) is used up."""
    from limits import parse

    item = parse(limit)
    limiter = _get_limiter()
    if limiter.hit(item, name, key):
        return
    stats = limiter.get_window_stats(item, name, key)
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    wait = max(1, int(stats.reset_time - now + 0.999))
    minutes = max(1, (wait + 59) // 60)
    raise RateLimited(
        tk._(
            "You have sent this form too many times in a short while. "
            "Please try again in {minutes} minutes."
        ).format(minutes=minutes),
        retry_after=wait,
    )
