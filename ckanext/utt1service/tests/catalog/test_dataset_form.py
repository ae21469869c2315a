# -*- coding: utf-8 -*-
"""The dataset edit form: pressing Enter in a field saves the dataset.

A browser submits a form with its first submit button when Enter is pressed
in a text field. CKAN 2.12's edit form has an "Unpublish" button before
"Update Dataset", so Enter asked to make the dataset a draft."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


class _SubmitButtons(HTMLParser):
    """The submit buttons of the form ``dataset-edit``, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.buttons: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.in_form = attrs.get("id") == "dataset-edit"
        elif self.in_form and (
            (tag == "button" and attrs.get("type", "submit") == "submit")
            or (tag == "input" and attrs.get("type") == "submit")
        ):
            self.buttons.append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def _buttons(body: str) -> list[dict[str, str]]:
    parser = _SubmitButtons()
    parser.feed(body)
    return parser.buttons


def test_enter_in_a_field_of_the_edit_form_saves_and_does_not_unpublish(app):
    user = factories.SysadminWithToken()
    org = factories.Organization()
    helpers.call_action("package_create", context={"user": user["name"]}, name="teachers-2568",
                        title="จำนวนครู 2568", owner_org=org["id"])
    page = app.get("/dataset/edit/teachers-2568", headers={"Authorization": user["token"]})
    assert page.status_code == 200
    buttons = _buttons(page.get_data(as_text=True))
    assert buttons, "no submit button in the edit form"
    # the button Enter uses is the save button
    assert buttons[0].get("name") == "save" and buttons[0].get("value", "") == ""
    unpublish = [b for b in buttons if b.get("value") == "go-metadata-unpublish"]
    if tk.check_ckan_version(min_version="2.12"):
        # CKAN 2.12's button is still there, after the save button
        assert len(unpublish) == 1
    else:
        assert unpublish == []

    # what Enter sends now (the save button's name, no value) keeps the
    # dataset public; the Unpublish button still makes it a draft on 2.12
    response = app.post("/dataset/edit/teachers-2568", headers={"Authorization": user["token"]},
                        data={"title": "จำนวนครู 2568", "name": "teachers-2568",
                              "owner_org": org["id"], "notes": "ปรับปรุง", "save": ""},
                        follow_redirects=False)
    assert response.status_code == 302
    assert helpers.call_action("package_show", id="teachers-2568")["state"] == "active"
    if tk.check_ckan_version(min_version="2.12"):
        app.post("/dataset/edit/teachers-2568", headers={"Authorization": user["token"]},
                 data={"title": "จำนวนครู 2568", "name": "teachers-2568",
                       "owner_org": org["id"], "save": "go-metadata-unpublish"})
        assert helpers.call_action("package_show", id="teachers-2568")["state"] == "draft"
