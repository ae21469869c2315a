# -*- coding: utf-8 -*-
"""Flask blueprints of ckanext-utt1service, one module a feature; each
blueprint is listed in __all__ (the plugin's blanket registers them)."""
from __future__ import annotations

from ckanext.utt1service.views.bigdata import bigdata

__all__: list[str] = []
__all__ += ["bigdata"]
from ckanext.utt1service.views import request
from ckanext.utt1service.views import channel
from ckanext.utt1service.views.request import *  # noqa: F401,F403
from ckanext.utt1service.views.channel import *  # noqa: F401,F403

__all__ += request.__all__

from ckanext.utt1service.views.monitoring import *  # noqa: E402,F401,F403  (issue 5)
from ckanext.utt1service.views import monitoring as _monitoring  # noqa: E402
__all__ += _monitoring.__all__
__all__ += channel.__all__

from ckanext.utt1service.views.report import *  # noqa: E402,F401,F403  (issue 6)
from ckanext.utt1service.views import report as _report  # noqa: E402
__all__ += _report.__all__
