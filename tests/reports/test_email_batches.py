"""E-mails delivered several to a transaction: few statements, each e-mail sent once, and a
failure that stays with its own message."""

import math
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import tasks
from reports.effects import notifications, outbox, outbox_groups
from reports.effects.notifications import notify
from reports.models import Channel, DeliveryStatus, Notification, OutboxMessage
from tests.concurrency import run_at_once
from tests.conftest import make_member
from tests.reports.test_notifications_with_worker import sent_mails
from tests.workers import wait_for

REFUSED = "refused@example.com"


def emails_to(people, *, event: str = "case_escalated") -> list[int]:
    """One e-mail (no inbox message) to each person, as a sweep writes them; the outbox ids."""
    with outbox.batched():
        for person in people:
            notify(
                recipient=person,
                event=event,
                key="1",
                subject="A case is waiting for you",
                body="Case 12 reached your tier.",
                channels=[Channel.EMAIL],
            )
    return list(
        OutboxMessage.objects.filter(topic="deliver_notification")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def addresses() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def mail_server_refuses(monkeypatch) -> set[str]:
    """The mail server refuses these addresses (and takes the others), as a real one may."""
    refused = {REFUSED}
    send = EmailMultiAlternatives.send

    def refuse_some(self, fail_silently=False):
        if set(self.to) & refused:
            raise ConnectionRefusedError("550 mailbox unavailable")
        return send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_some)
    return refused


@pytest.mark.django_db
def test_a_batch_costs_six_statements_per_group_of_emails():
    people = [make_member() for _ in range(25)]
    ids = emails_to(people)

    with CaptureQueriesContext(connection) as queries:
        outcomes = tasks.run_outbox_messages(ids)

    # Per group: open the transaction, lock its messages, lock their notifications, mark the
    # notifications sent, mark the messages done, commit (savepoints here, inside the test's
    # transaction). 25 e-mails are 3 groups: 18 statements, where one at a time took 150.
    assert len(queries) == 6 * math.ceil(len(ids) / outbox_groups.GROUP_SIZE) == 18
    assert outcomes == {"done": 25}
    assert addresses() == sorted(person.email for person in people)
    assert set(Notification.objects.values_list("status", "attempts").distinct()) == {
        (DeliveryStatus.DONE, 1)
    }
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert set(
        OutboxMessage.objects.values_list("status", "attempts", "last_error").distinct()
    ) == {(DeliveryStatus.DONE, 1, "")}


@pytest.mark.django_db
def test_the_html_is_rendered_once_per_language_and_text_and_each_email_is_its_own():
    people = [make_member(preferred_language="de") for _ in range(3)]
    people.append(make_member(preferred_language="ar"))

    tasks.run_outbox_messages(emails_to(people))

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {person.email for person in people}
    german = by_address[people[0].email].alternatives[0][0]
    assert german == by_address[people[1].email].alternatives[0][0]
    assert 'lang="de"' in german and 'dir="ltr"' in german
    assert 'dir="rtl"' in by_address[people[3].email].alternatives[0][0]


@pytest.mark.django_db
def test_one_email_failing_leaves_the_others_sent_once_and_is_sent_on_its_retry(
    mail_server_refuses,
):
    people = [make_member() for _ in range(3)]
    people.insert(2, make_member(email=REFUSED))
    people += [make_member() for _ in range(8)]
    ids = emails_to(people)

    assert tasks.run_outbox_messages(ids) == {"done": 11, "retry": 1}

    assert addresses() == sorted(p.email for p in people if p.email != REFUSED)
    refused = Notification.objects.get(recipient__email=REFUSED)
    assert (refused.status, refused.attempts) == (DeliveryStatus.PENDING, 0)
    failed = OutboxMessage.objects.get(payload__notification_id=refused.pk)
    assert failed.status == DeliveryStatus.PENDING
    assert failed.attempts == 1
    assert "550 mailbox unavailable" in failed.last_error
    assert failed.published_at is None  # the sweep sends the retry
    assert failed.available_at > timezone.now() + timedelta(seconds=20)
    assert OutboxMessage.objects.filter(status=DeliveryStatus.DONE, attempts=1).count() == 11
    assert Notification.objects.filter(status=DeliveryStatus.DONE).count() == 11

    # The mail server takes it now; the whole batch delivered again sends only that one.
    mail_server_refuses.clear()
    mail.outbox.clear()
    assert tasks.run_outbox_messages(ids) == {"done": 1, "skipped": 11}
    assert addresses() == [REFUSED]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (DeliveryStatus.DONE, 2, "")


@pytest.mark.django_db
def test_an_email_failing_for_the_last_time_in_a_batch_shows_dead(mail_server_refuses, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    people = [make_member(), make_member(email=REFUSED), make_member()]

    assert tasks.run_outbox_messages(emails_to(people)) == {"done": 2, "dead": 1}

    dead = Notification.objects.get(recipient__email=REFUSED)
    assert dead.status == DeliveryStatus.DEAD
    assert "550 mailbox unavailable" in dead.last_error
    assert OutboxMessage.objects.get(payload__notification_id=dead.pk).status == "dead"
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_what_was_sent_before_the_time_ran_out_is_recorded_and_the_rest_left(monkeypatch):
    people = [make_member() for _ in range(6)]
    ids = emails_to(people)
    send = EmailMultiAlternatives.send

    def slow_server(self, fail_silently=False):
        if len(mail.outbox) == 3:
            raise SoftTimeLimitExceeded()
        return send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow_server)

    with pytest.raises(SoftTimeLimitExceeded):
        tasks.run_outbox_messages(ids)

    assert len(mail.outbox) == 3
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in ids] == ["done"] * 3 + ["pending"] * 3
    assert Notification.objects.filter(status=DeliveryStatus.DONE).count() == 3
    # The one cut short counts as a failed run; the others were never tried. None waits in the
    # broker any more: the sweep sends them all.
    assert OutboxMessage.objects.get(pk=ids[3]).attempts == 1
    assert not OutboxMessage.objects.filter(pk__in=ids[4:], attempts__gt=0).exists()
    assert not OutboxMessage.objects.filter(pk__in=ids[3:], published_at__isnull=False).exists()


@pytest.mark.django_db
def test_an_email_sent_already_in_a_batch_is_not_sent_again():
    people = [make_member() for _ in range(4)]
    ids = emails_to(people)
    # One message ran alone already; another's notification went out through a task that was
    # delivered twice, while its message still waits.
    assert outbox.run_message(ids[0]) == "done"
    second = OutboxMessage.objects.get(pk=ids[1]).payload["notification_id"]
    notifications.deliver_notification(notification_id=second)
    assert len(mail.outbox) == 2

    assert tasks.run_outbox_messages(ids) == {"done": 3, "skipped": 1}

    assert addresses() == sorted(person.email for person in people)
    assert Notification.objects.get(pk=second).attempts == 1
    assert tasks.run_outbox_messages(ids) == {"skipped": 4}
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_other_topics_in_a_batch_still_run_one_at_a_time(monkeypatch):
    ran: list[str] = []
    monkeypatch.setitem(outbox._handlers, "test_noop", lambda *, label: ran.append(label))
    people = [make_member() for _ in range(3)]
    with outbox.batched():
        first = outbox.enqueue("test_noop", key="noop-1", payload={"label": "before"})
        ids = emails_to(people)
        last = outbox.enqueue("test_noop", key="noop-2", payload={"label": "after"})

    assert tasks.run_outbox_messages([first.pk, *ids, last.pk]) == {"done": 5}
    assert ran == ["before", "after"]
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_run_twice_at_once_sends_each_email_once():
    people = [make_member() for _ in range(30)]
    with transaction.atomic():
        ids = emails_to(people)

    outcomes = run_at_once(lambda _: tasks.run_outbox_messages(ids), range(2))

    assert addresses() == sorted(person.email for person in people)
    assert sum(o.get("done", 0) for o in outcomes) == 30
    assert sum(o.get("skipped", 0) for o in outcomes) == 30
    assert not Notification.objects.exclude(status=DeliveryStatus.DONE, attempts=1).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_batch_each_email_once(celery_worker):
    people = [make_member(email=f"batch{n}@example.com") for n in range(60)]
    with transaction.atomic():
        ids = emails_to(people)

    wait_for(
        lambda: OutboxMessage.objects.filter(pk__in=ids, status=DeliveryStatus.DONE).count() == 60,
        what="the batch delivered",
    )
    mails = [m["To"] for m in sent_mails(celery_worker.mail_dir) if m["To"].startswith("batch")]
    assert sorted(mails) == sorted(person.email for person in people)
    assert not Notification.objects.exclude(status=DeliveryStatus.DONE, attempts=1).exists()
