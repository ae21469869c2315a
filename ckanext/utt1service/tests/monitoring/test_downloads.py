# -*- coding: utf-8 -*-
"""Download counting: what counts, dedup, bots, channels, concurrency."""
from __future__ import annotations

import concurrent.futures
import datetime
import time
import types
import urllib.request

import flask
import pytest

import ckan.model as model
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.utt1service.common import event_buffer, links
from ckanext.utt1service.monitoring import downloads
from ckanext.utt1service.monitoring.model.download import DownloadEvent

from .conftest import BROWSER_UA, GOOGLEBOT_UA, browser_headers, download_url

pytestmark = pytest.mark.usefixtures("clean_db")


def _events() -> list[DownloadEvent]:
    model.Session.expire_all()
    event_buffer.flush_for_reading()  # the downloads' buffer written
    return model.Session.query(DownloadEvent).order_by(DownloadEvent.created).all()


def test_a_public_download_is_recorded_with_its_dataset_and_organization(app, public_file):
    response = app.get(download_url(public_file), headers=browser_headers())
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("school,students")

    [event] = _events()
    assert event.resource_id == public_file["resource"]["id"]
    assert event.package_id == public_file["dataset"]["id"]
    assert event.owner_org == public_file["org"]["id"]
    assert event.channel == "web"
    assert event.counted and not event.is_bot
    assert event.created.tzinfo is not None
    # never the address itself
    assert "127.0.0.1" not in event.visitor_key
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 1


def test_the_topic_category_of_the_dataset_is_kept_with_the_event(app, public_file):
    package = model.Package.get(public_file["dataset"]["id"])
    package.extras["topic_category"] = "นักเรียน"  # what the dataset schema's topic field stores
    model.Session.commit()
    app.get(download_url(public_file), headers=browser_headers())
    [event] = _events()
    assert event.topic == "นักเรียน"


def test_refused_and_failed_downloads_are_not_counted(app, public_file, create_with_upload):
    org = factories.Organization()
    private = factories.Dataset(owner_org=org["id"], private=True)
    resource = create_with_upload(
        "secret\n", "secret.csv", context={"user": factories.Sysadmin()["name"]}, package_id=private["id"]
    )
    refused = f"/dataset/{private['id']}/resource/{resource['id']}/download/secret.csv"
    assert app.get(refused, headers=browser_headers()).status_code == 403
    missing = f"/dataset/{public_file['dataset']['id']}/resource/no-such-resource/download"
    assert app.get(missing, headers=browser_headers()).status_code == 404
    assert _events() == []


def test_repeats_within_the_window_count_once(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    for _ in range(3):
        app.get(download_url(public_file), headers=browser_headers())
    # another visitor (another address)
    app.get(download_url(public_file), headers=browser_headers(), environ_base={"REMOTE_ADDR": "10.1.2.3"})

    events = _events()
    assert len(events) == 4  # every download is logged …
    assert [e.counted for e in events] == [True, False, False, True]  # … and counted once per visitor
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 2
    assert downloads.download_count(package_id=public_file["dataset"]["id"]) == 2


def test_the_window_ends_and_zero_turns_dedup_off(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    app.get(download_url(public_file), headers=browser_headers())
    # the window is a Redis key with that lifetime: let it expire
    conn = connect_to_redis()
    [key] = conn.keys("*utt1service:dl:*")
    assert 0 < conn.ttl(key) <= 300
    conn.delete(key)
    app.get(download_url(public_file), headers=browser_headers())

    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 0)
    app.get(download_url(public_file), headers=browser_headers())
    app.get(download_url(public_file), headers=browser_headers())
    assert [e.counted for e in _events()] == [True, True, True, True]


@pytest.mark.parametrize("user_agent", [GOOGLEBOT_UA, "curl/8.5.0", "python-requests/2.32", ""])
def test_bots_are_flagged_and_left_out(app, public_file, user_agent):
    response = app.get(download_url(public_file), headers={"User-Agent": user_agent})
    assert response.status_code == 200  # a bot still gets the file
    [event] = _events()
    assert event.is_bot
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 0


def test_a_browser_is_not_a_bot():
    assert not downloads.is_bot(BROWSER_UA)
    assert not downloads.is_bot(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 Line/13.0.0"
    )


def test_channel_qr_from_the_link_or_from_an_earlier_qr_visit(app, public_file):
    # a QR code that points at the file itself
    app.get(download_url(public_file, utm_source="qr"), headers=browser_headers())
    # a QR code that points at the dataset page: the session is marked …
    client = app.test_client()
    page = client.get(f"/dataset/{public_file['dataset']['name']}?utm_source=qr", headers=browser_headers())
    assert page.status_code == 200
    # … and a later download of that browser counts as qr
    client.get(download_url(public_file), headers=browser_headers(), environ_base={"REMOTE_ADDR": "10.0.0.2"})
    # an ordinary visit, from a browser of its own (CKAN 2.12's app.get keeps
    # the cookies of the first request, 2.11's did not)
    app.test_client().get(download_url(public_file), headers=browser_headers(),
                          environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert [e.channel for e in _events()] == ["qr", "qr", "web"]


def test_channel_api_for_token_downloads_which_are_never_bots(app, public_file):
    user = factories.UserWithToken()
    app.get(download_url(public_file), headers={"Authorization": user["token"], "User-Agent": "python-requests/2.32"})
    [event] = _events()
    assert event.channel == "api"
    assert not event.is_bot


def test_channel_marker_helper():
    assert links.add_channel_marker("http://x.org/dataset/a") == "http://x.org/dataset/a?utm_source=qr"
    assert (
        links.add_channel_marker("http://x.org/dataset/?q=นักเรียน&utm_source=web")
        == "http://x.org/dataset/?q=%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99&utm_source=qr"
    )
    with pytest.raises(ValueError):
        links.add_channel_marker("http://x.org/", "fax")


def test_access_request_and_forced_channel_are_read_from_flask_g(app, public_file):
    """The restricted-download view sets these before CKAN's signal."""
    with app.flask_app.test_request_context(headers=browser_headers()):
        flask.g.utt1service_access_request_id = "req-42"
        downloads.record_download(public_file["resource"]["id"])
    [event] = _events()
    assert event.request_id == "req-42"
    assert event.channel == "web"


def test_visitor_keys_rotate_with_the_daily_salt(app):
    downloads._salt_cache.clear()
    with app.flask_app.test_request_context(headers=browser_headers(), environ_base={"REMOTE_ADDR": "10.9.9.9"}):
        first = downloads.visitor_key()
        assert downloads.visitor_key() == first
        conn = connect_to_redis()
        [salt_key] = conn.keys("*utt1service:visitor-salt:*")
        assert 0 < conn.ttl(salt_key) <= 2 * 86400
        # a new day brings a new salt: yesterday's keys cannot be linked to today's
        conn.delete(salt_key)
        downloads._salt_cache.clear()
        assert downloads.visitor_key() != first


def test_the_visitors_day_turns_at_midnight_in_bangkok(monkeypatch):
    """The day of the visitor key (and of its salt) is Bangkok's: 23:59:59
    there is still the same day, a second later the next one, although
    the UTC date is the same for both."""
    utc = datetime.timezone.utc
    clock = {"now": datetime.datetime(2026, 12, 2, 16, 59, 59, tzinfo=utc).timestamp()}
    monkeypatch.setattr(downloads, "time", types.SimpleNamespace(time=lambda: clock["now"],
                                                                 monotonic=time.monotonic))
    monkeypatch.setattr(downloads, "_day", (0.0, ""))
    assert downloads._bangkok_day() == "2026-12-02"
    clock["now"] += 1
    assert downloads._bangkok_day() == "2026-12-03"
    clock["now"] += 86399
    assert downloads._bangkok_day() == "2026-12-03"
    clock["now"] += 1
    assert downloads._bangkok_day() == "2026-12-04"


def test_trusted_proxy_address_is_used_only_when_configured(app, ckan_config, monkeypatch):
    headers = browser_headers(**{"X-Forwarded-For": "203.0.113.7, 10.0.0.1"})
    with app.flask_app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert downloads.client_address() == "127.0.0.1"
        monkeypatch.setitem(ckan_config, "ckanext.utt1service.trusted_proxies", 1)
        assert downloads.client_address() == "10.0.0.1"
        monkeypatch.setitem(ckan_config, "ckanext.utt1service.trusted_proxies", 2)
        assert downloads.client_address() == "203.0.113.7"


def test_counting_can_be_turned_off(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_counting", False)
    assert app.get(download_url(public_file), headers=browser_headers()).status_code == 200
    assert _events() == []


@pytest.mark.parametrize("same_visitor", [False, True])
def test_200_concurrent_downloads_lose_nothing(live_server, public_file, ckan_config, monkeypatch, same_visitor):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.trusted_proxies", 1)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    url = live_server + download_url(public_file)

    def fetch(i: int) -> int:
        address = "10.0.0.1" if same_visitor else f"10.0.{i // 250}.{i % 250 + 1}"
        req = urllib.request.Request(url, headers={"User-Agent": BROWSER_UA, "X-Forwarded-For": address})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.read().startswith(b"school,students")
            return resp.status

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, range(200)))
    assert statuses == [200] * 200

    events = _events()
    assert len(events) == 200
    assert sum(e.counted for e in events) == (1 if same_visitor else 200)
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == (1 if same_visitor else 200)


def test_staff_record_deliveries_by_email_and_paper(public_file, ckan_config, monkeypatch):
    # the file's organization takes part in the service
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.service_organizations",
                        public_file["org"]["name"])
    editor = factories.User()
    helpers.call_action(
        "organization_member_create", id=public_file["org"]["id"], username=editor["name"], role="editor"
    )
    context = {"user": editor["name"], "ignore_auth": False}
    event = helpers.call_action(
        "utt1service_download_event_create",
        context=context,
        resource_id=public_file["resource"]["id"],
        channel="email",
        request_id="req-7",
    )
    assert event["channel"] == "email" and event["request_id"] == "req-7"
    assert event["recorded_by"] == editor["id"]
    helpers.call_action(
        "utt1service_download_event_create",
        context=dict(context),
        resource_id=public_file["resource"]["id"],
        channel="paper",
    )
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 2

    outsider = factories.User()
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action(
            "utt1service_download_event_create",
            context={"user": outsider["name"], "ignore_auth": False},
            resource_id=public_file["resource"]["id"],
            channel="email",
        )
    with pytest.raises(helpers.logic.ValidationError) as err:
        helpers.call_action(
            "utt1service_download_event_create",
            context=dict(context),
            resource_id=public_file["resource"]["id"],
            channel="web",
        )
    assert "channel" in err.value.error_dict


def test_dataset_page_and_api_show_the_count(app, public_file):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        app.get(download_url(public_file), headers=browser_headers(), environ_base={"REMOTE_ADDR": address})
    app.get(download_url(public_file), headers={"User-Agent": GOOGLEBOT_UA})

    body = app.get(f"/dataset/{public_file['dataset']['name']}").get_data(as_text=True)
    assert "ดาวน์โหลดแล้ว 3 ครั้ง" in body
    body = app.get(f"/en/dataset/{public_file['dataset']['name']}").get_data(as_text=True)
    assert "Downloaded 3 times" in body

    result = helpers.call_action("utt1service_download_count", package_id=public_file["dataset"]["name"])
    assert result == {"count": 3}
    by_resource = downloads.download_counts_by_resource(public_file["dataset"]["id"])
    assert by_resource == {public_file["resource"]["id"]: 3}


# --- what a download is: one GET of the whole file, by one visitor ---------------------

OTHER_BROWSERS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
]


def test_a_new_user_agent_is_not_a_new_visitor(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    for user_agent in [BROWSER_UA, *OTHER_BROWSERS]:
        assert app.get(download_url(public_file), headers={"User-Agent": user_agent}).status_code == 200
    assert [e.counted for e in _events()] == [True, False, False]
    assert downloads.download_count(resource_id=public_file["resource"]["id"]) == 1


def test_head_and_partial_range_requests_are_not_downloads(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 0)
    client = app.test_client()
    head = client.head(download_url(public_file), headers=browser_headers())
    assert head.status_code == 200 and head.get_data() == b""
    first_byte = client.get(download_url(public_file), headers=browser_headers(Range="bytes=0-0"))
    assert first_byte.status_code == 206 and first_byte.get_data() == b"s"
    assert _events() == []


def test_a_resumed_download_counts_once(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 0)
    client = app.test_client()
    whole = client.get(download_url(public_file), headers=browser_headers())
    assert whole.status_code == 200
    rest = client.get(download_url(public_file), headers=browser_headers(Range="bytes=7-"))
    assert rest.status_code == 206 and rest.get_data() == whole.get_data()[7:]
    assert [e.counted for e in _events()] == [True]


def test_a_range_that_is_the_whole_file_is_a_download(app, public_file, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 0)
    response = app.test_client().get(download_url(public_file), headers=browser_headers(Range="bytes=0-"))
    assert response.status_code in (200, 206)
    assert response.get_data(as_text=True) == "school,students\nA,10\n"
    assert [e.counted for e in _events()] == [True]


def test_redis_down_downloads_still_go_out_and_are_counted(app, public_file, ckan_config, monkeypatch):
    """Nothing listens on port 9: the file goes out, the event is kept and
    counted (repeats cannot be recognised until Redis is back)."""
    import ckan.lib.redis as ckan_redis

    monkeypatch.setitem(ckan_config, "ckanext.utt1service.download_dedup_seconds", 300)
    monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:9/1")
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    monkeypatch.setattr(downloads, "_salt_cache", {})
    response = app.get(download_url(public_file), headers=browser_headers())
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("school,students")
    [event] = _events()
    assert event.counted and event.visitor_key
