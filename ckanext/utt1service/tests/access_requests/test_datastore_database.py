# -*- coding: utf-8 -*-
"""The DataStore's read-only role, as bin/services sets it up (CKAN's
`datastore set-permissions` and one more revoke): it reads the DataStore,
writes nothing, and cannot reach the main database."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk


def _engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def test_the_read_only_role_reads_only_the_datastore():
    read_url = tk.config["ckan.datastore.read_url"]
    main = urlsplit(tk.config["sqlalchemy.url"])
    assert urlsplit(read_url).path != main.path  # a database of its own
    assert urlsplit(read_url).username != main.username
    with _engine(read_url).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM _table_metadata")).scalar() >= 0
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            conn.execute(sa.text("CREATE TABLE sneaky (a int)"))
    into_main = urlunsplit(urlsplit(read_url)._replace(path=main.path))
    with pytest.raises(sa.exc.OperationalError, match="permission denied|CONNECT"):
        _engine(into_main).connect()
