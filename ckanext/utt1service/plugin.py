# -*- coding: utf-8 -*-
"""The utt1service plugin: one small SingletonPlugin.

Actions, auth functions, helpers, blueprints, validators, CLI commands and the
config declaration are registered with the toolkit blankets; each of those
modules lists its public names in ``__all__``.
"""
from __future__ import annotations

from ckan.common import CKANConfig

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.datastore.interfaces import IDatastore

from ckanext.utt1service import access


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.cli
class Utt1ServicePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(IDatastore, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "utt1service")

    # IDatastore (only used if the datastore plugin is enabled, which it is
    # not in this portal): the rows of a restricted resource go only to those
    # who may download its file.

    def datastore_validate(self, context, data_dict, fields_types):
        return access.datastore_guard(context, data_dict)
