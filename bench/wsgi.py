# -*- coding: utf-8 -*-
"""The WSGI entry point that ``make bench-load`` serves with gunicorn.

The same few lines as the Docker image's ``/srv/app/wsgi.py`` (ckan-base):
the configuration named by ``CKAN_INI``, its logging, CKAN's app.
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import load_config
from ckan.config.middleware import make_app

_ini = os.environ["CKAN_INI"]
fileConfig(_ini, disable_existing_loggers=False)
application = make_app(load_config(_ini))
