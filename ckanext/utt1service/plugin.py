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

from ckanext.utt1service import access, db_session, url_guard

from ckanext.utt1service import search


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
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IDatastore, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "utt1service")

    # IFacets (catalogue search: ckanext/utt1service/search.py)

    def dataset_facets(self, facets_dict, package_type):
        return search.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return search.organization_facets(facets_dict, organization_type, package_type)

    # IPackageController

    def before_dataset_index(self, pkg_dict):
        return search.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params):
        return search.before_dataset_search(search_params)

    def after_dataset_search(self, search_results, search_params):
        return search.after_dataset_search(search_results, search_params)

    # IDatastore (only used if the datastore plugin is enabled, which it is
    # not in this portal): the rows of a restricted resource go only to those
    # who may download its file.

    def datastore_validate(self, context, data_dict, fields_types):
        return access.datastore_guard(context, data_dict)

    # IMiddleware: a failing request never leaves a broken database session
    # to the next one (db_session.py); NUL bytes in addresses and forms are
    # refused before any view (url_guard.py); CKAN's search page shows a clear
    # message, not a 500, while the search server is down
    # (search.guard_search_views).

    def make_middleware(self, app, config):
        url_guard.install(app)
        search.guard_search_views(app)
        return db_session.install(app)

    # ISignal

    def get_signal_subscriptions(self):
        from ckanext.utt1service.subscriptions import get_subscriptions

        return get_subscriptions()
