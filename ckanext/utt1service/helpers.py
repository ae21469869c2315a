# -*- coding: utf-8 -*-
"""Template helpers of ckanext-utt1service (all prefixed ``utt1service_``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.i18n import get_lang

from ckanext.utt1service.bigdata import topic_categories as utt1service_topic_categories
from ckanext.utt1service.dataset_helpers import (  # noqa: F401
    utt1service_choice_label, utt1service_dataset_summary, utt1service_search_sorting,
    utt1service_topic_category_choices, utt1service_facet_label,
)
from ckanext.utt1service import request_helpers, thaidate
from ckanext.utt1service.request_helpers import *  # noqa: F401,F403
from ckanext.utt1service import channel_helpers
from ckanext.utt1service.channel_helpers import *  # noqa: F401,F403

__all__ = [
    "utt1service_office_name",
    "utt1service_date",
    "utt1service_datetime",
    "render_datetime",
    "get_organization",
]
__all__ += ["utt1service_topic_categories"]
__all__ += [
    "utt1service_topic_category_choices", "utt1service_choice_label",
    "utt1service_dataset_summary", "utt1service_search_sorting", "utt1service_facet_label",
]
__all__ += request_helpers.__all__
__all__ += channel_helpers.__all__


def utt1service_office_name() -> str:
    """The office's name in the user's language."""
    if get_lang() == "th":
        return tk.config.get("ckanext.utt1service.office_name")
    return tk.config.get("ckanext.utt1service.office_name_en")


def utt1service_date(value, long: bool = False) -> str:
    """A date in the user's language: Buddhist Era and Thai month names in Thai
    (25 พ.ย. 2569), Gregorian in English (25 Nov 2026)."""
    return thaidate.format_date(value, get_lang(), long=long)


def utt1service_datetime(value) -> str:
    """Like utt1service_date, with the Bangkok time of day."""
    return thaidate.format_datetime(value, get_lang())


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False, with_seconds=False):
    """CKAN core's dates (dataset and resource pages, activity stream, user
    pages) in the Buddhist Era on Thai pages, like the extension's own; an
    explicit ``date_format`` and the other languages are left to CKAN."""
    if date_format or get_lang() != "th" or not datetime_:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    try:
        if with_hours or with_seconds:
            return thaidate.format_datetime(datetime_, "th")
        return thaidate.format_date(datetime_, "th")
    except (TypeError, ValueError):
        return next_helper(datetime_, date_format, with_hours, with_seconds)

def organization_without_search(context: dict, data_dict: dict) -> dict:
    """``organization_show`` while the search server is down: without the
    parts that come from it (sub-groups), its dataset count from the
    database (the active public datasets)."""
    import ckan.model as model

    group_dict = tk.get_action("organization_show")(
        context, dict(data_dict, include_datasets=False, include_dataset_count=False, include_groups=False)
    )
    group_dict["package_count"] = (
        model.Session.query(model.Package)
        .filter(model.Package.owner_org == group_dict["id"], model.Package.state == "active",
                model.Package.private.is_(False))
        .count()
    )
    return group_dict


@tk.chained_helper
def get_organization(next_helper, org=None, include_datasets=False):
    """CKAN core's helper (the organization box of the dataset page and the
    access-request pages). Its dataset count comes from the search server:
    while that is down, the count comes from the database rather than the
    page failing."""
    from ckan.lib.search.common import SearchError, SolrConnectionError

    try:
        return next_helper(org, include_datasets)
    except (SearchError, SolrConnectionError):
        if org is None or include_datasets:
            raise
        try:
            return organization_without_search({}, {"id": org})
        except (tk.ObjectNotFound, tk.ValidationError, tk.NotAuthorized):
            return {}


from ckanext.utt1service.monitoring_helpers import *  # noqa: E402,F401,F403  (issue 5)
from ckanext.utt1service import monitoring_helpers as _monitoring_helpers  # noqa: E402
__all__ += _monitoring_helpers.__all__

from ckanext.utt1service.report_helpers import *  # noqa: E402,F401,F403  (issue 6)
from ckanext.utt1service import report_helpers as _report_helpers  # noqa: E402
__all__ += _report_helpers.__all__
