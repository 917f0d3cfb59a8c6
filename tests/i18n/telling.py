"""A decision's undo window passed at once, and the worker's telling done in the test's process."""

from datetime import timedelta

from django.utils import timezone

from reports.effects.outbox import run_message
from reports.models import Decision, OutboxMessage, Report


def tell_members_now(decision: Decision) -> None:
    """Move the decision ten minutes back (its undo window is over, its reports settled), then
    run every message due, as the worker would: the members are told."""
    earlier = decision.starts_at - timedelta(minutes=10)
    Decision.objects.filter(pk=decision.pk).update(starts_at=earlier, created_at=earlier)
    Report.objects.filter(case_id=decision.case_id).update(resolved_at=earlier)
    OutboxMessage.objects.filter(status="pending").update(available_at=timezone.now())
    while message := OutboxMessage.objects.filter(status="pending").order_by("pk").first():
        run_message(message.pk)
