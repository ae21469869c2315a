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
from werkzeug.serving import make_server


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


@pytest.fixture()
def clean_db(reset_db, migrate_db_for):
    """Core tables reset, then this plugin's own migrations applied."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("utt1service")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def live_server(app):
    """The CKAN app of this test served over real HTTP on 127.0.0.1.

    Yields the base URL. The server runs in a thread of the test process, so
    data that a test creates and commits is what the browser sees.
    """
    server = make_server("127.0.0.1", _free_port(), app.app, threaded=True)
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
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(tk.config, "smtp.server", f"127.0.0.1:{controller.port}")
    monkeypatch.setitem(tk.config, "smtp.starttls", False)
    try:
        yield inbox
    finally:
        controller.stop()
