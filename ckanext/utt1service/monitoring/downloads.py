# -*- coding: utf-8 -*-
"""Download counting: the visitor key, the channel and the event itself.

CKAN sends :data:`ckan.lib.signals.resource_download` for each allowed
download of an uploaded file (and the restricted-resource download view
sends it too), before the response is made. The receiver only notes the
resource (:func:`defer_download`); once the response is ready,
:func:`record_served` records it if it is a **whole download**: a GET (not
HEAD) answered with the whole file (200, a 206 whose range is the whole
file, or the redirect of a link). A HEAD, a partial ``Range`` (the rest of
a resumed download, ``bytes=0-0``), a 304 or an error records nothing, so a
resumed download counts once. :func:`record_download` then:

1. the **visitor key**: a keyed hash (BLAKE2b, a MAC) of the client address (or of the user id
   when logged in) under a random salt that lives one Bangkok day in Redis,
   so keys of different days cannot be linked and no IP address is ever
   stored. The user agent is not part of it: changing it must not make a
   new visitor;
2. **bots**: the user agent is checked against CrawlerDetect's maintained list
   (an empty user agent counts as a bot); API-token downloads are never bots;
3. **dedup** and **the event**: one Redis script decides atomically whether
   the same visitor already downloaded the same resource within
   ``ckanext.utt1service.download_dedup_seconds`` (a repeat is stored with
   ``counted = false``) and appends the event to the buffer that
   ``common/event_buffer.py`` writes to PostgreSQL in batches: one round trip,
   whose reply is read at the end of the request (the browser session
   remembers the download's own event for the survey, so nothing waits for
   Redis's answer), and nothing lost if the worker dies.

When Redis is down the download still goes out and is still recorded (one
INSERT, at once) and counted: the visitor key falls back to a salt of this
process, and repeats are not recognised until Redis is back (logged as a
warning).

Channels: ``api`` (API token), ``qr`` (the URL, or an earlier page of the same
browser session, carried ``utm_source=qr``), ``web`` otherwise; ``email`` and
``paper`` come from staff through ``utt1service_download_event_create``
(:func:`record_delivery`: one counted delivery per resource, request and
channel). A view may force a channel with
``flask.g.utt1service_download_channel``; the access-request that granted a
download is read from ``flask.g.utt1service_access_request_id``.
"""
from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import time
import uuid
from typing import Any, Optional

import flask
import sqlalchemy as sa
from redis.exceptions import RedisError

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.utt1service.common import (
    counting,
    event_buffer,
    links,
    responses,
    thaidate,
    vocabularies,
)

log = logging.getLogger(__name__)

__all__ = [
    "most_downloaded",
    "client_address",
    "visitor_key",
    "request_channel",
    "is_bot",
    "record_download",
    "defer_download",
    "record_served",
    "record_datastore_read",
    "record_delivery",
    "download_count",
    "download_counts_by_resource",
    "recent_downloads",
    "forget_download",
    "remember_surveyed",
    "surveyed_resources",
    "mark_channel_from_request",
]

#: Session keys (CKAN's session is a signed cookie by default)
SESSION_CHANNEL = "utt1service_channel"
SESSION_DOWNLOADS = "utt1service_downloads"
#: How many recent downloads the session remembers for the survey invitation
SESSION_DOWNLOADS_KEPT = 5
SESSION_SURVEYED = "utt1service_surveyed"
#: How many rated files the session remembers (no invitation for them again)
SESSION_SURVEYED_KEPT = 30

_crawler_detect: Any = None


# --- links (common/links.py) -----------------------------------------------------


def mark_channel_from_request() -> None:
    """Before every request: a visit through a QR link marks the browser
    session, so that its later downloads count as ``qr``."""
    marker = flask.request.args.get(links.CHANNEL_PARAM)
    if marker in links.LINK_CHANNELS and flask.session.get(SESSION_CHANNEL) != marker:
        flask.session[SESSION_CHANNEL] = marker


# --- who and how ---------------------------------------------------------------


def client_address() -> str:
    """The client's address; behind ``trusted_proxies`` reverse proxies, the
    address the nearest trusted proxy saw (from X-Forwarded-For)."""
    trusted = tk.config.get("ckanext.utt1service.trusted_proxies", None)
    if trusted:
        hops = [h.strip() for h in flask.request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted:
            return hops[-trusted]
    return flask.request.remote_addr or ""


_redis_key = event_buffer.redis_key


#: (day, salt, fetched at) of the salt last read from Redis
_salt_cache: dict[str, tuple[bytes, float]] = {}
SALT_CACHE_SECONDS = 60


def _daily_salt(day: str) -> bytes:
    """A random salt shared by all processes for one Bangkok day; Redis
    forgets it two days later, after which that day's keys cannot be
    recomputed from an address. A process re-reads it at most once a
    minute (so all processes agree again soon even if Redis lost it)."""
    cached = _salt_cache.get(day)
    now = time.monotonic()
    if cached is not None and now - cached[1] < SALT_CACHE_SECONDS:
        return cached[0]
    try:
        conn = event_buffer.redis_client()
        key = _redis_key("visitor-salt", day)
        value = conn.get(key)
        if value is None:
            conn.set(key, secrets.token_hex(32), nx=True, ex=2 * 86400)
            value = conn.get(key)
    except RedisError:
        log.warning("Redis is unreachable: visitor keys use this process's own salt for now")
        return _fallback_salt(day)
    salt = value if isinstance(value, bytes) else str(value).encode()
    _salt_cache.clear()
    _salt_cache[day] = (salt, now)
    return salt


#: (day, salt) of this process, used only while Redis is unreachable
_fallback: dict[str, bytes] = {}


def _fallback_salt(day: str) -> bytes:
    if day not in _fallback:
        _fallback.clear()
        _fallback[day] = secrets.token_hex(32).encode()
    return _fallback[day]


#: (the end of the Bangkok day, as a POSIX time; that day, ISO)
_day: tuple[float, str] = (0.0, "")


def _bangkok_day() -> str:
    """Today in Bangkok (ISO), worked out again only when the day is over."""
    global _day
    now = time.time()
    if now >= _day[0]:
        today = datetime.datetime.fromtimestamp(now, thaidate.BANGKOK)
        midnight = datetime.datetime.combine(today.date() + datetime.timedelta(days=1),
                                             datetime.time(), thaidate.BANGKOK)
        _day = (midnight.timestamp(), today.date().isoformat())
    return _day[1]


def visitor_key() -> str:
    """A key for "the same visitor today" that is not personal data: the
    user when logged in, else the client address. Not the user agent,
    which anyone can change at every request."""
    day = _bangkok_day()
    if current_user.is_authenticated:
        ident = "user:" + current_user.id
    else:
        ident = "addr:" + client_address()
    # keyed BLAKE2b, a MAC by design (RFC 7693) and Python's own code: OpenSSL's
    # HMAC took ~80 µs of a download, BLAKE2b ~13 µs (issue 20)
    return hashlib.blake2b(ident.encode("utf-8"), key=_daily_salt(day)[:64], digest_size=16).hexdigest()


def is_bot(user_agent: Optional[str]) -> bool:
    """Obvious robots, by user agent (CrawlerDetect's list); no user agent
    at all counts as a robot too."""
    global _crawler_detect
    if not user_agent or not user_agent.strip():
        return True
    if _crawler_detect is None:
        from crawlerdetect import CrawlerDetect

        _crawler_detect = CrawlerDetect()
    return bool(_crawler_detect.is_crawler(user_agent))


def _via_api_token() -> bool:
    return bool(flask.g.get("login_via_auth_header")) and current_user.is_authenticated


def request_channel() -> str:
    """The channel of the download being served (see the module docstring)."""
    forced = flask.g.get("utt1service_download_channel")
    if forced in vocabularies.SERVICE_CHANNELS:
        return forced
    marker = flask.request.args.get(links.CHANNEL_PARAM)
    if marker in links.LINK_CHANNELS:
        return marker
    if _via_api_token():
        return "api"
    marker = flask.session.get(SESSION_CHANNEL)
    if marker in links.LINK_CHANNELS:
        return marker
    return "web"


# --- recording -----------------------------------------------------------------


def _event(resource_id: str, event_id: str, **values: Any) -> dict[str, Any]:
    """An event as the buffer and the INSERT take it (``common/event_buffer.py``)."""
    event = {
        "id": event_id,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "resource_id": resource_id,
        "channel": None,
        "request_id": None,
        "visitor_key": None,
        "is_bot": False,
        "recorded_by": None,
    }
    event.update(values)
    return event


def _store(event: dict[str, Any], dedup: str, keep_repeats: bool = True,
           wait: bool = True) -> tuple[bool, str, bool]:
    """Decide the dedup and store the event (see the module docstring):
    through the buffer, or at once when the buffer is off or Redis is down.
    Returns (counted, id of the counted event, stored). Without ``wait``
    (a repeat is kept then) the buffer's answer is read at the end of the
    request (``event_buffer.send``): the result is (True, the event's own
    id, True) as far as this request can know."""
    window = max(0, int(tk.config.get("ckanext.utt1service.download_dedup_seconds", None) or 0))
    resource_id, event_id = event["resource_id"], event["id"]
    if event_buffer.batch_size() > 0:
        key = _redis_key(dedup, event["visitor_key"] or "", resource_id)
        try:
            if not wait:
                event_buffer.send(event, key, window)
                return True, event_id, True
            pushed = event_buffer.push(event, key, window, keep_repeats)
        except RedisError:
            log.warning("Redis is unreachable: download of %s written at once, without dedup",
                        resource_id)
        else:
            if pushed["due"]:
                event_buffer.flush()
            return pushed["counted"], pushed["counted_id"], pushed["stored"]
        counted, counted_id = True, event_id
    else:
        counted, counted_id = _first_in_window(dedup, event["visitor_key"] or "", resource_id,
                                               event_id, window)
    if not counted and not keep_repeats:
        return False, counted_id, False
    row = event_buffer.insert_event(dict(event, counted=counted))
    return counted, counted_id, row is not None


def _first_in_window(dedup: str, visitor: str, resource_id: str, event_id: str,
                     window: int) -> tuple[bool, str]:
    """Without the buffer: is this the visitor's first download of the
    resource in the dedup window? (atomic) Returns (first, id of the
    counted event)."""
    if window <= 0:
        return True, event_id
    try:
        previous = event_buffer.redis_client().set(
            _redis_key(dedup, visitor, resource_id), event_id, nx=True, ex=window, get=True
        )
    except RedisError:
        log.warning("Redis is unreachable: download of %s counted without dedup", resource_id)
        return True, event_id
    if previous is None:
        return True, event_id
    return False, previous.decode() if isinstance(previous, bytes) else str(previous)


def _by_the_site() -> bool:
    """The portal fetching its own file: xloader's jobs download uploads with
    the site user's token (``ckan.site_id``) to load them into the DataStore.
    That is no use of the data."""
    return bool(current_user.is_authenticated
                and current_user.name == tk.config.get("ckan.site_id", None))


def record_download(resource_id: str) -> Optional[str]:
    """Record the download served by the current request; returns its
    event's id, or None when nothing was recorded. (Whether it counts, or
    repeats the visitor's download of the file in the dedup window, Redis
    decides while the rest of the request runs: nothing here waits for it.)"""
    if not tk.config.get("ckanext.utt1service.download_counting", None) or _by_the_site():
        return None
    channel = request_channel()
    ua = flask.request.headers.get("User-Agent", "")
    event = _event(
        resource_id,
        str(uuid.uuid4()),
        channel=channel,
        request_id=flask.g.get("utt1service_access_request_id"),
        visitor_key=visitor_key(),
        is_bot=channel != "api" and is_bot(ua),
    )
    _counted, _counted_id, stored = _store(event, "dl", wait=False)
    if not stored:  # the resource vanished meanwhile
        return None
    if channel != "api":
        package_id = _package_of(resource_id)
        if package_id:
            _remember_in_session(event["id"], resource_id, package_id)
    return event["id"]


def _package_of(resource_id: str) -> Optional[str]:
    """The dataset of a file being downloaded: the download view noted it
    (``flask.g.utt1service_download_packages``, {resource id: dataset id}),
    else one query."""
    known = flask.g.get("utt1service_download_packages") or {}
    if resource_id in known:
        return known[resource_id]
    return model.Session.execute(
        sa.text("SELECT package_id FROM resource WHERE id = :id"), {"id": resource_id}
    ).scalar()


#: the channel of DataStore reads (previews, the row API, dumps)
DATASTORE_CHANNEL = "datastore"


def record_datastore_read(resource_id: str) -> Optional[str]:
    """A read of a public file's rows in the DataStore (its table preview,
    ``datastore_search`` through the API, the dump) by the current request:
    one event in the ``datastore`` channel for the first read of a visitor
    and file in the dedup window (a preview pages and filters many times:
    the repeats are not stored). Bots as for downloads (an API token is
    never a bot). Returns the new event's id, or None."""
    if not tk.config.get("ckanext.utt1service.download_counting", None) or _by_the_site():
        return None
    event = _event(
        resource_id,
        str(uuid.uuid4()),
        channel=DATASTORE_CHANNEL,
        visitor_key=visitor_key(),
        is_bot=not _via_api_token() and is_bot(flask.request.headers.get("User-Agent", "")),
    )
    counted, _counted_id, stored = _store(event, "ds", keep_repeats=False)
    return event["id"] if counted and stored else None


def defer_download(resource_id: str) -> None:
    """The ``resource_download`` signal of this request: the download is
    recorded once its response is known (:func:`record_served`)."""
    pending = flask.g.setdefault("utt1service_pending_downloads", [])
    if resource_id not in pending:
        pending.append(resource_id)


def record_served(response: Any) -> Any:
    """After a request: record the downloads its signal announced, if the
    response gives the whole file. A failure to record is logged and never
    changes the response."""
    pending = flask.g.pop("utt1service_pending_downloads", None)
    if not pending or not responses.is_whole_download(response):
        return response
    for resource_id in pending:
        try:
            record_download(resource_id)
        except Exception:  # noqa: BLE001 - the download must go on
            log.exception("Could not record the download of resource %s", resource_id)
    return response


def _remember_in_session(event_id: str, resource_id: str, package_id: str) -> None:
    """Keep the last downloads in the browser session, one per file: the
    survey invitation and the survey form tie a response to one of them.
    A file downloaded again keeps the session's first download of it (moved
    to the end): the survey rates that one, once."""
    kept = flask.session.get(SESSION_DOWNLOADS, [])
    if kept and kept[-1].get("r") == resource_id:
        return  # a repeat of the newest one: the session is left unmodified
    earlier = [d for d in kept if d.get("r") == resource_id]
    kept = [d for d in kept if d.get("r") != resource_id]
    kept.append(earlier[-1] if earlier else {"e": event_id, "r": resource_id, "p": package_id})
    flask.session[SESSION_DOWNLOADS] = kept[-SESSION_DOWNLOADS_KEPT:]


def recent_downloads() -> list[dict[str, str]]:
    """The downloads remembered in this browser session, newest last, as
    ``{"e": event id, "r": resource id, "p": package id}``."""
    if not flask.has_request_context():
        return []
    return list(flask.session.get(SESSION_DOWNLOADS, []))


def forget_download(event_id: str) -> None:
    kept = [d for d in flask.session.get(SESSION_DOWNLOADS, []) if d.get("e") != event_id]
    flask.session[SESSION_DOWNLOADS] = kept


def remember_surveyed(resource_id: str) -> None:
    """This browser session answered the survey about ``resource_id``: it
    is not invited again for that file (later downloads included)."""
    kept = [r for r in flask.session.get(SESSION_SURVEYED, []) if r != resource_id]
    kept.append(resource_id)
    flask.session[SESSION_SURVEYED] = kept[-SESSION_SURVEYED_KEPT:]


def surveyed_resources() -> list[str]:
    """The files this browser session answered the survey about."""
    if not flask.has_request_context():
        return []
    return list(flask.session.get(SESSION_SURVEYED, []))


#: The counted delivery that a new one repeats: the same resource, channel
#: and request (at any time); without a request, the same resource, channel
#: and staff member within the dedup window. (Deliveries are e-mail or
#: paper: the condition lets PostgreSQL use the small partial index of
#: deliveries, utt1service_download_event_delivery_idx.)
_EARLIER_DELIVERY = sa.text(
    """
    SELECT id::text AS id FROM utt1service_download_event
     WHERE target_id IN (SELECT id FROM utt1service_download_target WHERE resource_id = :resource_id)
       AND channel = :channel AND counted
       AND channel IN ('email', 'paper')
       AND CASE WHEN CAST(:request_id AS text) IS NOT NULL
                THEN request_id = :request_id
                ELSE request_id IS NULL
                     AND recorded_by IS NOT DISTINCT FROM :recorded_by
                     AND created > now() - make_interval(secs => :window)
           END
     ORDER BY created LIMIT 1
    """
)


def record_delivery(
    resource_id: str, channel: str, recorded_by: Optional[str], request_id: Optional[str] = None
) -> Optional[dict[str, Any]]:
    """A file that staff delivered by e-mail or on paper. A delivery counts
    once: for an access request, once per resource and channel; without
    one, repeats by the same staff member within
    ``download_dedup_seconds`` are stored with ``counted = false`` (a
    double click, a retried call). Concurrent calls are serialised by an
    advisory lock on what makes them the same, held while this one looks
    for an earlier delivery and inserts (each statement autocommits, so
    the next holder sees the row).

    Returns ``{"id", "counted", "counted_id"}`` (the counted delivery this
    one repeats, or itself), or None when the resource is gone."""
    window = max(0, int(tk.config.get("ckanext.utt1service.download_dedup_seconds", None) or 0))
    same = "|".join(("delivery", resource_id, channel, request_id or "", "" if request_id else recorded_by or ""))
    event_id = str(uuid.uuid4())
    lock = {"key": same}
    with event_buffer.event_engine().connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(hashtextextended(:key, 0))"), lock)
        try:
            earlier = None
            if request_id or window:
                earlier = conn.execute(
                    _EARLIER_DELIVERY,
                    {"resource_id": resource_id, "channel": channel, "request_id": request_id,
                     "recorded_by": recorded_by, "window": window},
                ).scalar()
            # (created by PostgreSQL's clock, which the look-up above compares)
            event = _event(resource_id, event_id, created=None, channel=channel,
                           request_id=request_id, counted=earlier is None,
                           recorded_by=recorded_by)
            row = event_buffer.insert_event(event, conn)
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))"), lock)
    if row is None:
        return None
    return {"id": row["id"], "counted": earlier is None, "counted_id": earlier or row["id"]}


# --- counts --------------------------------------------------------------------

# The counts read the per-resource monthly sums that the counting triggers
# keep (common/counting.py: the same rule as every count), a few rows per
# file and month, never the events themselves: a dataset page costs the same
# after ten years of downloads as after one.
_SUMS = counting.MONTH_TABLES[1]


def download_count(resource_id: Optional[str] = None, package_id: Optional[str] = None) -> int:
    """Counted, non-bot downloads of a resource or of all resources of a dataset."""
    event_buffer.flush_for_reading()
    if resource_id:
        column, value = "resource_id", resource_id
    elif package_id:
        column, value = "package_id", package_id
    else:
        raise ValueError("resource_id or package_id is needed")
    total = model.Session.execute(
        sa.text(f"SELECT coalesce(sum(downloads), 0) FROM {_SUMS} WHERE {column} = :value"),
        {"value": value},
    ).scalar()
    return int(total or 0)


def download_counts_by_resource(package_id: str) -> dict[str, int]:
    """{resource id: count} for the resources of one dataset (one query)."""
    event_buffer.flush_for_reading()
    rows = model.Session.execute(
        sa.text(
            f"SELECT resource_id, sum(downloads) FROM {_SUMS} WHERE package_id = :package_id"
            " GROUP BY resource_id HAVING sum(downloads) <> 0"
        ),
        {"package_id": package_id},
    )
    return {rid: int(n) for rid, n in rows}


def most_downloaded(limit: int) -> list[tuple[str, int]]:
    """(dataset id, counted downloads) of the datasets downloaded most, over
    all time, most first (ties by id); private and deleted datasets included."""
    event_buffer.flush_for_reading()
    rows = model.Session.execute(
        sa.text(
            f"SELECT package_id, sum(downloads) AS n FROM {_SUMS}"
            " GROUP BY package_id HAVING sum(downloads) > 0"
            " ORDER BY n DESC, package_id LIMIT :limit"
        ),
        {"limit": limit},
    )
    return [(package_id, int(n)) for package_id, n in rows]
