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
    p.implements(p.ISignal)

    # IConfigurer

    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "utt1service")

    # ISignal

    def get_signal_subscriptions(self):
        from ckanext.utt1service.subscriptions import get_subscriptions

        return get_subscriptions()
