# -*- coding: utf-8 -*-
"""Every page of the extension answers junk without a 500 (issue 11, part 2).

Every URL rule the extension's blueprints add is requested with junk in its
query string, with junk in each of its path segments, and (for forms) with
junk posted, as a sysadmin, as an organization's staff and anonymously.
A NUL byte in the path is a 404; in the query string or a form, a 400.
"""
from __future__ import annotations

import re
import urllib.parse
from typing import Any, Optional

import flask
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.model as model

from ckanext.utt1service import plugin
from ckanext.utt1service.access_requests.views import request as request_views
from ckanext.utt1service.monitoring.views import complaint as complaint_views
from ckanext.utt1service.monitoring.views import survey as survey_views
from ckanext.utt1service.tests.common.bad_input.junk import junk_text

#: parameter, or in every form field, at once)
EXAMPLES = 3

#: the blueprints the plugin registers
BLUEPRINTS = list(plugin.public_names(plugin.VIEWS).values())
CALLERS = ("sysadmin", "staff", "anonymous")

#: every query parameter a page of the extension reads
QUERY_PARAMS = (
    "page", "state", "q", "package_id", "owner_org", "dataset", "request_id", "token",
    "resource_id", "kind", "survey", "fy", "half", "org", "table", "download", "category",
    "utm_source", "channel",
)
#: every field a form of the extension posts
FORM_FIELDS = tuple(sorted(
    set(request_views.FORM_FIELDS) | set(survey_views.FIELDS) | set(complaint_views.FIELDS)
    | {"resource_ids", "consent", "comment", "intake_channel", "consent_method", "received_by",
       "handed_over_on", "problems", "improvements", "fy", "half", "org", "state",
       "resolution", "event", "next", "website", "token", "user", "starts_on", "ends_on",
       "expires_on", "conditions", "require_acceptance", "accept", "decision", "ids"}
))
#: path segments that broke pages, besides generated ones
PATH_JUNK = ("a\x00b", "x" * 3000, "99999999999999999999", " \r\n")


def _extension_rules() -> list[tuple[str, str, tuple[str, ...]]]:
    """(rule, endpoint, methods) of every URL rule of the extension's
    blueprints (the ones the plugin registers)."""
    bare = flask.Flask("utt1service-rules")
    for blueprint in BLUEPRINTS:
        bare.register_blueprint(blueprint)
    rules = []
    for rule in bare.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = tuple(sorted(m for m in rule.methods if m in ("GET", "POST")))
        rules.append((rule.rule, rule.endpoint, methods))
    return sorted(rules)


RULES = _extension_rules()


def path_value(rule: str, name: str, w: Any) -> str:
    """A value of a path segment that leads to something of the world."""
    if name == "id":
        if rule.endswith("/track/<token>"):
            return w.anonymous_request["id"]  # (it has a tracking link)
        if rule.startswith("/dataset/"):
            return w.dataset["name"]
        if rule.startswith("/access-request/"):
            return w.requests["approved"]["id"]
        if rule.startswith("/organization/"):
            return w.org["name"]
        if rule.startswith("/service-reports/") or "/publications/" in rule:
            return "no-such-publication"  # (a published report: none in this world)
    values = {
        "resource_id": w.restricted["id"],
        "fmt": "png" if "png" in rule else "csv",
        "number": str(w.complaint["number"]),
        "action": "check",
        "token": "not-the-token",
        "expires": "4102444800",
        "sig": "not-the-signature",
        "filename": "students-secret.csv",
        "appointment_id": "no-such-appointment",
        "name": "Sarabun-Regular.ttf",  # (a face of the web font, common/fonts.py)
    }
    assert name in values, f"say in {__name__}.path_value what a valid {name!r} in {rule} is"
    return values[name]


def url_for(rule: str, w: Any, junk: Optional[tuple[str, str]] = None) -> str:
    """``rule`` with every segment valid, or ``junk = (segment, value)``."""
    def segment(match: re.Match) -> str:
        name = match.group(1)
        value = junk[1] if junk and junk[0] == name else path_value(rule, name, w)
        return urllib.parse.quote(value, safe="")

    return re.sub(r"<(?:[^<>]*:)?(\w+)>", segment, rule)


def headers(w: Any, caller: str) -> dict[str, str]:
    user = {"sysadmin": w.sysadmin, "staff": w.staff}.get(caller)
    return {"Authorization": user["token"]} if user else {}


def answer(app: Any, method: str, url: str, hdrs: dict[str, str], **kwargs: Any) -> int:
    try:
        response = getattr(app, method.lower())(url, headers=hdrs, **kwargs)
    except Exception as error:  # (the test app lets exceptions through: a 500)
        pytest.fail(f"{method} {url[:200]} {kwargs!r:.300}: {type(error).__name__}: {error}")
    assert response.status_code < 500, f"{response.status_code} for {method} {url[:300]}"
    return response.status_code


def test_the_rules_are_those_the_portal_serves(app):
    served = {
        r.rule for r in app.flask_app.url_map.iter_rules()
        if r.endpoint.split(".")[0] in {bp.name for bp in BLUEPRINTS}
    }
    assert served == {rule for rule, _e, _m in RULES}
    assert len(RULES) > 30


@pytest.mark.parametrize("rule, endpoint, methods", [r for r in RULES if "GET" in r[2]])
def test_junk_in_the_query_string(app, junk_world, rule, endpoint, methods):
    w = junk_world

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(
        params=st.fixed_dictionaries({name: junk_text for name in QUERY_PARAMS}),
        caller=st.sampled_from(CALLERS),
    )
    def attempt(params: dict[str, str], caller: str) -> None:
        url = url_for(rule, w) + "?" + urllib.parse.urlencode(params)
        status = answer(app, "GET", url, headers(w, caller))
        if any("\x00" in v for v in params.values()):
            assert status == 400

    attempt()


@pytest.mark.parametrize("rule, endpoint, methods", [r for r in RULES if "<" in r[0]])
def test_junk_in_the_path(app, junk_world, rule, endpoint, methods):
    w = junk_world
    method = "GET" if "GET" in methods else "POST"
    names = re.findall(r"<(?:[^<>]*:)?(\w+)>", rule)
    for name in names:
        for value in PATH_JUNK:
            status = answer(app, method, url_for(rule, w, (name, value)), headers(w, "sysadmin"))
            if "\x00" in value:
                assert status == 404

    @settings(max_examples=EXAMPLES - 1, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(name=st.sampled_from(names), value=junk_text.filter(bool),
           caller=st.sampled_from(CALLERS))
    def attempt(name: str, value: str, caller: str) -> None:
        answer(app, method, url_for(rule, w, (name, value)), headers(w, caller))

    attempt()


@pytest.mark.parametrize("rule, endpoint, methods", [r for r in RULES if "POST" in r[2]])
def test_junk_posted_to_the_forms(app, junk_world, rule, endpoint, methods):
    w = junk_world

    @settings(max_examples=EXAMPLES * 2, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(
        form=st.one_of(
            st.fixed_dictionaries({name: junk_text for name in FORM_FIELDS}),
            st.dictionaries(st.sampled_from(FORM_FIELDS), junk_text, min_size=1, max_size=4),
        ),
        caller=st.sampled_from(CALLERS),
    )
    def attempt(form: dict[str, str], caller: str) -> None:
        status = answer(app, "POST", url_for(rule, w), headers(w, caller), data=form)
        if any("\x00" in v for v in form.values()):
            assert status == 400

    attempt()


@pytest.mark.parametrize("url", [
    "/access-request/%00",
    "/survey/thanks?dataset=%00",
    "/dataset/%00/qr.png",
    "/complaint/99999999999999999999",
])
def test_the_examples_of_the_issue(app, junk_world, url):
    w = junk_world
    for caller in CALLERS:
        status = answer(app, "GET", url, headers(w, caller))
        assert status == (400 if "?" in url else 404)


def test_a_nul_byte_is_refused_with_a_message_in_thai_and_in_english(app, junk_world):
    thai = app.get("/survey/thanks?dataset=%00")
    assert thai.status_code == 400
    assert "มีอักขระที่ไม่อนุญาต (อักขระ NUL)" in thai.body
    english = app.get("/en/survey/thanks?dataset=%00")
    assert english.status_code == 400
    assert "contains a character that is not allowed (a NUL byte)" in english.body
    posted = app.post("/complaint/", data={"description": "a\x00b"},
                      headers=headers(junk_world, "staff"))
    assert posted.status_code == 400


@pytest.mark.parametrize("path", [
    "/dashboard/access-requests", "/complaint/register", "/survey/responses",
    "/ckan-admin/access-requests",
])
def test_a_page_number_beyond_the_last_is_an_empty_page(app, junk_world, path):
    for page in ("99999999999999999999", "-3", " ", "๒", "1e9"):
        status = answer(app, "GET", f"{path}?page={page}", headers(junk_world, "sysadmin"))
        assert status == 200


@pytest.mark.parametrize("token", ["ก", "x" * 500, "\u00e9t\u00e9", "-1"])
def test_a_tracking_link_with_a_wrong_token_is_not_found(app, junk_world, token):
    """(a token with a non-ASCII letter made the comparison fail: 500)"""
    url = f"/access-request/{junk_world.anonymous_request['id']}/track/" + urllib.parse.quote(token)
    assert answer(app, "GET", url, {}) == 404


@pytest.mark.parametrize("action, data", [
    ("package_create", {"name": "nul-title", "title": "ชื่อ\x00ข้อมูล"}),
    ("package_search", {"q": "นักเรียน\x00"}),
    ("organization_show", {"id": "\x00"}),
    ("resource_patch", {"id": "x", "description": ["a", {"b": "c\x00"}]}),
])
def test_core_api_actions_refuse_a_nul_byte_as_invalid_data(app, junk_world, action, data):
    """CKAN's own actions with the extension's schema: a NUL byte anywhere in
    the data is invalid data (409), never a 500, and nothing is created."""
    response = app.post(f"/api/3/action/{action}", json=data, headers=headers(junk_world, "sysadmin"))
    assert response.status_code == 409
    assert response.json["error"]["__type"] == "Validation Error"
    assert "NUL" in response.json["error"]["message"]
    query = app.get(f"/api/3/action/{action}?id=%00", headers=headers(junk_world, "sysadmin"))
    assert query.status_code == 409
    assert model.Package.get("nul-title") is None
