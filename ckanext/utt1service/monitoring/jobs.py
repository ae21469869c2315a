# -*- coding: utf-8 -*-
"""Background jobs of ckanext-utt1service (run by ``ckan jobs worker``)."""
from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import mail, vocabularies
from ckanext.utt1service.common.i18n import N_

log = logging.getLogger(__name__)

__all__ = ["send_complaint_acknowledgement"]


#: the subject of the acknowledgement (its text: templates/utt1service/emails/complaint_acknowledgement.txt)
SUBJECT = N_("Your complaint No. {number} was received")


def send_complaint_acknowledgement(complaint_id: str) -> None:
    """E-mail the person who filed a complaint that it was received, with
    its number, in the language they used."""
    from ckan.lib.mailer import mail_recipient

    from ckanext.utt1service.monitoring.model.complaint import Complaint

    complaint = model.Session.get(Complaint, complaint_id)
    if complaint is None or not complaint.contact_email:
        return
    lang = complaint.lang or tk.config.get("ckan.locale_default") or "th"
    body = mail.render(
        "complaint_acknowledgement.txt", lang, complaint=complaint,
        category=mail.gettext(lang, dict(vocabularies.COMPLAINT_CATEGORIES.items).get(
            complaint.category, complaint.category)),
    ) + "\n"
    subject = "{} — {}".format(
        mail.gettext(lang, SUBJECT).format(number=complaint.number), mail.office_name(lang))
    mail_recipient(complaint.contact_name or complaint.contact_email, complaint.contact_email, subject, body)
    log.info("Acknowledgement of complaint %s sent", complaint.number)
