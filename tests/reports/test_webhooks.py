"""Webhooks: every enforcement reaches the platform signed, retried, once, and nothing private."""

import json
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.effects.outbox import run_message
from reports.effects.webhooks import deliver_webhook, sign, verify
from reports.models import (
    AuditEvent,
    Case,
    DecisionAction,
    DeliveryStatus,
    OutboxMessage,
    WebhookDelivery,
    WebhookEndpoint,
)
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from reports.services.enforcement import lift_expired_enforcements
from reports.services.triage import hide_pending_review
from tests.conftest import make_content, make_member, make_moderator, make_report

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


def content_case(member, reporter, spam) -> Case:
    report = make_report(
        reporter=reporter, subject=member, category=spam, content=make_content(member)
    )
    return Case.objects.get(pk=report.case_id)


def suspend(case: Case, moderator):
    return decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts="Sent the same advert to forty learners.",
    )


def first_message(delivery: WebhookDelivery) -> OutboxMessage:
    return OutboxMessage.objects.get(idempotency_key=f"webhook:{delivery.pk}")


def test_a_suspension_reaches_the_platform_signed_and_only_once(
    platform, endpoint, member, reporter, spam, spam_moderator
):
    case = content_case(member, reporter, spam)
    decision = suspend(case, spam_moderator)

    assert set(WebhookDelivery.objects.values_list("event_type", flat=True)) == {
        "suspend",
        "remove",
    }
    delivery = WebhookDelivery.objects.get(event_type="suspend")
    assert (delivery.endpoint, delivery.status, delivery.attempts) == (endpoint, "pending", 0)
    message = first_message(delivery)
    assert (message.topic, message.payload) == (
        "deliver_webhook",
        {"delivery_id": delivery.pk, "attempt": 1},
    )
    assert platform.requests == []  # nothing is sent before the decision commits

    assert run_message(message.pk) == "done"

    [request] = platform.requests
    headers = request.headers
    assert request.path == "/hellomod"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Hellomod-Event-Id"] == str(delivery.event_id)
    assert abs(int(headers["X-Hellomod-Timestamp"]) - time.time()) < 60
    assert verify(
        request.body,
        headers["X-Hellomod-Timestamp"],
        headers["X-Hellomod-Signature"],
        endpoint.secret,
    )
    event = json.loads(request.body)
    assert event["event_id"] == str(delivery.event_id)
    assert event["type"] == "suspend"
    assert event["member"] == member.public_id
    assert event["decision"] == str(decision.uuid)
    assert event["ends_at"] == decision.ends_at.isoformat()
    assert (event["restriction"], event["ground"]) == ("account_suspended", "incompatible")
    assert event["content"] is None
    removal = WebhookDelivery.objects.get(event_type="remove").payload
    assert removal["content"] == {
        "kind": case.content.kind,
        "external_id": case.content.external_id,
    }
    assert removal["member"] == member.public_id

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("done", 1, 200)
    assert delivery.delivered_at is not None
    assert delivery.last_error == ""
    assert [line["status"] for line in delivery.history] == [200]

    # Redelivered, by the outbox or straight to the handler: nothing more is sent.
    assert run_message(message.pk) == "skipped"
    assert deliver_webhook(delivery_id=delivery.pk, attempt=1) == "skipped"
    assert len(platform.requests) == 1
    assert not OutboxMessage.objects.filter(idempotency_key__startswith=f"webhook:{delivery.pk}:")


def test_a_failing_endpoint_is_retried_with_backoff_then_dead(
    platform, endpoint, member, reporter, spam, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    platform.status = 500
    case = content_case(member, reporter, spam)
    hide_pending_review(case)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "hide"
    assert delivery.payload["decision"] is None

    before = timezone.now()
    assert run_message(first_message(delivery).pk) == "done"  # the attempt is recorded, kept

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert "500" in delivery.last_error
    assert before + timedelta(seconds=29) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=31)
    retry = OutboxMessage.objects.get(idempotency_key=f"webhook:{delivery.pk}:2")
    assert retry.available_at == delivery.next_attempt_at  # left to the beat sweep until due
    assert retry.payload == {"delivery_id": delivery.pk, "attempt": 2}

    assert run_message(retry.pk) == "done"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("dead", 2, 500)
    assert delivery.next_attempt_at is None
    assert [line["status"] for line in delivery.history] == [500, 500]
    assert len(platform.requests) == 2
    assert not OutboxMessage.objects.filter(idempotency_key=f"webhook:{delivery.pk}:3").exists()
    # Both attempts carried the same event id, for the platform to de-duplicate on.
    assert {r.headers["X-Hellomod-Event-Id"] for r in platform.requests} == {str(delivery.event_id)}


def test_an_unreachable_endpoint_is_recorded_and_retried(member, reporter, spam):
    # A port nobody listens on: bind one, then close it.
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    WebhookEndpoint.objects.create(name="Down", url=f"http://127.0.0.1:{port}/")
    hide_pending_review(content_case(member, reporter, spam))
    delivery = WebhookDelivery.objects.get()

    assert run_message(first_message(delivery).pk) == "done"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "refused" in delivery.last_error.lower()
    assert OutboxMessage.objects.filter(idempotency_key=f"webhook:{delivery.pk}:2").exists()


def test_verification_refuses_a_tampered_body_a_wrong_secret_and_an_old_timestamp(settings):
    body = b'{"event_id":"1","type":"ban"}'
    now = int(time.time())
    stamp = str(now)
    signature = sign(body, stamp, "s3cret")
    assert signature.startswith("sha256=") and len(signature) == 7 + 64

    assert verify(body, stamp, signature, "s3cret")
    assert not verify(body.replace(b"ban", b"warn"), stamp, signature, "s3cret")
    assert not verify(body, stamp, signature, "another secret")
    assert not verify(body, str(now + 1), signature, "s3cret")
    assert not verify(body, stamp, "sha256=" + "0" * 64, "s3cret")
    assert not verify(body, "yesterday", signature, "s3cret")
    assert not verify(body, stamp, "sha256=é", "s3cret")

    window = int(settings.WEBHOOK_REPLAY_WINDOW.total_seconds())
    old = str(now - window - 1)
    assert not verify(body, old, sign(body, old, "s3cret"), "s3cret")
    assert verify(body, stamp, signature, "s3cret", now=now + window)
    assert not verify(body, stamp, signature, "s3cret", now=now + window + 1)


def test_the_platform_learns_neither_the_reporter_nor_the_moderator(
    platform, endpoint, member, reporter, spam, spam_team
):
    # Names long enough that finding them in the body cannot be a coincidence.
    moderator = make_moderator(
        team=spam_team, username="kestrel-moderator", display_name="Kestrel Moderator"
    )
    suspend(content_case(member, reporter, spam), moderator)
    for delivery in WebhookDelivery.objects.all():
        run_message(first_message(delivery).pk)

    assert len(platform.requests) == 2
    for sent in [r.body.decode() for r in platform.requests]:
        assert member.public_id in sent
        for private in (
            reporter.public_id,
            reporter.username,
            reporter.display_name,
            moderator.username,
            moderator.display_name,
            moderator.public_id,
            "forty learners",  # the moderator's own words stay in the statement of reasons
        ):
            assert private not in sent


def test_an_inactive_endpoint_gets_nothing(
    platform, endpoint, member, reporter, spam, spam_moderator
):
    WebhookEndpoint.objects.create(name="Retired", url=platform.url, is_active=False)

    suspend(content_case(member, reporter, spam), spam_moderator)

    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {endpoint.pk}

    # Switched off after the event was queued: the delivery dies without a request.
    WebhookEndpoint.objects.update(is_active=False)
    delivery = WebhookDelivery.objects.first()
    run_message(first_message(delivery).pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("dead", "The endpoint was switched off.")
    assert platform.requests == []


def test_without_endpoints_a_decision_queues_no_webhook(member, reporter, spam, spam_moderator):
    suspend(content_case(member, reporter, spam), spam_moderator)

    assert not WebhookDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(topic="deliver_webhook").exists()


def test_undo_announces_a_reversal_and_expiry_a_lift(
    endpoint, member, reporter, spam, spam_moderator
):
    decision = suspend(content_case(member, reporter, spam), spam_moderator)
    undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    reversals = WebhookDelivery.objects.filter(event_type="reversal")
    assert sorted(d.payload["enforcement"]["kind"] for d in reversals) == ["remove", "suspend"]
    assert {d.payload["decision"] for d in reversals} == {str(decision.uuid)}

    other = make_member()
    restricted = decide(
        case_id=content_case(other, reporter, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.RESTRICT,
        duration=timedelta(days=1),
    )
    assert lift_expired_enforcements(now=restricted.ends_at + timedelta(seconds=1)) == 1

    lift = WebhookDelivery.objects.get(event_type="lift")
    assert lift.payload["member"] == other.public_id
    assert lift.payload["enforcement"]["kind"] == "restrict"
    assert lift.payload["enforcement"]["lifted_at"] is not None
    assert OutboxMessage.objects.filter(idempotency_key=f"webhook:{lift.pk}").exists()


def test_trust_and_safety_admins_add_endpoints_and_read_deliveries(client, ts_admin, platform):
    client.force_login(ts_admin)
    add = reverse("admin:reports_webhookendpoint_add")
    assert "secret" not in client.get(add).content.decode().lower().split("<form")[1]

    response = client.post(add, {"name": "Platform", "url": platform.url, "is_active": "on"})

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert len(endpoint.secret) >= 43
    created = AuditEvent.objects.get(action="webhookendpoint.created")
    assert created.actor == ts_admin
    assert endpoint.secret not in json.dumps(created.after)
    page = client.get(reverse("admin:reports_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret in page.content.decode()

    # The secret cannot be changed through the form.
    client.post(
        reverse("admin:reports_webhookendpoint_change", args=[endpoint.pk]),
        {"name": "Platform", "url": platform.url, "is_active": "on", "secret": "mine"},
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != "mine"

    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="ban",
        status=DeliveryStatus.DEAD,
        attempts=1,
        last_status_code=503,
        last_error="HTTP 503 Service Unavailable",
        history=[{"attempt": 1, "at": "2025-01-01T00:00:00+00:00", "status": 503, "error": "x"}],
    )
    changelist = reverse("admin:reports_webhookdelivery_changelist")
    listed = client.get(changelist, {"status__exact": "dead"}).context["cl"].result_list
    assert list(listed) == [delivery]
    assert list(client.get(changelist, {"status__exact": "done"}).context["cl"].result_list) == []
    page = client.get(reverse("admin:reports_webhookdelivery_change", args=[delivery.pk]))
    assert "503" in page.content.decode()
    assert client.get(reverse("admin:reports_webhookdelivery_add")).status_code == 403
    delete = reverse("admin:reports_webhookdelivery_delete", args=[delivery.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert WebhookDelivery.objects.filter(pk=delivery.pk).exists()


def test_other_staff_cannot_see_webhooks(client, spam_moderator):
    client.force_login(spam_moderator)
    response = client.get(reverse("admin:reports_webhookendpoint_changelist"))
    assert response.status_code == 403


def test_content_held_for_review_is_announced_when_given_back_and_when_held_again(
    endpoint, member, reporter, spam, spam_moderator
):
    from reports.services.triage import hide_pending_review

    case = content_case(member, reporter, spam)
    hide_pending_review(case)
    decision = decide(case_id=case.pk, moderator=spam_moderator, action=DecisionAction.NO_VIOLATION)
    undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    events = list(
        WebhookDelivery.objects.order_by("pk").values_list(
            "event_type", "payload__enforcement__kind"
        )
    )
    assert events == [("hide", "hide"), ("lift", "hide"), ("hide", "hide")]
