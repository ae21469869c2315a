# -*- coding: utf-8 -*-
"""Signal receivers (ISignal) of ckanext-utt1service."""
from __future__ import annotations

import logging

import flask

import ckan.plugins.toolkit as tk
from ckan import types

log = logging.getLogger(__name__)


def get_subscriptions() -> types.SignalMapping:
    return {tk.signals.resource_download: [resource_downloaded]}


def resource_downloaded(resource_id: str, **kwargs) -> None:
    """CKAN is about to send an allowed download: note it. It is counted
    after the response is made, and only if that response gives the whole
    file (not for HEAD or a partial range; see ``downloads.record_served``)."""
    if not flask.has_request_context():
        return
    from ckanext.utt1service.monitoring import downloads

    try:
        downloads.defer_download(resource_id)
    except Exception:  # noqa: BLE001 - the download must go on
        log.exception("Could not note the download of resource %s", resource_id)
