# -*- coding: utf-8 -*-
"""Registered by the plugin's blanket: every name in __all__ becomes a CKAN
validator (all prefixed utt1service_).

Each feature keeps its code in its own module and re-exports it here with one
import line and one __all__ extension.
"""
from __future__ import annotations

from ckanext.utt1service.logic.dataset_validators import (  # noqa: F401
    tag_name_validator, utt1service_be_year, utt1service_dataset_consistency,
    utt1service_int_output, utt1service_tag_name_validator, utt1service_tag_string_convert,
)

__all__: list[str] = []
__all__ += [
    "utt1service_tag_name_validator", "utt1service_tag_string_convert", "utt1service_be_year",
    "utt1service_int_output", "utt1service_dataset_consistency", "tag_name_validator",
]
from ckanext.utt1service.logic import request_validators
from ckanext.utt1service.logic.request_validators import *  # noqa: F401,F403

__all__ += request_validators.__all__

from ckanext.utt1service.logic.monitoring_validators import *  # noqa: E402,F401,F403  (issue 5)
from ckanext.utt1service.logic import monitoring_validators as _monitoring_validators  # noqa: E402
__all__ += _monitoring_validators.__all__

from ckanext.utt1service.logic.report_validators import *  # noqa: E402,F401,F403  (issue 6)
from ckanext.utt1service.logic import report_validators as _report_validators  # noqa: E402
__all__ += _report_validators.__all__

from ckanext.utt1service.logic.input_validators import *  # noqa: E402,F401,F403  (issue 11)
from ckanext.utt1service.logic import input_validators as _input_validators  # noqa: E402
__all__ += _input_validators.__all__
