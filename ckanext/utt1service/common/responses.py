# -*- coding: utf-8 -*-
"""What a response gave the client: one rule for "a download", which download
counting and the delivery of an approved request by download both follow."""
from __future__ import annotations

from typing import Any

import flask

__all__ = ["is_whole_download"]


def _asks_for_part() -> bool:
    """The request's ``Range`` asks for less than the whole file."""
    wanted = flask.request.range
    if wanted is None:
        return False
    return not (len(wanted.ranges) == 1 and wanted.ranges[0] == (0, None))


def is_whole_download(response: Any) -> bool:
    """Does ``response`` give the client the whole file? A GET answered
    with 200, with a 206 whose range is the whole file, or with the
    redirect of a link that asked for no part of it. HEAD, a partial range
    (``bytes=0-0``, the rest of a resumed download), 304 and errors do not."""
    if flask.request.method != "GET":
        return False
    status = response.status_code
    if status == 200:
        return True
    if status == 206:
        got = response.content_range
        return bool(
            got is not None and got.units == "bytes" and got.start == 0
            and got.length is not None and got.stop == got.length
        )
    if status in (301, 302, 303, 307, 308):
        return not _asks_for_part()
    return False
