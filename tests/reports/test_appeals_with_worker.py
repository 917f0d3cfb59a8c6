"""An appeal end to end through the real worker: the receipt, the answer in the member's language,
the reporter told the outcome changed, and the platform told the suspension is lifted."""

import json
from datetime import timedelta

import pytest

from reports.models import Appeal, Decision, OutboxMessage, Report
from reports.services.appeals.filing import appeal_decision
from reports.services.appeals.outcomes import decide_appeal
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.reports.test_notifications_with_worker import sent_mails, to
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reversed_suspension_reaches_member_reporter_and_platform_once(
    celery_worker, platform, endpoint, spam
):
    team = make_team(spam)
    decider = make_moderator(role="Senior moderator", team=team)
    other_senior = make_moderator(role="Senior moderator", team=team)
    member = make_member(email="mei.appeal@example.com", preferred_language="zh-hans")
    reporter = make_member(email="ren.report@example.com", preferred_language="en")
    report = make_report(
        reporter=reporter, subject=member, category=spam, content=make_content(member)
    )
    decision = decide(
        case_id=report.case_id,
        moderator=decider,
        action="suspend",
        duration=timedelta(days=7),
        facts="Sent the same advert to forty learners.",
    )
    # Taken ten minutes ago: the undo window has passed and the member was told.
    Decision.objects.filter(pk=decision.pk).update(
        starts_at=decision.starts_at - timedelta(minutes=10)
    )
    Report.objects.filter(pk=report.pk).update(
        resolved_at=decision.starts_at - timedelta(minutes=10)
    )
    decision.refresh_from_db()

    appeal = appeal_decision(
        appellant=member,
        decision=decision,
        statement="我只是把课程链接发给了主动问我的学生。",
    )
    wait_for(
        lambda: to(sent_mails(celery_worker.mail_dir), "mei.appeal@example.com"),
        what="the appeal's receipt",
    )
    decide_appeal(
        appeal_id=appeal.pk,
        moderator=other_senior,
        outcome="reversed",
        answer="The learners had asked for the link.",
    )
    wait_for(
        lambda: (
            len(to(sent_mails(celery_worker.mail_dir), "mei.appeal@example.com")) >= 2
            and f"About your report {report.reference}"
            in to(sent_mails(celery_worker.mail_dir), "ren.report@example.com")
            and {json.loads(r.body)["type"] for r in platform.requests}
            >= {"member.restriction_lifted", "content.restored"}
        ),
        what="the answer, the reporter's notice and the platform's webhooks",
    )
    wait_for(
        lambda: (
            not OutboxMessage.objects.filter(
                status="pending", available_at__lte=appeal.received_at + timedelta(minutes=1)
            ).exists()
        ),
        what="the outbox",
    )
    mails = sent_mails(celery_worker.mail_dir)
    assert sorted(to(mails, "mei.appeal@example.com")) == sorted(
        [f"我们已收到你的申诉 {appeal.reference}", f"关于你的申诉 {appeal.reference}"]
    )
    answer = next(
        m for m in mails if m["To"] == "mei.appeal@example.com" and "关于" in str(m["Subject"])
    )
    body = answer.get_body(preferencelist=("plain",)).get_content()
    assert "The learners had asked for the link." in body
    assert "撤销" in body  # reversed, said in Chinese
    # Besides the receipt of their report, the reporter hears once that the action was reversed.
    assert to(mails, "ren.report@example.com").count(f"About your report {report.reference}") == 1
    notice = next(
        m
        for m in mails
        if m["To"] == "ren.report@example.com" and str(m["Subject"]).startswith("About")
    )
    assert "reversed on appeal" in notice.get_body(preferencelist=("plain",)).get_content()
    lifted = [
        json.loads(r.body) for r in platform.requests if b"member.restriction_lifted" in r.body
    ]
    assert len(lifted) == 1
    assert lifted[0]["appeal"]["reference"] == appeal.reference
    assert lifted[0]["member_status"] == "active"
    assert Appeal.objects.get().outcome == "reversed"
