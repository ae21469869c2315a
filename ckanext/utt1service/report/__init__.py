# -*- coding: utf-8 -*-
"""The fiscal-year service report (รายงานผลการให้บริการ). Imports only ``common``;
it reads the other features' tables through SQL in ``queries`` alone.

- :mod:`.queries`: every query, in SQL (the only module that names the
  tables and columns of downloads, requests, surveys and complaints);
- :mod:`.build`: the report as one dict of sections and tables;
- :mod:`.export`: CSV and XLSX of every table;
- :mod:`.charts`: chart data for Chart.js (page) and the printed SVG (PDF);
- :mod:`.pdf`: the printable Thai report (Chromium, ``common.pdf``);
- :mod:`.model`: the analyses and the per-month download sums;
  ``logic``, ``views``, ``helpers``, ``cli``: as in every feature.
"""
