# -*- coding: utf-8 -*-
"""Who may see the service report: sysadmins (the whole office or any
organization) and an organization's admins (their organization only);
nobody else, on the page, in every export and through the API."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ckanext.utt1service.tests.report.conftest import auth

ADMIN_PAGE = "/ckan-admin/service-report"
ORG_PAGE = "/organization/service-report/{org}"
EXPORTS = ("csv", "xlsx", "pdf")


@pytest.fixture()
def people(clean_db):
    people = {
        "sysadmin": factories.SysadminWithToken(),
        "admin": factories.UserWithToken(),
        "editor": factories.UserWithToken(),
        "member": factories.UserWithToken(),
        "other_admin": factories.UserWithToken(),
        "stranger": factories.UserWithToken(),
    }
    people["org"] = factories.Organization(
        name="report-office",
        users=[
            {"name": people["admin"]["name"], "capacity": "admin"},
            {"name": people["editor"]["name"], "capacity": "editor"},
            {"name": people["member"]["name"], "capacity": "member"},
        ],
    )
    people["other_org"] = factories.Organization(
        name="report-schools", users=[{"name": people["other_admin"]["name"], "capacity": "admin"}]
    )
    return people


def urls(org: str) -> list[str]:
    base = ORG_PAGE.format(org=org)
    return [base] + [f"{base}/export/{fmt}" for fmt in EXPORTS]


def admin_urls() -> list[str]:
    return [ADMIN_PAGE] + [f"{ADMIN_PAGE}/export/{fmt}" for fmt in EXPORTS]


def test_anonymous_is_sent_to_log_in(app, people):
    for url in admin_urls() + urls("report-office"):
        response = app.get(url, follow_redirects=False)
        assert response.status_code == 302, url
        assert "/user/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["stranger", "editor", "member", "other_admin"])
def test_others_are_refused_the_organization_report(app, people, who):
    headers = auth(people[who])
    for url in urls("report-office"):
        response = app.get(url, query_string={"fy": "2569"}, headers=headers)
        assert response.status_code == 403, (who, url)


@pytest.mark.parametrize("who", ["stranger", "editor", "admin", "other_admin"])
def test_only_sysadmins_see_the_admin_report(app, people, who):
    headers = auth(people[who])
    for url in admin_urls():
        response = app.get(url, headers=headers)
        assert response.status_code == 403, (who, url)
    # Not even for their own organization through the admin area.
    response = app.get(ADMIN_PAGE, query_string={"org": "report-office"}, headers=headers)
    assert response.status_code == 403


def test_organization_admin_sees_the_organization_report_and_its_exports(app, people):
    headers = auth(people["admin"])
    for url in urls("report-office"):
        response = app.get(url, query_string={"fy": "2569"}, headers=headers)
        assert response.status_code == 200, url
    # …and the tab on the organization's page; the editor has no such tab.
    tab = "/organization/service-report/report-office"
    page = app.get("/organization/report-office", headers=headers).get_data(as_text=True)
    assert tab in page
    page = app.get("/organization/report-office", headers=auth(people["editor"])).get_data(as_text=True)
    assert tab not in page


def test_sysadmin_sees_the_whole_office_and_any_organization(app, people):
    headers = auth(people["sysadmin"])
    for url in admin_urls() + urls("report-schools"):
        assert app.get(url, headers=headers).status_code == 200, url
    response = app.get(ADMIN_PAGE, query_string={"org": "report-schools"}, headers=headers)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("#report-org option[selected]")["value"] == "report-schools"


def test_admin_area_has_both_tabs(app, people):
    """The report's tab and the access requests' tab (another feature) are
    both in the admin area's navigation."""
    page = app.get(ADMIN_PAGE, headers=auth(people["sysadmin"])).get_data(as_text=True)
    nav = BeautifulSoup(page, "html.parser").select_one("ul.nav-tabs")
    links = [a["href"] for a in nav.select("a")]
    assert "/ckan-admin/service-report" in links
    assert "/ckan-admin/access-requests" in links
    assert "รายงานผลการให้บริการ" in nav.get_text()


def test_the_api_follows_the_same_rule(people):
    def show(who, **data):
        context = {"user": people[who]["name"], "ignore_auth": False}
        return helpers.call_action("utt1service_report_show", context=context, fiscal_year=2569, **data)

    assert show("sysadmin")["organization"] is None
    assert show("admin", owner_org="report-office")["organization"]["name"] == "report-office"
    for who, data in (
        ("admin", {}),
        ("admin", {"owner_org": "report-schools"}),
        ("editor", {"owner_org": "report-office"}),
        ("stranger", {"owner_org": "report-office"}),
    ):
        with pytest.raises(Exception) as error:
            show(who, **data)
        assert type(error.value).__name__ == "NotAuthorized", (who, data)


def test_bad_input_gives_a_message_not_an_error(app, people):
    headers = auth(people["sysadmin"])
    response = app.get(ADMIN_PAGE, query_string={"fy": "abc", "half": "7"}, headers=headers)
    assert response.status_code == 200
    text = BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text()
    assert "กรุณาระบุปีงบประมาณเป็นปีพุทธศักราช" in text
    assert "จึงแสดงปีงบประมาณปัจจุบันแทน" in text
    response = app.get(f"{ADMIN_PAGE}/export/xlsx", query_string={"fy": "1999"}, headers=headers)
    assert response.status_code == 400
    assert app.get(f"{ADMIN_PAGE}/export/doc", headers=headers).status_code == 404
    response = app.get(f"{ADMIN_PAGE}/export/csv", query_string={"table": "nope"}, headers=headers)
    assert response.status_code == 404
    assert app.get(ADMIN_PAGE, query_string={"org": "no-such-org"}, headers=headers).status_code == 404


def test_a_pdf_that_cannot_be_printed_is_a_clear_503(app, people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.pdf_browser", "/nonexistent/chromium")
    response = app.get(
        "/th" + ADMIN_PAGE + "/export/pdf", query_string={"fy": "2569"}, headers=auth(people["sysadmin"])
    )
    assert response.status_code == 503
    assert "ไม่สามารถจัดทำไฟล์ PDF ได้ในขณะนี้" in response.get_data(as_text=True)
