# -*- coding: utf-8 -*-
"""A public file whose table is in the DataStore becomes restricted: the
table is gone at once, in the same change."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.utt1service.catalog import preview

from .conftest import auth, upload


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("how", ["resource_patch", "package_patch"])
def test_a_file_made_restricted_loses_its_table(app, how):
    sysadmin = factories.SysadminWithToken()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    res = upload(dataset["id"], "โรงเรียน,นักเรียน\nบ้านหนองฉาง,12\n".encode(), "schools.csv",
                 format="CSV")
    helpers.call_action("datastore_create", context={"user": sysadmin["name"]},
                        resource_id=res["id"], force=True,
                        records=[{"โรงเรียน": "บ้านหนองฉาง", "นักเรียน": "12"}])
    assert preview.table_exists(res["id"])
    assert helpers.call_action("resource_show", id=res["id"])["datastore_active"] is True
    assert app.get("/api/3/action/datastore_search",
                   query_string={"resource_id": res["id"]}).status_code == 200

    if how == "resource_patch":
        helpers.call_action("resource_patch", context={"user": sysadmin["name"]},
                            id=res["id"], access_level="restricted")
    else:
        shown = helpers.call_action("package_show", id=dataset["id"])
        resources = shown["resources"]
        resources[0]["access_level"] = "restricted"
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=dataset["id"], resources=resources)

    assert not preview.table_exists(res["id"])
    shown = helpers.call_action("resource_show", id=res["id"])
    assert shown["access_level"] == "restricted"
    assert not shown.get("datastore_active")
    # not even a sysadmin finds rows
    found = app.get("/api/3/action/datastore_search", query_string={"resource_id": res["id"]},
                    headers=auth(sysadmin))
    assert found.status_code == 404
    assert "บ้านหนองฉาง" not in found.get_data(as_text=True)
