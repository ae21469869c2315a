# -*- coding: utf-8 -*-
"""The blueprints of issue 5 (downloads, survey, complaints), gathered for
``views/__init__.py``."""
from __future__ import annotations

from ckanext.utt1service.views.complaint import complaint as utt1service_complaint
from ckanext.utt1service.views.download import download as utt1service_channel_marker
from ckanext.utt1service.views.protection import protection as utt1service_protection
from ckanext.utt1service.views.survey import survey as utt1service_survey

__all__ = [
    "utt1service_complaint",
    "utt1service_channel_marker",
    "utt1service_protection",
    "utt1service_survey",
]
