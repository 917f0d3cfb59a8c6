"""Triage and the sweeps, called as the worker calls them (the worker itself: test_backbone)."""

import io
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from reports.effects import outbox
from reports.effects.notifications import deliver_notification, notify
from reports.evidence import clean_image
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    DeliveryStatus,
    Notification,
    OutboxMessage,
    Policy,
    Reason,
    Tier,
    Visibility,
)
from reports.services.intake import submit_report
from reports.services.sweeps import purge_old_evidence, release_expired_leases
from reports.services.triage import PriorityInputs, detect_language, priority_score, triage_case
from tests.conftest import image_bytes, make_content, make_member

pytestmark = pytest.mark.django_db

BASE = PriorityInputs(
    severity=2,
    critical=False,
    distinct_reporters=1,
    trusted_flaggers=0,
    reporter_accuracy=None,
    subject_strikes=0,
    age_hours=0,
)


def score(**changes) -> int:
    return priority_score(PriorityInputs(**{**BASE.__dict__, **changes}))


def test_priority_rises_with_each_signal_and_stays_within_bounds():
    assert score() == 2 * 150 + 40
    assert score(severity=3) > score()
    assert score(critical=True) == score() + 300
    assert score(distinct_reporters=7) == score() + 80
    assert score(trusted_flaggers=1) == score() + 50
    assert score(reporter_accuracy=1.0) == score() + 50
    assert score(reporter_accuracy=0.0) == score() - 50
    assert score(subject_strikes=10) == score() + 60
    assert score(age_hours=100) == score() + 50
    top = score(
        severity=4,
        critical=True,
        distinct_reporters=10**6,
        trusted_flaggers=9,
        reporter_accuracy=1.0,
        subject_strikes=9,
        age_hours=10**4,
    )
    assert top == 1000


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Add me on WhatsApp for cheap followers, only today!", "en"),
        ("在家轻松日赚五百元！加我微信了解详情。", "zh"),
        ("自宅で1日5万円稼げます！詳しくはLINEまで。", "ja"),
        ("Почему ты меня игнорируешь? Буду писать, пока не ответишь.", "ru"),
        ("", ""),
    ],
)
def test_language_is_detected_offline(text, language):
    assert detect_language(text) == language


def test_triage_hides_content_once_the_threshold_of_reporters_is_reached(member, spam):
    Policy.objects.filter(category=spam).update(auto_hide_threshold=3, escalation_threshold=50)
    content = make_content(member)
    for _ in range(2):
        report = submit_report(
            reporter=make_member(), subject=member, category=spam, content=content
        )
    triage_case(case_id=report.case_id)
    content.refresh_from_db()
    assert content.visibility == Visibility.VISIBLE

    submit_report(reporter=make_member(), subject=member, category=spam, content=content)
    triage_case(case_id=report.case_id)
    triage_case(case_id=report.case_id)

    content.refresh_from_db()
    assert content.visibility == Visibility.HIDDEN
    assert AuditEvent.objects.filter(action="content.hidden").count() == 1
    assert content.enforcements.get().previous_state == {"visibility": "visible"}


def test_a_pile_up_of_reporters_escalates_to_seniors_once(member, spam):
    Policy.objects.filter(category=spam).update(escalation_threshold=3, auto_hide_threshold=None)
    for _ in range(3):
        report = submit_report(reporter=make_member(), subject=member, category=spam)
    triage_case(case_id=report.case_id)
    triage_case(case_id=report.case_id)

    case = Case.objects.get()
    assert (case.tier, case.status, case.escalation_cause) == (
        Tier.SENIOR,
        CaseStatus.ESCALATED,
        "pile_up",
    )
    assert AuditEvent.objects.filter(action="case.escalated").count() == 1


def test_a_lone_rude_report_stays_with_frontline_moderators(member, hate):
    rudeness = Reason.objects.get(category=hate, slug="rudeness")
    report = submit_report(reporter=make_member(), subject=member, category=hate, reason=rudeness)

    triage_case(case_id=report.case_id)

    case = Case.objects.get()
    assert (case.tier, case.status) == (Tier.FRONTLINE, CaseStatus.OPEN)
    assert case.triaged_at is not None


def test_expired_leases_return_cases_to_their_queue(member, spam, spam_moderator):
    report = submit_report(reporter=make_member(), subject=member, category=spam)
    Case.objects.filter(pk=report.case_id).update(
        status=CaseStatus.CLAIMED,
        claimed_by=spam_moderator,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )

    assert release_expired_leases() == 1
    assert release_expired_leases() == 0

    case = Case.objects.get()
    assert (case.status, case.claimed_by, case.lease_expires_at) == (CaseStatus.OPEN, None, None)
    event = AuditEvent.objects.get(action="case.lease_expired")
    assert event.actor_label == "job:release-leases"


def test_old_evidence_of_closed_cases_is_deleted_but_held_evidence_stays(
    member, spam, settings, django_capture_on_commit_callbacks
):
    image = clean_image(io.BytesIO(image_bytes()))
    report = submit_report(
        reporter=make_member(), subject=member, category=spam, evidence=[image, image]
    )
    old, held = report.evidence.all()
    held.legal_hold = True
    held.save(update_fields=["legal_hold"])
    closed = timezone.now() - settings.EVIDENCE_RETENTION - timedelta(days=1)
    Case.objects.filter(pk=report.case_id).update(status=CaseStatus.DISMISSED, resolved_at=closed)
    name = old.image.name

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_old_evidence() == 1
    assert purge_old_evidence() == 0

    old.refresh_from_db()
    assert old.purged_at is not None and not old.image
    assert not default_storage.exists(name)
    held.refresh_from_db()
    assert held.purged_at is None and default_storage.exists(held.image.name)
    assert AuditEvent.objects.get(action="evidence.purged").actor_label == "job:purge-evidence"


def test_a_notification_delivered_twice_is_sent_once(member, mailoutbox):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox, "publish", lambda message_id: False)
        notify(recipient=member, event="test_event", key="1", subject="Hello", body="Body")
    message = OutboxMessage.objects.get(topic="deliver_notification")

    assert outbox.run_message(message.pk) == "done"
    assert outbox.run_message(message.pk) == "skipped"
    deliver_notification(notification_id=message.payload["notification_id"])

    assert len(mailoutbox) == 1
    assert Notification.objects.get(channel="email").status == DeliveryStatus.DONE


def test_a_failed_handler_leaves_none_of_its_writes(member, monkeypatch):
    """The handler's writes and "done" commit together; a failure takes back both."""

    def half_done(*, member_id):
        User.objects.filter(pk=member_id).update(display_name="written before the failure")
        raise RuntimeError("the mail server went away")

    monkeypatch.setitem(outbox._handlers, "test_half_done", half_done)
    monkeypatch.setattr(outbox, "publish", lambda message_id: False)
    message = outbox.enqueue("test_half_done", key="half-1", payload={"member_id": member.pk})

    assert outbox.run_message(message.pk) == "retry"

    member.refresh_from_db()
    message.refresh_from_db()
    assert member.display_name != "written before the failure"
    assert message.status == DeliveryStatus.PENDING and message.attempts == 1
    assert message.available_at > timezone.now()
    assert "mail server went away" in message.last_error


def test_a_message_out_of_time_is_counted_before_the_task_stops(monkeypatch):
    def too_slow():
        raise SoftTimeLimitExceeded()

    monkeypatch.setitem(outbox._handlers, "test_too_slow", too_slow)
    monkeypatch.setattr(outbox, "publish", lambda message_id: False)
    message = outbox.enqueue("test_too_slow", key="slow-1", payload={})

    with pytest.raises(SoftTimeLimitExceeded):
        outbox.run_message(message.pk)

    message.refresh_from_db()
    assert message.attempts == 1
    assert message.available_at > timezone.now()  # not sent again at once by the sweep


def test_a_message_is_dead_even_when_recording_it_fails(settings, monkeypatch):
    settings.OUTBOX_MAX_ATTEMPTS = 1

    def broken_record(**payload):
        raise RuntimeError("recording failed too")

    monkeypatch.setitem(outbox._on_dead, "no_such_topic", broken_record)
    monkeypatch.setattr(outbox, "publish", lambda message_id: False)
    message = outbox.enqueue("no_such_topic", key="broken-dead", payload={})

    assert outbox.run_message(message.pk) == "dead"

    message.refresh_from_db()
    assert message.status == DeliveryStatus.DEAD
    assert outbox.run_message(message.pk) == "skipped"


def test_a_failing_message_is_retried_with_backoff_then_dead(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox, "publish", lambda message_id: False)
        message = outbox.enqueue("no_such_topic", key="broken-1", payload={})

    results = []
    for _ in range(4):
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
        results.append(outbox.run_message(message.pk))

    message.refresh_from_db()
    assert results == ["retry", "retry", "dead", "skipped"]
    assert message.status == DeliveryStatus.DEAD
    assert message.attempts == 3
    assert "no handler" in message.last_error
    assert outbox.backoff(1) < outbox.backoff(2) < outbox.backoff(3)
