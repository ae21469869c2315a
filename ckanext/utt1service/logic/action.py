# -*- coding: utf-8 -*-
"""Registered by the plugin's blanket: every name in __all__ becomes a CKAN
action (all prefixed utt1service_).

Each feature keeps its code in its own module and re-exports it here with one
import line and one __all__ extension.
"""
from __future__ import annotations

from ckanext.utt1service.logic import request_action
from ckanext.utt1service.logic import channel_action
from ckanext.utt1service.logic.request_action import *  # noqa: F401,F403
from ckanext.utt1service.logic.channel_action import *  # noqa: F401,F403

__all__: list[str] = []
__all__ += request_action.__all__

from ckanext.utt1service.logic.monitoring_action import *  # noqa: E402,F401,F403  (issue 5)
from ckanext.utt1service.logic import monitoring_action as _monitoring_action  # noqa: E402
__all__ += _monitoring_action.__all__
__all__ += channel_action.__all__

from ckanext.utt1service.logic.report_action import *  # noqa: E402,F401,F403  (issue 6)
from ckanext.utt1service.logic import report_action as _report_action  # noqa: E402
__all__ += _report_action.__all__
