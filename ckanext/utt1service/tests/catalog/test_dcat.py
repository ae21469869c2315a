# -*- coding: utf-8 -*-
"""DCAT (ckanext-dcat, DCAT-AP 3 + this extension's profile) and the
schema.org JSON-LD of the dataset page: the education and GD Catalog fields
are there, parsed with rdflib; a restricted file is described but nothing
leads to its bytes; private datasets stay out of the catalogue."""
from __future__ import annotations

import io
import json
import re

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("http://schema.org/")
EU = "http://publications.europa.eu/resource/authority/"
SECRET = b"student_id,name\n1234567890123,fake person\n"


def _site():
    return tk.config["ckan.site_url"].rstrip("/")


@pytest.fixture()
def datasets():
    org = factories.Organization(name="utt1-office", title="สพป.อุทัยธานี เขต 1")
    site_user = helpers.call_action("get_site_user")["name"]
    ctx = {"user": site_user}
    pkg = helpers.call_action(
        "package_create", context=dict(ctx), name="students-2568", owner_org=org["id"],
        title="จำนวนนักเรียน ปีการศึกษา 2568", title_en="Students, academic year 2568",
        notes="จำนวนนักเรียนจำแนกตามระดับชั้น", tag_string="นักเรียน",
        license_id="Open Data Common", source_program="dmc", update_frequency="yearly",
        coverage=["thap-than"], academic_year=2568, allow_harvest="True",
        data_language=["ไทย"],
        contacts=[{"name": "นางสาวสมใจ ใจดี", "email": "somjai@utt1.go.th"}],
        resources=[{"url": "http://example.org/summary.csv", "name": "สรุป", "format": "CSV"}],
    )
    restricted = helpers.call_action(
        "resource_create", context=dict(ctx), package_id=pkg["id"], url="per-student.csv",
        upload=FakeFileStorage(io.BytesIO(SECRET), "per-student.csv"),
        name="รายบุคคล", format="CSV", access_level="restricted",
    )
    hidden = helpers.call_action(
        "package_create", context=dict(ctx), name="private-one", owner_org=org["id"],
        title="ชุดข้อมูลส่วนตัว", private=True,
    )
    pkg = helpers.call_action("package_show", id=pkg["id"])
    return pkg, restricted, hidden


def _graph(app, url, fmt):
    response = app.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    g = Graph()
    g.parse(data=text, format=fmt)
    return g, text


def _restricted_urls(restricted):
    # every URL that could lead to the bytes of the restricted file
    return [restricted["url"], f"/resource/{restricted['id']}/download"]


def test_dataset_rdf_carries_the_education_and_gd_fields(app, datasets):
    pkg, restricted, _ = datasets
    g, text = _graph(app, f"/dataset/{pkg['name']}.ttl", "turtle")
    ds = URIRef(f"{_site()}/dataset/{pkg['id']}")
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert set(g.objects(ds, DCT.title)) == {
        Literal("จำนวนนักเรียน ปีการศึกษา 2568", lang="th"),
        Literal("Students, academic year 2568", lang="en"),
    }
    assert (ds, DCT.accrualPeriodicity, URIRef(EU + "frequency/ANNUAL")) in g
    assert (ds, DCT.language, URIRef(EU + "language/THA")) in g
    period = g.value(ds, DCT.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2025", datatype=XSD.gYear)
    spatial_labels = {str(o) for o in g.objects(g.value(ds, DCT.spatial), None)}
    assert "ทัพทัน" in " ".join(spatial_labels)
    gdc = Namespace(_site() + "/ns/gdc#")
    assert (ds, gdc.data_type, Literal("ข้อมูลสถิติ", lang="th")) in g
    assert (ds, gdc.allow_harvest, Literal("True")) in g
    assert (ds, gdc.update_frequency_unit, Literal("ปี", lang="th")) in g
    assert (ds, gdc.geo_coverage, Literal("อำเภอ", lang="th")) in g
    contact = g.value(ds, DCAT.contactPoint)
    assert contact is not None
    assert "somjai@utt1.go.th" in text
    assert (ds, DCT.accessRights, URIRef(EU + "access-right/RESTRICTED")) in g


def test_a_restricted_file_is_described_but_never_handed_over(app, datasets):
    pkg, restricted, _ = datasets
    for suffix, fmt in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
        g, text = _graph(app, f"/dataset/{pkg['name']}.{suffix}", fmt)
        dist = URIRef(f"{_site()}/dataset/{pkg['id']}/resource/{restricted['id']}")
        assert (dist, RDF.type, DCAT.Distribution) in g
        assert g.value(dist, DCAT.downloadURL) is None
        assert g.value(dist, DCAT.accessURL) == URIRef(
            f"{_site()}/dataset/{pkg['name']}/request-access")
        assert (dist, DCT.accessRights, URIRef(EU + "access-right/RESTRICTED")) in g
        for url in _restricted_urls(restricted):
            assert url not in text, suffix
        # the public file keeps its URL
        public = next(r for r in pkg["resources"] if r["id"] != restricted["id"])
        pdist = URIRef(f"{_site()}/dataset/{pkg['id']}/resource/{public['id']}")
        assert g.value(pdist, DCAT.accessURL) == URIRef("http://example.org/summary.csv")
        assert (pdist, DCT.accessRights, URIRef(EU + "access-right/PUBLIC")) in g


def test_the_catalogue_lists_public_datasets_only(app, datasets):
    pkg, restricted, hidden = datasets
    g, text = _graph(app, "/catalog.ttl", "turtle")
    listed = set(g.subjects(RDF.type, DCAT.Dataset))
    assert URIRef(f"{_site()}/dataset/{pkg['id']}") in listed
    assert URIRef(f"{_site()}/dataset/{hidden['id']}") not in listed
    assert "ชุดข้อมูลส่วนตัว" not in text
    for url in _restricted_urls(restricted):
        assert url not in text
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert (catalog, DCT.language, URIRef(EU + "language/THA")) in g
    # an anonymous visitor does not get the private dataset's own RDF
    response = app.get(f"/dataset/{hidden['name']}.ttl")
    assert response.status_code in (403, 404)
    assert "ชุดข้อมูลส่วนตัว" not in response.get_data(as_text=True)


def test_the_dataset_page_embeds_schema_org_json_ld(app, datasets):
    pkg, restricted, _ = datasets
    body = app.get(f"/dataset/{pkg['name']}").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert blocks
    g = Graph()
    g.parse(data=blocks[0], format="json-ld")
    ds = next(g.subjects(RDF.type, SCHEMA.Dataset))
    assert set(g.objects(ds, SCHEMA.name)) == {
        Literal("จำนวนนักเรียน ปีการศึกษา 2568", lang="th"),
        Literal("Students, academic year 2568", lang="en"),
    }
    assert (ds, SCHEMA.keywords, Literal("นักเรียน")) in g
    for url in _restricted_urls(restricted):
        assert url not in blocks[0]
    assert json.loads(blocks[0])


def _json_ld(app, name):
    body = app.get(f"/dataset/{name}").get_data(as_text=True)
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)[0]


def _json_ld_text(app, name):
    return json.dumps(json.loads(_json_ld(app, name)), ensure_ascii=False)


def test_the_embedded_json_ld_is_dcats_own_and_follows_every_change(app, datasets):
    """The dataset page keeps its JSON-LD for the same dataset (issue 20):
    it is the graph ckanext-dcat makes, and a change of the dataset (or of
    its organization, once the dataset shows it) is in it at once."""
    from rdflib.compare import isomorphic

    from ckanext.dcat.helpers import structured_data as dcat_structured_data

    pkg, _restricted, _ = datasets
    first = _json_ld(app, pkg["name"])
    assert _json_ld(app, pkg["name"]) == first
    with app.flask_app.test_request_context(f"/dataset/{pkg['name']}"):
        app.flask_app.preprocess_request()
        shown = helpers.call_action("package_show", id=pkg["id"])
        made = dcat_structured_data(shown)
    # the same graph (its blank nodes get new names each time dcat makes it)
    assert isomorphic(Graph().parse(data=made, format="json-ld"), Graph().parse(data=first, format="json-ld"))

    site_user = helpers.call_action("get_site_user")["name"]
    helpers.call_action("package_patch", context={"user": site_user}, id=pkg["id"],
                        title="จำนวนนักเรียน ปีการศึกษา 2569")
    changed = _json_ld_text(app, pkg["name"])
    assert "ปีการศึกษา 2569" in changed and "ปีการศึกษา 2568" not in changed
    # the organization as the dataset shows it (CKAN's search index keeps it
    # as it was when the dataset was last saved)
    helpers.call_action("organization_patch", context={"user": site_user}, id=pkg["owner_org"],
                        title="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1")
    helpers.call_action("package_patch", context={"user": site_user}, id=pkg["id"], notes="ปรับปรุง")
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert shown["organization"]["title"] == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1"
    assert shown["organization"]["title"] in _json_ld_text(app, pkg["name"])


def test_a_geospatial_datasets_bounding_box_is_a_dcat_bbox(app):
    org = factories.Organization(name="utt1-office", title="สพป.อุทัยธานี เขต 1")
    pkg = helpers.call_action(
        "package_create", context={"user": helpers.call_action("get_site_user")["name"]},
        name="school-map", owner_org=org["id"], title="แผนที่ที่ตั้งโรงเรียน",
        data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่", geographic_data_set="ชั้นข้อมูลชุมนุม/อาคาร",
        west_bound_longitude="99.0236", east_bound_longitude="100.1234",
        south_bound_longitude="14.9876", north_bound_longitude="15.6789",
        data_release_date="2026-06-01")
    g, _text = _graph(app, f"/dataset/{pkg['name']}.ttl", "turtle")
    ds = URIRef(f"{_site()}/dataset/{pkg['id']}")
    GSP = Namespace("http://www.opengis.net/ont/geosparql#")
    boxes = [g.value(loc, DCAT.bbox) for loc in g.objects(ds, DCT.spatial)]
    boxes = [b for b in boxes if b is not None]
    assert boxes == [Literal("POLYGON((99.0236 14.9876, 100.1234 14.9876, 100.1234 15.6789, "
                             "99.0236 15.6789, 99.0236 14.9876))", datatype=GSP.wktLiteral)]
    gdc = Namespace(_site() + "/ns/gdc#")
    assert (ds, gdc.geographic_data_set, Literal("ชั้นข้อมูลชุมนุม/อาคาร", lang="th")) in g
    assert (ds, gdc.data_release_date, Literal("2026-06-01")) in g
