# -*- coding: utf-8 -*-
"""The few places where CKAN 2.11 and CKAN 2.12 differ for this extension,
decided here once so that the feature code stays the same on both (README,
"Supported versions"). Everything else runs unchanged on both minors.

- Solr settings: 2.11 reads them through ``SolrSettings``; 2.12 removed the
  class and reads ``solr_url``/``solr_user``/``solr_password`` from the config.
- Dataset extras: 2.11 keeps them in the ``package_extra`` table; 2.12 in the
  ``package.extras`` JSONB column (the table is gone).
- CSRF: 2.12.0 exempts a view for good after one request without a session
  cookie; the extension's blueprints check the token themselves
  (``check_csrf_per_request``).
- DataStore tables: 2.12's ``datastore_create`` switches ``datastore_active``
  on through ``resource_patch``, whose activity needs a user; xloader 2.6.0
  loads Excel files (and type-guessed tables) without one, so on 2.12
  those calls act as the site user (``datastore_create_as_site_user``).
- Unchanged resources: 2.12's ``package_update`` validates only the
  resources that changed, unless a dataset field named by the dataset
  plugin's ``resource_validation_dependencies`` changed. ckanext-scheming
  3.1.0 names none; the periods of the resources are checked against the
  dataset's fiscal year, so ``fiscal_year`` is added
  (``declare_resource_validation_dependencies``).
"""
from __future__ import annotations

from typing import Any, Optional

import flask

import ckan
import ckan.plugins.toolkit as tk

#: (major, minor) of the running CKAN, e.g. (2, 12)
CKAN_VERSION: tuple[int, int] = tuple(int(p) for p in ckan.__version__.split(".")[:2])  # type: ignore[assignment]
CKAN_2_12 = CKAN_VERSION >= (2, 12)


def solr_settings() -> tuple[str, Optional[str], Optional[str]]:
    """CKAN's Solr core URL, user and password (as CKAN itself connects)."""
    if CKAN_2_12:
        return (tk.config.get("solr_url") or "", tk.config.get("solr_user"),
                tk.config.get("solr_password"))
    from ckan.lib.search.common import SolrSettings
    url, user, password = SolrSettings.get()
    return url, user, password


def package_extra_sql(package: str, key_param: str) -> str:
    """SQL for the active value of one dataset extra (or NULL), for a raw
    query where ``package`` is the alias of the ``package`` table and
    ``:key_param`` the bound name of the extra."""
    if CKAN_2_12:
        return f"({package}.extras ->> :{key_param})"
    return (f"(SELECT e.value FROM package_extra e WHERE e.package_id = {package}.id"
            f" AND e.key = :{key_param} AND e.state = 'active' LIMIT 1)")


@tk.chained_action
def datastore_create_as_site_user(up_func: Any, context: Any, data_dict: Any) -> Any:
    """``datastore_create`` (registered on 2.12 only): an internal call
    (``ignore_auth``) without a user, as xloader 2.6.0 makes for every Excel
    file, is made as the site user, as xloader's CSV path already does.
    Otherwise the dataset activity of 2.12's ``resource_patch`` fails with
    "User not found" and the file gets no table. Calls with a user, and all
    calls checked by auth, are unchanged."""
    if context.get("ignore_auth") and not context.get("user"):
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context["user"] = site_user["name"]
    return up_func(context, data_dict)


def version_actions() -> dict[str, Any]:
    """The actions the running version needs chained (plugin.actions, with
    the ``datastore`` plugin loaded)."""
    if CKAN_2_12:
        return {"datastore_create": datastore_create_as_site_user}
    return {}


#: dataset fields the extension's validators check the resources against
#: (catalog/validators.py: the periods of the resources and the fiscal year)
RESOURCE_VALIDATION_DEPENDENCIES = ("fiscal_year",)


def declare_resource_validation_dependencies() -> None:
    """On 2.12: a change of the fiscal year revalidates every resource of
    the dataset (otherwise 2.12 keeps the unchanged resources unvalidated
    and a period outside the new fiscal year would pass). scheming's dataset
    plugin is the dataset type's ``IDatasetForm`` and answers with CKAN's
    default, no field; its answer is extended, once, at start-up."""
    if not CKAN_2_12:
        return
    from ckanext.scheming.plugins import SchemingDatasetsPlugin

    if getattr(SchemingDatasetsPlugin, "_utt1service_dependencies", False):
        return
    declared = SchemingDatasetsPlugin.resource_validation_dependencies

    def resource_validation_dependencies(self: Any, package_type: str) -> list[str]:
        found = list(declared(self, package_type))
        return found + [f for f in RESOURCE_VALIDATION_DEPENDENCIES if f not in found]

    SchemingDatasetsPlugin.resource_validation_dependencies = resource_validation_dependencies
    SchemingDatasetsPlugin._utt1service_dependencies = True


def unload_plugins() -> None:
    """Unload the plugins ``ckan.plugins`` loaded (the test suite's session
    fixture): 2.12 renamed ``unload_non_system_plugins`` to ``unload_all``."""
    import ckan.plugins as plugins
    unload = getattr(plugins, "unload_non_system_plugins", None) or plugins.unload_all
    unload()


def check_csrf_per_request(blueprints: list[Any]) -> list[Any]:
    """The extension's blueprints, each checking the CSRF token of every
    unsafe request of a signed-in browser session itself.

    Needed on CKAN 2.12.0: for a request without a session cookie (an API
    token, or an anonymous visitor) CKAN calls ``csrf.exempt(view)``, which
    exempts the view for good in that process, not for the one request as
    2.11 did (``exempt_this_request``): after one anonymous visit a form would
    accept posts without the token from signed-in users too. Redundant but
    harmless on 2.11, where CKAN checks the same requests. API-token and
    anonymous requests stay CKAN's business, as on both versions (the public
    forms check anonymous posts themselves: ``forms.csrf_refusal``).
    """
    for blueprint in blueprints:
        if not getattr(blueprint, "_utt1service_csrf", False):
            blueprint.before_request(_check_csrf)
            blueprint._utt1service_csrf = True
    return blueprints


def _check_csrf() -> None:
    app = flask.current_app
    if flask.g.get("login_via_auth_header") or not app.config.get("WTF_CSRF_ENABLED", True):
        return
    if flask.request.method not in app.config.get("WTF_CSRF_METHODS", ()):
        return
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.protect()  # raises CSRFError (400) when the token is missing or wrong
