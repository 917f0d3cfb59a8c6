"""The in-app inbox, e-mails in plain text and HTML, and the daily digest of queue health."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports import tasks
from reports.effects import notifications, outbox
from reports.effects.notifications import notify
from reports.models import Case, Channel, Notification, OutboxMessage
from tests.conftest import make_content, make_member, make_report

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def tell(person, n: int = 1, *, body: str = "Something happened.\nSee your reports.") -> list:
    return [
        notify(
            recipient=person,
            event="test",
            key=f"{n}-{i}",
            subject=f"Message {n}-{i}",
            body=body,
            channels=[Channel.IN_APP],
        )[0]
        for i in range(n)
    ]


def unread_badge(response) -> str | None:
    """The text of the header's unread badge, or None when there is none."""
    html = response.content.decode()
    start = html.find('class="inbox-link"')
    link = html[start : html.find("</a>", start)]
    if 'class="badge"' not in link:
        return None
    return link.split('class="badge">')[1].split("<")[0]


# --- The inbox ---


def test_the_inbox_lists_the_readers_own_messages_newest_first(client, member, reporter):
    tell(member, 3)
    tell(reporter, 1)
    notify(
        recipient=member,
        event="mail-only",
        key="1",
        subject="By mail",
        body="x",
        channels=[Channel.EMAIL],
    )
    client.force_login(member)

    response = client.get(reverse("reports:inbox"))

    assert response.status_code == 200
    subjects = [m.subject for m in response.context["page"].messages]
    assert subjects == ["Message 3-2", "Message 3-1", "Message 3-0"]
    html = response.content.decode()
    assert "Message 1-0" not in html  # the reporter's
    assert "By mail" not in html  # e-mails are not inbox messages
    assert html.count('class="inbox-item unread"') == 3


def test_another_members_message_is_not_found(client, member, reporter):
    (theirs,) = tell(reporter)
    client.force_login(member)

    assert client.get(reverse("reports:inbox-message", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_shows_the_unread_count_and_reading_lowers_it(client, member):
    first, _second, _third = tell(member, 3)
    client.force_login(member)

    assert unread_badge(client.get(reverse("reports:mine"))) == "3"

    response = client.get(reverse("reports:inbox-message", args=[first.pk]))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.read_at is not None
    assert unread_badge(response) == "2"
    read_at = first.read_at
    client.get(reverse("reports:inbox-message", args=[first.pk]))  # opening again changes nothing
    first.refresh_from_db()
    assert first.read_at == read_at

    response = client.post(reverse("reports:inbox-read-all"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:inbox")
    assert unread_badge(response) is None
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_a_huge_unread_count_shows_as_99_plus(client, member):
    tell(member, 120)
    client.force_login(member)

    assert unread_badge(client.get(reverse("reports:inbox"))) == "99+"


def test_marking_all_read_needs_post_and_touches_only_the_readers_messages(
    client, member, reporter
):
    tell(member, 2)
    tell(reporter, 2)
    client.force_login(member)

    assert client.get(reverse("reports:inbox-read-all")).status_code == 405
    assert client.post(reverse("reports:inbox-read-all")).status_code == 302

    assert Notification.objects.filter(recipient=reporter, read_at__isnull=True).count() == 2
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 0


def test_an_anonymous_visitor_is_sent_to_sign_in(client, member):
    (message,) = tell(member)
    for url in (reverse("reports:inbox"), reverse("reports:inbox-message", args=[message.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.post(reverse("reports:inbox-read-all"))
    assert response.url.startswith(reverse("login"))
    message.refresh_from_db()
    assert message.read_at is None


def test_message_text_is_plain_text_with_line_breaks(client, member):
    (message,) = tell(member, body=f"First line\nSecond {XSS}")
    client.force_login(member)

    html = client.get(reverse("reports:inbox-message", args=[message.pk])).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "First line<br>Second" in html


def test_older_messages_are_a_keyset_page_away(client, member):
    tell(member, 30)
    client.force_login(member)

    first = client.get(reverse("reports:inbox")).context["page"]
    assert len(first.messages) == 25
    second = client.get(reverse("reports:inbox"), {"after": first.next_cursor}).context["page"]
    assert len(second.messages) == 5
    assert second.next_cursor is None
    seen = {m.pk for m in first.messages} | {m.pk for m in second.messages}
    assert len(seen) == 30
    # A garbled cursor shows the first page rather than an error.
    garbled = client.get(reverse("reports:inbox"), {"after": "9.x"})
    assert garbled.status_code == 200
    assert garbled.context["page"].first


@pytest.mark.parametrize(
    "cursor",
    [
        "1.2.3",  # a cursor of another page's shape
        "１７６７２２５６０００００００００.5",  # digits, but not ASCII ones
        "99999999999999999999.5",  # past any bigint
        f"{10**18}.5",  # a moment past the year 9999
        " 1767225600000000.5",
        "1767225600000000.",
    ],
)
def test_a_cursor_the_inbox_did_not_hand_out_shows_the_first_page(client, member, cursor):
    tell(member, 3)
    client.force_login(member)

    response = client.get(reverse("reports:inbox"), {"after": cursor})

    assert response.status_code == 200
    assert response.context["page"].first
    assert len(response.context["page"].messages) == 3


def test_moderation_pages_show_the_alert_badge(client, spam_moderator):
    tell(spam_moderator, 2)
    client.force_login(spam_moderator)

    html = client.get(reverse("moderation:home")).content.decode()

    start = html.find('class="alerts-link"')
    assert start > 0
    assert 'class="badge">2<' in html[start : html.find("</a>", start)]


@pytest.mark.parametrize("count", [3, 30])
def test_the_inbox_has_a_fixed_query_count(client, member, count, django_assert_num_queries):
    tell(member, count)
    client.force_login(member)

    # Session, user, the page of messages, the unread count of the header.
    with django_assert_num_queries(4):
        response = client.get(reverse("reports:inbox"))

    assert len(response.context["page"].messages) == min(count, 25)


# --- E-mail ---


def deliver_all() -> list[str]:
    pending = OutboxMessage.objects.filter(topic="deliver_notification", status="pending")
    return [outbox.run_message(pk) for pk in pending.values_list("pk", flat=True)]


def test_an_email_has_a_plain_text_and_an_escaped_html_part(member):
    notify(
        recipient=member,
        event="test",
        key="1",
        subject="About your report <b>now</b>",
        body=f"Hello\n\nWe looked at it. {XSS}",
    )

    assert deliver_all() == ["done"]

    (email,) = mail.outbox
    assert email.to == [member.email]
    assert email.body == f"Hello\n\nWe looked at it. {XSS}"
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html  # the subject heading is escaped too
    assert "<p>Hello</p>" in html
    assert "hellomod" in html
    assert "http" not in html  # no external images or style sheets
    notification = Notification.objects.get(recipient=member, channel=Channel.EMAIL)
    assert notification.status == "done"
    assert notification.attempts == 1


def test_a_redelivered_email_is_sent_once(member):
    (_inbox, email) = notify(recipient=member, event="test", key="1", subject="Hi", body="x")
    message = OutboxMessage.objects.get(idempotency_key=f"deliver_notification:{email.pk}")

    outbox.run_message(message.pk)
    notifications.deliver_notification(notification_id=email.pk)  # a task delivered again

    assert len(mail.outbox) == 1


# --- The daily digest ---


@pytest.fixture
def spam_queue(spam, reporter, settings):
    """Three open spam cases: one overdue, the oldest opened two days ago."""
    settings.REPORTS_PER_HOUR = 100
    for _ in range(3):
        subject = make_member()
        make_report(
            reporter=reporter, subject=subject, category=spam, content=make_content(subject)
        )
    cases = list(Case.objects.filter(category=spam).order_by("pk"))
    now = timezone.now()
    Case.objects.filter(pk=cases[0].pk).update(
        opened_at=now - timedelta(days=2, hours=3), due_at=now - timedelta(hours=1)
    )
    Case.objects.filter(pk__in=[c.pk for c in cases[1:]]).update(due_at=now + timedelta(days=1))
    return cases


def test_the_spam_team_gets_one_digest_with_the_queue_counts(
    spam, spam_queue, spam_moderator, other_moderator, member
):
    written = tasks.send_queue_digests()

    digests = Notification.objects.filter(event="queue_digest", recipient=spam_moderator)
    assert sorted(digests.values_list("channel", flat=True)) == ["email", "in_app"]
    digest = digests.get(channel=Channel.IN_APP)
    assert "Spam team: 3 open, 1 overdue" in digest.subject
    assert f"{spam.name}: 3 open, 1 overdue, the oldest waiting for 2 days 3 hours" in digest.body
    # Another team hears about its own categories only; members of no team hear nothing.
    theirs = Notification.objects.get(
        event="queue_digest", recipient=other_moderator, channel=Channel.IN_APP
    )
    assert spam.name not in theirs.body
    assert "0 open" in theirs.subject
    assert not Notification.objects.filter(event="queue_digest", recipient=member).exists()
    assert written == Notification.objects.filter(event="queue_digest").count()
    deliver_all()
    assert [m.to for m in mail.outbox if "Queue health" in m.subject].count(
        [spam_moderator.email]
    ) == 1


def test_running_the_digest_twice_the_same_day_sends_one(spam_queue, spam_moderator):
    assert tasks.send_queue_digests() > 0
    assert tasks.send_queue_digests() == 0

    assert Notification.objects.filter(event="queue_digest", recipient=spam_moderator).count() == 2
    deliver_all()
    assert len([m for m in mail.outbox if m.to == [spam_moderator.email]]) == 1


def test_the_next_day_brings_a_new_digest(spam_queue, spam_moderator):
    notifications.send_queue_digests()
    notifications.send_queue_digests(now=timezone.now() + timedelta(days=1))

    assert (
        Notification.objects.filter(
            event="queue_digest", recipient=spam_moderator, channel=Channel.IN_APP
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_an_email_the_outbox_gives_up_on_shows_dead_with_its_error(member, settings, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    from reports.models import DeliveryStatus

    settings.OUTBOX_MAX_ATTEMPTS = 2

    def refuse(self, fail_silently=False):  # the mail server, outside our stack, says no
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    notify(recipient=member, event="report_received", key="x", subject="Hi", body="Hello")
    message = OutboxMessage.objects.get(topic="deliver_notification")

    assert outbox.run_message(message.pk) == "retry"
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=message.created_at)
    assert outbox.run_message(message.pk) == "dead"

    email = Notification.objects.get(recipient=member, channel="email")
    assert email.status == DeliveryStatus.DEAD
    assert "mail server down" in email.last_error
    assert email.attempts == 2
