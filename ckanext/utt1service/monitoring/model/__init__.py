# -*- coding: utf-8 -*-
"""The tables of monitoring: download events, survey responses, complaints."""
