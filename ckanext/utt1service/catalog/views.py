# -*- coding: utf-8 -*-
"""The "Big Data" landing page, QR code images and printable A4 posters.

Routes:

* ``/bigdata`` — the landing page; ``/bigdata/qr.png|svg`` — the catalogue's
  QR code; ``/bigdata/poster`` — its A4 poster;
* ``/dataset/<id>/qr.png|svg`` and ``/dataset/<id>/poster`` — a dataset's;
* ``/dataset/<id>/resource/<resource_id>/qr.png|svg`` — a resource's;
* ``/bigdata/suggest?q=…`` — search-as-you-type suggestions (JSON) for the
  search boxes of the catalogue and of the landing page;
* ``/dataset-excel`` — dataset metadata in Excel (``excel.py``): the template,
  the export of the catalogue, and the import (a dry run, then apply), for
  whoever may add datasets (sysadmins, editors); ``/dataset-excel/import/<token>``
  — the progress and result of a large import applied in the background.

A dataset's QR code and poster are served only to someone who may see the
dataset (``package_show``'s auth); everyone else gets a 404, as for the
dataset page itself. ``?download=1`` sends an image as an attachment.

The blueprint also answers, on every page, a search server that cannot be
reached: a clear message (HTTP 503) instead of a 500 (``search.py``).
"""
from __future__ import annotations

import datetime
import logging
from typing import Any

from flask import Blueprint, jsonify, make_response, request

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrConnectionError
from ckan.types import Context, Response

from ckanext.utt1service.catalog import bigdata as landing
from ckanext.utt1service.catalog import dataset_schema, excel, qr, search

__all__ = ["bigdata", "dataset_excel"]

log = logging.getLogger(__name__)

bigdata = Blueprint("utt1service_bigdata", __name__)
dataset_excel = Blueprint("utt1service_dataset_excel", __name__)

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


# ------------------------------------------------------ dataset metadata in Excel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the largest file accepted (bytes)
MAX_UPLOAD = 5 * 1024 * 1024


def _may_import() -> None:
    """Sysadmins and whoever may add datasets to an organization; others get
    403 (anonymous visitors: log in)."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to import or export datasets"))
    try:
        tk.check_access("package_create", _context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only staff who may add datasets can use this page"))


def _xlsx(data: bytes, filename: str) -> Response:
    response = make_response(data)
    response.mimetype = XLSX
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    request.environ["__no_cache__"] = True
    return response


def _import_dir() -> str:
    import os

    root = tk.config.get("ckan.storage_path") or ""
    path = os.path.join(root, "utt1service", "excel-import")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _upload_path(token: str) -> str:
    """Where the rows of a dry run wait for "apply" (what to create and
    change, as JSON): named after the user and a random token, so only
    that user can apply them."""
    import os

    return os.path.join(_import_dir(), f"{tk.current_user.id}-{token}.json")


def _valid_token(token: str) -> bool:
    return bool(token) and len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def _stored_upload(token: str) -> Any:
    import os

    if not _valid_token(token):
        return None
    path = _upload_path(token)
    return path if os.path.exists(path) else None


def excel_page() -> str:
    _may_import()
    return tk.render("utt1service/excel/index.html", {"plans": None})


def excel_template() -> Response:
    _may_import()
    return _xlsx(excel.template(dataset_schema.current_lang()), "dataset-template.xlsx")


def excel_export() -> Response:
    _may_import()
    context = _context()
    datasets, start = [], 0
    while True:
        found = tk.get_action("package_search")(context, {
            "q": "*:*", "rows": 1000, "start": start, "sort": "name asc",
            "include_private": True, "fq": "+dataset_type:dataset"})
        datasets += found["results"]
        start += 1000
        if start >= found["count"]:
            break
    return _xlsx(excel.export(datasets, dataset_schema.current_lang()), "datasets.xlsx")


def _plan(data: bytes) -> Any:
    lang = dataset_schema.current_lang()
    rows = excel.read(data)
    return excel.plan(tk.current_user.name, rows, lang)


def excel_upload() -> Any:
    """The dry run: what each row would do, nothing saved."""
    _may_import()
    import secrets

    upload = request.files.get("file")
    data = upload.read(MAX_UPLOAD + 1) if upload is not None else b""
    if not data:
        tk.h.flash_error(tk._("Choose the filled-in template (.xlsx) to upload"))
        return tk.redirect_to("utt1service_dataset_excel.excel_page")
    if len(data) > MAX_UPLOAD:
        tk.h.flash_error(tk._("The file is larger than 5 MB"))
        return tk.redirect_to("utt1service_dataset_excel.excel_page")
    try:
        plans, work = _plan(data)
    except excel.ExcelError as error:
        tk.h.flash_error(str(error))
        return tk.redirect_to("utt1service_dataset_excel.excel_page")
    token = ""
    if work:
        import json

        token = secrets.token_hex(16)
        with open(_upload_path(token), "w", encoding="utf-8") as out:
            json.dump(work, out, ensure_ascii=False)
    return tk.render("utt1service/excel/index.html", {
        "plans": plans, "token": token,
        "counts": {a: sum(1 for p in plans if p.action == a)
                   for a in ("create", "update", "unchanged", "error")},
    })


def excel_apply() -> Any:
    """Apply the rows of the last dry run that had no errors: at once when
    they are few, else in a background job with a progress page."""
    _may_import()
    import json
    import os

    token = request.form.get("token", "")
    path = _stored_upload(token)
    if path is None:
        tk.h.flash_error(tk._("Upload the file again: the dry run has expired"))
        return tk.redirect_to("utt1service_dataset_excel.excel_page")
    try:
        with open(path, encoding="utf-8") as stored:
            work = json.load(stored)
    except ValueError:
        work = None
    if not isinstance(work, list):
        os.remove(path)
        tk.h.flash_error(tk._("Upload the file again: the dry run has expired"))
        return tk.redirect_to("utt1service_dataset_excel.excel_page")
    if len(work) > excel.INLINE_ROWS:
        try:
            excel.save_status(token, {"user_id": tk.current_user.id, "state": "queued",
                                      "total": len(work), "done": 0, "created": 0,
                                      "updated": 0, "failures": []})
            tk.enqueue_job(excel.apply_job, [tk.current_user.name, token, work,
                                             dataset_schema.current_lang()],
                           title=f"utt1service: Excel import of {len(work)} rows",
                           rq_kwargs={"timeout": 6 * 3600})
        except Exception:  # noqa: BLE001 - Redis down: the dry run stays, to try again
            log.warning("Could not start the Excel import %s", token, exc_info=True)
            tk.h.flash_error(tk._("The import could not be started. Try again in a few "
                                  "minutes; nothing has been saved yet."))
            return tk.redirect_to("utt1service_dataset_excel.excel_page")
        os.remove(path)
        return tk.redirect_to("utt1service_dataset_excel.excel_progress", token=token)
    os.remove(path)
    created, updated, failures = excel.apply(tk.current_user.name, work)
    tk.h.flash_success(tk._("{created} dataset(s) created, {updated} changed")
                       .format(created=created, updated=updated))
    for failure in failures:
        tk.h.flash_error(failure)
    return tk.redirect_to("utt1service_dataset_excel.excel_page")


def _import_status(token: str) -> dict[str, Any]:
    """The progress of the current user's import ``token``; 404 for anyone
    else's, or an unknown or expired one."""
    _may_import()
    status = excel.load_status(token) if _valid_token(token) else None
    if status is None or status.get("user_id") != tk.current_user.id:
        return tk.abort(404, tk._("This import is not known (or is more than a week old)"))
    return status


def excel_progress(token: str) -> str:
    """How far a background import has come, and its result."""
    status = _import_status(token)
    request.environ["__no_cache__"] = True
    return tk.render("utt1service/excel/progress.html", {"status": status, "token": token})


def excel_progress_json(token: str) -> Response:
    """The same, for the page's script (it updates the page as it goes)."""
    status = _import_status(token)
    request.environ["__no_cache__"] = True
    response = jsonify({k: status.get(k) for k in ("state", "total", "done", "created",
                                                   "updated")})
    response.headers["Cache-Control"] = "no-store"
    return response


dataset_excel.add_url_rule("/dataset-excel", view_func=excel_page, methods=["GET"])
dataset_excel.add_url_rule("/dataset-excel", view_func=excel_upload, methods=["POST"],
                           endpoint="excel_upload")
dataset_excel.add_url_rule("/dataset-excel/template.xlsx", view_func=excel_template)
dataset_excel.add_url_rule("/dataset-excel/export.xlsx", view_func=excel_export)
dataset_excel.add_url_rule("/dataset-excel/apply", view_func=excel_apply, methods=["POST"])
dataset_excel.add_url_rule("/dataset-excel/import/<token>", view_func=excel_progress)
dataset_excel.add_url_rule("/dataset-excel/import/<token>/status.json",
                           view_func=excel_progress_json)
