# -*- coding: utf-8 -*-
"""``ckan utt1service …`` commands."""
from __future__ import annotations

import click

__all__ = ["utt1service"]


@click.group(short_help="ckanext-utt1service commands")
def utt1service():
    """Commands of the educational-information service (สพป.อุทัยธานี เขต 1)."""


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

from ckanext.utt1service.monitoring_cli import purge_complaint_contacts  # noqa: E402  (issue 5)
utt1service.add_command(purge_complaint_contacts)
