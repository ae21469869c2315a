# -*- coding: utf-8 -*-
"""The foundation: plugin loads, migrations go both ways, Solr is real."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as plugins
from ckan.cli.db import _run_migrations
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.utt1service.common.model import AuditEvent


def _tables() -> set[str]:
    return set(sa.inspect(model.meta.engine).get_table_names())


def test_plugin_is_loaded():
    assert plugins.plugin_loaded("utt1service")
    assert plugins.plugin_loaded("scheming_datasets")


@pytest.mark.usefixtures("clean_db")
def test_migrations_downgrade_and_upgrade():
    assert "utt1service_audit" in _tables()

    _run_migrations("utt1service", version="base", forward=False)
    assert "utt1service_audit" not in _tables()

    _run_migrations("utt1service", forward=True)
    assert "utt1service_audit" in _tables()


@pytest.mark.usefixtures("clean_db")
def test_audit_rows_are_kept_in_order():
    AuditEvent.record("request", "r1", "submit", to_state="submitted")
    AuditEvent.record("request", "r1", "check", from_state="submitted", to_state="checked")
    AuditEvent.record("request", "other", "submit", to_state="submitted")
    model.Session.commit()

    trail = AuditEvent.trail("request", "r1")
    assert [e.action for e in trail] == ["submit", "check"]
    assert trail[1].as_dict()["from_state"] == "submitted"


def test_solr_schema_check_passes():
    # The same check CKAN runs at start-up: schema name and version must be
    # CKAN 2.11's, read from the live Solr core.
    assert search.check_solr_schema_version() is True


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_created_through_the_api_is_found_by_search():
    org = factories.Organization()
    factories.Dataset(owner_org=org["id"], name="found-one", title="Budget report", notes="Money.")
    factories.Dataset(owner_org=org["id"], name="other-one", title="Unrelated", notes="Teachers.")

    result = helpers.call_action("package_search", q="budget")
    assert [d["name"] for d in result["results"]] == ["found-one"]
    assert helpers.call_action("package_search", q="nothingmatches")["count"] == 0


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("url", ["/", "/dataset/"])
def test_home_and_dataset_pages_render(app, url):
    factories.Dataset(owner_org=factories.Organization()["id"], title="A visible dataset")
    response = app.get(url)
    assert response.status_code == 200
    if url == "/dataset/":
        assert "A visible dataset" in response.get_data(as_text=True)


def test_mail_reaches_the_local_smtp_server(smtp_server):
    from ckan.lib.mailer import mail_recipient

    mail_recipient("ผู้ขอข้อมูล", "requester@example.org", "ทดสอบ / Test", "สวัสดี Hello")
    [msg] = smtp_server.to("requester@example.org")
    assert msg["Subject"] == "ทดสอบ / Test"
    assert "สวัสดี Hello" in smtp_server.text(msg)


def test_every_blueprint_is_registered_once_under_its_own_name():
    # Two features once exported different blueprints under one name; the
    # later import silently replaced the download gate of restricted files.
    from ckanext.utt1service import plugin

    blueprints = list(plugin.public_names(plugin.VIEWS).values())
    assert len({bp.name for bp in blueprints}) == len(blueprints)
    assert "utt1service_download" in {bp.name for bp in blueprints}


@pytest.mark.parametrize("kind", ["ACTIONS", "AUTH_FUNCTIONS", "VALIDATORS", "HELPERS", "VIEWS"])
def test_no_two_features_register_the_same_name(kind):
    # A name offered twice would silently replace the first (two features
    # once both defined utt1service_phone): the plugin refuses it at start-up.
    import types

    from ckanext.utt1service import plugin

    modules = getattr(plugin, kind)
    plugin.public_names(modules)  # raises on a name offered twice
    twice = types.ModuleType("twice")
    twice.__all__ = list(modules[0].__all__[:1])
    setattr(twice, twice.__all__[0], object())
    with pytest.raises(RuntimeError, match="offered by two modules"):
        plugin.public_names((*modules, twice))


@pytest.mark.usefixtures("clean_db")
def test_no_e_mail_hash_goes_to_gravatar(app):
    """PDPA: the portal shows a placeholder picture instead of asking Gravatar
    (which would receive a hash of each user's e-mail address), in development
    as in Docker (both use config/ckan.ini.tmpl)."""
    import os

    user = factories.User(email="somchai@example.org", image_url="")  # no picture of their own
    token = factories.APIToken(user=user["name"])["token"]
    page = app.get(f"/user/{user['name']}", headers={"Authorization": token})
    assert page.status_code == 200
    assert "gravatar.com" not in page.body
    assert "user-image" in page.body  # the placeholder picture is there
    template = os.path.join(os.path.dirname(__file__), "..", "..", "..", "config", "ckan.ini.tmpl")
    with open(template) as f:
        assert "ckan.gravatar_default = disabled" in f.read().splitlines()


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_core_pages_show_buddhist_era_dates_in_thai(app):
    """CKAN's own dates (the resource page's table) follow the Thai calendar
    on Thai pages, and stay Gregorian in English."""
    import datetime

    from ckanext.utt1service.common import thaidate

    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"], url="http://example.org/a.csv")
    today = thaidate.to_bangkok(datetime.datetime.now(datetime.timezone.utc)).date()
    url = f"/dataset/{dataset['name']}/resource/{resource['id']}"
    thai = app.get(url).body
    assert thaidate.format_date(today, "th") in thai
    english = app.get("/en" + url).body
    assert thaidate.format_date(today, "th") not in english
    assert str(today.year) in english


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_dataset_state_is_shown_in_thai_to_its_editors(app):
    sysadmin = factories.SysadminWithToken()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    page = app.get(f"/dataset/{dataset['name']}", headers={"Authorization": sysadmin["token"]}).body
    assert 'utt1-dataset-state">เผยแพร่แล้ว<' in page
    assert "utt1-dataset-state" not in app.get(f"/dataset/{dataset['name']}").body  # editors only


def test_fake_data_of_the_factories_is_the_same_on_every_run(request):
    """What the factories make up (notes, names) follows the test's id, not
    the clock: a test sees the same data on every run (see conftest)."""
    from faker import Faker

    from ckanext.utt1service.tests.conftest import faker_seed

    again = Faker()
    again.seed_instance(faker_seed(request.node.nodeid))
    assert factories.fake.text(max_nb_chars=60) == again.text(max_nb_chars=60)
