# -*- coding: utf-8 -*-
"""The office's own portal in a real Chromium, as its users meet it: the front
door, registration, the dataset page on a phone, the survey invitation after a
download, and every main page checked by axe-core (WCAG 2.1 A/AA: no
critical, serious or moderate finding), for English words on Thai pages and
for sideways scrolling at 360–414 px (``tests/browser.py``)."""
from __future__ import annotations

import re
import types

import pytest
from playwright.sync_api import expect

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.utt1service.tests.access_requests.conftest import (
    build_world,
    move,
    submit,
    upload,
)
from ckanext.utt1service.tests.browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    check_page,
    latin_words,
    log_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues", "clean_redis")]

PASSWORD = "Portal-Passw0rd-utt1"
THAI_NOTES = "จำนวนนักเรียนจำแนกตามระดับชั้นและโรงเรียน ข้อมูล ณ 10 มิถุนายน"


@pytest.fixture()
def live_site(monkeypatch, live_server) -> str:
    """The live server as the site's own address (CKAN's redirects and
    links go to ``ckan.site_url``), for tests that need no data."""
    import ckan.plugins.toolkit as tk

    monkeypatch.setitem(tk.config, "ckan.site_url", live_server)
    return live_server


@pytest.fixture()
def office(live_site) -> types.SimpleNamespace:
    """The office's organization, a dataset with a public and a restricted
    file (Thai content, as the office writes it), a requester with a pending
    request, staff and the director, all able to log in."""
    import ckan.plugins.toolkit as tk

    w = build_world(("pending",))
    sysadmin = {"user": w.sysadmin["name"], "ignore_auth": True}
    helpers.call_action("resource_delete", context=dict(sysadmin), id=w.link["id"])
    helpers.call_action("package_patch", context=dict(sysadmin), id=w.dataset["id"], notes=THAI_NOTES,
                        title="ข้อมูลนักเรียนรายบุคคล ปีการศึกษา 2568")
    helpers.call_action("organization_patch", context=dict(sysadmin), id=w.org["id"],
                        description="กลุ่มนโยบายและแผน สำนักงานเขตพื้นที่การศึกษา")
    helpers.call_action("resource_patch", context=dict(sysadmin), id=w.public["id"], name="สรุปจำนวนนักเรียน.csv",
                        description="สรุปจำนวนนักเรียนรายโรงเรียน")
    w.requester = w.requesters["pending"]
    # a request staff have checked: the director's queue opens on it, with
    # the bulk decision form
    w.checker = factories.User(fullname="ผู้ขอ ตรวจแล้ว")
    w.checked = submit(w.checker, w.dataset, [w.restricted["id"]])
    move(w.staff, "check", w.checked["id"])
    for user, fullname in ((w.requester, "สมชาย ใจดี"), (w.sysadmin, "ผู้ดูแล ระบบ")):
        helpers.call_action("user_patch", context=dict(sysadmin), id=user["id"], fullname=fullname,
                            about="ผู้ใช้บริการข้อมูลสารสนเทศทางการศึกษา")
    for user in (w.requester, w.staff, w.director, w.sysadmin):
        obj = model.User.get(user["id"])
        obj.password = PASSWORD
    model.Session.commit()
    model.Session.remove()
    # user names and e-mail addresses are data the user typed, not words of
    # the interface
    w.names = {u["name"] for u in (w.requester, w.staff, w.director, w.sysadmin, w.member, w.stranger,
                                   w.checker)}
    w.names.add(tk.config["ckan.site_id"])  # the site's own user, listed among the sysadmins
    w.names.add("pending")  # the requester's name as the request recorded it ("ผู้ขอ pending")
    return w


def login(browser, live_server, user, viewport=DESKTOP):
    context = browser.new_context(base_url=live_server, locale="th-TH", viewport=viewport,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    log_in(page, user["name"], PASSWORD)
    return page


def anonymous(browser, live_server, viewport=DESKTOP):
    context = browser.new_context(base_url=live_server, locale="th-TH", viewport=viewport,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


# -- the office's portal, not stock CKAN -------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_home_page_is_the_offices_front_door(browser, live_server, office, viewport):
    page = anonymous(browser, live_server, viewport)
    page.goto("/")
    body = page.inner_text("body")
    # the office's name, emblem and site title, not CKAN's placeholder home
    assert "ข้อมูลสารสนเทศทางการศึกษา" in page.inner_text("h1")
    assert "สำนักงานเขตพื้นที่การศึกษา" in body
    assert page.locator("img.utt1service-hero-emblem").get_attribute("alt").startswith("ตราสัญลักษณ์")
    assert "นี่คือส่วนที่แนะนำ" not in body and "420 x 220" not in page.content()
    assert "Popular tags" not in body and "E.g. environment" not in page.content()
    # the landing content: search, topics, the newest datasets
    assert page.locator("form[role=search] input[name=q]").get_attribute("placeholder").startswith("ค้นหาข้อมูล")
    assert page.locator(".utt1service-bigdata-newest a", has_text="ข้อมูลนักเรียนรายบุคคล").count() == 1
    # the office's icon and header image, not CKAN's logo
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("/utt1service/favicon.svg")
    assert "ckan-logo" not in page.locator("header.masthead").inner_html()
    # the footer in Thai, without CKAN's own links
    footer = page.inner_text("footer")
    assert "Powered by" not in footer and "CKAN Association" not in footer and "CKAN API" not in footer
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1" in footer
    check_page(page)
    page.context.close()


def test_about_is_translated_as_about_not_as_subject(browser, live_server):
    page = anonymous(browser, live_server)
    page.goto("/")
    menu = page.inner_text("header.masthead nav")
    assert "เกี่ยวกับ" in menu
    assert not re.search(r"(^|\s)เรื่อง(\s|$)", menu)
    page.goto("/about")
    assert page.inner_text("h1").startswith("เกี่ยวกับ")
    assert "คำขอ" in page.inner_text("main, [role=main]")
    check_page(page)
    page.context.close()


def test_registration_is_to_request_data_and_lands_on_my_requests(browser, live_site):
    page = anonymous(browser, live_site, PHONE)
    page.goto("/user/register")
    text = page.inner_text("body")
    assert "ขอใช้ข้อมูล" in text
    assert "Create datasets" not in text and "กลุ่ม และอื่น" not in text
    check_page(page)
    page.fill("#field-username", "newparent")
    page.fill("#field-fullname", "ผู้ปกครอง ใหม่")
    page.fill("#field-email", "newparent@example.org")
    page.fill("#field-password", PASSWORD)
    page.fill("#field-confirm-password", PASSWORD)
    page.locator("form .form-actions button[type=submit]").click()
    page.wait_for_url("**/dashboard/access-requests")
    assert page.inner_text("h1").strip() == "คำขอของฉัน"
    check_page(page, allowed={"newparent"})
    page.context.close()


def test_the_error_page_is_thai_with_ways_on(browser, live_server):
    page = anonymous(browser, live_server)
    response = page.goto("/dataset/no-such-dataset-here")
    assert response.status == 404
    assert "Not Found" not in page.inner_text("body")
    assert page.locator("main a[href='/']").count() == 1
    check_page(page)
    page.context.close()


# -- phone first -------------------------------------------------------------

def test_dataset_page_on_a_phone_shows_the_files_with_buttons_first(browser, live_server, office):
    page = anonymous(browser, live_server, PHONE)
    page.goto(f"/dataset/{office.dataset['name']}")
    download = page.locator(".resource-item .utt1-download").first
    request = page.locator(".resource-item .utt1-request-access").first
    assert download.is_visible() and request.is_visible()
    assert "ดาวน์โหลด" in download.inner_text() and "ขอใช้ข้อมูล" in request.inner_text()
    sidebar_top = page.locator("aside.secondary").bounding_box()["y"]
    for button in (download, request):
        assert button.bounding_box()["y"] < sidebar_top
    # title, description, then the files: the first button within the first
    # two screens, not 1,500 px down under the sidebar
    assert page.locator("h1").count() == 1
    assert page.locator("h1").bounding_box()["y"] < page.locator(".resource-item").first.bounding_box()["y"]
    assert min(download.bounding_box()["y"], request.bounding_box()["y"]) < 2 * PHONE["height"]
    check_page(page)
    page.goto(f"/dataset/{office.dataset['name']}/resource/{office.public['id']}")
    check_page(page)
    assert_no_sideways_scroll(page)
    page.context.close()


def test_survey_invitation_appears_where_the_user_is_and_is_announced(browser, live_server, office):
    page = anonymous(browser, live_server, PHONE)
    page.goto(f"/dataset/{office.dataset['name']}")
    invite = page.locator("[data-utt1service-invite]")
    assert invite.is_hidden()
    download = page.locator(".resource-item .utt1-download").first
    download.scroll_into_view_if_needed()
    with page.expect_download():
        download.click()
    invite.wait_for(state="visible")
    box = invite.bounding_box()
    # inside the window the user is looking at, not at the top of the page
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 1
    live = page.locator("[data-invite-live]")
    assert live.get_attribute("aria-live") == "polite"
    page.wait_for_function("document.querySelector('[data-invite-live]').textContent.length > 0")
    assert "ขอบคุณ" in live.text_content()
    assert_accessible(page)
    page.keyboard.press("Escape")
    invite.wait_for(state="hidden")
    page.context.close()


def test_the_survey_is_not_offered_again_once_the_file_is_rated(browser, live_server, office):
    """Download, the sheet invites, the user answers; a later download of
    the same file brings no invitation (the server says no to the sheet's
    script, and the pages do not show it)."""
    page = anonymous(browser, live_server, PHONE)
    dataset = f"/dataset/{office.dataset['name']}"
    page.goto(dataset)
    invite = page.locator("[data-utt1service-invite]")
    download = page.locator(".resource-item .utt1-download").first
    with page.expect_download():
        download.click()
    invite.wait_for(state="visible")
    assert invite.get_attribute("data-invite-decided") == "yes"
    page.locator("[data-invite-link]").click()
    page.wait_for_url("**/survey/**")
    assert page.locator("input[name=download_event_id]").count() == 1
    for name in ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality"):
        page.locator(f"input[type=radio][name={name}][value='3']").check(force=True)
    page.locator("form.utt1service-form button.btn-primary[type=submit]").last.click()
    page.wait_for_url("**/survey/thanks**")

    page.goto(dataset)
    assert invite.is_hidden()
    download = page.locator(".resource-item .utt1-download").first
    with page.expect_download():
        download.click()
    page.wait_for_function("document.querySelector('[data-utt1service-invite]').dataset.inviteDecided === 'no'")
    assert invite.is_hidden()
    page.goto(f"{dataset}/resource/{office.public['id']}")
    assert invite.is_hidden()
    page.context.close()


# -- only the bundles a page needs -------------------------------------------

def _scripts(page) -> list[str]:
    return page.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")


def test_public_pages_load_the_small_script_instead_of_ckans_bundles(browser, live_server, office):
    """Home, search, dataset and resource pages on a phone: no jQuery, no
    vendor bundle, no htmx, no CKAN modules; the menu still opens and closes,
    the sort order still submits itself, the Go button stays hidden."""
    page = anonymous(browser, live_server, PHONE)
    ds = office.dataset["name"]
    for path in ("/", "/dataset/", f"/dataset/{ds}", f"/dataset/{ds}/resource/{office.public['id']}"):
        page.goto(path)
        scripts = _scripts(page)
        assert any("_light.js" in s for s in scripts), (path, scripts)
        assert not [s for s in scripts if "/vendor/" in s or "/base/" in s or "activity" in s], (path, scripts)
        assert page.evaluate("typeof window.jQuery === 'undefined' && typeof window.ckan === 'undefined'")
        assert page.evaluate("document.documentElement.classList.contains('js')")

    page.goto("/")
    toggler = page.locator("button.navbar-toggler")
    menu = page.locator("#main-navigation-toggle")
    assert toggler.get_attribute("aria-expanded") == "false" and not menu.locator("a").first.is_visible()
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.locator("a").first).to_be_visible()
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    # the resource page's extra rows stay folded behind "Show more", as CKAN's module does
    page.goto(f"/dataset/{ds}/resource/{office.public['id']}")
    extra = page.locator("table[data-module=table-toggle-more] tr.toggle-more")
    assert extra.count() > 0 and extra.first.is_hidden()
    page.locator("button.show-more").click()
    expect(extra.first).to_be_visible()
    page.locator("button.show-less").click()
    expect(extra.first).to_be_hidden()

    page.goto("/dataset/")
    assert page.locator(".control-order-by button[type=submit]").is_hidden()
    values = page.eval_on_selector_all("#field-order-by option", "os => os.map(o => o.value)")
    with page.expect_navigation():
        page.select_option("#field-order-by", values[-1])
    assert "sort=" in page.url
    page.context.close()


def test_a_logged_in_user_keeps_ckans_bundles_where_the_page_needs_them(browser, live_server, office):
    """The dataset page of a logged-in user has the follow button (htmx):
    CKAN's bundles are loaded there; the home page stays light."""
    page = login(browser, live_server, office.requester, PHONE)
    page.goto(f"/dataset/{office.dataset['name']}")
    assert any("/base/" in s for s in _scripts(page))
    assert page.evaluate("typeof window.htmx !== 'undefined' && typeof window.ckan !== 'undefined'")
    page.goto("/")
    assert not any("/vendor/" in s for s in _scripts(page))
    page.context.close()


# -- every main page: axe, Thai, no sideways scroll --------------------------

def _pages_of(office) -> dict[str, list[str]]:
    ds = office.dataset["name"]
    form = f"/dataset/{ds}/request-access?resource_id={office.restricted['id']}"
    return {
        "anonymous": [
            "/", "/bigdata", "/dataset/", "/dataset/?q=นักเรียน", f"/dataset/{ds}",
            f"/dataset/{ds}/resource/{office.public['id']}",
            f"/dataset/{ds}/resource/{office.restricted['id']}",
            "/survey", "/complaint", "/user/login", "/user/register", "/about",
        ],
        "requester": [
            form, f"/access-request/{office.requests['pending']['id']}", "/dashboard/access-requests",
            f"/user/edit/{office.requester['name']}",
        ],
        "staff": [
            f"/organization/access-requests/{office.org['name']}",
            f"/access-request/{office.requests['pending']['id']}",
            "/complaint/register", "/survey/responses",
            # the Excel import and export as an editor of the organization
            "/dataset-excel",
        ],
        "director": [
            f"/organization/service-report/{office.org['name']}",
            f"/access-request/{office.checked['id']}",
            f"/organization/access-requests/{office.org['name']}",
        ],
        "sysadmin": ["/ckan-admin", "/ckan-admin/config", "/ckan-admin/trash",
                     f"/user/edit/{office.sysadmin['name']}", "/ckan-admin/access-requests",
                     "/ckan-admin/service-report", "/ckan-admin/ropa", "/service-reports", "/dataset-excel"],
    }


def _walk(page, paths, *, thai, allowed):
    failures = []
    for path in paths:
        response = page.goto(path if thai else "/en" + path)
        assert response.status == 200, f"{path}: {response.status}"
        try:
            check_page(page, thai=thai, allowed=allowed)
        except AssertionError as error:
            failures.append(str(error))
    return failures


def _forms_with_errors(page, office, *, thai, allowed):
    """The request, survey and complaint forms sent empty: their error
    messages are checked too (colour contrast, names)."""
    failures = []
    prefix = "" if thai else "/en"
    for path, button in (
        (f"/dataset/{office.dataset['name']}/request-access?resource_id={office.restricted['id']}",
         "form.utt1-form button.btn-primary[type=submit]"),
        ("/survey", "form.utt1service-form button.btn-primary[type=submit]"),
        ("/complaint", "form.utt1service-form button.btn-primary[type=submit]"),
    ):
        page.goto(prefix + path)
        page.evaluate("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
        page.locator(button).last.click()
        # the page comes back with its errors (same address): wait for them
        page.locator(".error-explanation, .alert-error, .alert-danger, .error-block, .error-inline").first.wait_for()
        page.wait_for_load_state()
        try:
            check_page(page, thai=thai, allowed=allowed)
        except AssertionError as error:
            failures.append(str(error))
    return failures


@pytest.mark.heavy  # a minute or more: started first (tests/scheduling.py)
@pytest.mark.parametrize("lang", ["thai", "english"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_are_accessible_and_thai(browser, live_server, office, viewport, lang):
    thai = lang == "thai"
    pages = _pages_of(office)
    failures = []
    page = anonymous(browser, live_server, viewport)
    failures += _walk(page, pages["anonymous"], thai=thai, allowed=office.names)
    page.context.close()
    for who, user in (("requester", office.requester), ("staff", office.staff),
                      ("director", office.director), ("sysadmin", office.sysadmin)):
        page = login(browser, live_server, user, viewport)
        failures += _walk(page, pages[who], thai=thai, allowed=office.names)
        if who == "requester":
            failures += _forms_with_errors(page, office, thai=thai, allowed=office.names)
        if who == "director":
            # the queue the director's walk checked held the bulk decision form
            page.goto(("" if thai else "/en") + f"/organization/access-requests/{office.org['name']}")
            assert page.locator("form.utt1-bulk").count() == 1
        if who == "sysadmin":
            # the sysadmin menu (CKAN's admin tabs) leads to the RoPA page
            page.goto(("" if thai else "/en") + "/ckan-admin")
            tab = page.locator(".page-header a[href$='/ckan-admin/ropa']")
            assert tab.count() == 1
            assert tab.inner_text().strip() == ("บันทึกการประมวลผลข้อมูลส่วนบุคคล" if thai else "Record of processing")
        page.context.close()
    assert not failures, "\n\n".join(failures)


# -- the table preview: the resource page with its frame, the view page ------

PREVIEW_ROWS = [("บ้านหนองฉาง", "หนองฉาง", 123), ("อนุบาลอุทัยธานี", "เมืองอุทัยธานี", 456)]


@pytest.fixture()
def previewed(office):
    """The office's public file with a DataStore table (as xloader leaves
    it) and CKAN's DataTables view of it."""
    site = {"user": office.sysadmin["name"], "ignore_auth": True}
    rid = office.public["id"]
    helpers.call_action("datastore_create", context=dict(site), resource_id=rid, force=True,
                        fields=[{"id": "โรงเรียน", "type": "text"}, {"id": "อำเภอ", "type": "text"},
                                {"id": "นักเรียน", "type": "numeric"}],
                        records=[dict(zip(("โรงเรียน", "อำเภอ", "นักเรียน"), r)) for r in PREVIEW_ROWS])
    views = [v for v in helpers.call_action("resource_view_list", context=dict(site), id=rid)
             if v["view_type"] == "datatables_view"]
    office.view = views[0] if views else helpers.call_action(
        "resource_view_create", context=dict(site), resource_id=rid, view_type="datatables_view",
        title="ตารางนักเรียนรายโรงเรียน")
    model.Session.remove()
    return office


def _preview_failures(page, office, *, thai, allowed):
    prefix = "" if thai else "/en"
    resource = f"/dataset/{office.dataset['name']}/resource/{office.public['id']}"
    failures = []
    # the resource page that holds the view in its frame
    assert page.goto(prefix + resource).status == 200
    page.frame_locator("iframe").first.locator("table.dataTable tbody tr td").first.wait_for()
    try:
        check_page(page, thai=thai, allowed=allowed)
    except AssertionError as error:
        failures.append(str(error))
    # the view page itself: the frame's address, the one "Embed" gives out
    embed = page.locator("[data-module=resource-view-embed]").first.get_attribute("data-module-url")
    assert page.goto(embed).status == 200
    page.locator("table.dataTable tbody tr td").first.wait_for()
    try:
        check_page(page, thai=thai, allowed=allowed)
    except AssertionError as error:
        failures.append(str(error))
    return failures


@pytest.mark.parametrize("lang", ["thai", "english"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_table_preview_pages_are_accessible_and_thai(browser, live_server, previewed, viewport, lang):
    """The DataTables view (CKAN's) passes the same checks as every page: in
    its frame on the resource page and on its own, Thai and English, desktop
    and phone; its column filters are named after their columns."""
    thai = lang == "thai"
    page = anonymous(browser, live_server, viewport)
    failures = _preview_failures(page, previewed, thai=thai, allowed=previewed.names)
    names = page.evaluate("() => [...document.querySelectorAll('thead input')].map(i => i.getAttribute('aria-label'))")
    page.context.close()
    assert not failures, "\n\n".join(failures)
    label = "กรองคอลัมน์" if thai else "Filter column"
    assert f"{label} โรงเรียน" in names and f"{label} นักเรียน" in names


def test_the_english_word_check_can_fail(browser, live_server):
    """The check finds an English word of the interface (and lets the
    allow-list and typed data through)."""
    page = anonymous(browser, live_server)
    page.set_content('<p>ไฟล์ CSV และ PDF (.xlsx)</p><button aria-label="Submit">ส่ง</button>'
                     '<p data-latin-ok>somchai@example.org</p><p>ใช้คำสั่ง ckan utt1service purge-personal-data</p>')
    assert [w for w, _where, _text in latin_words(page)] == ["Submit"]
    page.context.close()


def test_a_restricted_file_offers_request_access_on_the_phone(browser, live_server, office):
    """A file uploaded restricted: the phone shows 'request access', never a
    download button, for a visitor who may not have it."""
    extra = upload(office.dataset["id"], b"a,b\n1,2\n", "secret2.csv", access_level="restricted",
                   format="CSV", name="ไฟล์จำกัดสิทธิ์ที่สอง.csv")
    page = anonymous(browser, live_server, PHONE)
    page.goto(f"/dataset/{office.dataset['name']}")
    item = page.locator(f".resource-item[data-id='{extra['id']}']")
    assert item.locator(".utt1-request-access").is_visible()
    assert item.locator(".utt1-download").count() == 0
    page.context.close()


# -- forms by keyboard alone -------------------------------------------------

def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_survey_and_complaint_forms_work_with_the_keyboard_alone(browser, live_site, viewport):
    page = anonymous(browser, live_site, viewport)
    page.goto("/survey")
    names = page.evaluate("() => [...new Set([...document.querySelectorAll('input[type=radio]')].map(e => e.name))]")
    assert len(names) == 5 and page.locator("input[type=radio]").count() == 15
    for name in names:
        # Tab enters each group of radio buttons; Space picks the focused one
        _tab_to(page, f"input[type=radio][name='{name}']")
        assert page.evaluate("() => document.activeElement.labels[0].innerText.trim().length > 0")
        page.keyboard.press("Space")
    _tab_to(page, "form.utt1service-form button.btn-primary[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/survey/thanks**")

    page.goto("/complaint")
    _tab_to(page, "#field-category")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#field-category")
    _tab_to(page, "#field-description")
    page.keyboard.type("ดาวน์โหลดไฟล์แล้วเปิดไม่ได้")
    _tab_to(page, "form.utt1service-form button.btn-primary[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/complaint/thanks**")
    page.context.close()
