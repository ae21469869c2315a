# -*- coding: utf-8 -*-
"""Background jobs of ckanext-utt1service (run by ``ckan jobs worker``)."""
from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import vocabularies

log = logging.getLogger(__name__)

__all__ = ["send_complaint_acknowledgement"]


def _render_in(lang: str, template: str, extra_vars: dict[str, Any]) -> tuple[str, str]:
    """Render an e-mail template in ``lang`` outside a web request; returns
    (subject, body): the first line of the rendered text is the subject."""
    from ckan.config import middleware

    app = middleware._internal_test_request_context.app  # the app this process built
    with app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
        text = tk.render(template, extra_vars)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_complaint_acknowledgement(complaint_id: str) -> None:
    """E-mail the person who filed a complaint that it was received, with
    its number, in the language they used."""
    from ckan.lib.mailer import mail_recipient

    from ckanext.utt1service.monitoring.model.complaint import Complaint

    complaint = model.Session.get(Complaint, complaint_id)
    if complaint is None or not complaint.contact_email:
        return
    lang = complaint.lang or tk.config.get("ckan.locale_default") or "th"
    subject, body = _render_in(
        lang,
        "utt1service/emails/complaint_acknowledgement.txt",
        {
            "complaint": complaint,
            "category_label": lambda code: vocabularies.COMPLAINT_CATEGORIES.label(code),
        },
    )
    mail_recipient(complaint.contact_name or complaint.contact_email, complaint.contact_email, subject, body)
    log.info("Acknowledgement of complaint %s sent", complaint.number)
