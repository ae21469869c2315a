# -*- coding: utf-8 -*-
"""No pages: marks the browser session of a visit through a QR link, so its
later downloads count as channel ``qr``, and records a download once its
response shows that the whole file went out (see ``monitoring/downloads.py``)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ckanext.utt1service.monitoring import downloads

__all__ = ["download"]

download = Blueprint("utt1service_channel_marker", __name__)


@download.before_app_request
def _mark_channel() -> None:
    downloads.mark_channel_from_request()


@download.after_app_request
def _record_downloads(response: Any) -> Any:
    return downloads.record_served(response)
