"""A Trust & Safety admin signs in and finds the shipped categories in the admin."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import authenticator_code, give_authenticator, make_moderator, make_team

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password):
    """Sign in on the page; staff then type the code of the authenticator app they were given."""
    staff = User.objects.filter(username=username, is_staff=True).first()
    device = give_authenticator(staff) if staff is not None else None
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # The next page must have loaded before the test goes on (or takes a screenshot of it).
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if device is not None and "/accounts/second-factor/" in page.url:
        pass_second_factor(page, device)


def pass_second_factor(page, device):
    device.refresh_from_db()
    page.get_by_label("Code").fill(authenticator_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()


def test_admin_signs_in_and_reviews_the_categories(page, live_server, screenshot):
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")

    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.get_by_text("Your member id").wait_for()
    screenshot("home-signed-in")
    page.locator(".home-staff").get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Categories").first.click()

    # The nine members report under, and the one that holds the misuse cases hellomod opens.
    expect(page.locator("#result_list tbody tr")).to_have_count(10)
    assert page.get_by_role("link", name="Hate, abuse, threats or harmful content").is_visible()
    assert page.get_by_role("link", name="Reporting misuse").is_visible()
    screenshot("admin-categories")


def test_a_wrong_password_is_explained_next_to_the_form(page, live_server, screenshot):
    make_moderator(username="tessa", password="a-long-admin-pass")

    sign_in(page, live_server, "tessa", "not-the-password")

    alert = page.get_by_role("alert")
    assert "correct username and password" in alert.inner_text()
    assert page.url.endswith("/accounts/login/")
    screenshot("login-error")


def test_a_moderator_reads_configuration_in_the_admin_and_no_records(page, live_server, screenshot):
    from reports.models import Category

    team = make_team(Category.objects.get(slug="spam-solicitation"), name="Spam")
    make_moderator(username="mo", password="a-long-moderator-pass", team=team)

    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    page.goto(f"{live_server.url}/admin/")
    screenshot("admin-index-as-moderator")

    listed = page.locator("#content-main").inner_text()
    for readable in (
        "Categories",
        "Reasons",
        "Policies",
        "Notification templates",
        "Moderator teams",
    ):
        assert readable in listed
    for record in ("Reports", "Cases", "Evidence", "People", "Audit events", "Outbox messages"):
        assert record not in listed
    # The warnings about work no team is set to do are for whoever can set a team to it.
    assert "Work nobody is set to do" not in listed
    response = page.goto(f"{live_server.url}/admin/reports/report/")
    assert response.status == 403
