"""Everyone hears what happened, through the real worker: receipt, outcome, statement of reasons."""

import email
from datetime import timedelta
from email.header import decode_header, make_header
from email.policy import default

import pytest
from django.urls import reverse

from reports.effects import outbox
from reports.models import Channel, Notification, OutboxMessage, Report
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def sent_mails(mail_dir) -> list[email.message.EmailMessage]:
    """Every message the worker's file-based e-mail backend wrote, parsed."""
    mails = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                # Parsed as bytes: a body sent as 8-bit UTF-8 then reads as the text it is.
                raw = (chunk.strip() + "\n").encode()
                mails.append(email.message_from_bytes(raw, policy=default))
    return mails


def to(mails, address: str) -> list[str]:
    return [str(make_header(decode_header(m["Subject"]))) for m in mails if m["To"] == address]


def test_reporter_and_member_each_hear_once_in_their_language(
    celery_worker, client, spam, ts_admin
):
    reporter = make_member(email="lin.outcome@example.com", preferred_language="zh-hans")
    subject = make_member(email="rita.statement@example.com", preferred_language="en")
    message = make_content(subject, text="Cheap followers, add me on WhatsApp")
    client.force_login(reporter)

    client.post(
        reverse("reports:report"),
        {"member": subject.public_id, "content": message.pk, "category": spam.pk},
    )
    report = Report.objects.get()
    wait_for(
        lambda: to(sent_mails(celery_worker.mail_dir), "lin.outcome@example.com"),
        what="the receipt e-mail",
    )

    decision = decide(
        case_id=report.case_id,
        moderator=ts_admin,
        action="suspend",
        duration=timedelta(days=7),
        facts="Sent the same advert to 40 members.",
    )
    # The members' messages wait for the undo window; the beat sweep then publishes them.
    notice = OutboxMessage.objects.get(topic="notify_decision")
    OutboxMessage.objects.filter(pk=notice.pk).update(available_at=decision.starts_at)
    assert outbox.publish(notice.pk)

    wait_for(
        lambda: (
            len(to(sent_mails(celery_worker.mail_dir), "rita.statement@example.com")) >= 1
            and len(to(sent_mails(celery_worker.mail_dir), "lin.outcome@example.com")) >= 2
        ),
        what="the outcome and the statement of reasons",
    )
    wait_for(lambda: not OutboxMessage.objects.exclude(status="done").exists(), what="the outbox")
    mails = sent_mails(celery_worker.mail_dir)
    assert sorted(to(mails, "lin.outcome@example.com")) == sorted(
        [f"我们已收到你的举报 {report.reference}", f"关于你的举报 {report.reference}"]
    )
    assert to(mails, "rita.statement@example.com") == ["A decision about your account"]
    statement = next(m for m in mails if m["To"] == "rita.statement@example.com")
    body = statement.get_body(preferencelist=("plain",)).get_content()
    assert "suspended for 7 days" in body and "Sent the same advert to 40 members." in body
    outcome = next(
        m
        for m in mails
        if m["To"] == "lin.outcome@example.com"
        and str(make_header(decode_header(m["Subject"]))).startswith("关于")
    )
    text = outcome.get_body(preferencelist=("plain",)).get_content()
    assert subject.display_name not in text and subject.public_id not in text
    assert ts_admin.username not in text

    # Run again: nothing more is sent.
    assert outbox.run_message(notice.pk) == "skipped"
    assert Notification.objects.filter(channel=Channel.EMAIL).count() == 3
    assert set(
        Notification.objects.filter(channel=Channel.IN_APP).values_list("recipient", "event")
    ) == {
        (reporter.pk, "report_received"),
        (reporter.pk, "report_outcome"),
        (subject.pk, "statement_of_reasons"),
    }
    # Both read the same in their inbox.
    client.force_login(reporter)
    inbox = client.get(reverse("reports:inbox")).content.decode()
    assert f"关于你的举报 {report.reference}" in inbox
    client.force_login(subject)
    assert "A decision about your account" in client.get(reverse("reports:inbox")).content.decode()
