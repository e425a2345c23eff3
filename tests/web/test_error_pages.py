"""403, 404 and 500 in the site's layout and the reader's language; JSON under /api/ as before; the 500
page drawn without the database. And the nav marks the page being read."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from socsec import urls
from socsec.api.middleware import server_error
from socsec.web.templatetags.nav_tags import mark_current


def client_as(world, name: str, language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


@pytest.mark.parametrize(
    ("language", "heading", "sentence", "back"),
    [
        ("en", "Not allowed", "Your role may not open this page.", "Back to the start page"),
        ("zh-hans", "无权访问", "您的角色无权打开此页面。", "返回首页"),
    ],
)
def test_a_page_the_role_may_not_open_is_a_403_in_the_readers_language(world, language, heading, sentence, back):
    page = client_as(world, "worker", language).get("/officer/persons/")
    html = page.content.decode()
    assert page.status_code == 403
    assert f"<h1>{heading}</h1>" in html and sentence in html and back in html
    assert '<nav aria-label="' in html and 'class="skip"' in html  # the site's layout


@pytest.mark.parametrize(
    ("language", "heading", "sentence"),
    [("en", "Not found", "There is no such page or record"), ("zh-hans", "未找到", "没有这个页面或记录")],
)
def test_an_unknown_address_is_a_404_in_the_readers_language(world, language, heading, sentence):
    page = client_as(world, "worker", language).get("/no/such/page/")
    html = page.content.decode()
    assert page.status_code == 404
    assert f"<h1>{heading}</h1>" in html and sentence in html
    assert '<nav aria-label="' in html


def test_errors_under_the_api_stay_json(world):
    client = client_as(world, "worker", "en")
    missing = client.get("/api/no/such/thing")
    assert (missing.status_code, missing["Content-Type"], missing.json()["code"]) == (
        404,
        "application/json; charset=utf-8",
        "not_found",
    )


@pytest.mark.parametrize(
    ("language", "heading", "incident"),
    [("en", "Something went wrong", "quote this incident number: "), ("zh-hans", "出错了", "请提供此事件编号：")],
)
def test_the_500_page_is_in_the_readers_language_and_needs_no_database(language, heading, incident):
    """No ``db`` fixture: pytest-django fails any query the handler would make."""
    request = RequestFactory().get("/officer/persons/", HTTP_ACCEPT_LANGUAGE=language)
    page = server_error(request)
    html = page.content.decode()
    assert page.status_code == 500
    assert f"<h1>{heading}</h1>" in html and incident in html
    assert 'class="skip"' in html and '<nav aria-label="' in html
    assert urls.handler500 == "socsec.api.middleware.server_error"


def test_the_500_page_under_the_api_is_json():
    request = RequestFactory().get("/api/anything")
    page = server_error(request)
    assert (page.status_code, page["Content-Type"]) == (500, "application/json; charset=utf-8")


@pytest.mark.parametrize(
    ("name", "path", "current"),
    [
        ("worker", "/me/statement/", "/me/statement/"),
        ("worker", "/me/claims/new/", "/me/claims/"),  # a page under a nav entry marks the entry
        ("auditor", "/audit/", "/audit/"),
        ("officer", "/officer/persons/", "/officer/persons/"),
    ],
)
def test_the_nav_marks_the_current_page(world, name, path, current):
    html = client_as(world, name, "en").get(path).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    assert f'<a href="{current}" aria-current="page">' in nav


def test_mark_current_prefers_the_exact_link_then_the_longest_prefix():
    nav = '<a href="/me/claims/">C</a><a href="/me/claims/new/">N</a><a href="/x/">X</a>'
    assert mark_current(nav, "/me/claims/new/") == (
        '<a href="/me/claims/">C</a><a href="/me/claims/new/" aria-current="page">N</a><a href="/x/">X</a>'
    )
    assert mark_current(nav, "/me/claims/7/") == (
        '<a href="/me/claims/" aria-current="page">C</a><a href="/me/claims/new/">N</a><a href="/x/">X</a>'
    )
    assert mark_current(nav, "/elsewhere/") == nav
