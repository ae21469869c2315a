# -*- coding: utf-8 -*-
"""Restricted resources and access requests: the download gate (``gate``),
the request workflow (``workflow``: states, transitions, grants), requests
recorded by staff and deliveries (``delivery``), the mail outbox and the
webhook (``notify``); actions, auth, schemas and validators in ``logic``,
pages in ``views``. Imports only ``common``."""
