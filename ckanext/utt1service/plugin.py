# -*- coding: utf-8 -*-
"""The utt1service plugin: one small SingletonPlugin.

The extension is one package per feature, each shaped like CKAN core's own
small extensions (``ckanext/activity``): ``catalog`` (the dataset schema,
search, the Big Data landing page, QR codes), ``access_requests`` (restricted
files and the request workflow), ``monitoring`` (download counting, the
satisfaction survey, the complaints register) and ``report`` (the fiscal-year
service report), on top of ``common`` (who is who, Buddhist-Era dates, forms,
rate limits, the audit trail). This module registers what each feature
offers: the public names (``__all__``) of its action, auth, validator,
helper and view modules, and the ``ckan utt1service`` commands (``cli.py``).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckanext.datastore.interfaces import IDatastore
from ckanext.xloader.interfaces import IXloader

from ckanext.utt1service.access_requests import gate
from ckanext.utt1service.access_requests import helpers as access_requests_helpers
from ckanext.utt1service.access_requests.logic import action as access_requests_action
from ckanext.utt1service.access_requests.logic import auth as access_requests_auth
from ckanext.utt1service.access_requests.logic import datastore_auth
from ckanext.utt1service.access_requests.logic import (
    validators as access_requests_validators,
)
from ckanext.utt1service.access_requests.views import request as access_requests_views
from ckanext.utt1service.access_requests.views import (
    staff as access_requests_staff_views,
)
from ckanext.utt1service.catalog import excel, gd, preview, search
from ckanext.utt1service.catalog import helpers as catalog_helpers
from ckanext.utt1service.catalog import validators as catalog_validators
from ckanext.utt1service.catalog import views as catalog_views
from ckanext.utt1service.common import (
    compat,
    db_session,
    fonts,
    protection,
    speed,
    url_guard,
)
from ckanext.utt1service.common import helpers as common_helpers
from ckanext.utt1service.common import validators as common_validators
from ckanext.utt1service.common.compat import check_csrf_per_request
from ckanext.utt1service.monitoring import datastore_reads, subscriptions
from ckanext.utt1service.monitoring import helpers as monitoring_helpers
from ckanext.utt1service.monitoring.logic import action as monitoring_action
from ckanext.utt1service.monitoring.logic import auth as monitoring_auth
from ckanext.utt1service.monitoring.logic import validators as monitoring_validators
from ckanext.utt1service.monitoring.views import complaint as complaint_views
from ckanext.utt1service.monitoring.views import download as download_views
from ckanext.utt1service.monitoring.views import survey as survey_views
from ckanext.utt1service.report import helpers as report_helpers
from ckanext.utt1service.report import views as report_views
from ckanext.utt1service.report.logic import action as report_action
from ckanext.utt1service.report.logic import auth as report_auth
from ckanext.utt1service.report.logic import validators as report_validators

ACTIONS = (access_requests_action, monitoring_action, report_action)
AUTH_FUNCTIONS = (access_requests_auth, datastore_auth, monitoring_auth, report_auth)
VALIDATORS = (common_validators, catalog_validators, access_requests_validators,
              monitoring_validators, report_validators)
HELPERS = (common_helpers, catalog_helpers, access_requests_helpers, monitoring_helpers,
           report_helpers)
VIEWS = (protection, fonts, catalog_views, access_requests_views, access_requests_staff_views,
         survey_views, complaint_views, download_views, report_views)


def public_names(modules: tuple[ModuleType, ...]) -> dict[str, Any]:
    """Name → object of the names the modules list in ``__all__``; a name
    offered by two modules is a mistake, refused at start-up."""
    found: dict[str, Any] = {}
    for module in modules:
        for name in module.__all__:
            if name in found:
                raise RuntimeError(f"{name} is offered by two modules (the second: {module.__name__})")
            found[name] = getattr(module, name)
    return found


def actions() -> dict[str, Any]:
    """The actions; with the ``datastore`` plugin also its ``datastore_search``
    chained, to count reads of the tables (monitoring/datastore_reads.py),
    and on CKAN 2.12 ``datastore_create`` (common/compat.py)."""
    found = public_names(ACTIONS)
    if p.plugin_loaded("datastore"):
        found.update(public_names((datastore_reads,)))
        found.update(compat.version_actions())
    return found


def auth_functions() -> dict[str, Any]:
    """The auth functions; the DataStore's doors (chained on the ``datastore``
    plugin's own) only when that plugin is loaded."""
    found = public_names(AUTH_FUNCTIONS)
    if not p.plugin_loaded("datastore"):
        for name in datastore_auth.__all__:
            found.pop(name)
    return found


def helpers() -> dict[str, Any]:
    """The template helpers; ckanext-dcat's ``structured_data`` is kept
    (catalog/helpers.py) only when its plugin is loaded."""
    found = public_names(HELPERS)
    if not p.plugin_loaded("structured_data"):
        found.pop("structured_data")
    return found


@tk.blanket.config_declarations
@tk.blanket.actions(lambda: actions())
@tk.blanket.auth_functions(lambda: auth_functions())
@tk.blanket.validators(lambda: public_names(VALIDATORS))
@tk.blanket.helpers(lambda: helpers())
@tk.blanket.blueprints(lambda: check_csrf_per_request(list(public_names(VIEWS).values())))
@tk.blanket.cli
class Utt1ServicePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IDatastore, inherit=True)
    p.implements(IXloader, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "utt1service")
        # CKAN 2.12: a new fiscal year revalidates the resources' periods
        compat.declare_resource_validation_dependencies()
        # GD Catalog's licences are the portal's licence register, unless a
        # sysadmin names another list (it must keep GD's ids: README)
        if not config.get("licenses_group_url"):
            import ckan.model as model

            config["licenses_group_url"] = "file://" + gd.licenses_file()
            if hasattr(model.Package, "_license_register"):
                del model.Package._license_register
        # Thai encodings in xloader's loader (catalog/preview.py)
        preview.install()
        # an Excel import commits the search index once, in its own thread
        # only (catalog/excel.py)
        excel.install()
        # People register here to request data and follow their requests:
        # after logging in or registering they land on "My requests" (with
        # the dashboard's other tabs), not on CKAN's empty "My datasets". A
        # route the deployment set itself is kept.
        if config.get("ckan.auth.route_after_login") in (None, "", "dashboard.datasets"):
            config["ckan.auth.route_after_login"] = "utt1service_request.my_requests"

    # IFacets (catalogue search: catalog/search.py)

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

    def after_dataset_show(self, context, pkg_dict):
        # GD Catalog's resource-level fields, derived (catalog/gd.py)
        gd.add_resource_fields(pkg_dict)

    def after_dataset_create(self, context, pkg_dict):
        # The consented public datasets are the GD group (catalog/gd.py).
        gd.sync_group(pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        # A file that became restricted loses its DataStore table at once.
        preview.drop_restricted_tables(pkg_dict)
        gd.sync_group(pkg_dict)

    def after_dataset_delete(self, context, pkg_dict):
        gd.sync_group(pkg_dict)

    # IXloader: restricted files are never loaded (catalog/preview.py)

    def can_upload(self, resource_id):
        return preview.can_upload(resource_id)

    def datastore_before_update(self, resource_id, existing_fields, new_headers):
        preview.refuse_restricted_load(resource_id)

    def after_upload(self, context, resource_dict, dataset_dict):
        preview.after_upload(resource_dict)

    # IDatastore: the rows of a restricted resource go only to those who may
    # download its file (the download gate's rule; also the auth functions of
    # access_requests/logic/datastore_auth.py).

    def datastore_validate(self, context, data_dict, fields_types):
        return gate.datastore_guard(context, data_dict)

    # IMiddleware: a failing request never leaves a broken database session
    # to the next one (common/db_session.py); NUL bytes in addresses and forms
    # are refused before any view (common/url_guard.py); CKAN's search page
    # shows a clear message, not a 500, while the search server is down
    # (catalog/search.py); fingerprinted assets are kept by browsers and text
    # is compressed (common/speed.py).

    def make_middleware(self, app, config):
        url_guard.install(app)
        search.guard_search_views(app)
        preview.guard_table_views(app)
        db_session.install(app)
        return speed.install(app)

    # ISignal: downloads are counted (monitoring/subscriptions.py)

    def get_signal_subscriptions(self):
        return subscriptions.get_subscriptions()
