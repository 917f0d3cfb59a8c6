"""The admin's home page by task: Policies, Teams and people, Records, Delivery, Platform access."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise

from hellomod.admin_site import SECTIONS, may_open
from tests.conftest import make_moderator

pytestmark = pytest.mark.django_db

POLICIES_READ = [
    "Category",
    "Reason",
    "Policy",
    "EscalationTier",
    "LadderStep",
    "StatementTemplate",
    "NotificationTemplate",
    "CrisisResource",
]
POLICIES_ALL = [*POLICIES_READ[:7], "RateLimit", "MisusePolicy", "CrisisResource"]
TEAMS_READ = ["Team", "TeamMembership"]
TEAMS_ALL = [*TEAMS_READ, "User", "FlaggerOrganisation", "FlaggerMembership"]
RECORDS = [
    "Report",
    "Case",
    "Decision",
    "BulkDecision",
    "Appeal",
    "AppealEvidence",
    "Evidence",
    "Note",
    "Enforcement",
    "Strike",
    "Referral",
    "LegalHold",
    "EvidenceBundle",
    "Content",
    "AuditEvent",
    "DailyFigure",
    "FigureCursor",
    "TransparencyStatement",
    "ActiveRecipients",
]
DELIVERY = [
    "Notification",
    "OutboxMessage",
    "WebhookEndpoint",
    "WebhookDelivery",
    "ConfigurationJob",
]
SIGN_IN = ["AccessAttempt", "TOTPDevice", "StaticDevice"]

STAFF_READING = {"Policies": POLICIES_READ, "Teams and people": TEAMS_READ}
TS_ADMIN = {
    "Policies": POLICIES_ALL,
    "Teams and people": TEAMS_ALL,
    "Records": RECORDS,
    "Delivery": DELIVERY,
    "Platform access": SIGN_IN,
}
SUPERUSER = {**TS_ADMIN, "Platform access": ["TokenProxy", "Group", *SIGN_IN]}


@pytest.fixture
def person(request, spam_team, admin_user):
    """The persona of the parameter: a role's name, or None for a superuser."""
    if request.param is None:
        return admin_user
    return make_moderator(role=request.param, team=spam_team)


def home(client, user) -> list[tuple[str, list[str]]]:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return [
        (str(section["name"]), [model["object_name"] for model in section["models"]])
        for section in response.context["app_list"]
    ]


def test_every_registered_model_is_in_exactly_one_section():
    placed = [label for section in SECTIONS for label in section.models]
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert len(placed) == len(set(placed)), "a model is in two sections"
    assert registered - set(placed) == set(), "registered, but in no section"
    assert set(placed) - registered == set(), "in a section, but not registered"
    assert [section.name for section in SECTIONS] == [
        "Policies",
        "Teams and people",
        "Records",
        "Delivery",
        "Platform access",
    ]


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("Moderator", STAFF_READING),
        ("Senior moderator", STAFF_READING),
        ("Trust & Safety lead", STAFF_READING),
        ("Trust & Safety admin", TS_ADMIN),
        (None, SUPERUSER),
    ],
    indirect=["person"],
    ids=["moderator", "senior", "lead", "ts-admin", "superuser"],
)
def test_each_person_sees_the_sections_holding_what_they_may_open(client, person, expected):
    sections = home(client, person)

    assert sections == list(expected.items())
    # Exactly the models the audiences open for this person, none lost on the way.
    request = type("Request", (), {"user": person})()
    openable = {
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if may_open(person, model)
        and model_admin.has_module_permission(request)
        and any(model_admin.get_model_perms(request).values())
    }
    assert {name for _section, models in sections for name in models} == openable


def test_the_home_page_shows_the_sections_in_order(client, ts_admin):
    client.force_login(ts_admin)

    page = client.get(reverse("admin:index")).content.decode()

    captions = re.findall(
        r'<a href="/admin/section/[a-z]+/" class="section"[^>]*>([^<]+)</a>', page
    )
    assert captions[:5] == [
        "Policies",
        "Teams and people",
        "Records",
        "Delivery",
        "Platform access",
    ]
    assert "Members and moderators" not in page  # the apps' names are gone from the home page


def test_djangos_own_auth_models_stay_out_of_a_trust_and_safety_admins_way(client, ts_admin):
    client.force_login(ts_admin)

    pages = [
        client.get(reverse("admin:index")),
        client.get(reverse("admin:reports_category_changelist")),
        client.get(reverse("admin:app_list", args=["reports"])),
        client.get(reverse("admin:section", args=["access"])),
    ]

    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert "/admin/auth/" not in html and "/admin/authtoken/" not in html
        assert ">Groups<" not in html and ">Tokens<" not in html
    assert client.get(reverse("admin:app_list", args=["auth"])).status_code == 404
    assert client.get(reverse("admin:app_list", args=["authtoken"])).status_code == 404
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_section_page_lists_its_models_and_refuses_the_rest(client, ts_admin, spam_team):
    client.force_login(ts_admin)
    records = client.get(reverse("admin:section", args=["records"]))
    assert records.status_code == 200
    assert [m["object_name"] for m in records.context["app_list"][0]["models"]] == RECORDS
    assert "<title>Records | hellomod admin</title>" in records.content.decode()
    assert client.get("/admin/section/nothing-here/").status_code == 404

    client.force_login(make_moderator(team=spam_team))
    assert client.get(reverse("admin:section", args=["records"])).status_code == 404
    assert client.get(reverse("admin:section", args=["policies"])).status_code == 200


def test_a_model_pages_breadcrumbs_lead_back_to_its_section(client, ts_admin, spam):
    client.force_login(ts_admin)
    crumb = '&rsaquo; <a href="/admin/section/policies/">Policies</a>'

    changelist = client.get(reverse("admin:reports_category_changelist")).content.decode()
    change = client.get(reverse("admin:reports_category_change", args=[spam.pk])).content.decode()
    case_list = client.get(reverse("admin:reports_case_changelist")).content.decode()

    assert crumb in changelist
    assert crumb in change
    assert '&rsaquo; <a href="/admin/section/records/">Records</a>' in case_list


def test_an_apps_page_is_titled_by_its_app(client, ts_admin):
    client.force_login(ts_admin)

    page = client.get(reverse("admin:app_list", args=["accounts"]))

    assert page.status_code == 200
    assert page.context["title"] == "Members and moderators administration"
    assert [str(s["name"]) for s in page.context["app_list"]] == ["Teams and people"]


def test_a_new_install_is_warned_in_a_few_lines_above_the_sections(client, ts_admin):
    client.force_login(ts_admin)

    page = client.get(reverse("admin:index")).content.decode()

    warnings = re.findall(r'<li class="warning">(.*?)</li>', page, re.S)
    # No team at all yet: one line for the categories nobody covers, one for the tiers.
    assert len(warnings) == 2
    assert warnings[0].startswith("No team covers these 10 categories:")
    assert "“Spam, advertising or solicitation”" in warnings[0]
    assert (
        "at these tiers: Moderator, Senior moderator, Trust &amp; Safety lead, Emergency"
        in (warnings[1])
    )
    assert page.index("Work nobody is set to do") < page.index(">Policies</a>")


def test_the_sites_titles_are_translatable():
    for title in (admin.site.site_header, admin.site.site_title, admin.site.index_title):
        assert isinstance(title, Promise)


def test_the_home_page_asks_a_bounded_number_of_queries(
    client, ts_admin, django_assert_max_num_queries
):
    client.force_login(ts_admin)
    client.get(reverse("admin:index"))

    # Session, person, their permissions, and the coverage warnings' few grouped queries.
    with django_assert_max_num_queries(12):
        client.get(reverse("admin:index"))
