# -*- coding: utf-8 -*-
"""QR codes for the catalogue, datasets and resources (channel 1: สแกน QR-Code).

Every URL that a QR code carries goes through :func:`channel_url`, the one
place that marks a visit as having come through the ``qr`` channel; download
counting reads that marker. The URLs point at pages (the catalogue, a dataset
page, a resource page), never at a file, so a restricted file still asks for
an access request.

Images are drawn by the ``qrcode`` library: PNG through Pillow, SVG as one
``<path>`` on a white background.
"""
from __future__ import annotations

import io

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathFillImage

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import links

#: The query parameter and value that mark a link as carried by a QR code.
CHANNEL = "qr"

#: Media types of the formats served.
MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}

# Medium error correction survives a creased or slightly dirty printout while
# keeping the code small; a 4-module quiet zone is what the standard asks for.
_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
_BORDER = 4
_PNG_BOX_SIZE = 10


def channel_url(url: str) -> str:
    """``url`` marked as reached through a QR code (``utm_source=qr``), the
    marker download counting reads (``common/links.py``).

    Other query parameters are kept; an existing ``utm_source`` is replaced.
    """
    return links.add_channel_marker(url, CHANNEL)


def catalogue_url() -> str:
    """The absolute URL of the "Big Data" landing page (no language prefix:
    the portal's default language, Thai, opens)."""
    return tk.h.url_for("utt1service_bigdata.index", _external=True, locale="default")


def dataset_url(pkg_dict: dict) -> str:
    """The absolute URL of a dataset page. It uses the dataset's id, not its
    name, so that a printed code keeps working when the dataset is renamed."""
    return tk.h.url_for(
        f"{pkg_dict.get('type') or 'dataset'}.read",
        id=pkg_dict["id"],
        _external=True,
        locale="default",
    )


def resource_url(pkg_dict: dict, res_dict: dict) -> str:
    """The absolute URL of a resource page (ids, as for datasets)."""
    return tk.h.url_for(
        f"{pkg_dict.get('type') or 'dataset'}_resource.read",
        id=pkg_dict["id"],
        resource_id=res_dict["id"],
        _external=True,
        locale="default",
    )


def _code(data: str, box_size: int) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=_ERROR_CORRECTION, box_size=box_size, border=_BORDER
    )
    code.add_data(data)
    code.make(fit=True)
    return code


def png(data: str, box_size: int = _PNG_BOX_SIZE) -> bytes:
    """A PNG image (black on white, ``box_size`` pixels a module) of ``data``."""
    out = io.BytesIO()
    _code(data, box_size).make_image(image_factory=PilImage).save(out)
    return out.getvalue()


def svg(data: str) -> bytes:
    """A scalable SVG image (one path on a white background) of ``data``."""
    out = io.BytesIO()
    _code(data, _PNG_BOX_SIZE).make_image(image_factory=SvgPathFillImage).save(out)
    return out.getvalue()


def image(data: str, fmt: str) -> bytes:
    """The image of ``data`` in ``fmt`` (``png`` or ``svg``)."""
    if fmt == "png":
        return png(data)
    if fmt == "svg":
        return svg(data)
    raise ValueError(f"unknown QR image format: {fmt}")
