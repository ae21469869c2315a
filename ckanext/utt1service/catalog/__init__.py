# -*- coding: utf-8 -*-
"""The catalogue: the educational dataset schema and its validators, Thai
search (facets, index, query), the Big Data landing page, QR codes and
posters. Imports only ``common``."""
