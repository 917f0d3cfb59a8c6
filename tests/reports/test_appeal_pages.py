"""The seniors' appeal pages: the overview, a category's appeals, the appeal page and its answer.

Appeals are made the way members make them: a moderator decides a case (before the undo window
closes, so the member has been told), then the member appeals or the reporter asks for a review.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import MemberStatus, User
from reports.evidence import clean_image
from reports.models import (
    Appeal,
    AppealEvidence,
    AppealOutcome,
    AppealStatus,
    AuditAction,
    AuditEvent,
    Case,
    CaseStatus,
    Decision,
    DecisionAction,
    Report,
    Strike,
    Visibility,
)
from reports.services.appeals.filing import appeal_decision, ask_for_review
from reports.services.appeals.work import claim_appeal
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team, upload

FACTS = "Sent the same link to forty learners in one hour."
STATEMENT = "That link was my own study group, not an advert. I asked the room first."
ANSWER = (
    "We looked at the messages and the rules of the room: the link was an advert, so it stands."
)


# --- How appeals come about ----------------------------------------------------------------------


def decided_before(
    moderator: User,
    member: User,
    category,
    *,
    action=DecisionAction.SUSPEND,
    days: int | None = 30,
    content: bool = True,
    reporters: int = 1,
    ago=timedelta(hours=2),
) -> Decision:
    """A reported message, decided `ago` (long enough for the member to have been told)."""
    with time_machine.travel(timezone.now() - ago, tick=False):
        text = make_content(member, text="Join my group: cheap-visas.example") if content else None
        for _ in range(reporters):
            report = make_report(
                reporter=make_member(display_name="Reporter Rosa"),
                subject=member,
                category=category,
                content=text,
                description="Posted in every room I am in.",
                evidence=[clean_image(upload())],
            )
        decision = decide(
            case_id=report.case_id,
            moderator=moderator,
            action=action,
            duration=timedelta(days=days) if days else None,
            facts=FACTS,
        )
    return decision


def appealed(moderator: User, member: User, category, *, screenshots: int = 0, **decision):
    decision = decided_before(moderator, member, category, **decision)
    return appeal_decision(
        appellant=member,
        decision=decision,
        statement=STATEMENT,
        evidence=[clean_image(upload()) for _ in range(screenshots)],
    )


def reviewed(moderator: User, member: User, category) -> Appeal:
    """A reporter asks for a review of a "no violation" on their report."""
    decision = decided_before(
        moderator, member, category, action=DecisionAction.NO_VIOLATION, days=None
    )
    report = Report.objects.get(case=decision.case)
    return ask_for_review(
        reporter=report.reporter, report=report, statement="He sells visas in every room."
    )


def nothing_decided(appeal: Appeal) -> None:
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.decided_by) == (AppealStatus.OPEN, "", None)
    decision = Decision.objects.get(pk=appeal.decision_id)
    assert not decision.is_reversed
    assert not Decision.objects.filter(replaces=decision).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.APPEAL_DECIDED).exists()


def page_of(client, user: User, appeal: Appeal):
    client.force_login(user)
    return client.get(reverse("moderation:appeal", args=[appeal.pk]))


def decide_on_page(client, senior: User, appeal: Appeal, **data):
    client.force_login(senior)
    return client.post(reverse("moderation:decide-appeal", args=[appeal.pk]), data, follow=True)


# --- The people --------------------------------------------------------------------------------


@pytest.fixture
def second_senior(spam_team) -> User:
    return make_moderator(
        role="Senior moderator", team=spam_team, username="sam", display_name="Sam Second"
    )


@pytest.fixture
def hate_senior(hate) -> User:
    return make_moderator(
        role="Senior moderator", team=make_team(hate, name="Hate seniors"), username="hana"
    )


@pytest.fixture
def teamless_senior(db) -> User:
    """A senior moderator no team has taken in yet: no category, so no appeals."""
    return make_moderator(role="Senior moderator", username="newcomer")


@pytest.fixture
def appeal(senior, member, spam) -> Appeal:
    """Rita appeals a 30-day suspension the senior decided; she attached a screenshot."""
    return appealed(senior, member, spam, screenshots=1)


# --- Who opens what ----------------------------------------------------------------------------


def every_url(appeal: Appeal) -> dict[str, tuple[str, str]]:
    evidence = AppealEvidence.objects.get(appeal=appeal)
    slug = appeal.category.slug
    return {
        "overview": ("get", reverse("moderation:appeals")),
        "queue": ("get", reverse("moderation:appeal-queue", args=[slug])),
        "decided": ("get", reverse("moderation:appeal-queue", args=[slug]) + "?show=decided"),
        "next": ("post", reverse("moderation:next-appeal", args=[slug])),
        "page": ("get", reverse("moderation:appeal", args=[appeal.pk])),
        "decide": ("post", reverse("moderation:decide-appeal", args=[appeal.pk])),
        "lease": ("post", reverse("moderation:appeal-lease", args=[appeal.pk])),
        "take": ("post", reverse("moderation:take-appeal", args=[appeal.pk])),
        "release": ("post", reverse("moderation:release-appeal", args=[appeal.pk])),
        "evidence": ("get", reverse("moderation:appeal-evidence", args=[evidence.pk])),
        "thumbnail": ("get", reverse("moderation:appeal-evidence-thumbnail", args=[evidence.pk])),
    }


NOBODY = dict.fromkeys(
    [
        "overview",
        "queue",
        "decided",
        "next",
        "page",
        "decide",
        "lease",
        "take",
        "release",
        "evidence",
        "thumbnail",
    ],
    404,
)
# In order: "next" hands them this appeal, so the lease is theirs to renew; "decide" is sent
# with an empty form.
A_SENIOR_OF_THE_TEAM = {
    "overview": 200,
    "queue": 200,
    "decided": 200,
    "next": 302,
    "page": 200,
    "decide": 400,
    "lease": 200,
    "take": 302,
    "release": 302,
    "evidence": 200,
    "thumbnail": 200,
}
EXPECTED = {
    "member": NOBODY,
    "spam_moderator": NOBODY,
    "teamless_senior": NOBODY,
    "hate_senior": {**NOBODY, "overview": 200},
    # The deciding senior reads the appeal but is never handed it, so holds no lease, and may
    # not decide it: the empty form is not theirs to correct, they are sent back with why.
    "senior": {**A_SENIOR_OF_THE_TEAM, "lease": 409, "decide": 302},
    "second_senior": A_SENIOR_OF_THE_TEAM,
    "ts_admin": A_SENIOR_OF_THE_TEAM,
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_persona_opens_only_what_is_theirs(client, request, appeal, persona):
    person = request.getfixturevalue(persona)
    client.force_login(person)

    answers = {}
    for name, (method, url) in every_url(appeal).items():
        answers[name] = getattr(client, method)(url).status_code

    assert answers == EXPECTED[persona]


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, appeal):
    for method, url in every_url(appeal).values():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_pages_that_change_something_refuse_get(client, appeal, second_senior):
    client.force_login(second_senior)
    for name in ("next", "decide", "lease", "take", "release"):
        url = every_url(appeal)[name][1]
        assert client.get(url).status_code == 405, name


# --- The overview and the queue ------------------------------------------------------------------


@pytest.mark.django_db
def test_overview_counts_open_and_overdue_appeals_per_category(
    client, spam, hate, senior, spam_moderator, second_senior
):
    first = appealed(spam_moderator, make_member(), spam)
    appealed(spam_moderator, make_member(), spam)
    Appeal.objects.filter(pk=first.pk).update(
        due_at=timezone.now() - timedelta(hours=5), received_at=timezone.now() - timedelta(days=4)
    )
    client.force_login(second_senior)

    response = client.get(reverse("moderation:appeals"))

    assert response.status_code == 200
    [queue] = response.context["queues"]
    assert (queue.category, queue.open, queue.overdue) == (spam, 2, 1)
    page = response.content.decode()
    assert reverse("moderation:appeal-queue", args=[spam.slug]) in page
    assert "4 days" in page  # the oldest has waited four days
    assert hate.name not in page


@pytest.mark.django_db
def test_queue_lists_open_appeals_due_first_and_marks_the_viewers_own_decisions(
    client, spam, senior, spam_moderator, second_senior
):
    later = appealed(spam_moderator, make_member(), spam)
    own = appealed(senior, make_member(), spam)
    review = reviewed(spam_moderator, make_member(), spam)
    Appeal.objects.filter(pk=later.pk).update(due_at=timezone.now() + timedelta(days=9))
    claim_appeal(appeal_id=review.pk, moderator=second_senior)
    client.force_login(senior)

    response = client.get(reverse("moderation:appeal-queue", args=[spam.slug]))

    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [row.appeal for row in rows] == [own, review, later]
    assert [row.own for row in rows] == [True, False, False]
    page = response.content.decode()
    assert "Your decision: another senior decides it." in page
    assert "Reporter's review" in page
    assert "Sam Second" in page  # who holds the review
    assert "Suspend · 30 days" in page


@pytest.mark.django_db
def test_decided_tab_shows_outcome_decider_and_time_to_decision(
    client, spam, spam_moderator, second_senior, member
):
    appeal = appealed(spam_moderator, member, spam)
    Appeal.objects.filter(pk=appeal.pk).update(received_at=timezone.now() - timedelta(hours=3))
    decide_on_page(client, second_senior, appeal, outcome="upheld", answer=ANSWER)

    response = client.get(reverse("moderation:appeal-queue", args=[spam.slug]), {"show": "decided"})

    assert [row.appeal for row in response.context["page"].rows] == [appeal]
    page = response.content.decode()
    assert "Decision upheld" in page
    assert "Sam Second" in page
    assert "3 h 00" in page


@pytest.mark.django_db
def test_an_empty_queue_says_so(client, spam, second_senior):
    client.force_login(second_senior)
    response = client.get(reverse("moderation:appeal-queue", args=[spam.slug]))
    assert "No appeal is waiting in this category." in response.content.decode()


# --- Next appeal -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_next_appeal_never_hands_the_decider_their_own_appeal(client, appeal, senior, spam):
    client.force_login(senior)

    response = client.post(reverse("moderation:next-appeal", args=[spam.slug]), follow=True)

    assert response.redirect_chain == [(reverse("moderation:appeal-queue", args=[spam.slug]), 302)]
    assert "No appeal is waiting." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.claimed_by is None


@pytest.mark.django_db
def test_next_appeal_hands_another_senior_the_one_due_first(
    client, spam, senior, spam_moderator, second_senior
):
    appealed(spam_moderator, make_member(), spam)
    first = appealed(spam_moderator, make_member(), spam)
    Appeal.objects.filter(pk=first.pk).update(due_at=timezone.now() + timedelta(hours=1))
    client.force_login(second_senior)

    response = client.post(reverse("moderation:next-appeal", args=[spam.slug]))

    assert response["Location"] == reverse("moderation:appeal", args=[first.pk])
    first.refresh_from_db()
    assert first.claimed_by == second_senior


@pytest.mark.django_db
def test_skip_to_next_gives_the_current_appeal_back(client, spam, spam_moderator, second_senior):
    current = appealed(spam_moderator, make_member(), spam)
    following = appealed(spam_moderator, make_member(), spam)
    claim_appeal(appeal_id=current.pk, moderator=second_senior)
    client.force_login(second_senior)

    response = client.post(
        reverse("moderation:next-appeal", args=[spam.slug]), {"release": str(current.pk)}
    )

    assert response["Location"] == reverse("moderation:appeal", args=[following.pk])
    current.refresh_from_db()
    assert current.claimed_by is None


# --- Taking, keeping and giving back -------------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_free_appeal_does_not_take_it_and_take_does(client, appeal, second_senior):
    response = page_of(client, second_senior, appeal)

    appeal.refresh_from_db()
    assert appeal.claimed_by is None
    page = response.content.decode()
    assert "Nobody holds this appeal." in page
    assert "Take this appeal" in page
    assert "data-lease-url" not in page

    client.post(reverse("moderation:take-appeal", args=[appeal.pk]))

    appeal.refresh_from_db()
    assert appeal.claimed_by == second_senior
    page = page_of(client, second_senior, appeal).content.decode()
    assert reverse("moderation:appeal-lease", args=[appeal.pk]) in page
    assert "You hold this appeal" in page
    assert "Take this appeal" not in page


@pytest.mark.django_db
def test_the_lease_is_renewed_while_the_page_is_open_and_released_on_leaving(
    client, appeal, second_senior
):
    claim_appeal(appeal_id=appeal.pk, moderator=second_senior)
    client.force_login(second_senior)
    later = timezone.now() + timedelta(minutes=10)

    with time_machine.travel(later, tick=False):
        response = client.post(
            reverse("moderation:appeal-lease", args=[appeal.pk]), HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 200
    appeal.refresh_from_db()
    assert appeal.lease_expires_at == later + settings.CASE_LEASE

    # The page's beacon, when the senior follows a link away.
    response = client.post(reverse("moderation:release-appeal", args=[appeal.pk]), {"beacon": "1"})
    assert response.json() == {"released": True}
    appeal.refresh_from_db()
    assert appeal.claimed_by is None

    response = client.post(reverse("moderation:appeal-lease", args=[appeal.pk]))
    assert response.status_code == 409
    assert "no longer hold" in response.json()["error"]


@pytest.mark.django_db
def test_release_gives_the_appeal_back_to_its_queue(client, appeal, second_senior, spam):
    claim_appeal(appeal_id=appeal.pk, moderator=second_senior)
    client.force_login(second_senior)

    response = client.post(reverse("moderation:release-appeal", args=[appeal.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("moderation:appeal-queue", args=[spam.slug])
    assert f"Appeal {appeal.reference} is back in the queue." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.claimed_by is None


@pytest.mark.django_db
def test_another_senior_holding_it_disables_the_panel_and_says_who(
    client, appeal, second_senior, ts_admin
):
    claim_appeal(appeal_id=appeal.pk, moderator=second_senior)
    appeal.refresh_from_db()
    until = timezone.localtime(appeal.lease_expires_at).strftime("%H:%M")

    response = page_of(client, ts_admin, appeal)

    page = response.content.decode()
    assert f"Sam Second is working on this appeal (until {until})." in page
    assert '<fieldset class="stack" disabled>' in page

    response = client.post(reverse("moderation:take-appeal", args=[appeal.pk]), follow=True)
    assert "Sam Second is working on this appeal" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.claimed_by == second_senior


@pytest.mark.django_db
def test_the_decider_reads_the_appeal_but_cannot_take_or_decide_it(client, appeal, senior):
    response = page_of(client, senior, appeal)

    page = response.content.decode()
    assert "You took part in this decision: another senior decides its appeal." in page
    assert '<fieldset class="stack" disabled>' in page
    assert "Take this appeal" not in page

    client.post(reverse("moderation:take-appeal", args=[appeal.pk]))
    response = client.post(
        reverse("moderation:decide-appeal", args=[appeal.pk]),
        {"outcome": "reversed", "answer": "My own mistake."},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("moderation:appeal", args=[appeal.pk]), 302)]
    assert "another senior decides its appeal" in response.content.decode()
    nothing_decided(appeal)
    assert appeal.claimed_by is None


@pytest.mark.django_db
def test_a_confirmer_of_a_ban_is_a_decider_too(client, spam, spam_moderator, senior, member):
    from reports.models import Policy
    from reports.services.decisions.four_eyes import confirm_ban

    Policy.objects.filter(category=spam).update(four_eyes_for_bans=True)
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        proposal = decided_before(
            spam_moderator, member, spam, action=DecisionAction.BAN, days=None, ago=timedelta(0)
        )
        confirm_ban(decision_id=proposal.pk, moderator=senior)
    appeal = appeal_decision(appellant=member, decision=proposal, statement=STATEMENT)

    page = page_of(client, senior, appeal).content.decode()

    assert "You took part in this decision" in page
    assert "Confirmed by" in page


# --- The appeal page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_appeal_and_the_decision_as_it_was_taken(
    client, appeal, second_senior, member
):
    second_senior.blur_media = True
    second_senior.save(update_fields=["blur_media"])
    decision = appeal.decision
    report = Report.objects.get(case=appeal.case)

    response = page_of(client, second_senior, appeal)

    assert response.status_code == 200
    page = response.content.decode()
    assert appeal.reference in page
    assert "That link was my own study group" in page
    assert member.public_id in page
    evidence = AppealEvidence.objects.get(appeal=appeal)
    assert reverse("moderation:appeal-evidence-thumbnail", args=[evidence.pk]) in page
    # The decision as it was taken and sent.
    assert FACTS in page
    assert "Suspend" in page
    assert decision.ends_at and timezone.localtime(decision.ends_at).strftime("%Y-%m-%d") in page
    statement = response.context["decision"].statement_of_reasons
    assert f'<pre class="statement">{escape(statement)}</pre>' in page
    assert decision.moderator.display_name in page
    # The reported content and the report, its reporter by public id only.
    assert "cheap-visas.example" in page
    assert report.reference in page
    assert report.reporter.public_id in page
    assert "Reporter Rosa" not in page
    assert reverse("reports:evidence-thumbnail", args=[report.evidence.get().pk]) in page
    assert "sensitive blurred" in page
    # The member's record.
    assert "1 strike in force" in page
    assert "Uphold: the decision stands" in page
    assert "Replace with a milder decision" in page


@pytest.mark.django_db
def test_only_milder_decisions_are_offered_in_place(client, appeal, second_senior):
    form = page_of(client, second_senior, appeal).context["form"]

    offered = [value for value, label in form.fields["action"].choices]

    assert offered == ["warn", "remove_content", "restrict", "suspend"]
    assert "fewer than 30 days" in dict(form.fields["action"].choices)["suspend"]


@pytest.mark.django_db
def test_a_warning_about_a_member_offers_no_milder_decision(
    client, spam, spam_moderator, second_senior, member
):
    appeal = appealed(
        spam_moderator, member, spam, action=DecisionAction.WARN, days=None, content=False
    )

    response = page_of(client, second_senior, appeal)

    assert response.context["form"].fields["action"].choices == []
    assert "remove_content" not in response.context["form"].fields
    assert "Nothing is milder than this decision" in response.content.decode()


@pytest.mark.django_db
def test_a_reporters_review_shows_the_report_in_question(
    client, spam, spam_moderator, second_senior, member
):
    review = reviewed(spam_moderator, member, spam)

    response = page_of(client, second_senior, review)

    page = response.content.decode()
    assert "Reporter's review" in page
    assert "the report under review" in page
    assert review.report.reference in page
    assert "No violation stands" in page
    assert "Reopen the case for another moderator" in page
    assert "Replace with a milder decision" not in page
    assert "Moderator Mo" in page  # who decided, and who will not decide it again


# --- Deciding through the page ------------------------------------------------------------------


@pytest.mark.django_db
def test_upholding_keeps_the_decision_and_answers_the_member(
    client, appeal, second_senior, member, spam
):
    response = decide_on_page(client, second_senior, appeal, outcome="upheld", answer=ANSWER)

    assert response.redirect_chain == [(reverse("moderation:appeal-queue", args=[spam.slug]), 302)]
    assert f"Appeal {appeal.reference} decided: Decision upheld." in response.content.decode()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.decided_by, appeal.answer) == (
        AppealStatus.DECIDED,
        AppealOutcome.UPHELD,
        second_senior,
        ANSWER,
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert not Decision.objects.get(pk=appeal.decision_id).is_reversed


@pytest.mark.django_db
def test_reversing_takes_back_what_the_decision_did(client, appeal, second_senior, member):
    content = appeal.case.content

    response = decide_on_page(client, second_senior, appeal, outcome="reversed", answer=ANSWER)

    assert "Decision reversed" in response.content.decode()
    decision = Decision.objects.get(pk=appeal.decision_id)
    assert decision.is_reversed and decision.reversed_by == second_senior
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert not Strike.objects.filter(member=member, revoked_at__isnull=True).exists()
    content.refresh_from_db()
    assert content.visibility == Visibility.VISIBLE


@pytest.mark.django_db
def test_replacing_puts_a_milder_decision_in_place(client, appeal, second_senior, member):
    response = decide_on_page(
        client,
        second_senior,
        appeal,
        outcome="replaced",
        action="restrict",
        days="7",
        remove_content="on",
        answer=ANSWER,
    )

    assert "Replaced with a milder decision" in response.content.decode()
    appeal.refresh_from_db()
    milder = appeal.replacement
    assert (milder.action, milder.duration, milder.replaces_id) == (
        DecisionAction.RESTRICT,
        timedelta(days=7),
        appeal.decision_id,
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.RESTRICTED
    appeal.case.content.refresh_from_db()
    assert appeal.case.content.visibility != Visibility.VISIBLE

    # The page now shows the outcome instead of the form.
    page = page_of(client, second_senior, appeal).content.decode()
    assert "appeal-form" not in page
    assert "Answer sent to the appellant" in page
    assert ANSWER in page
    assert "The milder decision" in page
    assert "Restrict" in page and "7 days" in page
    assert escape(milder.statement_of_reasons) in page


@pytest.mark.django_db
def test_reopening_a_review_opens_the_case_for_another_moderator(
    client, spam, spam_moderator, second_senior, member
):
    review = reviewed(spam_moderator, member, spam)

    response = decide_on_page(client, second_senior, review, outcome="reversed", answer=ANSWER)

    assert "Case reopened" in response.content.decode()
    case = Case.objects.get(pk=review.case_id)
    assert case.status == CaseStatus.OPEN
    assert case.not_for == spam_moderator


@pytest.mark.django_db
def test_a_review_cannot_be_replaced(client, spam, spam_moderator, second_senior, member):
    review = reviewed(spam_moderator, member, spam)

    response = decide_on_page(
        client, second_senior, review, outcome="replaced", action="warn", answer=ANSWER
    )

    assert response.status_code == 400
    assert "Choose an outcome." in response.content.decode()
    nothing_decided(review)


BAD_INPUT = {
    "no outcome": ({"answer": ANSWER}, "outcome", "Choose an outcome."),
    "a made-up outcome": ({"outcome": "pardon", "answer": ANSWER}, "outcome", "Choose an outcome."),
    "no answer": ({"outcome": "upheld", "answer": "   "}, "answer", "Write the answer"),
    "an answer too long": (
        {"outcome": "upheld", "answer": "x" * 4001},
        "answer",
        "at most 4000 characters",
    ),
    "no milder decision": (
        {"outcome": "replaced", "answer": ANSWER},
        "action",
        "Choose the milder decision",
    ),
    "a harsher one": (
        {"outcome": "replaced", "action": "ban", "answer": ANSWER},
        "action",
        "Choose the milder decision",
    ),
    "no days": (
        {"outcome": "replaced", "action": "restrict", "answer": ANSWER},
        "days",
        "Say for how many days",
    ),
    "minus one day": (
        {"outcome": "replaced", "action": "restrict", "days": "-1", "answer": ANSWER},
        "days",
        "Say for how many days",
    ),
    "abc days": (
        {"outcome": "replaced", "action": "suspend", "days": "abc", "answer": ANSWER},
        "days",
        "Say for how many days",
    ),
    "a year and more": (
        {"outcome": "replaced", "action": "restrict", "days": "400", "answer": ANSWER},
        "days",
        "Between 1 and 365 days",
    ),
    "as long as before": (
        {"outcome": "replaced", "action": "suspend", "days": "30", "answer": ANSWER},
        "action",
        "must be milder",
    ),
    "a huge number": (
        {"outcome": "replaced", "action": "restrict", "days": "9" * 40, "answer": ANSWER},
        "days",
        "",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_gives_errors_next_to_fields_and_writes_nothing(
    client, appeal, second_senior, case
):
    data, field, message = BAD_INPUT[case]
    client.force_login(second_senior)

    response = client.post(reverse("moderation:decide-appeal", args=[appeal.pk]), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert f'id="{field}-error"' in response.content.decode()
    nothing_decided(appeal)


@pytest.mark.django_db
def test_a_stray_days_value_next_to_uphold_is_no_error(client, appeal, second_senior):
    response = decide_on_page(
        client,
        second_senior,
        appeal,
        outcome="upheld",
        action="restrict",
        days="abc",
        answer=ANSWER,
    )

    assert response.status_code == 200
    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.UPHELD


@pytest.mark.django_db
def test_deciding_an_appeal_decided_meanwhile_keeps_the_answer_to_copy(
    client, appeal, second_senior, ts_admin
):
    decide_on_page(client, ts_admin, appeal, outcome="upheld", answer=ANSWER)

    response = decide_on_page(
        client, second_senior, appeal, outcome="reversed", answer="Reverse it: it was a group."
    )

    assert response.redirect_chain == [(reverse("moderation:appeal", args=[appeal.pk]), 302)]
    page = response.content.decode()
    assert "This appeal was already decided." in page
    assert "Reverse it: it was a group." in page  # what they wrote, to copy
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by) == (AppealOutcome.UPHELD, ts_admin)


@pytest.mark.django_db
def test_deciding_an_appeal_another_senior_holds_is_refused(
    client, appeal, second_senior, ts_admin
):
    claim_appeal(appeal_id=appeal.pk, moderator=second_senior)

    response = decide_on_page(client, ts_admin, appeal, outcome="upheld", answer=ANSWER)

    assert "Another senior is working on this appeal." in response.content.decode()
    nothing_decided(appeal)


# --- The appellant's screenshots -----------------------------------------------------------------


@pytest.mark.django_db
def test_screenshots_go_only_to_the_seniors_who_may_decide(
    client, appeal, second_senior, hate_senior, member
):
    evidence = AppealEvidence.objects.get(appeal=appeal)
    url = reverse("moderation:appeal-evidence", args=[evidence.pk])

    client.force_login(second_senior)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == evidence.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]

    for outsider in (hate_senior, member):
        client.force_login(outsider)
        assert client.get(url).status_code == 404

    AppealEvidence.objects.filter(pk=evidence.pk).update(purged_at=timezone.now())
    client.force_login(second_senior)
    assert client.get(url).status_code == 404


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_read_a_fixed_number_of_queries(
    client,
    spam,
    hate,
    senior,
    spam_moderator,
    other_moderator,
    second_senior,
    django_assert_max_num_queries,
):
    appeals = [appealed(spam_moderator, make_member(), spam) for _ in range(25)]
    appeals += [appealed(senior, make_member(), spam) for _ in range(3)]
    appeals += [reviewed(spam_moderator, make_member(), spam) for _ in range(2)]
    appeals.append(appealed(other_moderator, make_member(), hate))
    regular = make_member()
    for earlier in range(3):
        decided_before(
            spam_moderator,
            regular,
            spam,
            action=DecisionAction.WARN,
            days=None,
            ago=timedelta(days=30 - earlier),
        )
    busy = appealed(spam_moderator, regular, spam, reporters=4, screenshots=3)
    for held in appeals[:3]:
        claim_appeal(appeal_id=held.pk, moderator=second_senior)
    for n, done in enumerate(appeals[3:8]):
        decide_on_page(client, second_senior, done, outcome="upheld", answer=f"Stands ({n}).")
    assert Appeal.objects.filter(category=spam).count() == 31
    client.force_login(senior)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("moderation:appeals")).status_code == 200
    # One more than the rows' own read: which of the page's cases this senior reported.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("moderation:appeal-queue", args=[spam.slug]))
    assert len(response.context["page"].rows) == 26
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("moderation:appeal-queue", args=[spam.slug]), {"show": "decided"}
        )
    assert len(response.context["page"].rows) == 5
    # An open appeal, a decided one, and one of a member with a long record and a busy case.
    for pk in (appeals[10].pk, appeals[4].pk, busy.pk):
        with django_assert_max_num_queries(18):
            assert client.get(reverse("moderation:appeal", args=[pk])).status_code == 200


@pytest.mark.django_db
def test_the_moderation_pages_link_to_the_appeals_for_those_who_decide_them(
    client, spam_moderator, senior
):
    appeals = reverse("moderation:appeals")

    client.force_login(senior)
    assert client.get(reverse("moderation:home")).content.decode().count(f'href="{appeals}"') == 2

    client.force_login(spam_moderator)
    assert f'href="{appeals}"' not in client.get(reverse("moderation:home")).content.decode()
