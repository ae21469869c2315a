# -*- coding: utf-8 -*-
"""The download events' buffer (common/event_buffer.py): a worker killed in
the middle of its downloads, or a writer killed between its INSERT and its
trim, loses no download and counts none twice; the counts read are exact."""
from __future__ import annotations

import os
import signal

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.download import DownloadEvent

from .conftest import browser_headers, download_url

pytestmark = pytest.mark.usefixtures("clean_db", "clean_redis")


def _stored() -> list[DownloadEvent]:
    model.Session.expire_all()
    return model.Session.query(DownloadEvent).all()


@pytest.fixture()
def buffered(monkeypatch):
    """Downloads leave their events in the buffer: no download writes it
    (a large batch, no age limit), so only what the test does writes it."""
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_buffer_size", 100_000)
    monkeypatch.setattr(event_buffer, "MAX_AGE_SECONDS", 10**9)


def test_a_worker_killed_in_the_middle_of_its_downloads_loses_none(app, public_file, buffered,
                                                                  monkeypatch):
    """A worker process downloads in a loop and is killed with SIGKILL (no
    clean-up of any kind) while it is still downloading: every download whose
    answer it gave is written by the next writer, once."""
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_dedup_seconds", 0)
    url = download_url(public_file)
    answered_r, answered_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            os.close(answered_r)
            # its own database connections (the parent's stay the parent's)
            model.meta.engine.dispose(close=False)
            while True:
                response = app.get(url, headers=browser_headers())
                assert response.status_code == 200
                os.write(answered_w, b".")
        finally:
            os._exit(code)
    os.close(answered_w)
    answered = 0
    with os.fdopen(answered_r, "rb", buffering=0) as pipe:
        while answered < 25:
            chunk = pipe.read(1)
            assert chunk, "the worker stopped before it was killed"
            answered += 1
        os.kill(pid, signal.SIGKILL)
        answered += len(pipe.read())  # answers written before the kill landed
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    assert _stored() == []  # nothing was written by the worker itself
    waiting = event_buffer.pending()
    # the download the kill interrupted may have buffered its event
    # without getting to answer
    assert answered <= waiting <= answered + 1
    assert event_buffer.flush() == waiting
    assert len(_stored()) == waiting
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == waiting


def test_a_writer_killed_before_its_trim_writes_nothing_twice(app, public_file, buffered,
                                                             monkeypatch):
    """A writer dies after PostgreSQL committed the events and before it took
    them off the list: the next writer finds them in the table and writes
    nothing twice."""
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_dedup_seconds", 0)
    for _ in range(3):
        assert app.get(download_url(public_file), headers=browser_headers()).status_code == 200
    assert event_buffer.pending() == 3

    class Killed(BaseException):
        pass

    real_script = event_buffer._script

    def dies_at_the_trim(name, source):
        if name == "trim":
            raise Killed()
        return real_script(name, source)

    monkeypatch.setattr(event_buffer, "_script", dies_at_the_trim)
    with pytest.raises(Killed):
        event_buffer.flush()
    monkeypatch.setattr(event_buffer, "_script", real_script)
    assert len(_stored()) == 3 and event_buffer.pending() == 3

    # its lock is still held: a writer leaves the events to it ...
    assert event_buffer.flush() == 0 and event_buffer.pending() == 3
    # ... until the lock expires (LOCK_SECONDS after the death)
    from ckan.lib.redis import connect_to_redis

    connect_to_redis().delete(event_buffer.buffer_keys()[2])
    assert event_buffer.flush() == 0  # all three were written before
    assert event_buffer.pending() == 0
    assert len(_stored()) == 3
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 3


def test_a_writer_whose_lock_expired_leaves_the_next_writers_lock_alone(app, public_file, buffered,
                                                                       monkeypatch):
    """A writer is slow past its lock's 30 s, another takes the lock, then
    the first one's write fails: it must not free the other's lock (two
    writers at once would each write the same batch)."""
    from ckan.lib.redis import connect_to_redis

    assert app.get(download_url(public_file), headers=browser_headers()).status_code == 200
    lock_key = event_buffer.buffer_keys()[2]

    def slow_then_fails(conn, raw):
        conn.set(lock_key, "the-next-writer")  # ours expired; another writer's now
        raise sa.exc.OperationalError("INSERT", {}, Exception("PostgreSQL went away"))

    monkeypatch.setattr(event_buffer, "_write_batch", slow_then_fails)
    assert event_buffer.flush() == 0
    assert connect_to_redis().get(lock_key) == b"the-next-writer"
    assert event_buffer.pending() == 1  # nothing lost either


def test_counts_read_right_after_a_download_include_it(app, public_file, buffered):
    """Nothing has written the buffer yet: the page's and the API's count
    already include the download (a reader writes the buffer first)."""
    resource_id = public_file["resource"]["id"]
    assert app.get(download_url(public_file), headers=browser_headers()).status_code == 200
    assert event_buffer.pending() == 1
    result = app.get(tk.url_for("api.action", ver=3, logic_function="utt1service_download_count",
                                resource_id=resource_id))
    assert result.json["result"]["count"] == 1
    assert event_buffer.pending() == 0


def test_a_download_past_the_batch_size_writes_the_buffer(app, public_file, monkeypatch):
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_buffer_size", 3)
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_dedup_seconds", 0)
    for _ in range(2):
        app.get(download_url(public_file), headers=browser_headers())
    assert event_buffer.pending() == 2 and _stored() == []
    app.get(download_url(public_file), headers=browser_headers())
    assert event_buffer.pending() == 0 and len(_stored()) == 3


def test_without_the_buffer_each_download_writes_its_event(app, public_file, monkeypatch):
    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_buffer_size", 0)
    app.get(download_url(public_file), headers=browser_headers())
    assert event_buffer.pending() == 0
    [event] = _stored()
    assert event.counted and event.channel == "web"


def test_the_cron_command_writes_the_buffer(app, public_file, buffered):
    from ckanext.utt1service.monitoring.cli import flush_downloads

    app.get(download_url(public_file), headers=browser_headers())
    result = CliRunner().invoke(flush_downloads, [])
    assert result.exit_code == 0, result.output
    assert "1 download event(s) written, 0 waiting" in result.output
    [event] = _stored()
    assert event.resource_id == public_file["resource"]["id"]


def test_one_redis_client_per_connection_pool_and_it_follows_ckans(app, ckan_config, monkeypatch):
    """Downloads share one Redis client (CKAN's ``connect_to_redis()`` makes a
    new one at every call), and when CKAN's connection is made anew (another
    Redis URL) the next download uses the new one, not the old client."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    import ckan.lib.redis as ckan_redis

    client = event_buffer.redis_client()
    assert event_buffer.redis_client() is client
    assert client.connection_pool is ckan_redis._connection_pool
    assert client.ping()

    monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:9/1")  # nothing listens
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    moved = event_buffer.redis_client()
    assert moved is not client and moved.connection_pool is ckan_redis._connection_pool
    with pytest.raises(RedisConnectionError):
        moved.ping()
    monkeypatch.undo()
    assert event_buffer.redis_client().ping()


def test_a_download_after_redis_dropped_its_connections_is_still_deduplicated(app, public_file, buffered,
                                                                               monkeypatch):
    """The connection a worker keeps for its downloads' events dies (Redis
    restarted, or an administrator killed its clients): the next download
    sends its event again on a new connection, so it is buffered and
    recognised as a repeat, not written at once as a new counted one."""
    from ckan.lib.redis import connect_to_redis

    monkeypatch.setitem(tk.config, "ckanext.utt1service.download_dedup_seconds", 300)
    assert app.get(download_url(public_file), headers=browser_headers()).status_code == 200
    # the downloads' connections of this test's Redis database (other workers
    # use other databases)
    redis = connect_to_redis()
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    senders = [c["id"] for c in redis.client_list()
               if int(c["db"]) == db and c["name"] == event_buffer.SENDER_NAME]
    assert senders and all(redis.client_kill_filter(_id=cid) == 1 for cid in senders)
    assert app.get(download_url(public_file), headers=browser_headers()).status_code == 200
    assert _stored() == [] and event_buffer.pending() == 2
    event_buffer.flush()
    assert sorted(e.counted for e in _stored()) == [False, True]
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 1


def test_a_download_whose_event_redis_refuses_is_written_at_once(app, public_file, buffered):
    """Redis takes the script and fails it (here the buffer's key holds a
    string): the file still goes out, and its event is written to
    PostgreSQL before the response leaves, counted."""
    from ckan.lib.redis import connect_to_redis

    connect_to_redis().set(event_buffer.buffer_keys()[0], "not a list")
    response = app.get(download_url(public_file), headers=browser_headers())
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("school,students")
    [event] = _stored()
    assert event.counted and event.resource_id == public_file["resource"]["id"]
