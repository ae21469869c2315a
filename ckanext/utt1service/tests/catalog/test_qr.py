# -*- coding: utf-8 -*-
"""QR codes of the catalogue, datasets and resources: what they encode, how
they are served, and who may get them."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.utt1service.catalog import qr
from ckanext.utt1service.tests.catalog.conftest import decode, decode_svg

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

SITE = "http://test.ckan.net"


def test_channel_url_marks_the_qr_channel_and_keeps_the_query():
    assert qr.channel_url("http://a.example/dataset/x") == "http://a.example/dataset/x?utm_source=qr"
    assert (
        qr.channel_url("http://a.example/d?page=2&utm_source=web")
        == "http://a.example/d?page=2&utm_source=qr"
    )


@pytest.mark.parametrize(
    "fmt, mimetype, read", [("png", "image/png", decode), ("svg", "image/svg+xml", decode_svg)]
)
def test_dataset_qr_code_decodes_to_the_dataset_page_marked_qr(app, org, fmt, mimetype, read):
    dataset = factories.Dataset(owner_org=org["id"], name="students-2568")

    response = app.get(f"/dataset/students-2568/qr.{fmt}")

    assert response.status_code == 200
    assert response.mimetype == mimetype
    # The id, not the name: a printed code survives renaming the dataset.
    assert read(response.data) == [f"{SITE}/dataset/{dataset['id']}?utm_source=qr"]
    opened = app.get(f"/dataset/{dataset['id']}?utm_source=qr")
    assert opened.status_code == 200


@pytest.mark.parametrize("fmt, read", [("png", decode), ("svg", decode_svg)])
def test_resource_qr_code_decodes_to_the_resource_page(app, org, fmt, read):
    dataset = factories.Dataset(owner_org=org["id"])
    resource = factories.Resource(package_id=dataset["id"], url="http://example.com/a.csv")

    response = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/qr.{fmt}")

    assert response.status_code == 200
    assert read(response.data) == [
        f"{SITE}/dataset/{dataset['id']}/resource/{resource['id']}?utm_source=qr"
    ]


def test_catalogue_qr_code_decodes_to_the_landing_page(app, org):
    png = app.get("/bigdata/qr.png")
    svg = app.get("/bigdata/qr.svg")

    assert decode(png.data) == [f"{SITE}/bigdata?utm_source=qr"]
    assert decode_svg(svg.data) == [f"{SITE}/bigdata?utm_source=qr"]
    assert svg.mimetype == "image/svg+xml"


def test_qr_code_carries_no_language_prefix(app, org):
    dataset = factories.Dataset(owner_org=org["id"])

    response = app.get(f"/en/dataset/{dataset['name']}/qr.png")

    assert decode(response.data) == [f"{SITE}/dataset/{dataset['id']}?utm_source=qr"]


def test_download_link_sends_an_attachment_named_after_the_dataset(app, org):
    factories.Dataset(owner_org=org["id"], name="teachers-2568")

    shown = app.get("/dataset/teachers-2568/qr.png")
    downloaded = app.get("/dataset/teachers-2568/qr.svg?download=1")

    assert shown.headers["Content-Disposition"] == 'inline; filename="qr-teachers-2568.png"'
    assert downloaded.headers["Content-Disposition"] == 'attachment; filename="qr-teachers-2568.svg"'


def test_public_code_is_cacheable_and_revalidates_with_a_304(app, org):
    factories.Dataset(owner_org=org["id"], name="onet-2567")

    first = app.get("/dataset/onet-2567/qr.png")
    again = app.get("/dataset/onet-2567/qr.png", headers={"If-None-Match": first.headers["ETag"]})

    assert first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    assert again.status_code == 304
    assert again.data == b""


def test_unknown_dataset_or_resource_is_a_404(app, org):
    dataset = factories.Dataset(owner_org=org["id"])

    assert app.get("/dataset/no-such-dataset/qr.png").status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/resource/no-such/qr.png").status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/qr.gif").status_code == 404


class TestPrivateDataset:
    @pytest.fixture()
    def member(self):
        return factories.UserWithToken()

    @pytest.fixture()
    def private(self, member):
        org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
        dataset = factories.Dataset(owner_org=org["id"], private=True, name="private-one")
        resource = factories.Resource(package_id=dataset["id"], url="http://example.com/p.csv")
        return dataset, resource

    def test_refused_with_a_404_to_anonymous_and_outsiders(self, app, private):
        dataset, resource = private
        outsider = factories.UserWithToken()
        urls = [
            "/dataset/private-one/qr.png",
            f"/dataset/{dataset['id']}/qr.svg",
            f"/dataset/private-one/resource/{resource['id']}/qr.png",
            "/dataset/private-one/poster",
        ]
        for url in urls:
            assert app.get(url).status_code == 404, url
            assert app.get(url, headers={"Authorization": outsider["token"]}).status_code == 404, url

    def test_served_to_a_member_and_not_stored_by_shared_caches(self, app, private, member):
        dataset, resource = private

        response = app.get("/dataset/private-one/qr.png", headers={"Authorization": member["token"]})

        assert response.status_code == 200
        assert decode(response.data) == [f"{SITE}/dataset/{dataset['id']}?utm_source=qr"]
        assert "private" in response.headers["Cache-Control"]
        assert "public" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]


def test_dataset_page_shows_its_qr_code_with_downloads_and_poster(app, org):
    factories.Dataset(owner_org=org["id"], name="students-2568")

    body = app.get("/dataset/students-2568").get_data(as_text=True)

    assert 'src="/dataset/students-2568/qr.svg"' in body
    assert 'href="/dataset/students-2568/qr.png?download=1"' in body
    assert 'href="/dataset/students-2568/qr.svg?download=1"' in body
    assert 'href="/dataset/students-2568/poster"' in body
    assert "สแกนด้วยกล้องโทรศัพท์เพื่อเปิดชุดข้อมูลนี้" in body


def test_resource_page_shows_its_qr_code(app, org):
    dataset = factories.Dataset(owner_org=org["id"], name="students-2568")
    resource = factories.Resource(package_id=dataset["id"], url="http://example.com/a.csv")

    body = app.get(f"/dataset/students-2568/resource/{resource['id']}").get_data(as_text=True)

    assert f'src="/dataset/students-2568/resource/{resource["id"]}/qr.svg"' in body
    assert f'href="/dataset/students-2568/resource/{resource["id"]}/qr.png?download=1"' in body
