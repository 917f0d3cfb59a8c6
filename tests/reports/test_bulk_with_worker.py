"""A spam wave decided in one go: the worker applies the bulk decision and the page follows it."""

import pytest
from django.urls import reverse

from accounts.models import MemberStatus, User
from reports.models import BulkDecision, Case, CaseStatus, Decision
from reports.services.claims import claim_case
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bulk_suspension_runs_on_the_worker_with_visible_progress(
    celery_worker, client, spam, spam_team, spam_moderator
):
    spammers = [make_member() for _ in range(30)]
    cases = [
        submit_report(
            reporter=make_member(),
            subject=spammer,
            category=spam,
            content=make_content(spammer, text="Cheap followers, DM me"),
        ).case
        for spammer in spammers
    ]
    colleague = make_moderator(team=spam_team)
    claim_case(case_id=cases[0].pk, moderator=colleague)  # someone is already on this one
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:bulk", args=[spam.slug]),
        {
            "cases": [c.pk for c in cases],
            "action": "suspend",
            "days": "3",
            "facts": "Part of the 23 November follower-selling wave.",
            "confirm": "1",
        },
    )
    job = BulkDecision.objects.get()
    assert response.url == reverse("moderation:bulk-progress", args=[job.pk])

    progress = wait_for(
        lambda: (
            (data := client.get(response.url, HTTP_ACCEPT="application/json").json())["finished"]
            and data
        ),
        timeout=60,
        what="the bulk decision to finish",
    )
    assert progress == {
        "total": 30,
        "decided": 29,
        "skipped": 1,
        "failed": 0,
        "percent": 100,
        "finished": True,
    }
    assert Decision.objects.count() == 29
    suspended = User.objects.filter(pk__in=[s.pk for s in spammers[1:]])
    assert set(suspended.values_list("status", flat=True)) == {MemberStatus.SUSPENDED}
    assert Case.objects.get(pk=cases[0].pk).status == CaseStatus.CLAIMED
    page = client.get(response.url).content.decode()
    assert "29 decided, 1 skipped, of 30 (100%)" in page
