"""The in-app inbox of everyone signed in: members hear about their reports, moderators get alerts.

Opening a message marks it read. That is a GET with a side effect on purpose: reading is the
reader's own state (nobody else sees it, nothing is audited) and the conditional update makes a
repeated or prefetched GET change nothing more. "Mark all read" changes many rows and is a POST.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from reports.models import Channel, Notification
from reports.selectors.inbox import inbox_page
from reports.services import inbox as inbox_service


def get_notification_for_reader(user, notification_id: int) -> Notification:
    """One of the reader's own in-app messages, or 404 (someone else's is not found, not 403)."""
    return get_object_or_404(
        # A statement of reasons names its decision: the message offers to appeal it.
        Notification.objects.select_related("decision"),
        pk=notification_id,
        recipient=user,
        channel=Channel.IN_APP,
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = inbox_page(request.user, cursor=request.GET.get("after", ""))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_GET
def message(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_notification_for_reader(request.user, notification_id)
    was_unread = inbox_service.mark_read(reader=request.user, notification=notification)
    return render(
        request,
        "notifications/message.html",
        {"notification": notification, "was_unread": was_unread},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    inbox_service.mark_all_read(reader=request.user)
    return redirect("reports:inbox")
