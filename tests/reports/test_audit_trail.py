"""The case page's "What happened to this case" reads as sentences a moderator understands: who
did what, the action by its label, and only what changed, in words and in their language."""

import html as markup
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import MemberStatus
from reports.models import AuditEvent, Decision, DecisionAction, Tier
from reports.services.claims import claim_case, release_case
from reports.services.decisions.decide import decide
from reports.services.escalation import escalate_case
from tests.conftest import make_member
from tests.reports.test_moderation_pages import content_case

pytestmark = pytest.mark.django_db


def trail_rows(client, case) -> list[str]:
    """The rows of the trail as the moderator reads them, newest first."""
    html = client.get(reverse("moderation:case", args=[case.pk])).content.decode()
    table = html[html.index('id="audit-title"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr data-action[^>]*>(.*?)</tr>", table, flags=re.S)
    return [markup.unescape(" ".join(re.sub(r"<[^>]+>", " | ", row).split())) for row in rows]


def row_of(rows: list[str], label: str) -> str:
    return next(row for row in rows if f"| {label} |" in row)


@pytest.fixture
def worked_case(spam, spam_moderator, senior):
    """A case claimed, released, claimed again, escalated, then suspended by a senior."""
    senior.display_name = "Senior Sam"
    senior.save(update_fields=["display_name"])
    case = content_case(spam, subject=make_member(display_name="Reported Rita"))
    claim_case(case_id=case.pk, moderator=spam_moderator)
    release_case(case_id=case.pk, moderator=spam_moderator)
    claim_case(case_id=case.pk, moderator=spam_moderator)
    escalate_case(case_id=case.pk, moderator=spam_moderator, note="Looks like a ring.")
    claim_case(case_id=case.pk, moderator=senior)
    decide(
        case_id=case.pk,
        moderator=senior,
        action="suspend",
        duration=timedelta(days=7),
        facts="Sold followers.",
    )
    return case


def test_a_claim_says_who_claimed_the_case(client, worked_case, spam_moderator, senior):
    client.force_login(senior)

    rows = trail_rows(client, worked_case)

    claims = [row for row in rows if "| Case claimed |" in row]
    assert len(claims) == 3
    assert "Held by: — → Senior Sam" in claims[0]
    assert "Held by: — → Moderator Mo" in claims[1]
    assert "Status: Escalated → Claimed" in claims[0]
    assert "Held until:" in claims[0]
    released = row_of(rows, "Case released")
    assert "Held by: Moderator Mo → —" in released
    assert "Status: Claimed → Open" in released


def test_only_what_changed_is_shown_and_in_words(client, worked_case, senior):
    client.force_login(senior)

    rows = trail_rows(client, worked_case)

    decided = row_of(rows, "Decision recorded")
    assert "Decision: Suspend" in decided
    assert "Length: 7 days" in decided
    assert "Status: Claimed → Decided" in decided
    assert "Member's status: Active → Suspended" in decided
    assert "Strikes: 0 → 1" in decided
    # Closing a case records its tier beforehand only: that is no change, not a removal.
    assert "Tier" not in decided
    assert "→ —" not in decided
    assert "Sold followers." in decided
    escalated = row_of(rows, "Case escalated")
    assert "Tier: Moderator → Senior moderator" in escalated
    assert "Why: Asked by a moderator" in escalated
    assert "Looks like a ring." in escalated


def test_no_code_is_left_on_the_trail(client, worked_case, senior):
    client.force_login(senior)

    rows = trail_rows(client, worked_case)

    assert rows
    recorded = set(AuditEvent.objects.filter(case=worked_case).values_list("action", flat=True))
    for row in rows:
        for code in recorded:
            assert code not in row, row
        # No raw ids, statuses, ISO times or field names.
        assert not re.search(r"\b(claimed_by|lease_expires_at|suspend_member|None)\b", row), row
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", row), row


def test_the_trail_reads_in_the_moderator_s_language(client, worked_case, senior):
    senior.preferred_language = "zh-hans"
    senior.save(update_fields=["preferred_language"])
    client.force_login(senior)

    html = client.get(
        reverse("moderation:case", args=[worked_case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    trail = html[html.index('id="audit-title"') :]
    trail = trail[: trail.index("</table>")]
    assert "案件已创建" in trail  # "Case opened"
    with translation.override("zh-hans"):
        tiers = f"{Tier.FRONTLINE.label} → {Tier.SENIOR.label}"
        suspend = str(DecisionAction.SUSPEND.label)
        statuses = f"{MemberStatus.ACTIVE.label} → {MemberStatus.SUSPENDED.label}"
    assert tiers in trail and "Moderator → Senior moderator" not in trail
    assert suspend in trail and "Suspend<" not in trail
    assert statuses in trail


def test_a_job_is_named_in_words(client, spam, spam_moderator, settings):
    from reports.services.sweeps import release_expired_leases

    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=spam_moderator)
    case.refresh_from_db()
    release_expired_leases(now=case.lease_expires_at + timedelta(seconds=1))
    client.force_login(spam_moderator)

    expired = row_of(trail_rows(client, case), "Case lease expired")

    assert "Lease sweep (automatic)" in expired
    assert "job:" not in expired
    assert "Held by: Moderator Mo → —" in expired


def test_the_trail_costs_no_query_per_event(
    client, spam, spam_moderator, senior, django_assert_max_num_queries
):
    case = content_case(spam)
    for _ in range(20):
        claim_case(case_id=case.pk, moderator=spam_moderator)
        release_case(case_id=case.pk, moderator=spam_moderator)
    decide(case_id=case.pk, moderator=spam_moderator, action="warn")
    assert Decision.objects.filter(case=case).exists()
    client.force_login(spam_moderator)

    # The case page's own budget (test_moderation_pages): the trail adds none per event.
    with django_assert_max_num_queries(26):
        assert client.get(reverse("moderation:case", args=[case.pk])).status_code == 200


def test_a_take_over_says_from_whom_and_to_whom(client, spam, spam_moderator, senior):
    from reports.services.claims import take_over_case

    senior.display_name = "Senior Sam"
    senior.save(update_fields=["display_name"])
    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=spam_moderator)
    take_over_case(case_id=case.pk, moderator=senior, holder_id=spam_moderator.pk)
    client.force_login(senior)

    taken = row_of(trail_rows(client, case), "Case taken over")

    assert "| Senior Sam |" in taken
    assert "Held by: Moderator Mo → Senior Sam" in taken
