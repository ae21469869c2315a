# -*- coding: utf-8 -*-
"""Template helpers for requests recorded by staff (issue 7)."""
from __future__ import annotations

from typing import Optional

from ckanext.utt1service import request_channels

__all__ = ["utt1service_intake_label", "utt1service_consent_label"]


def utt1service_intake_label(channel: Optional[str]) -> str:
    """The channel a request came through, in the user's language."""
    return request_channels.intake_label(channel)


def utt1service_consent_label(method: Optional[str]) -> str:
    """How the requester gave consent, in the user's language."""
    return request_channels.consent_label(method)
