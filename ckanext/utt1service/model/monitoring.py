# -*- coding: utf-8 -*-
"""Monitoring and evaluation (วิธีการติดตามและประเมินผล): the download, survey
and complaint tables of issue 5, gathered for ``model/__init__.py``."""
from __future__ import annotations

from ckanext.utt1service.model.complaint import Complaint
from ckanext.utt1service.model.download import DownloadEvent
from ckanext.utt1service.model.survey import SurveyResponse

__all__ = ["Complaint", "DownloadEvent", "SurveyResponse"]
