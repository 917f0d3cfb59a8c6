"""The admin's home page by task, as a Trust & Safety admin and a superuser see it."""

import pytest
from playwright.sync_api import expect

from tests.conftest import make_member, make_moderator
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TASKS = ["Policies", "Teams and people", "Records", "Delivery", "Platform access"]


def sections(page) -> list[str]:
    return [t.strip() for t in page.locator("#content-main caption a.section").all_text_contents()]


def test_a_trust_and_safety_admin_finds_the_admin_by_task(page, live_server, screenshot):
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")

    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.goto(f"{live_server.url}/admin/")

    assert sections(page) == TASKS
    main = page.locator("#content-main")
    expect(main.get_by_role("link", name="Categories")).to_be_visible()
    expect(main.get_by_role("link", name="Access attempts")).to_be_visible()
    expect(main.get_by_role("link", name="Groups")).to_have_count(0)
    expect(main.get_by_role("link", name="Tokens")).to_have_count(0)
    screenshot("admin-home-ts-admin")

    main.get_by_role("link", name="Records").click()
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    page.get_by_role("link", name="Cases").first.click()
    expect(page.locator(".breadcrumbs")).to_have_text("Home › Records › Cases")


def test_a_superuser_also_finds_roles_and_api_tokens(page, live_server, screenshot):
    make_member(username="root", password="a-long-root-password", is_staff=True, is_superuser=True)

    sign_in(page, live_server, "root", "a-long-root-password")
    page.goto(f"{live_server.url}/admin/")

    assert sections(page) == TASKS
    access = page.locator("#content-main .app-access")
    expect(access.get_by_role("link", name="Groups")).to_be_visible()
    expect(access.get_by_role("link", name="Tokens")).to_be_visible()
    screenshot("admin-home-superuser")
