# -*- coding: utf-8 -*-
"""Small pieces shared by the forms and list pages of the views."""
from __future__ import annotations

from typing import Any, Optional

import flask

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.utt1service.common import ratelimit

#: name of the honeypot field: hidden from people, filled in by form robots
#: (the API refuses it too: see ``ratelimit.py``)
HONEYPOT = ratelimit.HONEYPOT
honeypot_filled = ratelimit.honeypot_filled
honeypot_message = ratelimit.honeypot_message


def action_context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def csrf_refusal() -> Optional[str]:
    """Why the CSRF token of this POST is refused, or None when it is good.

    CKAN 2.11 checks the token only for signed-in browser sessions (it
    exempts every request that was not authenticated by the session cookie),
    so the public forms check it themselves; API-token callers are exempt.
    """
    from flask_wtf.csrf import validate_csrf
    from wtforms.validators import ValidationError

    if flask.g.get("login_via_auth_header") and current_user.is_authenticated:
        return None
    try:
        validate_csrf(flask.request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME")))
    except ValidationError:
        return tk._(
            "This form has expired or was not sent from this site. "
            "Please reload the page and send it again."
        )
    return None


def read_submission(fields: Any) -> tuple[dict[str, str], Optional[dict[str, list[str]]]]:
    """The filled-in ``fields`` of this POST, and the errors refusing it
    before any check of its content (expired CSRF token, honeypot filled in),
    or None when it may be checked."""
    form = flask.request.form
    data = {key: form.get(key, "") for key in fields}
    data = {k: v for k, v in data.items() if v != ""}
    refusal = csrf_refusal()
    if refusal:
        return data, {"csrf": [refusal]}
    if honeypot_filled(form):
        return data, {"honeypot": [honeypot_message()]}
    return data, None


def rate_limited(rendered: Any, retry_after: int) -> tuple[Any, int, dict[str, str]]:
    """A form page re-rendered with the rate-limit error: 429 and when to try again."""
    body = rendered[0] if isinstance(rendered, tuple) else rendered
    return body, 429, {"Retry-After": str(retry_after)}


def error_summary(errors: dict[str, Any], labels: dict[str, str]) -> dict[str, str]:
    """{field label: message} for the box at the top of a form; errors that
    belong to no field (already answered, rate limit) get an empty label."""
    summary: dict[str, str] = {}
    ordered = [k for k in labels if k in errors] + [k for k in errors if k not in labels]
    for key in ordered:
        messages = errors[key]
        text = "; ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        label = labels.get(key, "")
        summary[label] = f"{summary[label]} {text}" if label in summary else text
    return summary


def safe_next(url: Optional[str], default: str) -> str:
    """``url`` when it stays on this site, else ``default``."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default


def page_number(per_page: int) -> tuple[int, int]:
    """The list page asked for and its offset: 1 when missing or not a
    positive whole number; a page beyond the last one the database can
    count (``?page=99999999999999999999``) is that last one, empty."""
    from ckanext.utt1service.common.validators import INT_MAX

    last = INT_MAX // per_page + 1
    text = (flask.request.args.get("page") or "").strip()
    if text.isascii() and text.isdigit():
        page = last if len(text) > len(str(last)) else max(1, min(int(text), last))
    else:
        page = 1
    return page, (page - 1) * per_page


def by_id(model_class: Any, ids: Any) -> dict[str, Any]:
    """Rows of a core table (``model.Package``, ``model.User``) keyed by id,
    for the ids that are not empty: one query for a whole list page."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {
        row.id: row
        for row in model.Session.query(model_class).filter(model_class.id.in_(wanted))
    }
