"""The product ships with the nine categories of the community's reporting page."""

import pytest
from django.contrib.auth.models import Group

from reports.models import Category, Reason, Severity, Tier
from reports.models.choices import SANCTIONS

pytestmark = pytest.mark.django_db

SHIPPED = [
    "dating-sexual",
    "hate-abuse",
    "spam-solicitation",
    "inappropriate-profile",
    "harassment",
    "fake-account",
    "rights-infringement",
    "malware-scraping",
    "service-abuse",
]


def test_the_nine_categories_exist_in_the_page_order_after_migrate():
    reportable = Category.objects.filter(purpose="reports")
    assert list(reportable.values_list("slug", flat=True)) == SHIPPED
    assert all(c.is_active for c in Category.objects.all())
    # And one more that members never see: the cases hellomod opens itself (DSA Art. 23).
    assert list(Category.objects.exclude(purpose="reports").values_list("slug", "purpose")) == [
        ("reporting-misuse", "misuse")
    ]


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("dating-sexual", ["dating", "flirting", "sex"]),
        (
            "hate-abuse",
            [
                "racism",
                "sexism",
                "religious",
                "political",
                "threats",
                "violence",
                "obscene",
                "unlawful",
                "self-harm",
                "private information",
                "screenshots",
                "rudeness",
            ],
        ),
        ("spam-solicitation", ["commercial", "social account", "contact", "donations", "repeated"]),
        ("inappropriate-profile", ["photos", "username", "ID", "self-introduction"]),
        ("harassment", ["harms", "stalks", "bullies", "harasses", "chats, posts or comments"]),
        (
            "fake-account",
            [
                "several accounts",
                "nationality",
                "native language",
                "age",
                "gender",
                "pretending to be someone else",
                "organisation",
            ],
        ),
        ("rights-infringement", ["copyright", "trademark", "patent", "trade secret", "privacy"]),
        ("malware-scraping", ["viruses", "harmful code", "links", "robots", "data mining"]),
        (
            "service-abuse",
            [
                "disrupting",
                "overloading",
                "security",
                "automatically",
                "systematically",
                "programs",
            ],
        ),
    ],
)
def test_member_facing_descriptions_cover_every_point_of_the_page(slug, words):
    category = Category.objects.get(slug=slug)
    for word in words:
        assert word.lower() in category.description.lower(), word
    assert category.translations["zh-hans"]["name"]
    assert category.translations["zh-hans"]["description"]


def test_self_harm_and_threats_are_critical_while_rudeness_is_not():
    reasons = {r.slug: r for r in Reason.objects.filter(category__slug="hate-abuse")}

    assert reasons["self-harm"].is_critical
    assert reasons["threat"].is_critical
    assert reasons["self-harm"].effective_severity == Severity.CRITICAL
    assert not reasons["rudeness"].is_critical
    assert reasons["rudeness"].effective_severity == Severity.LOW
    assert reasons["self-harm"].effective_sla < reasons["hate"].effective_sla
    assert reasons["rudeness"].effective_sla > reasons["hate"].effective_sla


def test_a_reason_without_its_own_severity_inherits_its_category():
    reason = Reason.objects.get(category__slug="spam-solicitation", slug="advertising")

    assert reason.severity is None
    assert reason.effective_severity == reason.category.severity
    assert reason.effective_sla == reason.category.sla


def test_every_category_comes_with_a_policy_tiers_a_ladder_and_statements():
    for category in Category.objects.filter(purpose="reports"):
        assert category.policy.escalation_threshold >= 2
        assert sorted(category.tiers.values_list("tier", flat=True)) == sorted(Tier.values)
        offences = list(category.ladder.values_list("offence", flat=True))
        assert offences == list(range(1, len(offences) + 1))
        templated = set(category.statement_templates.values_list("action", flat=True))
        # Care (support, a welfare check) sends a built-in caring text unless an admin writes one.
        assert templated == set(SANCTIONS)
    misuse = Category.objects.get(slug="reporting-misuse")
    assert sorted(misuse.tiers.values_list("tier", flat=True)) == sorted(Tier.values)
    assert not misuse.ladder.exists()  # nothing is suggested: a senior weighs each case
    for language in ("en", "zh-hans"):
        assert set(
            misuse.statement_templates.filter(language=language).values_list("action", flat=True)
        ) == {"no_violation", "warn", "suspend_reporting", "suspend"}


def test_the_three_roles_exist_with_growing_permissions():
    moderator = Group.objects.get(name="Moderator")
    senior = Group.objects.get(name="Senior moderator")
    admin = Group.objects.get(name="Trust & Safety admin")
    perms = {
        g.name: set(g.permissions.values_list("codename", flat=True))
        for g in (moderator, senior, admin)
    }

    assert "work_queue" in perms["Moderator"]
    assert "work_escalated" not in perms["Moderator"]
    assert "change_category" not in perms["Moderator"]
    assert perms["Moderator"] < perms["Senior moderator"] < perms["Trust & Safety admin"]
    assert {"work_escalated", "decide_appeal"} <= perms["Senior moderator"]
    assert {"change_category", "change_policy", "change_team"} <= perms["Trust & Safety admin"]
