# -*- coding: utf-8 -*-
"""``ckan utt1service …``: the command group, with the commands of each
feature (``COMMANDS`` of its ``cli`` module) and those of the whole portal
(demo data, the Docker start-up)."""
from __future__ import annotations

import click

from ckanext.utt1service.access_requests import cli as access_requests_cli
from ckanext.utt1service.catalog import cli as catalog_cli
from ckanext.utt1service.monitoring import cli as monitoring_cli
from ckanext.utt1service.report import cli as report_cli

__all__ = ["utt1service"]


@click.group(short_help="ckanext-utt1service commands")
def utt1service():
    """Commands of the educational-information service (สพป.อุทัยธานี เขต 1)."""


for _command in (
    *access_requests_cli.COMMANDS,
    *catalog_cli.COMMANDS,
    *monitoring_cli.COMMANDS,
    *report_cli.COMMANDS,
):
    utt1service.add_command(_command)


@utt1service.command("seed-demo")
@click.option(
    "--password-file",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where the new sysadmin's password is written (mode 0600).",
)
def seed_demo(password_file: str):
    """Create the sysadmin, the office's organization and sample datasets.

    Safe to run again: what exists is kept.
    """
    from ckanext.utt1service import demo

    demo.seed(password_file, echo=lambda msg: click.echo("    " + msg))


@utt1service.command("bootstrap-sysadmin")
def bootstrap_sysadmin():
    """Create the first sysadmin from CKAN_SYSADMIN_NAME, CKAN_SYSADMIN_EMAIL
    and CKAN_SYSADMIN_PASSWORD (the Docker image runs this at every start).

    Safe to run again: an existing user is only made sysadmin; its password and
    e-mail are never changed.
    """
    import os

    from ckanext.utt1service import deploy

    try:
        report = deploy.bootstrap_sysadmin(os.environ)
    except deploy.BootstrapError as error:
        raise click.ClickException(str(error))
    click.echo("    " + report)


@utt1service.command("start-up")
@click.pass_context
def start_up(ctx: click.Context):
    """What the Docker container does at every start, in one process (each
    ``ckan`` command loads CKAN and its plugins, about 5 s of CPU): the
    migrations of CKAN and of every plugin (``ckan db init``), the first
    sysadmin (``bootstrap-sysadmin``), and the Thai of CKAN's scripts
    (``ckan translation js``; uWSGI, unlike ``ckan run``, does not build
    them). Each step is a no-op when already done; the first that fails
    stops the command with exit status 1."""
    from ckan.cli import db as ckan_db
    from ckan.lib.i18n import build_js_translations

    click.echo("[utt1service] ckan db init (core and plugin migrations)")
    ctx.invoke(ckan_db.upgrade, version="head", plugin=None, skip_core=False, skip_plugins=False)
    ctx.invoke(bootstrap_sysadmin)
    click.echo("[utt1service] ckan translation js")
    build_js_translations()


@utt1service.command("xloader-token")
def xloader_token():
    """Print a new API token of the site user for ckanext-xloader
    (``ckanext.xloader.api_token``; bin/setup and the Docker start-up write
    it into ckan.ini). xloader fetches uploads with it; restricted files are
    refused before any fetch (catalog/preview.py)."""
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    token = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": site_user["name"]},
        {"user": site_user["name"], "name": "xloader"},
    )
    click.echo(token["token"])


@utt1service.command("preview-load")
@click.option("--missing-only", is_flag=True,
              help="Only the files that have no DataStore table yet.")
def preview_load(missing_only: bool):
    """Submit every public CSV/Excel file to xloader (table previews of the
    files that existed before the DataStore; restricted files are skipped)."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.xloader.utils import XLoaderFormats

    submitted = skipped = 0
    rows = (
        model.Session.query(model.Resource.id, model.Resource.format, model.Resource.extras)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.state == "active", model.Package.state == "active")
        .all()
    )
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    for resource_id, fmt, extras in rows:
        if not XLoaderFormats.is_it_an_xloader_format(fmt or ""):
            continue
        if missing_only and (extras or {}).get("datastore_active"):
            continue
        ok = tk.get_action("xloader_submit")(
            {"ignore_auth": True, "user": site_user["name"]}, {"resource_id": resource_id})
        if ok:
            submitted += 1
        else:
            skipped += 1
    click.echo(f"    {submitted} files submitted to xloader, {skipped} skipped")
