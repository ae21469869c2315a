# -*- coding: utf-8 -*-
"""Fixtures shared by the whole test suite.

The suite runs against the real services started by ``bin/services``
(PostgreSQL, Solr, Redis); see ``test.ini``.
"""
from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
import zlib
from typing import Any

import pytest
from pytest_factoryboy import register
from werkzeug.serving import make_server

from ckanext.utt1service.common import compat
from ckanext.utt1service.tests import factories as own_factories

# The extension's own tables, as fixtures: download_event_factory, …
for _factory in (own_factories.DownloadEventFactory, own_factories.SurveyResponseFactory,
                 own_factories.ComplaintFactory, own_factories.AuditEventFactory):
    register(_factory)

# --- parallel workers ------------------------------------------------------------
# ``bin/test`` runs the suite in pytest-xdist workers (gw0, gw1, …). Each worker
# gets a database, a Solr core, a Redis database, an upload folder and a site id of
# its own, so that workers never see each other's data; bin/test creates the
# databases and cores before pytest starts. CKAN reads these variables over
# test.ini when the worker loads its configuration (pytest_sessionstart of CKAN's
# pytest plugin, which runs after this hook).

#: Redis databases of the workers: gw0 → 4, gw1 → 5, … (0 is dev, 1 the serial
#: test run, 2–3 the benchmarks)
FIRST_WORKER_REDIS_DB = 4


def worker_suffix() -> str:
    """``_gw0``-style suffix of this xdist worker, or "" when not in parallel."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{worker}" if worker else ""


def _isolate_worker(worker: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    index = int(worker.removeprefix("gw"))
    env = os.environ

    def with_path(url: str, path: str) -> str:
        return urlunsplit(urlsplit(url)._replace(path=path))

    db = env["CKAN_SQLALCHEMY_URL"]
    env["CKAN_SQLALCHEMY_URL"] = with_path(db, f"{urlsplit(db).path}_{worker}")
    for var in ("CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL"):
        url = env[var]
        env[var] = with_path(url, f"{urlsplit(url).path}_{worker}")
    solr = env["CKAN_SOLR_URL"].rstrip("/")
    env["CKAN_SOLR_URL"] = f"{solr}_{worker}"
    env["CKAN_REDIS_URL"] = with_path(env["CKAN_REDIS_URL"], f"/{FIRST_WORKER_REDIS_DB + index}")
    env["CKAN_STORAGE_PATH"] = f"{env['CKAN_STORAGE_PATH'].rstrip('/')}-{worker}"
    os.makedirs(env["CKAN_STORAGE_PATH"], exist_ok=True)
    env["CKAN_SITE_ID"] = f"{env.get('CKAN_SITE_ID', 'utt1service-test')}-{worker}"


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        missing = [v for v in ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_REDIS_URL",
                               "CKAN_STORAGE_PATH", "CKAN_DATASTORE_WRITE_URL",
                               "CKAN_DATASTORE_READ_URL") if not os.environ.get(v)]
        if missing:
            raise pytest.UsageError(
                "parallel test runs need bin/test (it creates each worker's database and "
                f"Solr core); missing: {', '.join(missing)}"
            )
        _isolate_worker(worker)
    _cheap_password_hashes()


def _cheap_password_hashes() -> None:
    """Speed: CKAN hashes a password with PBKDF2-SHA512 at passlib's 25,000
    rounds (about 40 ms); the suite makes thousands of users and logs in
    hundreds of times, and every log-in hashes twice (check, then CKAN's
    re-hash). The tests use the same scheme with 1,000 rounds: what they
    check is who may log in, not the cost of guessing a password."""
    from passlib.hash import pbkdf2_sha512

    import ckan.model.user

    ckan.model.user.pbkdf2_sha512 = pbkdf2_sha512.using(rounds=1000)


def pytest_xdist_make_scheduler(config, log):
    """bin/test's ``--dist loadfile``, with the browser tests split out and
    sent first (tests/scheduling.py)."""
    if config.getoption("dist") != "loadfile":
        return None
    from ckanext.utt1service.tests.scheduling import BrowserTestsFirst

    return BrowserTestsFirst(config, log)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from ckanext.utt1service.tests.scheduling import order_items

        order_items(items)


# Speed: the plugins of test.ini are loaded (~0.3 s) and the Flask app built
# (~0.6 s) once per worker instead of once per test. No test changes
# ``ckan.plugins``; the configuration itself is still restored before each test
# (CKAN's pytest plugin and the ``ckan_config`` fixture).

@pytest.fixture(scope="session")
def _session_plugins():
    import ckan.plugins

    ckan.plugins.load_all()
    yield
    compat.unload_plugins()


@pytest.fixture()
def with_plugins(_session_plugins, ckan_config):
    """The plugins of test.ini, loaded once (overrides CKAN's per-test fixture)."""
    yield


@pytest.fixture(scope="session")
def _session_app(_session_plugins):
    from ckan.tests import helpers

    return helpers._get_test_app()


@pytest.fixture()
def app(_session_app, ckan_config):
    """CKAN's test app, built once (overrides CKAN's per-test fixture), with
    a new test client (no cookies) for each test, as CKAN's own fixture
    gives: CKAN 2.12's test app keeps one client, so one test's session (a
    QR visit, a log-in) would otherwise carry into the next."""
    if hasattr(_session_app, "client"):  # CKAN 2.12
        _session_app.client = _session_app.test_client()
    return _session_app


@pytest.fixture(autouse=True)
def _plugins(with_plugins):
    """Every test runs with the plugins of test.ini loaded (before clean_db,
    whose migrations need them)."""


def faker_seed(nodeid: str) -> int:
    return zlib.crc32(nodeid.encode("utf-8"))


@pytest.fixture(autouse=True)
def _same_fake_data_every_run(request):
    """CKAN's factories fill in what a test leaves out (a dataset's notes,
    a user's name) with Faker, whose generator is otherwise seeded from
    the operating system: a dataset's random notes could contain the word
    a search test looks for (``budget`` is in Faker's word list), so such
    a test failed now and then. Seeded from the test's id, every test gets
    the same data on every run and in any order."""
    import factory.random

    from ckan.tests import factories

    seed = faker_seed(request.node.nodeid)
    factories.fake.seed_instance(seed)
    factory.random.reseed_random(seed)


@pytest.fixture(scope="session")
def reset_db(reset_db):
    """CKAN's database reset, keeping the application's connection pool.

    The first reset of a process creates CKAN's tables through CKAN's
    migration environment, which binds the model to an engine without a
    pool (``NullPool``) and leaves it bound: from then on every request of
    the worker opened a new PostgreSQL connection (about 14 ms each, a third
    of an API call's time in the junk tests). The engine CKAN configured at
    start-up (with its pool) is bound again after each reset."""
    import ckan.model as model

    def reset() -> None:
        engine = model.meta.engine
        reset_db()
        if engine is not None and model.meta.engine is not engine:
            model.init_model(engine)

    return reset


@pytest.fixture(scope="session")
def migrate_db_for(migrate_db_for):
    """CKAN's ``migrate_db_for``, skipped when the plugin's tables are
    already at the newest revision.

    CKAN's database reset empties the tables and keeps each plugin's
    ``<plugin>_alembic_version`` row, so after the first reset of a worker
    the migrations have nothing to do; alembic still read every revision
    file and asked the database twice, about a second per test under load.
    The version row is read first; anything other than the head (a first
    run, a test that went down a revision) runs the migrations as before."""
    import sqlalchemy as sa
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import ckan.model as model
    from ckan.cli.db import _resolve_alembic_config

    heads: dict[str, set[str]] = {}

    def at_head(plugin: str) -> bool:
        if plugin not in heads:
            script = ScriptDirectory.from_config(Config(_resolve_alembic_config(plugin)))
            heads[plugin] = set(script.get_heads())
        with model.meta.engine.connect() as conn:
            if conn.execute(sa.text("SELECT to_regclass(:t)"),
                            {"t": f"{plugin}_alembic_version"}).scalar() is None:
                return False
            current = {row[0] for row in conn.execute(
                sa.text(f'SELECT version_num FROM "{plugin}_alembic_version"'))}
        return current == heads[plugin]

    def runner(plugin: str, version: str = "head", forward: bool = True) -> None:
        if forward and version == "head" and at_head(plugin):
            return
        migrate_db_for(plugin, version, forward)

    return runner


@pytest.fixture()
def clean_db(reset_db, migrate_db_for):
    """Core tables reset, then this plugin's own migrations applied; the
    download events still waiting in Redis for the emptied tables dropped
    with them (common/event_buffer.py)."""
    from ckan.lib.redis import connect_to_redis

    from ckanext.utt1service.common import event_buffer

    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")
    connect_to_redis().delete(*event_buffer.buffer_keys())


@pytest.fixture()
def clean_redis(clean_redis):
    """CKAN's ``clean_redis`` (this worker's Redis database emptied), and
    the visitor salt this process keeps for a minute forgotten with it: a
    salt read before the flush would otherwise give one visitor two keys
    (two counted downloads) when it expires in the middle of a test."""
    from ckanext.utt1service.monitoring import downloads

    downloads._salt_cache.clear()
    downloads._fallback.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def _js_translations(_session_plugins):
    """The Thai of CKAN's scripts ("Show more", the upload widget), which
    /api/i18n/th serves from files ``ckan run`` (or ``ckan translation js``)
    builds: built once for the browser tests, as a deployment does at start."""
    from ckan.lib.i18n import build_js_translations

    build_js_translations()


@pytest.fixture()
def live_server(app, _js_translations):
    """The CKAN app of this test served over real HTTP on 127.0.0.1.

    Yields the base URL. The server runs in a thread of the test process, so
    data that a test creates and commits is what the browser sees.
    """
    # Port 0: the system picks a free port while binding, so parallel workers
    # can never pick the same one between choosing and binding.
    server = make_server("127.0.0.1", 0, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


CHROMIUM = os.environ.get("UTT1_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, live_server):
    """A fresh browser tab (own cookies) on the live server, in Thai."""
    context = browser.new_context(base_url=live_server, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class _Inbox:
    """What a real local SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def text(msg: email.message.EmailMessage) -> str:
        """The plain-text body of a message."""
        part = msg.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


@pytest.fixture()
def smtp_server(monkeypatch):
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port; CKAN's mailer
    is pointed at it. Yields the inbox (``.messages``, ``.to(addr)``)."""
    from aiosmtpd.controller import Controller

    import ckan.plugins.toolkit as tk

    inbox = _Inbox()
    # aiosmtpd needs its port before it binds: another worker may take a
    # port between choosing and binding, so a taken port means another try.
    for attempt in range(5):
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
    monkeypatch.setitem(tk.config, "smtp.server", f"127.0.0.1:{controller.port}")
    monkeypatch.setitem(tk.config, "smtp.starttls", False)
    try:
        yield inbox
    finally:
        controller.stop()
