# -*- coding: utf-8 -*-
"""What every feature of the service shares, and nothing feature-specific:
who is who (``authz``), Buddhist-Era dates (``thaidate``), the code lists
and their labels (``vocabularies``), the rule of a reportable download
(``counting``), the audit trail and ids (``model``), forms, rate limits,
input checks, spreadsheets, links. Imports no feature package."""
