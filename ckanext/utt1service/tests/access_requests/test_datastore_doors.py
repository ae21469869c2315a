# -*- coding: utf-8 -*-
"""Every DataStore door to a restricted file's rows, tried by everyone.

The DataStore runs for real (its own database, the read-only role). A table
exists for the restricted file (put there behind the auth functions' back:
the portal never loads one, see below), so each door is really tried:
``datastore_search``, ``datastore_info``, ``datastore_search_sql`` (when
enabled), the dump ``/datastore/dump/<id>`` and the table view's rows
(``/datatables/ajax/<view>``). Refused: anonymous, a stranger, requesters
pending, rejected, expired and revoked. Allowed (the download gate's rule):
the approved requester, members, staff, the director, sysadmins.
"""
from __future__ import annotations

import types
from typing import Any, Optional
from unittest import mock

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import preview

from .conftest import auth, move, submit

ALLOWED = {"approved", "sysadmin", "member", "staff", "director"}
REFUSED = ["anonymous", "stranger", "pending", "rejected", "expired", "revoked"]
PERSONAS = REFUSED + sorted(ALLOWED)

FIELDS = [{"id": "โรงเรียน", "type": "text"}, {"id": "นักเรียน", "type": "text"}]


def _table(resource_id: str, marker: str, site: dict[str, Any]) -> None:
    helpers.call_action(
        "datastore_create", context=dict(site), resource_id=resource_id,
        force=True, fields=FIELDS,
        records=[{"โรงเรียน": "บ้านหนองฉาง", "นักเรียน": marker},
                 {"โรงเรียน": "อนุบาลอุทัยธานี", "นักเรียน": "๑๒๓"}],
    )


@pytest.fixture(scope="module")
def ds(shared_world) -> types.SimpleNamespace:
    w = shared_world
    w.marker = "ROWSECRET" + w.secret.decode()[13:45]
    # a requester whose approval the director took back
    user = factories.UserWithToken()
    w.requesters["revoked"] = user
    req = submit(user, w.dataset, [w.restricted["id"]])
    move(w.staff, "check", req["id"])
    move(w.director, "approve", req["id"])
    move(w.director, "revoke", req["id"], comment="ใช้เกินวัตถุประสงค์")
    # behind the auth functions' back (ignore_auth) and with the table drop
    # switched off (CKAN 2.12's datastore_create patches the resource, and
    # every update of the dataset would drop the restricted file's table):
    # the portal never would
    site = {"ignore_auth": True, "user": w.sysadmin["name"]}
    with mock.patch.object(preview, "drop_restricted_tables", lambda pkg_dict: []):
        _table(w.restricted["id"], w.marker, site)
        _table(w.public["id"], "public-rows", site)
    w.view = helpers.call_action("resource_view_create", context=dict(site),
                                 resource_id=w.restricted["id"], view_type="datatables_view",
                                 title="ตาราง")
    w.public_view = helpers.call_action("resource_view_create", context=dict(site),
                                        resource_id=w.public["id"],
                                        view_type="datatables_view", title="ตาราง")
    assert preview.table_exists(w.restricted["id"])
    model.Session.remove()
    return w


def who(w: types.SimpleNamespace, persona: str) -> Optional[dict[str, Any]]:
    if persona == "anonymous":
        return None
    return w.requesters.get(persona) or getattr(w, persona)


def _datatables(app: Any, view_id: str, user: Any) -> Any:
    form = {"draw": "1", "search[value]": "", "start": "0", "length": "10",
            "order[0][column]": "0", "order[0][dir]": "asc",
            "columns[0][data]": "_id", "columns[0][name]": "_id",
            "columns[0][searchable]": "true", "columns[0][search][value]": ""}
    return app.post(f"/datatables/ajax/{view_id}", data=form, headers=auth(user))


def _filtered_download(app: Any, view_id: str, user: Any) -> Any:
    """The view's "download what is shown" button (a redirect to the dump)."""
    import json

    params = {"search": {"value": ""}, "order": [{"column": 0, "dir": "asc"}],
              "visible": [True, True, True], "columns": []}
    return app.post(f"/datatables/filtered-download/{view_id}", headers=auth(user),
                    data={"params": json.dumps(params), "format": "csv"},
                    follow_redirects=True)


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_doors(app, ds, persona):
    w = ds
    user = who(w, persona)
    rid = w.restricted["id"]
    responses = {
        "search": app.get("/api/3/action/datastore_search", query_string={"resource_id": rid},
                          headers=auth(user)),
        "search q": app.get("/api/3/action/datastore_search",
                            query_string={"resource_id": rid, "q": "บ้านหนองฉาง"},
                            headers=auth(user)),
        "info": app.get("/api/3/action/datastore_info", query_string={"id": rid},
                        headers=auth(user)),
        "dump": app.get(f"/datastore/dump/{rid}", headers=auth(user)),
        "dump json": app.get(f"/datastore/dump/{rid}?format=json", headers=auth(user)),
        "view rows": _datatables(app, w.view["id"], user),
        "view download": _filtered_download(app, w.view["id"], user),
    }
    for door, response in responses.items():
        if persona in ALLOWED:
            assert response.status_code == 200, door
            if door != "info":
                assert w.marker in response.get_data(as_text=True), door
        else:
            assert response.status_code in (403, 404), (door, response.status_code)
            assert w.marker not in response.get_data(as_text=True), door
            assert "บ้านหนองฉาง" not in response.get_data(as_text=True), door


@pytest.mark.parametrize("persona", ["anonymous", "stranger", "pending"])
def test_public_tables_stay_open(app, ds, persona):
    w = ds
    user = who(w, persona)
    found = app.get("/api/3/action/datastore_search",
                    query_string={"resource_id": w.public["id"], "q": "public-rows"},
                    headers=auth(user))
    assert found.status_code == 200
    assert found.json["result"]["records"][0]["โรงเรียน"] == "บ้านหนองฉาง"
    dump = app.get(f"/datastore/dump/{w.public['id']}", headers=auth(user))
    assert dump.status_code == 200 and "บ้านหนองฉาง" in dump.get_data(as_text=True)
    rows = _datatables(app, w.public_view["id"], user)
    assert rows.status_code == 200 and "public-rows" in rows.get_data(as_text=True)


@pytest.fixture()
def sql_search_enabled(ckan_config):
    """``ckan.datastore.sqlsearch.enabled`` (off here, CKAN's default): the
    backend reads it when configured."""
    from ckan.logic import clear_actions_cache
    from ckanext.datastore.backend import DatastoreBackend

    backend = DatastoreBackend.get_active_backend()
    ckan_config["ckan.datastore.sqlsearch.enabled"] = True
    backend.configure(ckan_config)
    clear_actions_cache()  # the plugin offers the action only when enabled
    yield
    ckan_config["ckan.datastore.sqlsearch.enabled"] = False
    backend.configure(ckan_config)
    clear_actions_cache()


def test_search_sql_is_off(app, ds):
    response = app.get("/api/3/action/datastore_search_sql",
                       query_string={"sql": f'SELECT * FROM "{ds.restricted["id"]}"'},
                       headers=auth(ds.sysadmin))
    assert response.status_code == 400
    assert ds.marker not in response.get_data(as_text=True)


@pytest.mark.usefixtures("sql_search_enabled")
@pytest.mark.parametrize("persona", PERSONAS)
def test_search_sql(app, ds, persona):
    w = ds
    user = who(w, persona)
    rid, pid = w.restricted["id"], w.public["id"]
    for sql in (f'SELECT * FROM "{rid}"',
                f'SELECT * FROM "{pid}" UNION ALL SELECT * FROM "{rid}"',
                f'SELECT * FROM "{pid}" WHERE "นักเรียน" IN (SELECT "นักเรียน" FROM "{rid}")'):
        response = app.get("/api/3/action/datastore_search_sql", query_string={"sql": sql},
                           headers=auth(user))
        if persona in ALLOWED:
            assert response.status_code == 200, sql
        else:
            assert response.status_code == 403, (sql, response.status_code)
            assert w.marker not in response.get_data(as_text=True)
    public = app.get("/api/3/action/datastore_search_sql",
                     query_string={"sql": f'SELECT "นักเรียน" FROM "{pid}"'}, headers=auth(user))
    assert public.status_code == 200
    assert "public-rows" in public.get_data(as_text=True)


@pytest.mark.parametrize("persona", ["sysadmin", "director", "staff"])
def test_nobody_writes_a_restricted_files_rows(app, ds, persona):
    """Not even a sysadmin: a restricted file's rows never enter the DataStore."""
    w = ds
    user = who(w, persona)
    for action, extra in (("datastore_create", {"force": True, "fields": FIELDS}),
                          ("datastore_upsert", {"force": True, "method": "insert"})):
        response = app.post(f"/api/3/action/{action}", headers=auth(user), json=dict(
            extra, resource_id=w.restricted["id"],
            records=[{"โรงเรียน": "ใหม่", "นักเรียน": "1"}]))
        assert response.status_code == 403, (action, response.status_code)
    # a new restricted resource made through datastore_create: refused too
    response = app.post("/api/3/action/datastore_create", headers=auth(user), json={
        "resource": {"package_id": w.dataset["id"], "name": "ใหม่", "access_level": "restricted"},
        "fields": FIELDS, "force": True})
    assert response.status_code == 403
    # the public file's table may be written by those who may edit it
    ok = app.post("/api/3/action/datastore_upsert", headers=auth(user), json={
        "resource_id": w.public["id"], "force": True, "method": "insert",
        "records": [{"โรงเรียน": "เพิ่ม", "นักเรียน": "2"}]})
    assert ok.status_code == 200


def test_xloader_refuses_a_restricted_file(ds):
    w = ds
    assert preview.can_upload(w.restricted["id"]) is False
    assert preview.can_upload(w.public["id"]) is True
    with pytest.raises(preview.RestrictedFileError):
        preview.refuse_restricted_load(w.restricted["id"])
    preview.refuse_restricted_load(w.public["id"])
