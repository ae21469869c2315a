# -*- coding: utf-8 -*-
"""What must be refused, tried on one world shared by the module (nothing
here changes it: every attempt fails)."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.common.model import AuditEvent

from .conftest import as_user, move, submit


@pytest.mark.parametrize(
    "who, action",
    [
        ("member", "check"), ("stranger", "check"), ("requester", "check"),
        ("staff", "reject"), ("staff", "withdraw"), ("stranger", "withdraw"),
        ("member", "return"), ("requester", "approve"),
    ],
)
def test_roles_that_may_not_act_on_a_submitted_request(shared_world, who, action):
    w = shared_world
    req = w.requests["pending"]
    user = w.requesters["pending"] if who == "requester" else getattr(w, who)
    with pytest.raises(tk.NotAuthorized):
        move(user, action, req["id"], comment="ok")
    assert helpers.call_action("utt1service_request_show", id=req["id"])["state"] == "submitted"


@pytest.mark.parametrize("who", ["staff", "member", "stranger", "requester"])
def test_only_the_director_approves(shared_world, who):
    w = shared_world
    req = w.requests["approved"]  # (already approved: auth is checked first)
    user = w.requesters["approved"] if who == "requester" else getattr(w, who)
    with pytest.raises(tk.NotAuthorized):
        move(user, "approve", req["id"])


def test_a_second_request_for_the_same_file_is_refused_while_one_is_open(shared_world):
    w = shared_world
    for state in ("pending", "approved"):
        with pytest.raises(tk.ValidationError) as e:
            submit(w.requesters[state], w.dataset, [w.restricted["id"]])
        assert "resource_ids" in e.value.error_dict


@pytest.mark.parametrize(
    "action, state",
    [
        ("approve", "submitted"),  # must be checked first
        ("check", "approved"),
        ("deliver", "submitted"),
        ("withdraw", "approved"),  # too late
        ("resubmit", "submitted"),
        ("approve", "rejected"),
    ],
)
def test_illegal_transitions_are_refused_clearly(shared_world, action, state):
    w = shared_world
    key = {"submitted": "pending", "approved": "approved", "rejected": "rejected"}[state]
    req = w.requests[key]
    actor = {
        "approve": w.director, "check": w.staff, "deliver": w.staff,
        "withdraw": w.requesters[key], "resubmit": w.requesters[key],
    }[action]
    before = len(AuditEvent.trail("access_request", req["id"]))
    with pytest.raises(tk.ValidationError) as e:
        move(actor, action, req["id"], comment="x")
    message = e.value.error_dict["state"][0]
    assert "reload the page" in message.lower() or "โหลดหน้านี้ใหม่" in message
    assert len(AuditEvent.trail("access_request", req["id"])) == before
    assert helpers.call_action("utt1service_request_show", id=req["id"])["state"] == state



def test_who_sees_a_request(shared_world):
    w = shared_world
    req = w.requests["pending"]
    for user in (w.requesters["pending"], w.staff, w.director, w.sysadmin):
        helpers.call_action("utt1service_request_show", context=as_user(user), id=req["id"])
    for user in (w.stranger, w.member, w.requesters["approved"]):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("utt1service_request_show", context=as_user(user),
                                id=req["id"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("utt1service_request_show", context={"user": "", "ignore_auth": False},
                            id=req["id"])



def test_queue_lists_for_staff_only(shared_world):
    w = shared_world
    result = helpers.call_action("utt1service_request_list", context=as_user(w.staff))
    assert result["count"] == 4
    assert result["counts"]["submitted"] == 1
    assert result["counts"]["approved"] == 2  # approved, and approved-but-expired
    assert result["counts"]["rejected"] == 1
    only = helpers.call_action("utt1service_request_list", context=as_user(w.staff),
                               state="rejected")
    assert [r["id"] for r in only["results"]] == [w.requests["rejected"]["id"]]
    for user in (w.stranger, w.member, w.requesters["pending"]):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("utt1service_request_list", context=as_user(user))
    mine = helpers.call_action("utt1service_request_list",
                               context=as_user(w.requesters["pending"]), mine=True)
    assert [r["id"] for r in mine["results"]] == [w.requests["pending"]["id"]]



def test_only_restricted_files_of_that_dataset_can_be_requested(shared_world):
    w = shared_world
    for ids in ([w.public["id"]], [], ["no-such-resource"]):
        with pytest.raises(tk.ValidationError) as e:
            submit(w.stranger, w.dataset, ids)
        assert "resource_ids" in e.value.error_dict



def test_a_restricted_resource_must_be_an_upload(shared_world):
    w = shared_world
    site = {"user": w.sysadmin["name"]}
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("resource_create", context=site, package_id=w.dataset["id"],
                            url="https://example.org/secret.xlsx", access_level="restricted")
    assert "access_level" in e.value.error_dict
    # A restricted upload cannot be turned into a link either.
    with pytest.raises(tk.ValidationError):
        helpers.call_action("resource_patch", context=site, id=w.restricted["id"],
                            url="https://example.org/elsewhere.csv", url_type="")
    assert model.Resource.get(w.restricted["id"]).url_type == "upload"
