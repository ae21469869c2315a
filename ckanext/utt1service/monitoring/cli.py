# -*- coding: utf-8 -*-
"""``ckan utt1service purge-complaint-contacts``: the PDPA retention rule of
the complaints register; ``ckan utt1service flush-downloads``: the buffered
download events written to the database."""
from __future__ import annotations

import datetime
from typing import Optional

import click
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import event_buffer

__all__ = ["COMMANDS", "purge_complaint_contacts", "purge_contacts", "flush_downloads"]


def purge_contacts(days: int, dry_run: bool = False) -> int:
    """Blank the contact details of complaints closed more than ``days``
    days ago (each purge audited); returns how many were (or would be)
    purged."""
    from ckanext.utt1service.common.model import AuditEvent, new_id
    from ckanext.utt1service.monitoring.model.complaint import Complaint

    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    rows = (
        model.Session.query(Complaint)
        .filter(
            Complaint.state == "closed",
            Complaint.closed_at < cutoff,
            sa.or_(
                Complaint.contact_name.isnot(None),
                Complaint.contact_email.isnot(None),
                Complaint.contact_phone.isnot(None),
            ),
        )
        .all()
    )
    if dry_run:
        return len(rows)
    for complaint in rows:
        complaint.contact_name = complaint.contact_email = complaint.contact_phone = None
        AuditEvent.record(
            "complaint",
            complaint.id,
            "purge_contact",
            comment=f"contact details removed {days} days after closing (PDPA retention)",
        )
    # every run is logged (the record of processing activities shows them)
    AuditEvent.record("purge_run", new_id(), "purge_complaint_contacts",
                      data={"days": days, "removed": len(rows)})
    model.Session.commit()
    return len(rows)


@click.command("purge-complaint-contacts")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Keep contact details this many days after a complaint is closed "
    "(default: ckanext.utt1service.complaint_contact_retention_days).",
)
@click.option("--dry-run", is_flag=True, help="Only say how many would be purged.")
def purge_complaint_contacts(days: Optional[int], dry_run: bool):
    """Remove the contact details of complaints closed long ago (PDPA).

    Run it daily, e.g. from cron. The complaint itself stays for the reports.
    """
    if days is None:
        days = tk.config.get("ckanext.utt1service.complaint_contact_retention_days")
    count = purge_contacts(days, dry_run=dry_run)
    verb = "would be purged" if dry_run else "purged"
    click.echo(f"{count} complaint contact(s) {verb} (closed more than {days} days ago)")


@click.command("flush-downloads")
def flush_downloads():
    """Write the download events waiting in Redis to the database.

    Downloads and every page that shows counts do it already; run it from
    cron every minute so that the table itself is never more than a minute
    behind on a quiet site. Exits 1 when Redis cannot be reached."""
    from ckan.lib.redis import is_redis_available

    if not is_redis_available():
        click.echo("Redis cannot be reached: nothing written", err=True)
        raise click.exceptions.Exit(1)
    written = event_buffer.flush(wait=event_buffer.READER_WAIT_SECONDS)
    click.echo(f"{written} download event(s) written, {event_buffer.pending()} waiting")


#: the ``ckan utt1service`` commands of monitoring
COMMANDS = [purge_complaint_contacts, flush_downloads]
