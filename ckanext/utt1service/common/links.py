# -*- coding: utf-8 -*-
"""Links the portal hands out on paper, marked with the service channel they
were given through: a QR code's link carries ``?utm_source=qr``, so that a
visit through it (and the downloads of that browser session) count as the
``qr`` channel. The catalogue prints the marked links; download counting
reads the marker."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["CHANNEL_PARAM", "LINK_CHANNELS", "add_channel_marker"]

#: the query parameter of the marker: ?utm_source=qr
CHANNEL_PARAM = "utm_source"
#: the service channels a link can be marked with
LINK_CHANNELS = ("qr",)


def add_channel_marker(url: str, channel: str = "qr") -> str:
    """``url`` with ``utm_source=<channel>`` added (replacing an earlier
    value, keeping the other parameters)."""
    if channel not in LINK_CHANNELS:
        raise ValueError(f"unknown link channel: {channel}")
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CHANNEL_PARAM]
    query.append((CHANNEL_PARAM, channel))
    return urlunsplit(parts._replace(query=urlencode(query)))
