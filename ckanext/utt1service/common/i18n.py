# -*- coding: utf-8 -*-
"""Strings marked for translation where they are defined and translated
where they are shown (in the language of that page or e-mail)."""
from __future__ import annotations

__all__ = ["N_", "N_plural"]


def N_(message: str) -> str:
    """Marks ``message`` for the catalog (Babel extracts ``N_``); returns it
    untranslated."""
    return message


def N_plural(singular: str, plural: str) -> str:
    """Marks a message with its plural form for the catalog (``setup.cfg``
    declares the keyword to Babel); returns the singular untranslated."""
    return singular
