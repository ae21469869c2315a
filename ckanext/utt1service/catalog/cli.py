# -*- coding: utf-8 -*-
"""``ckan utt1service gd-backfill``: give the datasets saved before the GD
Catalog fields existed their GD values (derived from the education fields,
older English codes converted), shown with a dry run first."""
from __future__ import annotations

import json
from typing import Any, Callable

import click

import ckan.plugins.toolkit as tk

from ckanext.utt1service.catalog import gd

__all__ = ["COMMANDS", "gd_backfill", "gd_changes", "backfill"]


def gd_changes(pkg: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What saving ``pkg`` (a ``package_show`` dict) again would change in
    its GD fields: field → (stored value, new value)."""
    converted = dict(pkg)
    changes: dict[str, tuple[Any, Any]] = {}
    for name in gd.LEGACY:
        if name in pkg and not gd.is_empty(pkg[name]):
            converted[name] = gd.legacy_value(name, pkg[name])
    licence, other = gd.legacy_license(pkg.get("license_id"))
    if licence != pkg.get("license_id"):
        converted["license_id"] = licence
        if other and gd.is_empty(pkg.get("license_id_other")):
            converted["license_id_other"] = other
    try:
        auto = json.loads(pkg.get("gd_auto") or "{}")
    except (TypeError, ValueError):
        auto = {}
    values, _ = gd.prefill(converted, auto if isinstance(auto, dict) else {})
    converted.update(values)
    for name, value in converted.items():
        if gd.normal(value) != gd.normal(pkg.get(name)):
            changes[name] = (pkg.get(name), value)
    return changes


def backfill(apply: bool, echo: Callable[[str], None]) -> tuple[int, int]:
    """Every dataset (private and draft ones too) whose GD fields would
    change: listed, and with ``apply`` saved through ``package_patch``
    (validation, search index). Returns (datasets changed or to change,
    datasets that failed validation)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

    def context() -> dict[str, Any]:
        return {"user": site_user, "ignore_auth": True}

    ids = _all_ids()
    changed = failed = 0
    for dataset_id in ids:
        pkg = tk.get_action("package_show")(context(), {"id": dataset_id})
        changes = gd_changes(pkg)
        # the group GD Catalog's harvester reads (saving the dataset puts it
        # in or takes it out: gd.sync_group)
        offered = gd.status({**pkg, **{k: v for k, (_, v) in changes.items()}}) == "offered"
        in_group = any(g.get("name") == gd.group_name() for g in pkg.get("groups") or [])
        if not changes and offered == in_group:
            continue
        changed += 1
        echo(f"{pkg['name']}:")
        for name, (old, new) in sorted(changes.items()):
            echo(f"    {name}: {_shown(old)} → {_shown(new)}")
        if offered != in_group:
            echo(f"    group {gd.group_name()}: {'join' if offered else 'leave'}")
        if apply:
            try:
                saved = tk.get_action("package_patch")(
                    context(), {"id": pkg["id"], **{k: v for k, (_, v) in changes.items()}}
                )
            except tk.ValidationError as error:
                failed += 1
                echo(f"    NOT SAVED: {error.error_summary}")
                continue
            if offered != in_group:
                _sync_group(saved)
    return changed, failed


def _sync_group(pkg: dict[str, Any]) -> None:
    """Put the saved dataset in or out of the GD group when its save did
    not. CKAN 2.12 runs the after-update hooks (``gd.sync_group``) only
    when a save changed a field, so a dataset whose only fault was its
    membership kept it; 2.11's save had already synced it (nothing to do
    here then)."""
    import ckan.model as model
    from ckan.lib.search import rebuild

    if gd.sync_group(pkg) is None:
        return
    model.repo.commit()
    rebuild(pkg["id"])


def shared_titles() -> list[list[str]]:
    """The URL names of the datasets that share a title with another one
    (saved before titles had to be unique), one list per title."""
    import ckan.model as model

    from ckanext.utt1service.catalog.validators import _title_key

    by_title: dict[str, list[str]] = {}
    rows = (
        model.Session.query(model.Package.name, model.Package.title)
        .filter(model.Package.type == "dataset", model.Package.state == "active")
        .order_by(model.Package.name)
    )
    for name, title in rows:
        if title and title.strip():
            by_title.setdefault(_title_key(title), []).append(name)
    return [names for names in by_title.values() if len(names) > 1]


def _all_ids() -> list[str]:
    import ckan.model as model

    rows = (
        model.Session.query(model.Package.id)
        .filter(model.Package.type == "dataset", model.Package.state != "deleted")
        .order_by(model.Package.name)
        .all()
    )
    return [row[0] for row in rows]


def _shown(value: Any) -> str:
    if gd.is_empty(value):
        return "(ว่าง)"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


@click.command("gd-backfill")
@click.option("--apply", is_flag=True,
              help="Save the changes (without it: a dry run that only lists them).")
def gd_backfill(apply: bool):
    """Fill in the GD Catalog fields of existing datasets from their
    education fields and convert older codes (public → ข้อมูลสาธารณะ).

    Run it without --apply first: it lists each dataset's changes. A value
    someone typed is never overwritten. It also lists the datasets that
    share a title (GD Catalog wants distinct titles): rename them by hand.
    """
    changed, failed = backfill(apply, click.echo)
    for names in shared_titles():
        # (not changed automatically: staff choose the new titles)
        click.echo(f"same title, rename all but one: {', '.join(names)}")
    if apply:
        click.echo(f"{changed - failed} dataset(s) updated, {failed} not saved (errors above)")
    else:
        click.echo(f"{changed} dataset(s) would change (dry run: nothing saved; "
                   "run again with --apply)")
    if failed:
        raise SystemExit(1)


#: the ``ckan utt1service`` commands of the catalog
COMMANDS = [gd_backfill]
