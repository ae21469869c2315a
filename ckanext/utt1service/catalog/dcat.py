# -*- coding: utf-8 -*-
"""DCAT and schema.org profiles of ckanext-dcat for the educational datasets.

``utt1service_dcat`` runs after ckanext-dcat's ``euro_dcat_ap_3`` (the
configuration lists it last: ``ckanext.dcat.rdf.profiles``) and adds what
DCAT-AP 3 can say of the education and GD Catalog fields: Thai and English
titles, the update frequency, languages, the period and the area covered;
the GD Catalog fields under their thai_gdc names in the ``gdc:`` namespace,
the education fields in ``edu:`` (both the portal's own, README "GD Catalog,
DCAT and Excel").

A restricted resource is described, never handed over: its distribution has
no ``dcat:downloadURL`` and no URL of its bytes; its ``dcat:accessURL`` is the
page where one asks for access, and ``dct:accessRights`` says restricted.
``utt1service_schemaorg`` does the same for the schema.org JSON-LD that the
dataset page embeds (ckanext-dcat's ``structured_data``).
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Iterable

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import DCAT, DCT, GSP, SCHEMA
from ckanext.dcat.utils import resource_uri

from ckanext.utt1service.catalog import dataset_schema, gd

__all__ = [
    "Utt1ServiceDCATProfile",
    "Utt1ServiceSchemaOrgProfile",
    "gd_namespace",
    "education_namespace",
    "ACCESS_RIGHTS",
]

_EU = "http://publications.europa.eu/resource/authority/"
#: the EU access-right vocabulary (DCAT-AP's controlled list)
ACCESS_RIGHTS = {
    "public": URIRef(_EU + "access-right/PUBLIC"),
    "restricted": URIRef(_EU + "access-right/RESTRICTED"),
}
# update_frequency → the EU frequency vocabulary
_FREQUENCY = {
    "per-term": "ANNUAL_2",
    "yearly": "ANNUAL",
    "quarterly": "QUARTERLY",
    "monthly": "MONTHLY",
    "irregular": "IRREG",
    "never": "NEVER",
}
# GD's data_language → the EU language vocabulary
_LANGUAGE = {
    "ไทย": "THA", "อังกฤษ": "ENG", "จีน": "ZHO", "มลายู": "MSA", "พม่า": "MYA",
    "ลาว": "LAO", "เขมร": "KHM", "ญี่ปุ่น": "JPN", "เกาหลี": "KOR",
    "ฝรั่งเศส": "FRA", "เยอรมัน": "DEU", "อารบิก": "ARA",
}
_EDUCATION_FIELDS = (
    "topic_category", "academic_year", "fiscal_year", "education_level", "coverage",
    "source_program", "source_program_other", "collection_round", "update_frequency",
    "unit_of_measure",
)
BE_OFFSET = 543


def _site() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def gd_namespace() -> Namespace:
    """``gdc:``, the GD Catalog fields under their thai_gdc names."""
    return Namespace(_site() + "/ns/gdc#")


def education_namespace() -> Namespace:
    """``edu:``, the education fields of the portal's schema."""
    return Namespace(_site() + "/ns/education#")


def _values(value: Any) -> list[Any]:
    if gd.is_empty(value):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _thai(value: Any) -> Literal:
    text = str(value)
    if any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        return Literal(text, lang="th")
    return Literal(text)


def _restricted(resource: dict[str, Any]) -> bool:
    return resource.get("access_level") == "restricted"


def _request_page(dataset_dict: dict[str, Any]) -> str:
    return _site() + tk.h.url_for("utt1service_request.new", id=dataset_dict["name"])


def _year(value: Any) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if 2400 <= year <= 2800 else None


class _Common(RDFProfile):
    def _replace(self, subject: Any, predicate: URIRef, objects: Iterable[Any]) -> None:
        self.g.remove((subject, predicate, None))
        for obj in objects:
            self.g.add((subject, predicate, obj))

    def _distribution(self, resource: dict[str, Any]) -> URIRef:
        return URIRef(resource_uri(resource))


class Utt1ServiceDCATProfile(_Common):
    """DCAT-AP 3 additions (after ``euro_dcat_ap_3``)."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        GDC, EDU = gd_namespace(), education_namespace()
        g.bind("gdc", GDC)
        g.bind("edu", EDU)

        titles = [Literal(dataset_dict.get("title") or dataset_dict["name"], lang="th")]
        if dataset_dict.get("title_en"):
            titles.append(Literal(dataset_dict["title_en"], lang="en"))
        self._replace(dataset_ref, DCT.title, titles)
        if dataset_dict.get("notes"):
            self._replace(dataset_ref, DCT.description, [Literal(dataset_dict["notes"], lang="th")])

        frequency = _FREQUENCY.get(dataset_dict.get("update_frequency"))
        if frequency:
            self._replace(dataset_ref, DCT.accrualPeriodicity,
                          [URIRef(_EU + "frequency/" + frequency)])
        languages = [_LANGUAGE[v] for v in _values(dataset_dict.get("data_language"))
                     if v in _LANGUAGE]
        if languages:
            self._replace(dataset_ref, DCT.language,
                          [URIRef(_EU + "language/" + code) for code in languages])

        self._temporal(dataset_dict, dataset_ref)
        self._spatial(dataset_dict, dataset_ref)
        self._bounding_box(dataset_dict, dataset_ref)

        resources = dataset_dict.get("resources") or []
        restricted = any(_restricted(r) for r in resources)
        self._replace(dataset_ref, DCT.accessRights,
                      [ACCESS_RIGHTS["restricted" if restricted else "public"]])
        for resource in resources:
            self._distribution_access(dataset_dict, resource)

        for name in gd.GD_FIELDS + [f"{n}_other" for n in gd.OTHER_VALUE]:
            for value in _values(dataset_dict.get(name)):
                g.add((dataset_ref, GDC[name], _thai(value)))
        for name in _EDUCATION_FIELDS:
            for value in _values(dataset_dict.get(name)):
                g.add((dataset_ref, EDU[name], Literal(value)))

    def _temporal(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        first = _year(dataset_dict.get("first_year_of_data"))
        last = _year(dataset_dict.get("last_year_of_data")) or first
        first = first or last
        if not first:
            return
        period = BNode()
        self.g.add((period, RDF.type, DCT.PeriodOfTime))
        # Buddhist Era years in the schema; gYear is Gregorian
        self.g.add((period, DCAT.startDate, Literal(str(first - BE_OFFSET), datatype=XSD.gYear)))
        self.g.add((period, DCAT.endDate, Literal(str(last - BE_OFFSET), datatype=XSD.gYear)))
        self.g.add((dataset_ref, DCT.temporal, period))

    def _spatial(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        coverage = _values(dataset_dict.get("coverage"))
        if not coverage:
            return
        location = BNode()
        self.g.add((location, RDF.type, DCT.Location))
        for value in coverage:
            for lang in ("th", "en"):
                label = dataset_schema.choice_label("coverage", value, lang)
                self.g.add((location, SKOS.prefLabel, Literal(label, lang=lang)))
        self.g.add((dataset_ref, DCT.spatial, location))

    def _bounding_box(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """GD's bounding box of a geospatial dataset as DCAT-AP 3 says it:
        a ``dct:Location`` with ``dcat:bbox`` (a WKT polygon, longitude
        before latitude)."""
        bounds = []
        for name in ("west_bound_longitude", "south_bound_longitude",
                     "east_bound_longitude", "north_bound_longitude"):
            try:
                bounds.append(float(str(dataset_dict.get(name) or "")))
            except ValueError:
                return
        if not all(math.isfinite(b) for b in bounds):
            return
        west, south, east, north = bounds
        wkt = (f"POLYGON(({west} {south}, {east} {south}, {east} {north}, "
               f"{west} {north}, {west} {south}))")
        location = BNode()
        self.g.add((location, RDF.type, DCT.Location))
        self.g.add((location, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
        self.g.add((dataset_ref, DCT.spatial, location))

    def _distribution_access(self, dataset_dict: dict[str, Any], resource: dict[str, Any]) -> None:
        distribution = self._distribution(resource)
        if not _restricted(resource):
            self.g.add((distribution, DCT.accessRights, ACCESS_RIGHTS["public"]))
            return
        # described, never handed over: no URL of the bytes
        for predicate in (DCAT.downloadURL, DCAT.accessURL):
            self.g.remove((distribution, predicate, None))
        self.g.add((distribution, DCAT.accessURL, URIRef(_request_page(dataset_dict))))
        self._replace(distribution, DCT.accessRights, [ACCESS_RIGHTS["restricted"]])
        self.g.add((distribution, DCT.rights, Literal(gd.RESTRICTED_CONDITION, lang="th")))

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: URIRef) -> None:
        office = tk.config.get("ckanext.utt1service.office_name")
        office_en = tk.config.get("ckanext.utt1service.office_name_en")
        if office:
            self.g.add((catalog_ref, DCT.title, Literal(office, lang="th")))
        if office_en:
            self.g.add((catalog_ref, DCT.title, Literal(office_en, lang="en")))
        self.g.add((catalog_ref, DCT.language, URIRef(_EU + "language/THA")))
        self.g.add((catalog_ref, DCT.modified,
                    Literal(dt.datetime.now(dt.timezone.utc).date().isoformat(),
                            datatype=XSD.date)))


class Utt1ServiceSchemaOrgProfile(_Common):
    """schema.org additions (after ckanext-dcat's ``schemaorg``)."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        names = [Literal(dataset_dict.get("title") or dataset_dict["name"], lang="th")]
        if dataset_dict.get("title_en"):
            names.append(Literal(dataset_dict["title_en"], lang="en"))
        self._replace(dataset_ref, SCHEMA.name, names)
        keywords = [t["name"] for t in dataset_dict.get("tags") or []]
        if keywords:
            self._replace(dataset_ref, SCHEMA.keywords, [Literal(k) for k in keywords])
        first = _year(dataset_dict.get("first_year_of_data"))
        last = _year(dataset_dict.get("last_year_of_data")) or first
        if first or last:
            self._replace(dataset_ref, SCHEMA.temporalCoverage, [
                Literal(f"{(first or last) - BE_OFFSET}/{last - BE_OFFSET}")])
        restricted = False
        for resource in dataset_dict.get("resources") or []:
            if not _restricted(resource):
                continue
            restricted = True
            distribution = self._distribution(resource)
            for predicate in (SCHEMA.contentUrl, SCHEMA.url):
                self.g.remove((distribution, predicate, None))
            self.g.add((distribution, SCHEMA.url, Literal(_request_page(dataset_dict))))
        self.g.add((dataset_ref, SCHEMA.isAccessibleForFree, Literal(True)))
        if restricted:
            self.g.add((dataset_ref, SCHEMA.conditionsOfAccess,
                        Literal(gd.RESTRICTED_CONDITION, lang="th")))
