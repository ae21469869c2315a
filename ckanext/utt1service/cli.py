# -*- coding: utf-8 -*-
"""``ckan utt1service …`` commands."""
from __future__ import annotations

import click

from ckanext.utt1service import report_cli, request_cli

__all__ = ["utt1service"]


@click.group(short_help="ckanext-utt1service commands")
def utt1service():
    """Commands of the educational-information service (สพป.อุทัยธานี เขต 1)."""


request_cli.register(utt1service)
report_cli.register(utt1service)


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
from ckanext.utt1service.monitoring_cli import purge_complaint_contacts  # noqa: E402  (issue 5)
utt1service.add_command(purge_complaint_contacts)
