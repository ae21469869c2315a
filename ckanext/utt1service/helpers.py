# -*- coding: utf-8 -*-
"""Template helpers of ckanext-utt1service (all prefixed ``utt1service_``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.i18n import get_lang

__all__ = ["utt1service_office_name"]


def utt1service_office_name() -> str:
    """The office's name in the user's language."""
    if get_lang() == "th":
        return tk.config.get("ckanext.utt1service.office_name")
    return tk.config.get("ckanext.utt1service.office_name_en")
