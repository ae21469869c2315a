# -*- coding: utf-8 -*-
"""Actions for requests that arrive by phone, LINE, e-mail or at the counter
(issue 7): recorded by staff on the requester's behalf, handed over on paper.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.utt1service import request_mail
from ckanext.utt1service import request_channels as channels
from ckanext.utt1service import request_workflow as wf
from ckanext.utt1service.logic import request_schema as schemas
from ckanext.utt1service.logic.input_guard import declares
from ckanext.utt1service.logic.request_action import dataset_and_files, request_dictize
from ckanext.utt1service.model import AccessRequest

__all__ = [
    "utt1service_request_create_on_behalf",
    "utt1service_request_hand_over",
    "utt1service_request_send_by_email",
    "utt1service_request_attach_signed_form",
]


def _v(name: str) -> Any:
    return tk.get_validator(name)


def _one_of(choices: dict[str, str], message: str) -> Any:
    def validator(value: Any, context: Context) -> Any:
        if not isinstance(value, str) or value not in choices:
            raise tk.Invalid(tk._(message))
        return value

    return validator


def on_behalf_schema() -> dict[str, Any]:
    schema = schemas.request_create_schema()
    # Someone who phoned may have no e-mail address.
    schema["email"] = [_v("utt1service_ignore_empty"), _v("utt1service_request_email")]
    schema["intake_channel"] = [
        _v("not_missing"),
        _one_of(channels.INTAKE_CHANNELS, "Choose the channel the request came through."),
    ]
    schema["consent_method"] = [
        _v("not_missing"),
        _one_of(channels.CONSENT_METHODS, "Choose how the requester gave consent."),
    ]
    return schema


def hand_over_schema() -> dict[str, Any]:
    return {
        "id": [_v("not_empty"), _v("utt1service_id")],
        "received_by": [_v("utt1service_required"), _v("utt1service_text"),
                        _v("utt1service_single_line")],
        "handed_over_on": [_v("ignore_missing"), _v("utt1service_date")],
        "comment": [_v("ignore_missing"), _v("utt1service_text"), schemas._long_text],
    }


def request_id_schema() -> dict[str, Any]:
    return {"id": [_v("not_empty"), _v("utt1service_id")]}


def attach_signed_form_schema() -> dict[str, Any]:
    return {"id": [_v("not_empty"), _v("utt1service_id")], "upload": [_v("ignore_missing")]}


@declares(on_behalf_schema)
def utt1service_request_create_on_behalf(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Staff record a request (the same form, the same workflow) for someone
    who asked by phone, LINE, e-mail or at the counter. It enters the queue
    at once; the requester follows it through the private tracking link sent
    to the e-mail address, when one is given.

    Takes the parameters of ``utt1service_request_create`` (``email`` is
    optional here), plus:

    :param intake_channel: ``phone``, ``line``, ``email`` or ``counter``
    :type intake_channel: string
    :param consent_method: how the requester consented: ``paper`` (signed
        form) or ``phone``
    :type consent_method: string
    :param consent: must be true: the requester did consent
    :type consent: bool
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_create_on_behalf", context, data_dict)
    actor = wf.user_from_context(context)
    fields, errors = tk.navl_validate(dict(data_dict), on_behalf_schema(), context)
    errors = {k: v for k, v in errors.items() if v}
    pkg, chosen = dataset_and_files(context, actor, fields, errors)
    if errors:
        raise tk.ValidationError(errors)
    values = {k: fields.get(k) for k in schemas.request_form_schema()}
    try:
        request, mails = channels.create_on_behalf(
            values, pkg, chosen, actor, fields["intake_channel"], fields["consent_method"]
        )
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    request_mail.dispatch(mails)
    result = request_dictize(request, actor)
    channels.notify_webhook("create", result)
    return result


@declares(hand_over_schema)
def utt1service_request_hand_over(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff hand the approved data over on paper: the request becomes
    delivered with channel ``paper``.

    :param id: the request's id
    :type id: string
    :param received_by: the name of the person who received the copy
    :type received_by: string
    :param handed_over_on: the day (ISO date; default today)
    :type handed_over_on: string
    :param comment: a note (optional)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_hand_over", context, data_dict)
    data, errors = tk.navl_validate(dict(data_dict), hand_over_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    actor = wf.user_from_context(context)
    day = data.get("handed_over_on")
    if isinstance(day, datetime.datetime):
        day = day.date()
    day = day or datetime.date.today()
    try:
        request = channels.hand_over(data["id"], actor, data["received_by"], day,
                                     data.get("comment"))
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return request_dictize(request, actor)


@declares(request_id_schema)
def utt1service_request_send_by_email(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Staff send the approved files of a request whose wanted channel is
    e-mail: attached when at most ``ckanext.utt1service.email_attachment_max_bytes``,
    otherwise as an expiring personal link. A background job sends the mail
    and then marks the request delivered with channel ``email``.

    :param id: the request's id
    :type id: string
    :returns: ``id``, ``queued`` (true) and ``files`` (name and whether attached)
    :rtype: dictionary
    """
    tk.check_access("utt1service_request_send_by_email", context, data_dict)
    request = AccessRequest.get(data_dict.get("id"))
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    if request.state != "approved":
        raise tk.ValidationError({"state": [
            tk._("Only an approved request can be sent by e-mail.")]})
    if request.delivery_channel != "email" or not request.email:
        raise tk.ValidationError({"delivery_channel": [
            tk._("The requester did not ask for delivery by e-mail.")]})
    plan = channels.plan_email_delivery(request)
    if not plan:
        raise tk.ValidationError({"state": [tk._("No approved file can be sent.")]})
    subject, body = channels.email_body(request, plan)
    actor = wf.user_from_context(context)
    tk.enqueue_job(
        channels.email_delivery_job,
        [request.id, actor.id if actor is not None else None, subject, body, plan],
        title=f"utt1service: e-mail delivery {request.reference}",
    )
    return {"id": request.id, "queued": True,
            "files": [{"name": i["name"], "attached": i["attach"]} for i in plan]}


@declares(attach_signed_form_schema)
def utt1service_request_attach_signed_form(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Staff attach the scanned, signed paper form (PDF, JPEG or PNG, at most
    10 MB) to a request; a new scan replaces the previous one (audited).

    :param id: the request's id
    :type id: string
    :param upload: the file (a file upload)
    :rtype: dictionary
    """
    import os

    tk.check_access("utt1service_request_attach_signed_form", context, data_dict)
    request = AccessRequest.get(data_dict.get("id"))
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    upload = data_dict.get("upload")
    filename = os.path.basename(getattr(upload, "filename", "") or "")
    if not filename:
        raise tk.ValidationError({"upload": [tk._("Choose the scanned form to upload.")]})
    if not filename.lower().endswith(channels.SIGNED_FORM_TYPES):
        raise tk.ValidationError({"upload": [
            tk._("The scanned form must be a PDF, JPEG or PNG file.")]})
    content = upload.read(channels.SIGNED_FORM_MAX_BYTES + 1)
    if not content or len(content) > channels.SIGNED_FORM_MAX_BYTES:
        raise tk.ValidationError({"upload": [
            tk._("The scanned form must not be empty nor larger than 10 MB.")]})
    actor = wf.user_from_context(context)
    try:
        channels.store_signed_form(request, actor, filename, content)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return request_dictize(request, actor)
