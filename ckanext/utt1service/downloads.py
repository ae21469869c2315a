# -*- coding: utf-8 -*-
"""Download counting: the visitor key, the channel and the event itself.

CKAN sends :data:`ckan.lib.signals.resource_download` once for each allowed,
successful download of an uploaded file (and the restricted-resource download
view sends it too). :func:`record_download` runs inside that request:

1. the **visitor key**: an HMAC of the client address and user agent (or of
   the user id when logged in) under a random salt that lives one Bangkok day
   in Redis, so keys of different days cannot be linked and no IP address is
   ever stored;
2. **bots**: the user agent is checked against CrawlerDetect's maintained list
   (an empty user agent counts as a bot); API-token downloads are never bots;
3. **dedup**: one Redis ``SET NX EX`` per download decides atomically whether
   the same visitor already downloaded the same resource within
   ``ckanext.utt1service.download_dedup_seconds``; a repeat is stored with
   ``counted = false``;
4. the **event**: one ``INSERT … SELECT`` (committed at once), which also
   copies the dataset, organization and topic from the resource.

Channels: ``api`` (API token), ``qr`` (the URL, or an earlier page of the same
browser session, carried ``utm_source=qr``), ``web`` otherwise; ``email`` and
``paper`` come from staff through ``utt1service_download_event_create``. A view
may force one with ``flask.g.utt1service_download_channel``; the access-request
that granted a download is read from ``flask.g.utt1service_access_request_id``.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import uuid
from typing import Any, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import flask
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.redis import connect_to_redis

from ckanext.utt1service import thaidate
from ckanext.utt1service.model.download import DOWNLOAD_CHANNELS, DownloadEvent

log = logging.getLogger(__name__)

__all__ = [
    "CHANNEL_PARAM",
    "add_channel_marker",
    "client_address",
    "visitor_key",
    "request_channel",
    "is_bot",
    "record_download",
    "record_delivery",
    "download_count",
    "download_counts_by_resource",
    "recent_downloads",
    "forget_download",
    "mark_channel_from_request",
]

#: Query parameter that marks a link as coming from a QR code: ?utm_source=qr
CHANNEL_PARAM = "utm_source"
#: Channels a link can be marked with
LINK_CHANNELS = ("qr",)
#: Session keys (CKAN's session is a signed cookie by default)
SESSION_CHANNEL = "utt1service_channel"
SESSION_DOWNLOADS = "utt1service_downloads"
#: How many recent downloads the session remembers for the survey invitation
SESSION_DOWNLOADS_KEPT = 5

_crawler_detect: Any = None


# --- links -------------------------------------------------------------------


def add_channel_marker(url: str, channel: str = "qr") -> str:
    """``url`` with ``utm_source=<channel>`` added (replacing any earlier
    value); used for the links printed as QR codes."""
    if channel not in LINK_CHANNELS:
        raise ValueError(f"unknown link channel: {channel}")
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CHANNEL_PARAM]
    query.append((CHANNEL_PARAM, channel))
    return urlunsplit(parts._replace(query=urlencode(query)))


def mark_channel_from_request() -> None:
    """Before every request: a visit through a QR link marks the browser
    session, so that its later downloads count as ``qr``."""
    marker = flask.request.args.get(CHANNEL_PARAM)
    if marker in LINK_CHANNELS and flask.session.get(SESSION_CHANNEL) != marker:
        flask.session[SESSION_CHANNEL] = marker


# --- who and how ---------------------------------------------------------------


def client_address() -> str:
    """The client's address; behind ``trusted_proxies`` reverse proxies, the
    address the nearest trusted proxy saw (from X-Forwarded-For)."""
    trusted = tk.config.get("ckanext.utt1service.trusted_proxies")
    if trusted:
        hops = [h.strip() for h in flask.request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted:
            return hops[-trusted]
    return flask.request.remote_addr or ""


def _redis_key(*parts: str) -> str:
    return ":".join([tk.config.get("ckan.site_id") or "ckan", "utt1service", *parts])


def _daily_salt(day: str) -> bytes:
    """A random salt shared by all processes for one Bangkok day; Redis
    forgets it two days later, after which that day's keys cannot be
    recomputed from an address. One GET per call (no copy kept in the
    process, so all processes agree even if Redis lost the key)."""
    conn = connect_to_redis()
    key = _redis_key("visitor-salt", day)
    value = conn.get(key)
    if value is None:
        conn.set(key, secrets.token_hex(32), nx=True, ex=2 * 86400)
        value = conn.get(key)
    return value if isinstance(value, bytes) else str(value).encode()


def visitor_key() -> str:
    """A key for "the same visitor today" that is not personal data."""
    day = datetime.datetime.now(thaidate.BANGKOK).date().isoformat()
    if current_user.is_authenticated:
        ident = "user:" + current_user.id
    else:
        ua = flask.request.headers.get("User-Agent", "")
        ident = "addr:" + client_address() + "|" + ua
    return hmac.new(_daily_salt(day), ident.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


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
    if forced in DOWNLOAD_CHANNELS:
        return forced
    marker = flask.request.args.get(CHANNEL_PARAM)
    if marker in LINK_CHANNELS:
        return marker
    if _via_api_token():
        return "api"
    marker = flask.session.get(SESSION_CHANNEL)
    if marker in LINK_CHANNELS:
        return marker
    return "web"


# --- recording -----------------------------------------------------------------

_INSERT = sa.text(
    """
    INSERT INTO utt1service_download_event
        (id, created, resource_id, package_id, owner_org, topic, channel,
         request_id, visitor_key, is_bot, counted, recorded_by)
    SELECT :id, now(), r.id, r.package_id, p.owner_org,
           (SELECT e.value FROM package_extra e
             WHERE e.package_id = p.id AND e.key = :topic_field AND e.state = 'active'
             LIMIT 1),
           :channel, :request_id, :visitor_key, :is_bot, :counted, :recorded_by
      FROM resource r JOIN package p ON p.id = r.package_id
     WHERE r.id = :resource_id
    RETURNING id, package_id
    """
)


def _insert(**values: Any) -> Optional[sa.engine.Row]:
    params = {
        "id": str(uuid.uuid4()),
        "topic_field": tk.config.get("ckanext.utt1service.download_topic_field"),
        "request_id": None,
        "visitor_key": None,
        "is_bot": False,
        "counted": True,
        "recorded_by": None,
    }
    params.update(values)
    # On the request's own connection (a second pooled connection per
    # download could exhaust the pool under many concurrent downloads); the
    # download view has nothing else pending, so committing here is safe.
    row = model.Session.execute(_INSERT, params).first()
    model.Session.commit()
    return row


def _first_in_window(visitor: str, resource_id: str, event_id: str) -> tuple[bool, str]:
    """Atomically: is this the visitor's first download of the resource in
    the dedup window? Returns (first, id of the counted event)."""
    window = tk.config.get("ckanext.utt1service.download_dedup_seconds")
    if not window or window <= 0:
        return True, event_id
    previous = connect_to_redis().set(
        _redis_key("dl", visitor, resource_id), event_id, nx=True, ex=window, get=True
    )
    if previous is None:
        return True, event_id
    return False, previous.decode() if isinstance(previous, bytes) else str(previous)


def record_download(resource_id: str) -> Optional[str]:
    """Record the download served by the current request; returns the id of
    the counted event it belongs to (itself, or the first one of the dedup
    window), or None when nothing was recorded."""
    if not tk.config.get("ckanext.utt1service.download_counting"):
        return None
    channel = request_channel()
    ua = flask.request.headers.get("User-Agent", "")
    bot = channel != "api" and is_bot(ua)
    visitor = visitor_key()
    event_id = str(uuid.uuid4())
    counted, counted_id = _first_in_window(visitor, resource_id, event_id)
    row = _insert(
        id=event_id,
        resource_id=resource_id,
        channel=channel,
        request_id=flask.g.get("utt1service_access_request_id"),
        visitor_key=visitor,
        is_bot=bot,
        counted=counted,
    )
    if row is None:  # the resource vanished meanwhile
        return None
    if channel != "api":
        _remember_in_session(counted_id, resource_id, row.package_id)
    return counted_id


def _remember_in_session(event_id: str, resource_id: str, package_id: str) -> None:
    """Keep the last downloads in the browser session: the survey invitation
    and the survey form tie a response to one of them."""
    kept = [d for d in flask.session.get(SESSION_DOWNLOADS, []) if d.get("e") != event_id]
    kept.append({"e": event_id, "r": resource_id, "p": package_id})
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


def record_delivery(
    resource_id: str, channel: str, recorded_by: Optional[str], request_id: Optional[str] = None
) -> Optional[str]:
    """A file that staff delivered by e-mail or on paper; always counted."""
    row = _insert(
        resource_id=resource_id,
        channel=channel,
        request_id=request_id,
        recorded_by=recorded_by,
    )
    return row.id if row is not None else None


# --- counts --------------------------------------------------------------------


def download_count(resource_id: Optional[str] = None, package_id: Optional[str] = None) -> int:
    """Counted, non-bot downloads of a resource or of all resources of a dataset."""
    query = model.Session.query(sa.func.count(DownloadEvent.id)).filter(DownloadEvent.reportable())
    if resource_id:
        query = query.filter(DownloadEvent.resource_id == resource_id)
    elif package_id:
        query = query.filter(DownloadEvent.package_id == package_id)
    else:
        raise ValueError("resource_id or package_id is needed")
    return int(query.scalar() or 0)


def download_counts_by_resource(package_id: str) -> dict[str, int]:
    """{resource id: count} for the resources of one dataset (one query)."""
    rows = (
        model.Session.query(DownloadEvent.resource_id, sa.func.count(DownloadEvent.id))
        .filter(DownloadEvent.package_id == package_id, DownloadEvent.reportable())
        .group_by(DownloadEvent.resource_id)
    )
    return {rid: int(n) for rid, n in rows}
