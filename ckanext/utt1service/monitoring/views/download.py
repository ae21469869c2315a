# -*- coding: utf-8 -*-
"""No pages: marks the browser session of a visit through a QR link, so its
later downloads count as channel ``qr``, and records a download once its
response shows that the whole file went out (see ``monitoring/downloads.py``)."""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint

from ckanext.utt1service.common import event_buffer
from ckanext.utt1service.monitoring import downloads

log = logging.getLogger(__name__)

__all__ = ["download"]

download = Blueprint("utt1service_channel_marker", __name__)


@download.before_app_request
def _mark_channel() -> None:
    downloads.mark_channel_from_request()


@download.after_app_request
def _record_downloads(response: Any) -> Any:
    return downloads.record_served(response)


@download.teardown_app_request
def _settle_downloads(_error: Any = None) -> None:
    # the reply of the download's event, sent to Redis by record_served
    # (common/event_buffer.py send/settle); never raises
    try:
        event_buffer.settle()
    except Exception:  # noqa: BLE001 - the response is made already
        log.exception("Could not settle a download event")
