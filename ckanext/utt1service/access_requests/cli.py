# -*- coding: utf-8 -*-
"""``ckan utt1service purge-personal-data`` and ``ckan utt1service send-mail``."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk


@click.command("purge-personal-data")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Retention in days (default: ckanext.utt1service.personal_data_retention_days).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be anonymised.")
def purge_personal_data(days: int | None, dry_run: bool):
    """Anonymise finished access requests older than the retention period
    (PDPA); the counts reports need are kept."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    data = {"dry_run": dry_run}
    if days is not None:
        data["days"] = days
    result = tk.get_action("utt1service_request_purge_personal_data")(
        {"user": site_user["name"]}, data
    )
    verb = "would be anonymised" if dry_run else "anonymised"
    click.echo(
        f"{result['anonymised']} access request(s) {verb} "
        f"(finished more than {result['days']} days ago)."
    )


@click.command("send-mail")
@click.option("--due-only", is_flag=True,
              help="Only mails whose next retry is due (what cron should run).")
def send_mail(due_only: bool):
    """Send the access-request e-mails still waiting (e.g. after the SMTP
    server was down), from this process: it needs neither Redis nor the
    jobs worker. Run it from cron every few minutes with --due-only."""
    from ckanext.utt1service.access_requests import notify

    waiting = notify.count_unsent()
    counts = notify.flush_pending(due_only=due_only)
    click.echo(
        f"{waiting} e-mail(s) waiting; {counts['sent']} sent, {counts['failed']} failed "
        "(tried again later)."
    )
    if counts["failed"]:
        raise SystemExit(1)


@click.command("send-digests")
@click.option("--dry-run", is_flag=True, help="Only count the reminders that would be sent.")
def send_digests(dry_run: bool):
    """Send today's reminders: one digest per person of the access requests
    waiting for them (late first) and the escalations of requests late by
    more than ckanext.utt1service.escalation_days. Idempotent: run again the
    same (Bangkok) day, it sends nothing more. Run it from cron once a day."""
    from ckanext.utt1service.access_requests import notify

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    result = tk.get_action("utt1service_request_send_digests")(
        {"user": site_user["name"]}, {"dry_run": dry_run})
    verb = "would be sent" if dry_run else "written"
    click.echo(
        f"{result['day']}: {result['digests']} digest(s) and {result['escalations']} "
        f"escalation(s) {verb}; {result['already_sent']} already sent today."
    )
    click.echo(f"{result['expiry_notices']} notice(s) of access ending soon {verb}.")
    if dry_run:
        return
    counts = notify.flush_pending()
    click.echo(f"{counts['sent']} e-mail(s) sent, {counts['failed']} failed (tried again later).")
    if counts["failed"]:
        raise SystemExit(1)


#: the ``ckan utt1service`` commands of access requests
COMMANDS = [purge_personal_data, send_mail, send_digests]
