# -*- coding: utf-8 -*-
"""Template helpers of download counting, the survey and the complaints
register (re-exported by ``helpers.py``)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.utt1service.common import authz, links, vocabularies
from ckanext.utt1service.monitoring import downloads

__all__ = [
    "utt1service_download_count",
    "utt1service_download_counts",
    "utt1service_channel_url",
    "utt1service_survey_url",
    "utt1service_complaint_url",
    "utt1service_problem_url",
    "utt1service_survey_invitation",
    "utt1service_is_staff",
    "utt1service_label",
]


def utt1service_download_count(
    resource_id: Optional[str] = None, package_id: Optional[str] = None
) -> int:
    """Downloads of a resource, or of all resources of a dataset (each
    visitor once per dedup window, bots left out)."""
    if not resource_id and not package_id:
        return 0
    return downloads.download_count(resource_id=resource_id, package_id=package_id)


def utt1service_download_counts(package_id: str) -> dict[str, int]:
    """{resource id: downloads} for every resource of a dataset, in one query
    (for resource lists)."""
    return downloads.download_counts_by_resource(package_id)


def utt1service_channel_url(url: str, channel: str = "qr") -> str:
    """``url`` marked with its channel (``?utm_source=qr``): downloads made
    after opening it count as that channel. QR codes print these links."""
    return links.add_channel_marker(url, channel)


def utt1service_survey_url(
    resource_id: Optional[str] = None,
    request_id: Optional[str] = None,
    qualified: bool = False,
) -> str:
    """The satisfaction survey: after a download of ``resource_id``, for the
    access request ``request_id`` (the link carries a token, so only the
    requester can answer; use ``qualified=True`` in e-mails), or standalone."""
    from ckanext.utt1service.monitoring.logic.action import request_survey_token

    args: dict[str, Any] = {}
    if request_id:
        args.update(request_id=request_id, token=request_survey_token(request_id))
    elif resource_id:
        args["resource_id"] = resource_id
    return tk.url_for("utt1service_survey.new", _external=qualified, **args)


def utt1service_complaint_url(
    package: Optional[str] = None, request_id: Optional[str] = None
) -> str:
    """The public complaint form, pre-filled with a dataset or request."""
    args = {k: v for k, v in (("dataset", package), ("request_id", request_id)) if v}
    return tk.url_for("utt1service_complaint.new", **args)


def utt1service_problem_url(
    request_id: Optional[str] = None,
    package: Optional[str] = None,
    survey_response_id: Optional[str] = None,
) -> str:
    """The staff form that records a problem of a service event (from the
    request page, a dataset or a survey response)."""
    args = {"kind": "problem"}
    for key, value in (("request_id", request_id), ("dataset", package), ("survey", survey_response_id)):
        if value:
            args[key] = value
    return tk.url_for("utt1service_complaint.new", **args)


def utt1service_survey_invitation(
    package_id: Optional[str] = None, resource_id: Optional[str] = None
) -> Optional[dict[str, str]]:
    """The latest download of this browser session, of this resource or
    dataset, that has no survey response yet: ``{"e", "r", "p"}`` or None."""
    from ckanext.utt1service.monitoring.model.survey import SurveyResponse

    for item in reversed(downloads.recent_downloads()):
        if resource_id and item.get("r") != resource_id:
            continue
        if not resource_id and package_id and item.get("p") != package_id:
            continue
        answered = (
            model.Session.query(SurveyResponse.id)
            .filter(SurveyResponse.download_event_id == item.get("e"))
            .first()
        )
        if not answered:
            return item
    return None


def utt1service_is_staff() -> bool:
    """Whether the current user is staff of the service: an editor or admin
    of an organization that takes part in it, or a sysadmin (``authz``)."""
    if not current_user.is_authenticated:
        return False
    return authz.is_any_staff(current_user)


#: the short names templates have used for some vocabularies
_ALIASES = {
    "categories": "complaint_categories",
    "states": "complaint_states",
    "channels": "complaint_sources",
    "kinds": "complaint_kinds",
    "download_channels": "service_channels",
}


def utt1service_label(vocabulary: str, code: Any) -> str:
    """The label, in the user's language, of a code of one of the service's
    vocabularies (``common/vocabularies.py``):
    ``h.utt1service_label('complaint_states', 'in_progress')``."""
    return vocabularies.BY_NAME[_ALIASES.get(vocabulary, vocabulary)].label(code)
