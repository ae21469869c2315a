# -*- coding: utf-8 -*-
"""Template helpers of download counting, the survey and the complaints
register (re-exported by ``helpers.py``)."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

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
    "utt1service_survey_answered",
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
    dataset, whose file was not rated yet (``utt1service_survey_answered``):
    ``{"e", "r", "p"}`` or None."""
    for item in reversed(downloads.recent_downloads()):
        if resource_id and item.get("r") != resource_id:
            continue
        if not resource_id and package_id and item.get("p") != package_id:
            continue
        if not utt1service_survey_answered(resource_id=item.get("r")):
            return item
    return None


def utt1service_survey_answered(
    resource_id: Optional[str] = None, request_id: Optional[str] = None
) -> bool:
    """Whether the survey was answered already, so that nothing invites to it
    again (the server decides; the pages, the invitation sheet's script and
    the delivery e-mail ask this):

    - ``request_id``: the access request has its response;
    - ``resource_id``: this browser session rated that file (or one of its
      downloads, or the access request a download of it belonged to), or
      the logged-in user rated a download of it today."""
    from ckanext.utt1service.monitoring.model.download import DownloadEvent
    from ckanext.utt1service.monitoring.model.survey import SurveyResponse

    if request_id:
        return (
            model.Session.query(SurveyResponse.id).filter(SurveyResponse.request_id == request_id).first()
            is not None
        )
    if not resource_id:
        return False
    if resource_id in downloads.surveyed_resources():
        return True
    # (event ids are uuids; the survey names them as text)
    events = [d["e"] for d in downloads.recent_downloads()
              if d.get("r") == resource_id and DownloadEvent.is_id(d.get("e"))]
    mine = [DownloadEvent.id.in_(events)] if events else []
    if current_user.is_authenticated:
        # the visitor key of a logged-in user is the user (per day)
        mine.append(DownloadEvent.visitor_key == downloads.visitor_key())
    if not mine:
        return False
    answered = (
        model.Session.query(DownloadEvent.id)
        .join(
            SurveyResponse,
            sa.or_(
                SurveyResponse.download_event_id == sa.cast(DownloadEvent.id, sa.Text),
                sa.and_(DownloadEvent.request_id.isnot(None), SurveyResponse.request_id == DownloadEvent.request_id),
            ),
        )
        .filter(DownloadEvent.resource_id == resource_id, sa.or_(*mine))
        .first()
    )
    return answered is not None


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
