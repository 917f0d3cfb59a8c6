"""Signed webhooks: every enforcement is posted to the platform's endpoints, at least once.

Events: hide, remove, restrict, suspend, ban, member.reporting_suspended (an enforcement
applied; the last pauses only the member's reports, DSA Art. 23), lift (it ended on schedule),
reversal (its decision was undone), member.restriction_lifted and content.restored
(an appeal reversed or replaced its decision; the body names the appeal in `appeal` and the
member's standing after it in `member_status`); and member.welfare_check, a moderator asking
the platform to check at once on a member whose life may be at risk (no enforcement: the
platform knows how to reach the member and the emergency services of their country). The body
is JSON and names the member by their public id, the content by its kind and platform id, and
the decision by its public uuid; never the reporter nor the moderator.

How it travels
--------------
`announce` runs inside the transaction of the change: it writes one WebhookDelivery per active
endpoint and one outbox message per delivery (key `webhook:<delivery id>`), so a rolled-back
change announces nothing and a committed one is never lost.

The outbox handler `deliver_webhook` makes one attempt and never raises for the endpoint's
failures. It records the attempt on the delivery (attempts, last status and error, and a line
in `history`) and, when the endpoint failed and attempts remain, enqueues the next attempt as a
new outbox message (`webhook:<delivery id>:<attempt>`) due after an exponential backoff
(`outbox.backoff`: 30 s, 1 min, 2 min … an hour); after WEBHOOK_MAX_ATTEMPTS it marks the
delivery dead. Raising instead would let the outbox retry, but the outbox rolls back a failed
handler's writes, and the record of the failed attempt would go with them. Not raising keeps
each attempt's record and its next message in the same commit as the outbox message's "done".
Only a bug (an exception that is not the endpoint's answer) raises, and the outbox retries that
as usual.

A delivery row is locked while it is attempted and each message names its attempt, so a
message run twice, or late, posts nothing more. If the process dies after the POST but before
the commit, the attempt is made again: the platform de-duplicates on X-Hellomod-Event-Id.

Signature (`verify` is the recipe for the platform)
---------------------------------------------------
    X-Hellomod-Timestamp: unix seconds when the attempt was made
    X-Hellomod-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>
The receiver recomputes the HMAC over the raw body, compares in constant time and refuses a
timestamp more than WEBHOOK_REPLAY_WINDOW away from its clock.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from reports.effects.outbox import backoff, enqueue, handles
from reports.models import (
    Case,
    Decision,
    DeliveryStatus,
    Enforcement,
    WebhookDelivery,
    WebhookEndpoint,
)
from reports.models.choices import EnforcementKind

TOPIC = "deliver_webhook"

HIDE, REMOVE, RESTRICT, SUSPEND, BAN = "hide", "remove", "restrict", "suspend", "ban"
LIFT, REVERSAL = "lift", "reversal"
# An appeal reversed or replaced the decision: the member's restriction, or the content's
# removal, ends now. The body names the appeal and the member's standing after it.
RESTRICTION_LIFTED, CONTENT_RESTORED = "member.restriction_lifted", "content.restored"
WELFARE_CHECK = "member.welfare_check"
# Misuse (DSA Art. 23): the member may use the app but not report, until `ends_at`.
REPORTING_SUSPENDED = "member.reporting_suspended"
EVENTS = (
    HIDE,
    REMOVE,
    RESTRICT,
    SUSPEND,
    BAN,
    REPORTING_SUSPENDED,
    LIFT,
    REVERSAL,
    RESTRICTION_LIFTED,
    CONTENT_RESTORED,
)

_APPLIED = {
    EnforcementKind.HIDE_CONTENT: HIDE,
    EnforcementKind.REMOVE_CONTENT: REMOVE,
    EnforcementKind.RESTRICT_MEMBER: RESTRICT,
    EnforcementKind.SUSPEND_MEMBER: SUSPEND,
    EnforcementKind.BAN_MEMBER: BAN,
    EnforcementKind.SUSPEND_REPORTING: REPORTING_SUSPENDED,
}


def applied(enforcement: Enforcement) -> str:
    """The event that announces this enforcement taking effect."""
    return _APPLIED[EnforcementKind(enforcement.kind)]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _payload(
    event: str, enforcement: Enforcement, decision: Decision | None, now: datetime
) -> dict[str, Any]:
    content = enforcement.content
    member = enforcement.member if enforcement.member_id else content.author
    return {
        "type": event,
        "occurred_at": _iso(now),
        "member": member.public_id,
        "enforcement": {
            "id": enforcement.pk,
            "kind": applied(enforcement),
            "starts_at": _iso(enforcement.starts_at),
            "lifted_at": _iso(enforcement.lifted_at),
        },
        "content": (
            {"kind": content.kind, "external_id": content.external_id} if content else None
        ),
        "ends_at": _iso(enforcement.ends_at),
        "decision": str(decision.uuid) if decision else None,
        "restriction": decision.restriction if decision else "",
        "ground": decision.ground if decision else "",
    }


def announce(
    event: str,
    *,
    enforcement: Enforcement,
    decision: Decision | None = None,
    now: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> list[WebhookDelivery]:
    """Queue `event` about `enforcement` for every active endpoint, in the caller's transaction.

    `decision` defaults to the enforcement's own (none for content hidden before review);
    `extra` adds to the body (an appeal's reference, the member's standing after it).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = _active_endpoints()
    if not endpoints:
        return []
    decision = decision or enforcement.decision
    payload = _payload(event, enforcement, decision, now or timezone.now())
    return _queue(endpoints, event, {**payload, **(extra or {})})


def announce_welfare_check(
    decision: Decision, *, case: Case, now: datetime
) -> list[WebhookDelivery]:
    """Ask every active endpoint, in the caller's transaction, to check on the case's member now.

    The body says who (public id, and the country the member gave), why (the reason and what
    the moderator saw, in their words) and about what (the content, if the case is about one);
    the platform answers it with its own people and its knowledge of where the member is.
    """
    endpoints = _active_endpoints()
    if not endpoints:
        return []
    member = case.subject
    content = case.content
    return _queue(
        endpoints,
        WELFARE_CHECK,
        {
            "type": WELFARE_CHECK,
            "occurred_at": _iso(now),
            "member": member.public_id,
            "country": member.country,
            "decision": str(decision.uuid),
            "category": case.category.slug,
            "reason": decision.reason.slug if decision.reason else None,
            "content": (
                {"kind": content.kind, "external_id": content.external_id} if content else None
            ),
            "summary": decision.facts,
        },
        urgent=True,
    )


def _active_endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(is_active=True).order_by("pk"))


def _queue(
    endpoints: list[WebhookEndpoint], event: str, payload: dict[str, Any], *, urgent: bool = False
) -> list[WebhookDelivery]:
    """One delivery per endpoint, and the outbox message of its first attempt (on the urgent
    queue when a life may be at risk: its retries too)."""
    deliveries = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, event_type=event)
        delivery.payload = {"event_id": str(delivery.event_id), **payload}
        delivery.next_attempt_at = timezone.now()
        delivery.save()
        enqueue(
            TOPIC,
            key=f"webhook:{delivery.pk}",
            payload={"delivery_id": delivery.pk, "attempt": 1},
            urgent=urgent,
        )
        deliveries.append(delivery)
    return deliveries


# --- signing ------------------------------------------------------------------------------------


def sign(body: bytes, timestamp: str, secret: str) -> str:
    """The X-Hellomod-Signature value of `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(
    body: bytes, timestamp: str, signature: str, secret: str, *, now: float | None = None
) -> bool:
    """True when `signature` signs `body` at `timestamp` with `secret`, recently enough.

    The platform's recipe: read the raw body (before any JSON parsing), refuse a timestamp
    outside the replay window, recompute the HMAC and compare in constant time.
    """
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > settings.WEBHOOK_REPLAY_WINDOW.total_seconds():
        return False
    expected = sign(body, str(sent), secret).encode()
    try:
        given = signature.encode()
    except (AttributeError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(expected, given)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


# --- delivery -----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without body: report it as the failure it is.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the delivery once; returns (HTTP status or None, error or "" on a 2xx)."""
    if not endpoint.url.startswith(("http://", "https://")):
        return None, "The endpoint's URL is not http(s)."
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    # The scheme is checked above and by the model's validator: never file:// or ftp://.
    request = urllib.request.Request(  # noqa: S310
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "hellomod-webhooks",
            "X-Hellomod-Event-Id": str(delivery.event_id),
            "X-Hellomod-Timestamp": timestamp,
            "X-Hellomod-Signature": sign(body, timestamp, endpoint.secret),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"[:2000]
    except (urllib.error.URLError, OSError, ValueError) as exc:  # refused, timeout, bad URL
        return None, f"{type(exc).__name__}: {exc}"[:2000]
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}"


@handles(TOPIC)
def deliver_webhook(*, delivery_id: int, attempt: int = 1) -> str:
    """Make attempt number `attempt` of a delivery; returns what happened, for logs and tests."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None or delivery.attempts >= attempt:
        return "skipped"  # delivered, dead, or this attempt was made already
    endpoint = delivery.endpoint
    if endpoint.is_active:
        status_code, error = _post(endpoint, delivery)
    else:
        status_code, error = None, "The endpoint was switched off."
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = status_code, error
    delivery.history = [
        *delivery.history,
        {"attempt": delivery.attempts, "at": _iso(now), "status": status_code, "error": error},
    ]
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DONE,
            now,
            None,
        )
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not endpoint.is_active:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DEAD, None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        enqueue(
            TOPIC,
            key=f"webhook:{delivery.pk}:{delivery.attempts + 1}",
            payload={"delivery_id": delivery.pk, "attempt": delivery.attempts + 1},
            not_before=delivery.next_attempt_at,
            urgent=delivery.event_type == WELFARE_CHECK,
        )
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "history",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery.status if delivery.status != DeliveryStatus.PENDING else "retry"
