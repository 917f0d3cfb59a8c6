"""Misuse (DSA Art. 23): hellomod notices members whose reports are frequently manifestly
unfounded, or who frequently post manifestly illegal content, and opens one case for seniors;
a senior warns first, then suspends, case by case."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import MemberStatus
from reports.effects import outbox
from reports.models import (
    AppealOutcome,
    AuditEvent,
    Case,
    Category,
    Decision,
    DecisionAction,
    EscalationTier,
    FlaggerMembership,
    FlaggerOrganisation,
    Notification,
    OutboxMessage,
    Tier,
)
from reports.models.choices import CaseKind, EnforcementKind, Ground, MisuseKind
from reports.services.appeals.filing import appeal_decision
from reports.services.appeals.outcomes import decide_appeal
from reports.services.claims import claim_next_case
from reports.services.decisions.decide import decide
from reports.services.enforcement import lift_expired_enforcements
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def misuse_category(db) -> Category:
    return Category.objects.get(slug="reporting-misuse")


@pytest.fixture
def misuse_team(misuse_category):
    """The seniors who decide misuse cases: every tier above the frontline is theirs."""
    team = make_team(misuse_category, name="Reporting misuse seniors")
    EscalationTier.objects.filter(category=misuse_category, tier__gt=Tier.FRONTLINE).update(
        team=team
    )
    return team


@pytest.fixture
def misuse_senior(misuse_team):
    return make_moderator(role="Senior moderator", team=misuse_team, username="senior-sam")


@pytest.fixture
def second_senior(misuse_team):
    return make_moderator(role="Senior moderator", team=misuse_team, username="senior-kim")


@pytest.fixture
def misuse_frontline(misuse_category):
    """A moderator whose team covers the category at the frontline."""
    team = make_team(misuse_category, name="Reporting misuse frontline")
    EscalationTier.objects.filter(category=misuse_category, tier=Tier.FRONTLINE).update(team=team)
    return make_moderator(team=team, username="frontline-fay")


@pytest.fixture(autouse=True)
def _room_to_report(settings):
    settings.REPORTS_PER_HOUR = 500


def run_checks() -> int:
    ran = 0
    while message := OutboxMessage.objects.filter(topic="check_misuse", status="pending").first():
        assert outbox.run_message(message.pk) == "done"
        ran += 1
    return ran


def unfounded_reports(reporter, count, *, category, moderator):
    """`count` reports by `reporter` on strangers' messages, each decided "no violation"."""
    reports = []
    for _n in range(count):
        stranger = make_member()
        report = make_report(
            reporter=reporter, subject=stranger, category=category, content=make_content(stranger)
        )
        decide(case_id=report.case_id, moderator=moderator, action=DecisionAction.NO_VIOLATION)
        reports.append(report)
        run_checks()  # as the worker would, after each decision
    return reports


def illegal_strikes(member, count, *, category, moderator):
    for _n in range(count):
        report = make_report(
            reporter=make_member(), subject=member, category=category, content=make_content(member)
        )
        decide(
            case_id=report.case_id,
            moderator=moderator,
            action=DecisionAction.REMOVE_CONTENT,
            ground=Ground.ILLEGAL_CONTENT,
            legal_ground="§ 130 StGB (incitement to hatred)",
        )
    run_checks()


def misuse_cases(member):
    return Case.objects.filter(kind=CaseKind.MISUSE, subject=member)


def open_misuse_case(member) -> Case:
    return misuse_cases(member).get(status__in=("open", "escalated", "claimed"))


def test_twelve_unfounded_reports_make_one_case_a_warning_then_a_suspension_the_sweep_ends(
    spam, reporter, spam_moderator, misuse_senior, misuse_frontline
):
    reports = unfounded_reports(reporter, 12, category=spam, moderator=spam_moderator)

    case = misuse_cases(reporter).get()
    assert (case.misuse, case.tier, case.status) == (
        MisuseKind.UNFOUNDED_NOTICES,
        Tier.SENIOR,
        "escalated",
    )
    assert (case.category.slug, case.reason.slug) == ("reporting-misuse", "unfounded-reports")
    assert set(case.linked_reports.all()) == set(reports)
    opened = AuditEvent.objects.get(case=case, action="case.opened")
    assert opened.after["figures"]["decided"] == 10 and opened.after["figures"]["unfounded"] == 10
    assert "10 of 10 decided reports" in opened.message
    assert Notification.objects.filter(recipient=misuse_senior, case=case).exists()
    assert not Notification.objects.filter(recipient=misuse_frontline, case=case).exists()

    # Suspending without a warning first is refused, and says why.
    with pytest.raises(ValidationError) as refused:
        decide(
            case_id=case.pk,
            moderator=misuse_senior,
            action=DecisionAction.SUSPEND_REPORTING,
            duration=timedelta(days=14),
        )
    assert "Warn first" in str(refused.value.message_dict["action"])
    warning = decide(case_id=case.pk, moderator=misuse_senior, action=DecisionAction.WARN)
    assert not hasattr(warning, "strike") or not warning.strike  # no strike for misuse
    reporter.refresh_from_db()
    assert reporter.strike_count == 0

    # The reports counted before the warning are not counted again; ten more are.
    unfounded_reports(reporter, 9, category=spam, moderator=spam_moderator)
    assert misuse_cases(reporter).count() == 1
    unfounded_reports(reporter, 1, category=spam, moderator=spam_moderator)
    second = open_misuse_case(reporter)
    suspension = decide(
        case_id=second.pk,
        moderator=misuse_senior,
        action=DecisionAction.SUSPEND_REPORTING,
        duration=timedelta(days=14),
    )

    assert suspension.misuse == MisuseKind.UNFOUNDED_NOTICES
    assert not Decision.objects.filter(pk=suspension.pk, strike__isnull=False).exists()
    reporter.refresh_from_db()
    assert reporter.status == MemberStatus.ACTIVE  # they may still use the app
    assert reporter.reporting_suspended_until == suspension.ends_at
    until = timezone.localtime(suspension.ends_at).date()
    with pytest.raises(ValidationError) as paused:
        make_report(reporter=reporter, subject=make_member(), category=spam)
    assert f"Your reporting is paused until {until}" in str(paused.value.message_dict["reporter"])

    assert lift_expired_enforcements(now=suspension.ends_at + timedelta(minutes=1)) == 1
    reporter.refresh_from_db()
    assert reporter.reporting_suspended_until is None
    told = Notification.objects.filter(recipient=reporter, event="reporting_resumed")
    assert {n.subject for n in told} == {"Your reporting is no longer paused"}
    make_report(reporter=reporter, subject=make_member(), category=spam)


def test_the_misuse_case_waits_in_the_seniors_queue_and_frontline_never_sees_it(
    spam, reporter, spam_moderator, misuse_category, misuse_senior, misuse_frontline, client
):
    unfounded_reports(reporter, 10, category=spam, moderator=spam_moderator)
    case = open_misuse_case(reporter)

    assert claim_next_case(moderator=misuse_frontline, category=misuse_category) is None
    client.force_login(misuse_frontline)
    assert client.get(reverse("moderation:case", args=[case.pk])).status_code == 404
    assert claim_next_case(moderator=misuse_senior, category=misuse_category) == case


def test_a_reporting_suspension_is_never_decided_on_an_ordinary_case(
    spam, member, reporter, spam_moderator
):
    report = make_report(reporter=reporter, subject=member, category=spam)
    with pytest.raises(ValidationError) as refused:
        decide(
            case_id=report.case_id,
            moderator=spam_moderator,
            action=DecisionAction.SUSPEND_REPORTING,
            duration=timedelta(days=14),
        )
    assert "only on a misuse case" in str(refused.value.message_dict["action"])


def test_illegal_content_three_strikes_a_warning_then_an_account_suspension(
    spam, member, spam_moderator, misuse_senior
):
    illegal_strikes(member, 3, category=spam, moderator=spam_moderator)

    case = misuse_cases(member).get()
    assert (case.misuse, case.reason.slug) == (MisuseKind.ILLEGAL_CONTENT, "illegal-content")
    assert case.linked_reports.count() == 3
    with pytest.raises(ValidationError):
        decide(
            case_id=case.pk,
            moderator=misuse_senior,
            action=DecisionAction.SUSPEND_REPORTING,
            duration=timedelta(days=14),
        )
    decide(case_id=case.pk, moderator=misuse_senior, action=DecisionAction.WARN)

    illegal_strikes(member, 3, category=spam, moderator=spam_moderator)
    suspension = decide(
        case_id=open_misuse_case(member).pk,
        moderator=misuse_senior,
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=14),
    )

    assert suspension.misuse == MisuseKind.ILLEGAL_CONTENT
    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert member.strike_count == 6  # the content's strikes; none for the misuse decisions


def test_a_flagger_organisations_unfounded_notices_suspend_the_organisation(
    spam, spam_moderator, misuse_senior
):
    hotline = FlaggerOrganisation.objects.create(
        name="Hate Speech Hotline",
        contact_email="notices@hotline.example",
        designated_on=date(2025, 3, 1),
        designated_by="Bundesnetzagentur",
    )
    ann, ben = (make_member(is_trusted_flagger=True) for _n in range(2))
    for flagger in (ann, ben):
        FlaggerMembership.objects.create(organisation=hotline, member=flagger)

    unfounded_reports(ann, 5, category=spam, moderator=spam_moderator)
    unfounded_reports(ben, 5, category=spam, moderator=spam_moderator)

    case = Case.objects.get(kind=CaseKind.MISUSE)
    assert case.subject == ben  # who sent the notice that tipped it
    assert "Hate Speech Hotline" in AuditEvent.objects.get(case=case, action="case.opened").message
    assert case.linked_reports.count() == 10
    decide(case_id=case.pk, moderator=misuse_senior, action=DecisionAction.WARN)
    unfounded_reports(ann, 10, category=spam, moderator=spam_moderator)
    second = Case.objects.get(kind=CaseKind.MISUSE, status="escalated")
    assert second.subject == ann  # this time Ann's notice tipped it
    # Ben's warning warned the organisation: Ann's case may suspend.
    suspension = decide(
        case_id=second.pk,
        moderator=misuse_senior,
        action=DecisionAction.SUSPEND_REPORTING,
        duration=timedelta(days=14),
    )

    hotline.refresh_from_db()
    assert hotline.reporting_suspended_until == suspension.ends_at
    with pytest.raises(ValidationError) as paused:
        make_report(reporter=ann, subject=make_member(), category=spam)
    assert "Hate Speech Hotline's notices are paused" in str(paused.value)

    lift_expired_enforcements(now=suspension.ends_at + timedelta(minutes=1))
    hotline.refresh_from_db()
    assert hotline.reporting_suspended_until is None


def test_a_reporting_suspension_reversed_on_appeal_lets_the_member_report_again(
    spam, reporter, spam_moderator, misuse_senior, second_senior, settings
):
    settings.DECISION_UNDO_WINDOW = timedelta(0)  # told at once: appealable at once
    unfounded_reports(reporter, 10, category=spam, moderator=spam_moderator)
    decide(case_id=open_misuse_case(reporter).pk, moderator=misuse_senior, action="warn")
    unfounded_reports(reporter, 10, category=spam, moderator=spam_moderator)
    suspension = decide(
        case_id=open_misuse_case(reporter).pk,
        moderator=misuse_senior,
        action=DecisionAction.SUSPEND_REPORTING,
        duration=timedelta(days=14),
    )
    appeal = appeal_decision(
        appellant=reporter,
        decision=suspension,
        statement="Those messages were scams; I reported them in good faith.",
    )
    decide_appeal(
        appeal_id=appeal.pk,
        moderator=second_senior,
        outcome=AppealOutcome.REVERSED,
        answer="The reports were made in good faith about messages that looked like scams.",
    )

    reporter.refresh_from_db()
    assert reporter.reporting_suspended_until is None
    assert suspension.enforcements.get().kind == EnforcementKind.SUSPEND_REPORTING
    make_report(reporter=reporter, subject=make_member(), category=spam)


def test_misuse_cases_are_never_decided_in_bulk(spam, reporter, spam_moderator, misuse_senior):
    from reports.services.bulk import start_bulk_decision

    unfounded_reports(reporter, 10, category=spam, moderator=spam_moderator)
    case = open_misuse_case(reporter)
    with pytest.raises(ValidationError) as refused:
        start_bulk_decision(
            moderator=misuse_senior,
            category=case.category,
            case_ids=[case.pk],
            action=DecisionAction.WARN,
        )
    assert "never in bulk" in str(refused.value)


def test_the_case_page_offers_exactly_the_misuse_decisions(
    spam, reporter, spam_moderator, misuse_senior, client
):
    unfounded_reports(reporter, 10, category=spam, moderator=spam_moderator)
    case = open_misuse_case(reporter)
    client.force_login(misuse_senior)

    response = client.get(reverse("moderation:case", args=[case.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _label in form.fields["action"].choices] == [
        "no_violation",
        "warn",
        "suspend_reporting",
    ]
    assert form.fields["days"].initial == 14
    assert not form.fields["also_cases"].choices
    assert "Suspend from reporting" in response.content.decode()


def test_the_case_page_of_a_misuse_case_lists_its_linked_reports(
    spam, reporter, spam_moderator, misuse_senior, client
):
    reports = unfounded_reports(reporter, 10, category=spam, moderator=spam_moderator)
    client.force_login(misuse_senior)

    response = client.get(reverse("moderation:case", args=[open_misuse_case(reporter).pk]))

    page = response.content.decode()
    for report in reports:
        assert report.reference in page


def test_a_trust_and_safety_admin_changes_the_policy_on_the_record(client, ts_admin):
    from reports.models import MisusePolicy

    client.force_login(ts_admin)
    url = reverse("admin:reports_misusepolicy_change", args=[1])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "window": "30 00:00:00",
            "minimum_decided_reports": "20",
            "unfounded_share": "80",
            "illegal_strikes": "3",
            "suspension_length": "14 00:00:00",
        },
    )

    assert response.status_code == 302
    assert MisusePolicy.current().minimum_decided_reports == 20
    event = AuditEvent.objects.get(action="misusepolicy.changed")
    assert (event.actor, event.before, event.after) == (
        ts_admin,
        {"minimum_decided_reports": 10, "unfounded_share": 75},
        {"minimum_decided_reports": 20, "unfounded_share": 80},
    )
    bad = client.post(
        url, {"window": "0", "minimum_decided_reports": "0", "unfounded_share": "101"}
    )
    assert bad.status_code == 200 and "A share between 1 and 100 percent." in bad.content.decode()


def test_moderators_cannot_change_the_misuse_policy(client, senior):
    client.force_login(senior)
    url = reverse("admin:reports_misusepolicy_change", args=[1])
    assert client.get(url).status_code == 403
