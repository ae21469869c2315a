# -*- coding: utf-8 -*-
"""Flask blueprints of ckanext-utt1service, one module a feature; each
blueprint is listed in __all__ (the plugin's blanket registers them)."""
from __future__ import annotations

__all__: list[str] = []
