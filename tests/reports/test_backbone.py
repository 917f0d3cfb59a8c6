"""The backbone on a real worker, real Redis and real PostgreSQL: nothing submitted is lost."""

import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import MemberStatus, TeamMembership
from hellomod.celery import app as celery_app
from reports.effects import outbox
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    DeliveryStatus,
    Enforcement,
    EscalationTier,
    Notification,
    OutboxMessage,
    Reason,
    Report,
    Tier,
)
from reports.models.choices import EnforcementKind
from reports.services.enforcement import lift_expired_enforcements
from reports.services.escalation import escalate_overdue
from reports.services.intake import submit_report
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.workers import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def all_done(topic: str | None = None) -> bool:
    pending = OutboxMessage.objects.exclude(status=DeliveryStatus.DONE)
    if topic:
        pending = pending.filter(topic=topic)
    return not pending.exists()


def test_a_report_from_the_form_is_triaged_by_the_worker(celery_worker, client, spam):
    reporter = make_member(email="ren@example.com")
    subject = make_member(native_language="es")
    message = make_content(subject, text="Add me on WhatsApp for cheap followers, only today!")
    client.force_login(reporter)

    client.post(
        "/report/", {"member": subject.public_id, "content": message.pk, "category": spam.pk}
    )

    case = wait_for(lambda: Case.objects.filter(triaged_at__isnull=False).first(), what="triage")
    assert case.priority > 0
    assert case.language == "en"  # from the message, not the author's native Spanish
    assert (case.tier, case.status) == (Tier.FRONTLINE, CaseStatus.OPEN)
    wait_for(lambda: all_done(), what="the outbox to empty")
    receipt = Notification.objects.get(recipient=reporter, channel="email")
    assert receipt.status == DeliveryStatus.DONE
    mails = list(celery_worker.mail_dir.glob("*.log"))
    assert any(Report.objects.get().reference in m.read_text() for m in mails)


def test_self_harm_goes_to_the_emergency_tier_and_alerts_on_call(celery_worker, hate):
    on_call_team = make_team(hate, name="On call")
    EscalationTier.objects.filter(category=hate, tier=Tier.EMERGENCY).update(team=on_call_team)
    nurse = make_moderator(team=on_call_team, email="oncall@example.com")
    TeamMembership.objects.filter(user=nurse).update(is_on_call=True)
    off_duty = make_moderator(team=on_call_team)
    self_harm = Reason.objects.get(category=hate, slug="self-harm")

    report = submit_report(
        reporter=make_member(),
        subject=make_member(),
        category=hate,
        reason=self_harm,
        description="She says she will hurt herself tonight.",
    )

    case = wait_for(
        lambda: Case.objects.filter(pk=report.case_id, tier=Tier.EMERGENCY).first(),
        what="the emergency tier",
    )
    assert case.status == CaseStatus.ESCALATED
    assert case.due_at - case.escalated_at <= timedelta(hours=1)
    alert = wait_for(
        lambda: Notification.objects.filter(recipient=nurse, event="case_emergency").first(),
        what="the on-call alert",
    )
    assert str(case.pk) in alert.subject
    assert not Notification.objects.filter(recipient=off_duty).exists()


def test_reports_saved_while_the_broker_is_down_are_each_triaged_once(
    spam, tmp_path, settings, monkeypatch
):
    redis_server = shutil.which("redis-server")
    port = 6391
    start = [
        redis_server,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
    ]
    broker_url = f"redis://127.0.0.1:{port}/0"
    server = subprocess.Popen(start, stdout=subprocess.DEVNULL)  # noqa: S603
    worker = None
    try:
        wait_for(
            lambda: (
                subprocess.run(  # noqa: S603
                    ["redis-cli", "-p", str(port), "ping"],  # noqa: S607
                    capture_output=True,
                    check=False,
                ).returncode
                == 0
            ),
            what="the second redis",
        )
        worker = Worker(broker_url=broker_url, mail_dir=tmp_path / "mail", log=tmp_path / "w.log")
        # Celery reads CELERY_BROKER_URL from the environment before its configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
        monkeypatch.setitem(celery_app.conf, "broker_url", broker_url)
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
        settings.OUTBOX_GRACE = timedelta(0)

        server.terminate()
        server.wait(timeout=10)
        subjects = [make_member() for _ in range(10)]
        for n in range(100):
            submit_report(reporter=make_member(), subject=subjects[n % 10], category=spam)

        assert Report.objects.count() == 100
        assert OutboxMessage.objects.filter(topic="triage_case").count() == 100
        assert not OutboxMessage.objects.exclude(status=DeliveryStatus.PENDING).exists()

        server = subprocess.Popen(start, stdout=subprocess.DEVNULL)  # noqa: S603
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
        wait_for(lambda: outbox.dispatch_pending(), what="a dispatch that reaches the broker")
        wait_for(lambda: all_done("triage_case"), timeout=120, what="every triage")
        outbox.dispatch_pending()  # receipts queued meanwhile
        wait_for(lambda: all_done(), timeout=120, what="the whole outbox")

        triaged = AuditEvent.objects.filter(action="case.triaged")
        assert triaged.count() == 100
        assert Case.objects.filter(triaged_at__isnull=True).count() == 0
        assert Notification.objects.filter(event="report_received", channel="in_app").count() == 100
    finally:
        if worker:
            worker.stop()
        server.terminate()
        server.wait(timeout=10)


def test_a_worker_killed_mid_task_runs_it_again_and_its_effect_happens_once(
    celery_worker, tmp_path
):
    marker = tmp_path / "started"
    message = outbox.enqueue(
        "test_slow_effect",
        key="slow-1",
        payload={"marker": str(marker), "seconds": 4, "label": "slow-1"},
    )
    outbox.publish(message.pk)  # no surrounding transaction here: publish now

    wait_for(marker.exists, what="the task to start")
    marker.unlink()
    children = celery_worker.pool_children()
    assert children
    for pid in children:
        subprocess.run(["kill", "-9", str(pid)], check=True)  # noqa: S603, S607

    wait_for(marker.exists, timeout=60, what="the task to run again")
    wait_for(lambda: all_done(), timeout=30, what="the message to be done")
    assert AuditEvent.objects.filter(action="test.slow_effect").count() == 1
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DONE


def overdue_cases(category, count: int) -> list[Case]:
    cases = []
    for _ in range(count):
        report = submit_report(reporter=make_member(), subject=make_member(), category=category)
        cases.append(report.case)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        due_at=timezone.now() - timedelta(minutes=5)
    )
    return cases


def test_two_overdue_sweeps_at_once_escalate_each_case_once(spam):
    seniors = make_team(spam, name="Seniors")
    EscalationTier.objects.filter(category=spam, tier=Tier.SENIOR).update(team=seniors)
    senior = make_moderator(role="Senior moderator", team=seniors)
    cases = overdue_cases(spam, 30)
    moved = run_at_once(lambda _: escalate_overdue(batch_size=7), range(2))

    assert sum(moved) == 30
    assert escalate_overdue() == 0
    escalated = AuditEvent.objects.filter(action="case.escalated")
    assert escalated.count() == 30
    assert sorted(escalated.values_list("target_id", flat=True)) == sorted(str(c.pk) for c in cases)
    assert set(Case.objects.values_list("tier", "status").distinct()) == {
        (Tier.SENIOR, CaseStatus.ESCALATED)
    }
    alerted = "".join(
        Notification.objects.filter(recipient=senior, channel="in_app").values_list(
            "body", flat=True
        )
    )
    for case in cases:
        assert alerted.count(str(case.pk)) >= 1


def test_breaches_escalate_tier_by_tier_as_time_passes(spam):
    case = overdue_cases(spam, 1)[0]
    senior_sla = EscalationTier.objects.get(category=spam, tier=Tier.SENIOR).sla

    assert escalate_overdue() == 1
    assert Case.objects.get(pk=case.pk).tier == Tier.SENIOR
    assert escalate_overdue() == 0  # not due again yet
    with time_machine.travel(timezone.now() + senior_sla + timedelta(minutes=1), tick=False):
        assert escalate_overdue() == 1
        assert Case.objects.get(pk=case.pk).tier == Tier.LEAD
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        assert escalate_overdue() == 0  # the lead tier is the top
    assert Case.objects.get(pk=case.pk).tier == Tier.LEAD


def test_expired_suspensions_are_lifted_audited_and_told(spam):
    member = make_member(email="rita@example.com")
    report = submit_report(reporter=make_member(), subject=member, category=spam)
    ends = timezone.now() - timedelta(minutes=1)
    enforcement = Enforcement.objects.create(
        kind=EnforcementKind.SUSPEND_MEMBER,
        case=report.case,
        member=member,
        starts_at=ends - timedelta(days=3),
        ends_at=ends,
    )
    member.status, member.suspended_until = MemberStatus.SUSPENDED, ends
    member.save(update_fields=["status", "suspended_until"])

    assert lift_expired_enforcements() == 1
    assert lift_expired_enforcements() == 0

    member.refresh_from_db()
    enforcement.refresh_from_db()
    assert (member.status, member.suspended_until) == (MemberStatus.ACTIVE, None)
    assert enforcement.lift_cause == "expired"
    event = AuditEvent.objects.get(action="enforcement.lifted")
    assert event.actor_label == "job:lift-expired"
    assert Notification.objects.filter(recipient=member, event="restriction_lifted").count() == 2
