# -*- coding: utf-8 -*-
"""``ckan utt1service gd-backfill``: a dataset saved before the GD Catalog
fields existed gets them (derived, older codes converted), a dry run first
that changes nothing, and a value someone typed is never overwritten."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import ckan.model as model
from ckan.lib.search import rebuild
from ckan.tests import factories, helpers

from ckanext.utt1service.cli import utt1service

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

GD_NAMES = (
    "allow_harvest", "data_type", "objective", "maintainer", "maintainer_email",
    "data_source", "update_frequency_unit", "update_frequency_interval",
    "update_frequency_unit_other", "geo_coverage", "geo_coverage_other", "data_format",
    "data_format_other", "data_classification", "accessible_condition", "data_support",
    "data_support_other", "data_collect", "data_collect_other", "first_year_of_data",
    "last_year_of_data", "disaggregate", "unit_of_multiplier", "reference_data", "gd_auto",
)


def _old_dataset(org, name, **extra_extras):
    """A dataset as issue 16 found it: no GD fields, English codes."""
    pkg = factories.Dataset(
        name=name, owner_org=org["id"], title="นักเรียน", notes="จำนวนนักเรียน",
        source_program="dmc", update_frequency="yearly", coverage=["service-area"],
        academic_year=2567,
        contacts=[{"name": "นางสาวสมใจ ใจดี", "email": "somjai@utt1.go.th"}],
        resources=[{"url": "http://example.org/a.csv", "format": "CSV"}],
    )
    package = model.Package.get(pkg["id"])
    for key in GD_NAMES:
        if key in package.extras:
            del package.extras[key]
    old = dict(data_category="public", data_language='["th", "en"]',
               official_statistics="yes", high_value_dataset="no", **extra_extras)
    for key, value in old.items():
        package.extras[key] = value
    package.license_id = "cc-by"
    model.Session.commit()
    rebuild(pkg["id"])
    return pkg["id"]


def _run(*args):
    return CliRunner().invoke(utt1service, ["gd-backfill", *args], catch_exceptions=False)


def test_dry_run_lists_the_changes_and_saves_nothing_then_apply_saves_them():
    org = factories.Organization(title="สพป.อุทัยธานี เขต 1")
    dataset_id = _old_dataset(org, "old-students")
    before = helpers.call_action("package_show", id=dataset_id)
    assert before["data_category"] == "public" and "data_type" not in before

    result = _run()
    assert result.exit_code == 0
    assert "old-students:" in result.output
    assert "data_category: public → ข้อมูลสาธารณะ" in result.output
    assert "update_frequency_unit: (ว่าง) → ปี" in result.output
    assert "license_id: cc-by → Creative Commons Attributions" in result.output
    assert "1 dataset(s) would change" in result.output
    assert helpers.call_action("package_show", id=dataset_id) == before

    result = _run("--apply")
    assert result.exit_code == 0, result.output
    assert "1 dataset(s) updated, 0 not saved" in result.output
    after = helpers.call_action("package_show", id=dataset_id)
    assert after["data_category"] == "ข้อมูลสาธารณะ"
    assert after["data_language"] == ["ไทย", "อังกฤษ"]
    assert (after["official_statistics"], after["high_value_dataset"]) == ("True", "False")
    assert after["license_id"] == "Creative Commons Attributions"
    assert (after["data_type"], after["update_frequency_unit"]) == ("ข้อมูลสถิติ", "ปี")
    assert after["geo_coverage"] == "อื่นๆ"
    assert after["maintainer_email"] == "somjai@utt1.go.th"
    assert after["last_year_of_data"] == 2567
    # the search index has the new values too
    found = helpers.call_action("package_search", fq='data_category:"ข้อมูลสาธารณะ"')
    assert found["count"] == 1

    # nothing left to do: a second run changes nothing
    assert "0 dataset(s) would change" in _run().output


def test_a_typed_value_is_never_overwritten():
    org = factories.Organization()
    dataset_id = _old_dataset(org, "typed", data_source="ระบบของโรงเรียนเอง")
    output = _run().output
    assert "data_source" not in output
    _run("--apply")
    assert helpers.call_action("package_show", id=dataset_id)["data_source"] == "ระบบของโรงเรียนเอง"


def test_consented_datasets_saved_before_the_gd_group_join_it():
    # a dataset consented before the group existed (issue 16's first part):
    # GD Catalog's harvest source filters on the group, so backfill puts it in
    org = factories.Organization(title="สพป.อุทัยธานี เขต 1")
    dataset_id = _old_dataset(org, "old-offered")
    helpers.call_action("package_patch", context={"user": factories.Sysadmin()["name"]},
                        id=dataset_id, allow_harvest="True", tag_string="นักเรียน")
    _run("--apply")
    package = model.Package.get(dataset_id)
    for member in model.Session.query(model.Member).filter_by(table_id=package.id):
        model.Session.delete(member)
    model.Session.commit()
    rebuild(dataset_id)
    assert helpers.call_action("package_search", fq="groups:gd-catalog")["count"] == 0

    result = _run()
    assert "old-offered:" in result.output and "group gd-catalog: join" in result.output
    assert "1 dataset(s) would change" in result.output
    assert _run("--apply").exit_code == 0
    assert helpers.call_action("package_search", fq="groups:gd-catalog")["count"] == 1
    assert "0 dataset(s) would change" in _run().output


def test_datasets_that_share_a_title_are_listed_to_rename():
    # saved before titles had to be unique (written directly, as they are
    # in the database of an older portal)
    org = factories.Organization()
    ids = [factories.Dataset(owner_org=org["id"], name=name, title=f"ชั่วคราว {name}")["id"]
           for name in ("budget-a", "budget-b", "teachers")]
    for dataset_id in ids[:2]:
        model.Package.get(dataset_id).title = "งบประมาณ  2568"
    model.Package.get(ids[1]).title = "งบประมาณ 2568"
    model.Session.commit()
    result = _run()
    assert result.exit_code == 0
    assert "same title, rename all but one: budget-a, budget-b" in result.output
    assert "teachers" not in result.output.split("same title")[-1]
    # either one can still be edited, and renaming one ends the clash
    staff = {"user": factories.Sysadmin()["name"]}
    helpers.call_action("package_patch", context=dict(staff), id="budget-a", notes="ปรับปรุง")
    helpers.call_action("package_patch", context=dict(staff), id="budget-b",
                        title="งบประมาณ 2568 (ฉบับที่ 2)")
    assert "same title" not in _run().output
