# -*- coding: utf-8 -*-
"""Registered by the plugin's blanket: every name in __all__ becomes a CKAN
auth function (all prefixed utt1service_).

Each feature keeps its code in its own module and re-exports it here with one
import line and one __all__ extension.
"""
from __future__ import annotations

from ckanext.utt1service.logic import request_auth
from ckanext.utt1service.logic import channel_auth
from ckanext.utt1service.logic.request_auth import *  # noqa: F401,F403
from ckanext.utt1service.logic.channel_auth import *  # noqa: F401,F403

__all__: list[str] = []
__all__ += request_auth.__all__

from ckanext.utt1service.logic.monitoring_auth import *  # noqa: E402,F401,F403  (issue 5)
from ckanext.utt1service.logic import monitoring_auth as _monitoring_auth  # noqa: E402
__all__ += _monitoring_auth.__all__
__all__ += channel_auth.__all__

from ckanext.utt1service.logic.report_auth import *  # noqa: E402,F401,F403  (issue 6)
from ckanext.utt1service.logic import report_auth as _report_auth  # noqa: E402
__all__ += _report_auth.__all__
