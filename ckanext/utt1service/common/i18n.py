# -*- coding: utf-8 -*-
"""Strings marked for translation where they are defined and translated
where they are shown (in the language of that page or e-mail)."""
from __future__ import annotations

__all__ = ["N_"]


def N_(message: str) -> str:
    """Marks ``message`` for the catalog (Babel extracts ``N_``); returns it
    untranslated."""
    return message
