# -*- coding: utf-8 -*-
"""Monitoring and evaluation (วิธีการติดตามและประเมินผล): download counting
(``downloads``, fed by CKAN's ``resource_download`` signal), the satisfaction
survey and the problems and complaints register. Imports only ``common``."""
