# -*- coding: utf-8 -*-
"""Fixtures of the download, survey and complaint tests (issue 5)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from ckan.tests import factories

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(autouse=True)
def _fresh_redis(clean_redis):
    """Dedup windows, rate-limit counters and salts start empty."""


@pytest.fixture()
def office(ckan_config, monkeypatch):
    """The office's organization (handles the whole register)."""
    org = factories.Organization(name="office-org", title="Policy and Planning Group")
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.office_organization", org["name"])
    return org


@pytest.fixture()
def public_file(create_with_upload):
    """An organization, a public dataset and an uploaded CSV file."""
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"], name="students-2568", title="Students 2568")
    sysadmin = factories.Sysadmin()
    resource = create_with_upload(
        "school,students\nA,10\n",
        "students.csv",
        context={"user": sysadmin["name"]},
        package_id=dataset["id"],
        name="students.csv",
    )
    return {"org": org, "dataset": dataset, "resource": resource}


def download_url(files: dict[str, Any], **query: str) -> str:
    url = f"/dataset/{files['dataset']['id']}/resource/{files['resource']['id']}/download/students.csv"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def browser_headers(**extra: str) -> dict[str, str]:
    return dict({"User-Agent": BROWSER_UA}, **extra)


def csrf_token(body: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', body)
    assert match, "no CSRF token in the form"
    return match.group(1)


def form_post(client, url: str, data: dict[str, Any], **kwargs):
    """GET the form (for its CSRF token, with the same cookies), then POST."""
    page = client.get(url, headers=browser_headers())
    data = dict(data, _csrf_token=csrf_token(page.get_data(as_text=True)))
    return client.post(url, data=data, headers=browser_headers(), **kwargs)
