# -*- coding: utf-8 -*-
"""The "Big Data" landing page, QR code images and printable A4 posters.

Routes:

* ``/bigdata`` — the landing page; ``/bigdata/qr.png|svg`` — the catalogue's
  QR code; ``/bigdata/poster`` — its A4 poster;
* ``/dataset/<id>/qr.png|svg`` and ``/dataset/<id>/poster`` — a dataset's;
* ``/dataset/<id>/resource/<resource_id>/qr.png|svg`` — a resource's;
* ``/bigdata/suggest?q=…`` — search-as-you-type suggestions (JSON) for the
  search boxes of the catalogue and of the landing page.

A dataset's QR code and poster are served only to someone who may see the
dataset (``package_show``'s auth); everyone else gets a 404, as for the
dataset page itself. ``?download=1`` sends an image as an attachment.

The blueprint also answers, on every page, a search server that cannot be
reached: a clear message (HTTP 503) instead of a 500 (``search.py``).
"""
from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, jsonify, make_response, request

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrConnectionError
from ckan.types import Context, Response

from ckanext.utt1service.catalog import bigdata as landing
from ckanext.utt1service.catalog import qr, search

__all__ = ["bigdata"]

bigdata = Blueprint("utt1service_bigdata", __name__)

_FORMATS = "<any(png, svg):fmt>"


@bigdata.app_errorhandler(SolrConnectionError)
def _search_unavailable(error: SolrConnectionError) -> Any:
    return search.search_unavailable(error)


def _context() -> Context:
    return {"user": tk.current_user.name, "auth_user_obj": tk.current_user}


def _dataset_or_404(id: str) -> dict[str, Any]:
    """The dataset as package_show gives it to the current user; 404 when it
    does not exist or the user may not see it (never tell the two apart)."""
    try:
        return tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


def _resource_or_404(pkg_dict: dict[str, Any], resource_id: str) -> dict[str, Any]:
    for res in pkg_dict.get("resources", []):
        if res["id"] == resource_id:
            return res
    return tk.abort(404, tk._("Resource not found"))


def _image(data: str, fmt: str, filename: str, shared: bool) -> Response:
    """The QR image response.

    Public images follow the portal's cache policy (``ckan.cache_expires``,
    set by CKAN after every request); images of private datasets are only
    cached by the user's own browser and revalidated each time. Both carry
    an ETag, so revalidating is a bodiless 304.
    """
    response = make_response(qr.image(data, fmt))
    response.mimetype = qr.MIMETYPES[fmt]
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not shared:
        request.environ["__no_cache__"] = True
        response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


def index() -> str:
    return tk.render("utt1service/bigdata/index.html", landing.landing(_context()))


def suggest() -> Response:
    """Titles of the datasets the visitor may see that contain what they
    have typed so far (``q``), for the search boxes:
    ``{"q": …, "suggestions": [{"title", "name", "url"}, …]}``."""
    typed = request.args.get("q", "")
    return jsonify({"q": typed, "suggestions": search.suggest(typed, tk.current_user)})


def catalogue_qr(fmt: str) -> Response:
    return _image(qr.channel_url(qr.catalogue_url()), fmt, "qr-bigdata", shared=True)


def dataset_qr(id: str, fmt: str) -> Response:
    pkg_dict = _dataset_or_404(id)
    return _image(
        qr.channel_url(qr.dataset_url(pkg_dict)),
        fmt,
        f"qr-{pkg_dict['name']}",
        shared=not pkg_dict.get("private"),
    )


def resource_qr(id: str, resource_id: str, fmt: str) -> Response:
    pkg_dict = _dataset_or_404(id)
    res_dict = _resource_or_404(pkg_dict, resource_id)
    return _image(
        qr.channel_url(qr.resource_url(pkg_dict, res_dict)),
        fmt,
        f"qr-{pkg_dict['name']}-{res_dict['id'][:8]}",
        shared=not pkg_dict.get("private"),
    )


def _poster(**extra_vars: Any) -> str:
    extra_vars.setdefault("pkg", None)
    # Shown as a date in Bangkok time (h.utt1service_date converts).
    extra_vars["printed"] = datetime.datetime.now(datetime.timezone.utc)
    return tk.render("utt1service/bigdata/poster.html", extra_vars)


def catalogue_poster() -> str:
    return _poster(
        qr_src=tk.h.url_for("utt1service_bigdata.catalogue_qr", fmt="svg"),
        address=qr.catalogue_url(),
    )


def dataset_poster(id: str) -> str:
    pkg_dict = _dataset_or_404(id)
    return _poster(
        pkg=pkg_dict,
        qr_src=tk.h.url_for("utt1service_bigdata.dataset_qr", id=pkg_dict["id"], fmt="svg"),
        # Printed under the code for typing by hand: the readable name.
        address=tk.h.url_for(
            f"{pkg_dict['type']}.read", id=pkg_dict["name"], _external=True, locale="default"
        ),
    )


bigdata.add_url_rule("/bigdata", view_func=index, strict_slashes=False)
bigdata.add_url_rule("/bigdata/suggest", view_func=suggest)
bigdata.add_url_rule(f"/bigdata/qr.{_FORMATS}", view_func=catalogue_qr)
bigdata.add_url_rule("/bigdata/poster", view_func=catalogue_poster)
bigdata.add_url_rule(f"/dataset/<id>/qr.{_FORMATS}", view_func=dataset_qr)
bigdata.add_url_rule(
    f"/dataset/<id>/resource/<resource_id>/qr.{_FORMATS}", view_func=resource_qr
)
bigdata.add_url_rule("/dataset/<id>/poster", view_func=dataset_poster)
