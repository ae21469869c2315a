# -*- coding: utf-8 -*-
"""The download events' buffer: a download costs one Redis round trip, and
the events reach PostgreSQL in batches (issue 20).

A download (``monitoring/downloads.py``) runs :data:`_PUSH`, one Lua script
in Redis that decides the dedup (the visitor's first download of the file in
the window?) and appends the event to a Redis list, atomically. It does not
wait for it: :func:`send` writes the script to the socket of a connection
kept for it, the request goes on (the session cookie, CKAN's after-request
work), and :func:`settle` reads the reply at the request's teardown, before
the response's first byte leaves the worker. The list is
written to ``utt1service_download_event`` by :func:`flush`, in one
``INSERT … SELECT`` per batch (the file's dataset, organization and topic are
copied from its rows then, as the single INSERT did before):

- by the download that finds the buffer holding :func:`batch_size` events or
  its oldest event older than :data:`MAX_AGE_SECONDS`;
- before anything reads the counts or the events (:func:`flush_for_reading`:
  the counts on pages and in the API, the report, a survey naming its
  download), so that every count shown is exact;
- by ``ckan utt1service flush-downloads`` (cron, every minute), so that the
  table itself is never more than a minute behind on a quiet site.

**Nothing accepted is lost when a worker dies.** The buffer is in Redis, not
in the worker: a download is answered only after its event is in the list,
and a flusher takes events off the list only after PostgreSQL committed them.
One flusher at a time holds a lock (``SET NX EX``, 30 s); a flusher killed
between its INSERT and its trim leaves the events in the list, and the next one
writes them again, which ``ON CONFLICT (id) DO NOTHING`` (the event ids are
made with the event) turns into nothing. A lock outlived by its flusher
trims nothing (the trim checks the lock's token). What Redis itself keeps
across a crash of Redis is its persistence: the Docker image runs it with
``appendonly yes`` (at most one second lost). When Redis cannot be reached
the download writes its event to PostgreSQL at once, as before.

``ckanext.utt1service.download_buffer_size = 0`` turns the buffer off (each
download writes its event in the request, one INSERT).
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from typing import Any, Optional

import sqlalchemy as sa
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

import ckan.lib.redis as ckan_redis
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common.compat import package_extra_sql

log = logging.getLogger(__name__)

__all__ = [
    "MAX_AGE_SECONDS",
    "batch_size",
    "redis_key",
    "redis_client",
    "buffer_keys",
    "event_engine",
    "insert_event",
    "push",
    "send",
    "settle",
    "flush",
    "flush_for_reading",
    "pending",
]

#: the oldest event a download leaves in the buffer (seconds)
MAX_AGE_SECONDS = 5.0
#: events written by one INSERT of a flush
FLUSH_CHUNK = 500
#: seconds a flusher may hold the lock (a batch takes well under one): what
#: a writer killed while writing delays the next write by, at most
LOCK_SECONDS = 30
#: how long a reader waits for another process's write to finish (a page
#: whose writer was killed must not hang: it shows the counts without the
#: events still waiting, which the next write adds)
READER_WAIT_SECONDS = 3.0


def batch_size() -> int:
    """``ckanext.utt1service.download_buffer_size``: events a download lets
    the buffer hold before it flushes them (0: no buffer)."""
    # (an explicit default: without one, CKAN looks the option up among all
    # the declared ones at every call, ~5 µs inside a download; the
    # declared default is in the config already)
    return max(0, int(tk.config.get("ckanext.utt1service.download_buffer_size", None) or 0))


def redis_key(*parts: str) -> str:
    """A Redis key of this site (``ckan.site_id``) and extension."""
    return ":".join([tk.config.get("ckan.site_id", None) or "ckan", "utt1service", *parts])


#: (CKAN's connection pool, the client made on it)
_client: tuple[Any, Any] = (None, None)


def redis_client() -> Any:
    """CKAN's Redis client, made once per connection pool and shared by the
    threads of a process (redis-py's clients are thread-safe; a forked
    process gets new connections from the pool itself).
    ``connect_to_redis()`` makes a new client at every call: about 0.15 ms
    on these 2 cores (redis-py builds its table of reply parsers anew),
    which every download paid."""
    global _client
    pool, client = _client
    if pool is None or pool is not ckan_redis._connection_pool:
        client = ckan_redis.connect_to_redis()
        _client = (client.connection_pool, client)
    return client


#: (site id, the keys of :func:`buffer_keys`)
_keys: tuple[Any, tuple[str, str, str]] = (None, ("", "", ""))


def buffer_keys() -> tuple[str, str, str]:
    """(the list, the time of its oldest event, the flush lock)."""
    global _keys
    site_id = tk.config.get("ckan.site_id", None)
    if _keys[0] != site_id:
        _keys = (site_id, (redis_key("download-buffer"), redis_key("download-buffer", "since"),
                           redis_key("download-buffer", "lock")))
    return _keys[1]


# --- PostgreSQL ----------------------------------------------------------------

_engines: dict[int, sa.engine.Engine] = {}


def event_engine() -> sa.engine.Engine:
    """A small pool of autocommit connections for the events, one per
    process (created after any fork). Autocommit makes an INSERT one round
    trip, and a pool of its own can never be exhausted by the requests that
    hold the main pool's connections while they wait for it."""
    pid = os.getpid()
    engine = _engines.get(pid)
    if engine is None:
        engine = sa.create_engine(
            tk.config.get("sqlalchemy.url"),
            isolation_level="AUTOCOMMIT",
            pool_size=2,
            max_overflow=16,
            pool_timeout=60,
        )
        _engines.clear()
        _engines[pid] = engine
    return engine


#: The events of a batch (JSON) with the dataset, organization and topic of
#: each file (stored once per file as its target, see ``model/download.py``);
#: an event written before (a flusher died before its trim) is skipped.
#: Events of a file purged meanwhile are dropped, as the single INSERT did.
#: (The topic is an extra: a table on CKAN 2.11, a JSONB column on 2.12.)
_INSERT = """
    INSERT INTO utt1service_download_event
        (id, created, target_id, channel, request_id, visitor_key, is_bot, counted, recorded_by)
    SELECT e.id, coalesce(e.created, now()),
           utt1service_download_target_id(r.id, r.package_id, p.owner_org, %s),
           e.channel, e.request_id, e.visitor_key, coalesce(e.is_bot, false),
           coalesce(e.counted, true), e.recorded_by
      FROM json_to_recordset(CAST(:events AS json)) AS e(
               id uuid, created timestamptz, resource_id text, channel text, request_id text,
               visitor_key text, is_bot boolean, counted boolean, recorded_by text)
      JOIN resource r ON r.id = e.resource_id
      JOIN package p ON p.id = r.package_id
    ON CONFLICT (id) DO NOTHING
    RETURNING id::text AS id
"""


def _insert_sql() -> Any:
    return sa.text(_INSERT % package_extra_sql("p", "topic_field"))


def _write(conn: Any, events: list[dict[str, Any]]) -> list[Any]:
    topic = tk.config.get("ckanext.utt1service.download_topic_field") or ""
    return conn.execute(_insert_sql(), {"events": json.dumps(events), "topic_field": topic}).all()


def insert_event(event: dict[str, Any], conn: Any = None) -> Optional[dict[str, Any]]:
    """Write one event now (no buffer); returns ``{"id"}``, or None when
    the resource is gone."""
    if conn is None:
        with event_engine().connect() as own:
            rows = _write(own, [event])
    else:
        rows = _write(conn, [event])
    return {"id": rows[0].id} if rows else None


# --- Redis -----------------------------------------------------------------------

#: KEYS: the list, its oldest event's time, the dedup key ('' for none).
#: ARGV: the event id, the dedup window (s), the event as JSON without its
#: ``counted``, the time now, whether a repeat is stored ('1') or dropped.
#: Returns {counted (0/1), the counted event's id, stored (0/1), events
#: in the list, the time of the oldest}.
_PUSH = """
local counted, counted_id = 1, ARGV[1]
if KEYS[3] ~= '' then
  local first = redis.call('SET', KEYS[3], ARGV[1], 'NX', 'EX', tonumber(ARGV[2]))
  if not first then
    counted = 0
    counted_id = redis.call('GET', KEYS[3]) or ARGV[1]
  end
end
if counted == 0 and ARGV[5] ~= '1' then
  return {0, counted_id, 0, 0, ''}
end
local event = cjson.decode(ARGV[3])
event['counted'] = (counted == 1)
local n = redis.call('RPUSH', KEYS[1], cjson.encode(event))
redis.call('SET', KEYS[2], ARGV[4], 'NX')
return {counted, counted_id, 1, n, redis.call('GET', KEYS[2]) or ARGV[4]}
"""

#: KEYS: the list, its oldest event's time, the lock. ARGV: the lock's
#: token, how many events were written, the time now. Trims only while the
#: lock is still this flusher's.
_TRIM = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return -1
end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
local left = redis.call('LLEN', KEYS[1])
if left == 0 then
  redis.call('DEL', KEYS[2])
else
  redis.call('SET', KEYS[2], ARGV[3])
end
redis.call('DEL', KEYS[3])
return left
"""

#: KEYS: the lock. ARGV: the token. Releases the lock only while it is
#: still this flusher's (one whose lock expired must not free another's).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

_scripts: dict[str, Any] = {}


def _script(name: str, source: str) -> Any:
    """A registered script (EVALSHA, loaded again after a Redis restart)."""
    script = _scripts.get(name)
    if script is None:
        script = _scripts[name] = redis_client().register_script(source)
    return script


def push(event: dict[str, Any], dedup_key: str = "", window: int = 0,
         keep_repeats: bool = True) -> dict[str, Any]:
    """Decide the dedup and buffer the event, in one round trip. Returns
    ``{"counted", "counted_id", "stored", "due"}``; ``due`` says that the
    buffer should be flushed now. Raises RedisError when Redis is down (the
    caller writes the event itself then)."""
    now = time.time()
    keys, args = _push_arguments(event, dedup_key, window, now, keep_repeats)
    reply = _script("push", _PUSH)(keys=keys, args=args, client=redis_client())
    return _result(reply, now)


def _push_arguments(event: dict[str, Any], dedup_key: str, window: int, now: float,
                    keep_repeats: bool) -> tuple[list[Any], list[Any]]:
    """:data:`_PUSH`'s KEYS and ARGV."""
    list_key, since_key, _lock = buffer_keys()
    return ([list_key, since_key, dedup_key if window > 0 else ""],
            [event["id"], max(window, 0), json.dumps(event), repr(now), "1" if keep_repeats else "0"])


def _result(reply: Any, now: float) -> dict[str, Any]:
    counted, counted_id, stored, size, since = reply
    counted_id = counted_id.decode() if isinstance(counted_id, bytes) else str(counted_id)
    oldest = float(since) if since else now
    due = bool(stored) and (size >= batch_size() or now - oldest >= MAX_AGE_SECONDS)
    return {"counted": bool(counted), "counted_id": counted_id, "stored": bool(stored), "due": due}


class _Sent(threading.local):
    """The push this thread sent and has not read the reply of yet:
    (process id, client, connection, whether it was an idle one, event,
    time sent, dedup key, window)."""

    push: Optional[tuple[Any, ...]] = None


_sent = _Sent()

#: (process id, client, idle connections) of :func:`send`: connections whose
#: last reply was read, so they are taken without the pool's check for a
#: stale reply (about 70 µs of a download), and reused across threads (a
#: server that starts a thread per request does not connect per download)
_idle: tuple[int, Any, list[Any]] = (0, None, [])


#: the name of :func:`send`'s connections in Redis's ``CLIENT LIST``
SENDER_NAME = "utt1service-download-events"


def _new_connection(client: Any) -> Any:
    """A connection like the pool's, named, and not counted in the pool
    (it is never given back to it)."""
    pool = client.connection_pool
    return pool.connection_class(**dict(pool.connection_kwargs, client_name=SENDER_NAME))


def _take_connection() -> tuple[Any, Any, bool]:
    """(client, connection, whether it was idle); new connections after a
    fork or when CKAN's connection pool changed."""
    global _idle
    client = redis_client()
    pid, owner, idle = _idle
    if owner is not client or pid != os.getpid():
        _idle = (os.getpid(), client, [])
        if pid == os.getpid():
            for conn in idle:
                conn.disconnect()
        idle = _idle[2]
    try:
        return client, idle.pop(), True
    except IndexError:
        return client, _new_connection(client), False


def _give_back(client: Any, conn: Any) -> None:
    pid, owner, idle = _idle
    if owner is client and pid == os.getpid():
        idle.append(conn)
    else:
        conn.disconnect()


def _send_push(conn: Any, event: dict[str, Any], dedup_key: str, window: int, now: float) -> None:
    keys, args = _push_arguments(event, dedup_key, window, now, True)
    conn.send_command("EVAL", _PUSH, len(keys), *keys, *args)


def send(event: dict[str, Any], dedup_key: str = "", window: int = 0) -> None:
    """:func:`push` (repeats kept) without waiting for Redis: the script is
    written to Redis's socket now, and its reply is read by :func:`settle`,
    which the end of the request calls (``teardown_request``: after the
    other after-request work and the session cookie, before the response's
    first byte leaves the worker). So a download is still answered only
    after its event is in the buffer, but it does not sit idle while Redis
    runs the script (issue 20: that wait was most of what counting cost).

    ``EVAL`` with the script's text rather than ``EVALSHA``: a Redis that
    restarted in between cannot answer "no such script" after the request
    has moved on. Raises RedisError when the script cannot be sent (the
    caller writes the event itself then)."""
    settle()
    now = time.time()
    client, conn, was_idle = _take_connection()
    try:
        try:
            _send_push(conn, event, dedup_key, window, now)
        except RedisConnectionError:
            if not was_idle:
                raise
            conn.disconnect()  # died while idle (Redis restarted): once more on a new one
            conn, was_idle = _new_connection(client), False
            _send_push(conn, event, dedup_key, window, now)
    except BaseException:
        conn.disconnect()
        raise
    _sent.push = (os.getpid(), client, conn, was_idle, event, now, dedup_key, window)


def settle() -> None:
    """Read the reply of this thread's :func:`send`, if one is waiting, and
    write the buffer if it is due. Never raises for Redis or PostgreSQL
    being down. If the reply cannot be read:

    - on an idle connection taken again, the script is sent once more on a
      new one (the old one died with a restarted Redis, which then never got the script;
      should it have run it after all, the same event id makes the second
      copy nothing when the buffer is written);
    - else the event is written to PostgreSQL at once, counted (the dedup
      could not be decided), the same event id again guarding against a
      second copy."""
    push, _sent.push = _sent.push, None
    if push is None:
        return
    pid, client, conn, was_idle, event, now, dedup_key, window = push
    if pid != os.getpid():
        return  # sent by the process this one was forked from: its reply is the parent's
    try:
        try:
            reply = client.parse_response(conn, "EVAL")
        except RedisConnectionError:
            if not was_idle:
                raise
            conn.disconnect()
            conn = _new_connection(client)
            _send_push(conn, event, dedup_key, window, now)
            reply = client.parse_response(conn, "EVAL")
    except BaseException as error:
        conn.disconnect()
        if not isinstance(error, RedisError):
            raise
        log.warning("Redis failed on the download of %s (%s): written at once, without dedup",
                    event["resource_id"], error)
        try:
            insert_event(dict(event, counted=True))
        except sa.exc.SQLAlchemyError:
            log.exception("Could not write the download of %s", event["resource_id"])
        return
    _give_back(client, conn)
    if _result(reply, now)["due"]:
        flush()


def pending() -> int:
    """Events in the buffer (0 when Redis is down)."""
    settle()
    try:
        return int(redis_client().llen(buffer_keys()[0]))
    except RedisError:
        return 0


def _write_batch(conn: Any, raw: list[bytes]) -> int:
    """Write one batch; an event PostgreSQL refuses (it never should) is
    moved to the list ``download-buffer:failed`` with a logged error, so that
    it cannot block the events after it and is kept for a person to see.
    Raises SQLAlchemyError for anything else (PostgreSQL down)."""
    events, refused = [], []
    for item in raw:
        try:
            event = json.loads(item)
        except ValueError:
            refused.append(item)
            continue
        events.append((item, event))
    written = 0
    with event_engine().connect() as db:
        try:
            written = len(_write(db, [event for _item, event in events]))
        except (sa.exc.DataError, sa.exc.IntegrityError):
            # one of them is refused: write them one by one (any other
            # error, PostgreSQL down or a bug, leaves all of them buffered)
            for item, event in events:
                try:
                    written += len(_write(db, [event]))
                except (sa.exc.DataError, sa.exc.IntegrityError):
                    refused.append(item)
    if refused:
        log.error("%d buffered download events were refused; kept in %s", len(refused),
                  redis_key("download-buffer", "failed"))
        conn.rpush(redis_key("download-buffer", "failed"), *refused)
    return written


def _release(conn: Any, lock_key: str, token: str) -> None:
    _script("release", _RELEASE)(keys=[lock_key], args=[token], client=conn)


def flush(wait: float = 0.0) -> int:
    """Write the buffered events to PostgreSQL; returns how many were
    written. Another process flushing already: wait for it up to ``wait``
    seconds and flush what is left, or (no wait) leave it to that process.
    Never raises for Redis or PostgreSQL being down (logged; the events
    stay in the buffer)."""
    settle()
    list_key, since_key, lock_key = buffer_keys()
    deadline = time.monotonic() + wait
    written = 0
    try:
        conn = redis_client()
        while True:
            token = uuid.uuid4().hex
            if not conn.set(lock_key, token, nx=True, ex=LOCK_SECONDS):
                if time.monotonic() >= deadline:
                    return written
                time.sleep(0.01)
                continue
            raw = conn.lrange(list_key, 0, FLUSH_CHUNK - 1)
            if not raw:
                _release(conn, lock_key, token)
                return written
            try:
                written += _write_batch(conn, raw)
            except sa.exc.SQLAlchemyError:
                _release(conn, lock_key, token)
                log.exception("Could not write %d buffered download events; they stay buffered",
                              len(raw))
                return written
            left = _script("trim", _TRIM)(keys=[list_key, since_key, lock_key],
                                          args=[token, len(raw), repr(time.time())], client=conn)
            if left <= 0:  # empty, or the lock was lost (the next flusher goes on)
                return written
    except RedisError:
        log.warning("Redis is unreachable: buffered download events wait until it is back")
        return written


def flush_for_reading() -> None:
    """Before counts or events are read: the buffer written, so that the
    figures include every download answered so far. One Redis round trip
    when the buffer is empty."""
    if pending():
        flush(wait=READER_WAIT_SECONDS)
