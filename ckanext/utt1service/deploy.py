# -*- coding: utf-8 -*-
"""What the Docker image runs when a ckan container starts
(``docker/ckan/docker-entrypoint.d/50-utt1service.sh``).

The first sysadmin comes from the environment (``CKAN_SYSADMIN_NAME``,
``CKAN_SYSADMIN_EMAIL``, ``CKAN_SYSADMIN_PASSWORD``, the variables the official
CKAN images use). It is created once; restarting with the same environment
changes nothing, and an existing account's password and e-mail are never
touched, so a password changed in the web interface stays changed.
"""
from __future__ import annotations

from typing import Mapping

import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = ["BootstrapError", "bootstrap_sysadmin"]


class BootstrapError(Exception):
    """The sysadmin could not be set up; the message says why."""


def bootstrap_sysadmin(env: Mapping[str, str]) -> str:
    """Make sure the user ``env["CKAN_SYSADMIN_NAME"]`` exists and is a sysadmin.

    Creates the user with ``CKAN_SYSADMIN_EMAIL`` and ``CKAN_SYSADMIN_PASSWORD``
    when it does not exist, makes an existing user sysadmin, and does nothing
    when ``CKAN_SYSADMIN_NAME`` is empty. Returns a one-line report; raises
    :class:`BootstrapError` when the user cannot be created.
    """
    name = env.get("CKAN_SYSADMIN_NAME", "").strip()
    if not name:
        return (
            "CKAN_SYSADMIN_NAME is not set: no sysadmin created "
            "(make one with `ckan sysadmin add NAME`)"
        )
    user = model.User.get(name)
    if user is not None and user.state == model.State.DELETED:
        raise BootstrapError(
            f"the user {name} exists but is deleted: restore it or set another "
            "CKAN_SYSADMIN_NAME"
        )
    created = user is None
    if created:
        _create_user(name, env)
        user = model.User.get(name)
    promoted = not user.sysadmin
    if promoted:
        user.sysadmin = True
        model.Session.commit()
    if created:
        return f"created the sysadmin {name}"
    if promoted:
        return f"made the existing user {name} sysadmin"
    return f"sysadmin {name} exists (kept as it is)"


def _create_user(name: str, env: Mapping[str, str]) -> None:
    email = env.get("CKAN_SYSADMIN_EMAIL", "").strip()
    password = env.get("CKAN_SYSADMIN_PASSWORD", "")
    missing = [
        var
        for var, value in (
            ("CKAN_SYSADMIN_EMAIL", email),
            ("CKAN_SYSADMIN_PASSWORD", password),
        )
        if not value
    ]
    if missing:
        raise BootstrapError(
            f"cannot create the sysadmin {name}: {' and '.join(missing)} not set"
        )
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        tk.get_action("user_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"name": name, "email": email, "password": password},
        )
    except tk.ValidationError as error:
        problems = "; ".join(
            f"{field}: {message}" for field, message in error.error_summary.items()
        )
        raise BootstrapError(f"cannot create the sysadmin {name}: {problems}")
