"""The member's side of appeals: "Decisions about me", a decision's page and its appeal form, a
reporter's review request from "My reports", and the receipt that later carries the answer."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from reports.effects.notifications import decision_taken
from reports.models import (
    Appeal,
    AppealEvidence,
    AppealKind,
    AppealOutcome,
    Case,
    Decision,
    DecisionAction,
    Notification,
    OutboxMessage,
    RateLimit,
)
from reports.selectors.appeals import deciding_decision, review_refusal
from reports.services.appeals.filing import appeal_decision, ask_for_review
from reports.services.appeals.outcomes import decide_appeal
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from tests.conftest import image_bytes, make_content, make_member, make_report, upload

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)
AFTER_UNDO = settings.DECISION_UNDO_WINDOW + timedelta(seconds=1)
FACTS = "Sent the same advert for a paid course to forty learners."


def reported_message(member: User, spam, *reporters: User) -> Case:
    content = make_content(member)
    for person in reporters or (make_member(),):
        report = make_report(reporter=person, subject=member, category=spam, content=content)
    return Case.objects.get(pk=report.case_id)


def suspended_for_a_week(member, spam, moderator, *reporters) -> Decision:
    case = reported_message(member, spam, *reporters)
    return decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts=FACTS,
    )


def warned(member, spam, moderator) -> Decision:
    case = reported_message(member, spam)
    return decide(case_id=case.pk, moderator=moderator, action=DecisionAction.WARN, facts=FACTS)


def told_about(decision: Decision):
    """Once its undo window has passed, the decision is the member's to see and appeal."""
    return time_machine.travel(decision.notified_at + timedelta(seconds=1))


def page_of(decision: Decision) -> str:
    return reverse("reports:decision", args=[decision.uuid])


def text(response) -> str:
    return response.content.decode()


# --- appealing from the decision page ------------------------------------------------------------


def test_a_member_appeals_from_the_decision_page_and_lands_on_a_receipt(
    client, member, reporter, spam, spam_moderator
):
    decision = suspended_for_a_week(member, spam, spam_moderator, reporter)
    with told_about(decision):
        client.force_login(member)
        page = client.get(page_of(decision))
        assert page.status_code == 200
        body = text(page)
        assert "Account suspended" in body and "In force" in body
        assert "Appeal this decision" in body
        # The statement as sent, and never who decided or who reported.
        assert FACTS in body
        for someone in (spam_moderator, reporter):
            assert someone.display_name not in body and someone.public_id not in body

        response = client.post(
            page_of(decision),
            {
                "statement": "I teach there.\r\nThe learners <b>asked</b> me for the link.",
                "evidence": [upload("chat.png")],
            },
        )

        appeal = Appeal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:appeal", args=[appeal.reference])
        assert appeal.reference.startswith("A-")
        assert (appeal.kind, appeal.appellant, appeal.decision) == (
            AppealKind.MEMBER,
            member,
            decision,
        )
        assert appeal.statement == "I teach there.\nThe learners <b>asked</b> me for the link."
        [screenshot] = AppealEvidence.objects.filter(appeal=appeal)
        assert (screenshot.width, screenshot.height) == (640, 400)
        assert OutboxMessage.objects.filter(topic="notify_appeal_received").count() == 1

        receipt = client.get(response["Location"])
        body = text(receipt)
        assert receipt.status_code == 200
        assert f'<p class="reference">{appeal.reference}</p>' in body
        assert "Thank you, we received your appeal" in body
        assert "had no part in the decision" in body and "Appealing is free." in body
        assert settings.DISPUTE_SETTLEMENT_URL in body
        assert "&lt;b&gt;asked&lt;/b&gt;" in body and "<b>asked</b>" not in body


def test_a_second_appeal_is_refused_with_the_reason(client, member, spam, spam_moderator):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        first = appeal_decision(appellant=member, decision=decision, statement="Look again.")
        client.force_login(member)

        page = text(client.get(page_of(decision)))
        assert "Your appeal" in page and first.reference in page
        assert 'name="statement"' not in page

        # Sent from the form of a tab opened before the first appeal.
        again = client.post(page_of(decision), {"statement": "And once more."})
        assert again.status_code == 400
        assert f"You already asked us to look at this decision again ({first.reference})" in text(
            again
        )
    assert list(Appeal.objects.all()) == [first]


def test_six_months_and_a_day_after_the_notification_the_page_refuses_and_writes_nothing(
    client, member, spam, spam_moderator, _media_root
):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with time_machine.travel(decision.notified_at + settings.APPEAL_WINDOW + timedelta(days=1)):
        client.force_login(member)
        page = client.get(page_of(decision))
        assert "The time to appeal this decision ended on" in text(page)
        assert 'name="statement"' not in text(page)
        listed = text(client.get(reverse("reports:decisions")))
        assert "The time to appeal this decision ended on" in listed
        assert "#appeal" not in listed

        response = client.post(
            page_of(decision), {"statement": "Please look again.", "evidence": [upload()]}
        )
        assert response.status_code == 400
        assert "The time to appeal this decision ended on" in text(response)
    assert not Appeal.objects.exists()
    assert not AppealEvidence.objects.exists()
    assert not any(p.is_file() for p in _media_root.rglob("*"))


def test_a_refusal_found_at_the_last_moment_is_said_above_the_form(
    client, member, spam, spam_moderator, monkeypatch
):
    """The service checks again under its lock: what it refuses shows on top of the form."""
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        client.force_login(member)
        # The page was read while the decision could still be appealed; a moment later its
        # moderator's colleague reversed it.
        monkeypatch.setattr(
            "reports.web.views.member_appeals.member_appeal_refusal", lambda *a, **k: None
        )
        Decision.objects.filter(pk=decision.pk).update(
            reversed_at=timezone.now(), reversed_by=make_member(), reversal_reason="Mistake."
        )
        response = client.post(page_of(decision), {"statement": "Please look again."})
    assert response.status_code == 400
    assert "already reversed" in text(response)
    assert 'class="error-box"' in text(response)
    assert "Please look again." in text(response)  # what they wrote is kept
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"statement": "x" * 4001}, "Keep it under 4000 characters (it has 4001)."),
        ({"statement": "   "}, "Say what you disagree with and why."),
        (
            {"statement": "Look.", "evidence": [upload("evil.svg", b"<svg></svg>")]},
            "evil.svg: This file is not a JPEG, PNG, WebP or GIF image.",
        ),
        (
            {"statement": "Look.", "evidence": [upload(f"s{n}.png") for n in range(6)]},
            "Attach at most 5 screenshots.",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_writes_nothing(
    client, member, spam, spam_moderator, _media_root, fields, error
):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        client.force_login(member)
        response = client.post(page_of(decision), fields)
    assert response.status_code == 400
    assert error in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert not Appeal.objects.exists()
    assert not any(p.is_file() for p in _media_root.rglob("*"))


def test_line_breaks_do_not_make_a_full_text_box_too_long(client, member, spam, spam_moderator):
    """The text box counts a line break once; the browser sends it as two characters."""
    decision = suspended_for_a_week(member, spam, spam_moderator)
    lines = ["y" * 99] * 40  # 40 × 99 + 39 line breaks = 3,999 characters in the text box
    with told_about(decision):
        client.force_login(member)
        response = client.post(page_of(decision), {"statement": "\r\n".join(lines)})
    assert response.status_code == 302
    assert len(Appeal.objects.get().statement) == 3999


# --- "Decisions about me" ----------------------------------------------------------------------


def test_decisions_about_me_says_where_each_decision_stands(
    client, member, spam, spam_moderator, senior
):
    ended = suspended_for_a_week(member, spam, spam_moderator)
    with time_machine.travel(ended.ends_at + timedelta(hours=1)):
        in_force = warned(member, spam, spam_moderator)
        appealed = warned(member, spam, spam_moderator)
        reversed_ = warned(member, spam, spam_moderator)
        replaced = suspended_for_a_week(member, spam, spam_moderator)
        undone = warned(member, spam, spam_moderator)
        undo_decision(decision_id=undone.pk, moderator=spam_moderator)
    with time_machine.travel(ended.ends_at + timedelta(hours=2)):
        open_appeal = appeal_decision(appellant=member, decision=appealed, statement="Unfair.")
        won = appeal_decision(appellant=member, decision=reversed_, statement="Not me.")
        decide_appeal(
            appeal_id=won.pk,
            moderator=senior,
            outcome=AppealOutcome.REVERSED,
            answer="Your sister used your phone.",
        )
        milder = appeal_decision(appellant=member, decision=replaced, statement="Too harsh.")
        decide_appeal(
            appeal_id=milder.pk,
            moderator=senior,
            outcome=AppealOutcome.REPLACED,
            answer="A first offence: a warning is enough.",
            action=DecisionAction.WARN,
        )
        client.force_login(member)
        body = text(client.get(reverse("reports:decisions")))

    def row(decision) -> str:
        start = body.index(page_of(decision) + '"')
        return body[start : body.index("</article>", start)]

    assert "In force" in row(in_force) and f"{page_of(in_force)}#appeal" in row(in_force)
    assert "Ended" in row(ended) and f"{page_of(ended)}#appeal" in row(ended)
    assert open_appeal.reference in row(appealed) and "Waiting for a decision" in row(appealed)
    assert "Reversed on appeal" in row(reversed_) and "Decision reversed" in row(reversed_)
    assert "Replaced by a milder decision" in row(replaced)
    replacement = Decision.objects.get(replaces=replaced)
    assert "This milder decision replaced the one of" in row(replacement)
    assert "itself taken on appeal" in row(replacement)
    # An undone decision never reached the member.
    assert page_of(undone) not in body
    assert body.index(page_of(replacement)) < body.index(page_of(in_force))  # newest first


def test_the_receipt_carries_the_answer_and_the_milder_decision(
    client, member, spam, spam_moderator, senior
):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Too harsh.")
        decide_appeal(
            appeal_id=appeal.pk,
            moderator=senior,
            outcome=AppealOutcome.REPLACED,
            answer="A first offence: three days are enough.",
            action=DecisionAction.SUSPEND,
            duration=timedelta(days=3),
        )
        client.force_login(member)
        receipt = text(client.get(reverse("reports:appeal", args=[appeal.reference])))
        page = text(client.get(page_of(decision)))
    milder = Decision.objects.get(replaces=decision)
    assert "Replaced with a milder decision" in receipt
    assert "A first offence: three days are enough." in receipt
    assert "The milder decision" in receipt and "3 days" in receipt
    assert escape(milder.statement_of_reasons.splitlines()[0]) in receipt
    assert page_of(milder) in receipt
    for someone in (senior, spam_moderator):
        assert someone.display_name not in receipt and someone.display_name not in page
        assert someone.public_id not in receipt and someone.public_id not in page
    assert "Our answer" in page and settings.DISPUTE_SETTLEMENT_URL in page
    assert page_of(milder) in page


def several_decisions(member, spam, moderator, senior, count: int) -> None:
    """Suspensions in every state a row can show: in force, appealed, replaced, reversed."""
    for n in range(count):
        decision = suspended_for_a_week(member, spam, moderator)
        if n % 3 == 0:
            continue
        with told_about(decision):
            appeal = appeal_decision(appellant=member, decision=decision, statement="Again.")
            if n % 3 == 2:
                outcome = AppealOutcome.REVERSED if n % 2 else AppealOutcome.REPLACED
                decide_appeal(
                    appeal_id=appeal.pk,
                    moderator=senior,
                    outcome=outcome,
                    answer="We looked again.",
                    action=DecisionAction.WARN,
                )


@pytest.mark.parametrize("count", [1, 30])
def test_decisions_about_me_costs_the_same_queries_for_one_or_thirty(
    client, member, spam, spam_moderator, senior, count, django_assert_max_num_queries
):
    several_decisions(member, spam, spam_moderator, senior, count)
    client.force_login(member)
    with (
        time_machine.travel(timezone.now() + AFTER_UNDO),
        django_assert_max_num_queries(6),
    ):
        response = client.get(reverse("reports:decisions"))
    assert response.status_code == 200
    assert text(response).count('class="panel decision-row"') == min(count, 25)
    if count == 30:
        assert "Replaced by a milder decision" in text(response)


# --- a reporter's review -----------------------------------------------------------------------


def cleared(reporter, spam, moderator) -> Decision:
    case = reported_message(make_member(), spam, reporter)
    return decide(case_id=case.pk, moderator=moderator, action=DecisionAction.NO_VIOLATION)


def test_a_reporter_asks_for_a_review_from_my_reports(client, reporter, spam, spam_moderator):
    decision = cleared(reporter, spam, spam_moderator)
    report = decision.case.reports.get()
    review_url = reverse("reports:review", args=[report.reference])
    with told_about(decision):
        client.force_login(reporter)
        mine = text(client.get(reverse("reports:mine")))
        assert review_url in mine and "Ask for a review" in mine

        form = client.get(review_url)
        assert form.status_code == 200 and 'name="statement"' in text(form)
        assert "Moderator Mo" not in text(form)

        response = client.post(
            review_url,
            {"statement": "He sent me his number three times.", "evidence": [upload()]},
        )
        review = Appeal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:appeal", args=[review.reference])
        assert (review.kind, review.report, review.appellant) == (
            AppealKind.NOTIFIER,
            report,
            reporter,
        )
        assert review.evidence.count() == 1

        receipt = text(client.get(response["Location"]))
        assert "Thank you, we received your request for a review" in receipt
        assert report.reference in receipt

        mine = text(client.get(reverse("reports:mine")))
        assert review.reference in mine and "Waiting for a decision" in mine
        assert review_url not in mine

        again = client.get(review_url)
        assert "You already asked us to look at this decision again" in text(again)
        assert reverse("reports:appeal", args=[review.reference]) in text(again)
    assert Appeal.objects.count() == 1


def test_a_report_that_led_to_action_has_nothing_to_review(
    client, reporter, member, spam, spam_moderator
):
    decision = suspended_for_a_week(member, spam, spam_moderator, reporter)
    report = decision.case.reports.get()
    with told_about(decision):
        client.force_login(reporter)
        assert "Ask for a review" not in text(client.get(reverse("reports:mine")))
        response = client.post(
            reverse("reports:review", args=[report.reference]), {"statement": "More!"}
        )
        refusal = review_refusal(reporter, report, deciding_decision(report), now=timezone.now())
    assert response.status_code == 400
    assert escape(refusal) in text(response)
    assert 'name="statement"' not in text(response)
    assert not Appeal.objects.exists()


def reporter_with_reports(spam, moderator, count: int) -> User:
    RateLimit.objects.update_or_create(audience="members", defaults={"reports_per_hour": 100})
    person = make_member()
    for n in range(count):
        decision = cleared(person, spam, moderator)
        if n % 3 == 0:
            with told_about(decision):
                ask_for_review(
                    reporter=person, report=decision.case.reports.get(), statement="Look again."
                )
    return person


@pytest.mark.parametrize("count", [1, 30])
def test_my_reports_costs_the_same_queries_for_one_or_thirty(
    client, spam, spam_moderator, count, django_assert_max_num_queries
):
    person = reporter_with_reports(spam, spam_moderator, count)
    client.force_login(person)
    with (
        time_machine.travel(timezone.now() + AFTER_UNDO),
        django_assert_max_num_queries(6),
    ):
        response = client.get(reverse("reports:mine"))
    assert response.status_code == 200
    body = text(response)
    rows = min(count, 25)
    assert body.count("Ask for a review") + body.count("Your review request") == rows


# --- who sees what -----------------------------------------------------------------------------


def test_another_members_decision_appeal_and_report_are_not_found(
    client, member, reporter, spam, spam_moderator
):
    decision = suspended_for_a_week(member, spam, spam_moderator, reporter)
    no_violation = cleared(reporter, spam, spam_moderator)
    report = no_violation.case.reports.get()
    with told_about(no_violation):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Unfair.")
        review = ask_for_review(reporter=reporter, report=report, statement="Look again.")
        stranger = make_member()
        for person, urls in (
            (stranger, [page_of(decision), reverse("reports:review", args=[report.reference])]),
            (reporter, [page_of(decision), reverse("reports:appeal", args=[appeal.reference])]),
            (member, [reverse("reports:appeal", args=[review.reference])]),
            (member, [reverse("reports:review", args=[report.reference])]),
        ):
            client.force_login(person)
            for url in urls:
                assert client.get(url).status_code == 404, (person, url)
                assert client.post(url, {"statement": "Mine now."}).status_code in (404, 405)
        for person in (stranger, reporter):
            client.force_login(person)
            assert page_of(decision) not in text(client.get(reverse("reports:decisions")))
    assert Appeal.objects.count() == 2


def test_a_decision_undone_by_its_moderator_is_not_there(client, member, spam, spam_moderator):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    undo_decision(decision_id=decision.pk, moderator=spam_moderator)
    with told_about(decision):
        client.force_login(member)
        assert client.get(page_of(decision)).status_code == 404
        assert "We have taken no decisions about you." in text(
            client.get(reverse("reports:decisions"))
        )


def test_anonymous_visitors_are_sent_to_sign_in(client, member, spam, spam_moderator):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    for url in (
        reverse("reports:decisions"),
        page_of(decision),
        reverse("reports:review", args=["R-AAAA-BBBB"]),
        reverse("reports:appeal", args=["A-AAAA-BBBB"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


# --- the inbox ---------------------------------------------------------------------------------


def test_the_statement_in_the_inbox_offers_the_appeal(
    client, member, spam, spam_moderator, django_assert_max_num_queries
):
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        decision_taken(decision_id=decision.pk)
        statement = Notification.objects.get(recipient=member, channel="in_app", decision=decision)
        client.force_login(member)
        with django_assert_max_num_queries(8):
            message = text(client.get(reverse("reports:inbox-message", args=[statement.pk])))
        assert "Appeal this decision" in message
        assert f'href="{page_of(decision)}#appeal"' in message

        other = Notification.objects.create(
            recipient=member,
            event="restriction_lifted",
            channel="in_app",
            subject="Your suspension ended",
            body="You can write again.",
            idempotency_key="test:lifted",
        )
        plain = text(client.get(reverse("reports:inbox-message", args=[other.pk])))
        assert "Appeal this decision" not in plain


def test_the_pages_read_in_chinese_for_a_member_who_prefers_it(client, spam, spam_moderator):
    member = make_member(preferred_language="zh-hans")
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        client.force_login(member)
        response = client.get(page_of(decision))
    assert response.status_code == 200
    assert '<html lang="zh-hans" dir="ltr">' in text(response)


def test_a_jpeg_attached_to_an_appeal_is_stored_without_its_metadata(
    client, member, spam, spam_moderator
):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    photo = image_bytes("JPEG", exif=exif.tobytes())
    decision = suspended_for_a_week(member, spam, spam_moderator)
    with told_about(decision):
        client.force_login(member)
        client.post(page_of(decision), {"statement": "See.", "evidence": [upload("p.jpg", photo)]})
    stored = AppealEvidence.objects.get()
    with stored.image.open("rb") as file:
        assert b"PhoneMaker" not in file.read()
