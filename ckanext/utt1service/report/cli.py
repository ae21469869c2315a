# -*- coding: utf-8 -*-
"""``ckan utt1service report``, ``ckan utt1service report-rebuild-counts`` and
``ckan utt1service rebuild-sums``."""
from __future__ import annotations

import os
import time
from typing import Optional

import click

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import pdf as common_pdf

__all__ = ["COMMANDS"]


@click.command("report")
@click.option("--fy", "fiscal_year", type=int, required=True, help="Fiscal year in the Buddhist Era, e.g. 2569.")
@click.option("--half", type=click.Choice(["1", "2"]), default=None,
              help="1 = October–March, 2 = April–September (default: the whole year).")
@click.option("--quarter", type=click.Choice(["1", "2", "3", "4"]), default=None,
              help="1 = October–December … 4 = July–September, instead of a half.")
@click.option("--org", default=None, help="Only this organization (name or id); default: the whole office.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), required=True)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The file to write ('-' for standard output).")
@click.option("--table", default=None,
              help="CSV only: write this one table (e.g. downloads_by_month) instead of all.")
@click.option("--lang", type=click.Choice(["th", "en"]), default="th",
              help="Language of the CSV and XLSX (the PDF is always in Thai).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def report(fiscal_year: int, half: Optional[str], quarter: Optional[str], org: Optional[str], fmt: str, output: str,
           table: Optional[str], lang: str, quiet: bool):
    """Write the fiscal-year service report (รายงานผลการให้บริการ) as CSV,
    XLSX or the printable Thai PDF."""
    from ckanext.utt1service.report import build, export
    steps = list(build.STEPS) + (["charts", "pdf"] if fmt == "pdf" else [fmt])
    started = time.monotonic()
    bar = None
    if not quiet:
        bar = click.progressbar(length=len(steps), label=f"Report {fiscal_year} ({fmt})",
                                file=click.get_text_stream("stderr"),
                                item_show_func=lambda step: step or "")
        bar.__enter__()

    def progress(step: str) -> None:
        if bar is not None:
            bar.update(1, step)

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    data = {"fiscal_year": fiscal_year}
    if half:
        data["half"] = half
    if quarter:
        data["quarter"] = quarter
    if org:
        data["owner_org"] = org
    if fmt == "pdf":
        data["suggestion_limit"] = tk.config.get("ckanext.utt1service.report_suggestions_listed")
        lang = "th"
    context = {"user": site_user["name"], "ignore_auth": True, "report_progress": progress}
    try:
        with build.language(lang):
            result = tk.get_action("utt1service_report_show")(context, data)
            if fmt == "pdf":
                from ckanext.utt1service.report import pdf
                body = pdf.render(result, progress)
            elif fmt == "xlsx":
                body = export.report_xlsx(result)
                progress(fmt)
            elif table:
                found = export.find_table(result, table)
                if found is None:
                    keys = ", ".join(t["key"] for t in export.tables(result))
                    raise click.BadParameter(f"no table {table!r}; the tables are: {keys}", param_hint="--table")
                body = export.table_csv(found)
                progress(fmt)
            else:
                body = export.report_csv(result)
                progress(fmt)
    except common_pdf.PdfError as error:
        raise click.ClickException(f"the PDF could not be printed: {error}")
    except tk.ValidationError as error:
        raise click.ClickException(
            "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.error_dict.items())
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if output == "-":
        click.get_binary_stream("stdout").write(body)
    else:
        with open(output, "wb") as handle:
            handle.write(body)
    if not quiet:
        where = "standard output" if output == "-" else os.path.abspath(output)
        click.echo(f"Wrote {len(body):,} bytes to {where} in {time.monotonic() - started:.1f} s", err=True)


@click.command("report-rebuild-counts")
def rebuild_counts():
    """Recompute the monthly download counts the report reads from the
    download events (a trigger keeps them current; use this after restoring
    the events with triggers disabled)."""
    import ckan.model as model

    from ckanext.utt1service.report import queries
    result = queries.rebuild_download_counts()
    model.Session.commit()
    click.echo(f"{result['downloads']:,} downloads in {result['rows']:,} monthly rows.")


@click.command("rebuild-sums")
@click.option("--apply", "apply_", is_flag=True,
              help="Fix the sums that differ (default: only show the differences).")
@click.option("--limit", default=20, show_default=True,
              help="Differences shown per table.")
def rebuild_sums(apply_: bool, limit: int):
    """Check every table of sums the report reads (monthly downloads, survey
    sums, request timeline) against a direct computation from its source
    rows, and show where they differ. Nothing changes without --apply; with
    it, only the rows that differ are rewritten, while writes to the source
    tables wait. Exits 1 when a dry run finds differences."""
    import ckan.model as model

    from ckanext.utt1service.report import sums
    total = 0
    for kept in sums.KEPT:
        found = sums.repair(kept) if apply_ else len(_show(sums, kept, limit))
        if apply_:
            model.Session.commit()
            click.echo(f"{kept.table}: {found:,} rows fixed" if found else f"{kept.table}: equal")
        total += found
    model.Session.rollback()
    if not apply_:
        if total:
            click.echo(f"{total:,} rows differ; run again with --apply to fix them.")
            raise SystemExit(1)
        click.echo("Every sum equals its direct computation.")


def _show(sums, kept, limit: int) -> list:
    found = sums.differences(kept)
    if not found:
        click.echo(f"{kept.table}: equal")
        return found
    click.echo(f"{kept.table}: {len(found):,} rows differ")
    for item in found[:limit]:
        key = ", ".join(f"{k}={v}" for k, v in item["key"].items())
        changes = "; ".join(f"{column} {stored} → {expected}"
                            for column, (stored, expected) in item["changed"].items())
        click.echo(f"  {key}: {changes}")
    if len(found) > limit:
        click.echo(f"  … and {len(found) - limit:,} more")
    return found


#: the ``ckan utt1service`` commands of the service report
COMMANDS = [report, rebuild_counts, rebuild_sums]
