"""The report limit counts the last hour, not the clock hour, and says when to come back.

Counted in the real Redis of the suite; time moves with time-machine.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches

from reports import ratelimit
from reports.models import Report
from reports.services.intake import MAX_DESCRIPTION_LENGTH
from tests.api.conftest import REPORTS, api_for, is_json_error
from tests.concurrency import run_at_once
from tests.conftest import make_member, make_report

pytestmark = pytest.mark.django_db

T = datetime(2026, 11, 20, 4, 57, tzinfo=UTC)


def report_at(moment: datetime, app, count: int = 1) -> list[int]:
    statuses = []
    with time_machine.travel(moment, tick=False):
        for _ in range(count):
            response = app.post(
                REPORTS,
                {"member": make_member().public_id, "category": "spam-solicitation"},
                format="json",
            )
            statuses.append(response.status_code)
    return statuses


def test_the_suite_counts_in_redis():
    assert ratelimit.counts_in_redis(caches["default"])


def test_twenty_more_three_minutes_later_are_refused_across_the_clock_hour(app, spam):
    assert report_at(T, app, 20) == [201] * 20

    with time_machine.travel(T + timedelta(minutes=3), tick=False):
        refused = app.post(
            REPORTS,
            {"member": make_member().public_id, "category": spam.slug},
            format="json",
        )

    assert is_json_error(refused, 429)
    assert refused.json()["code"] == "rate_limited"
    # The oldest of the twenty leaves the window 57 minutes later.
    assert refused["Retry-After"] == str(57 * 60)
    assert "57 minutes" in refused.json()["detail"]
    assert Report.objects.count() == 20


def test_the_window_slides_one_report_at_a_time(app, spam):
    assert report_at(T, app, 10) == [201] * 10
    assert report_at(T + timedelta(minutes=30), app, 10) == [201] * 10
    assert report_at(T + timedelta(minutes=59), app) == [429]

    # An hour after the first ten, their ten places are free again, and only those.
    assert report_at(T + timedelta(minutes=60, seconds=1), app, 11) == [201] * 10 + [429]
    # Retry-After then points at the second batch.
    with time_machine.travel(T + timedelta(minutes=61), tick=False):
        refused = app.post(
            REPORTS, {"member": make_member().public_id, "category": spam.slug}, format="json"
        )
    assert refused["Retry-After"] == str(29 * 60)


def test_retry_after_is_never_zero_at_the_edge(app, spam):
    assert report_at(T, app, 20) == [201] * 20

    with time_machine.travel(T + timedelta(minutes=59, seconds=59, milliseconds=500), tick=False):
        refused = app.post(
            REPORTS, {"member": make_member().public_id, "category": spam.slug}, format="json"
        )

    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"


def test_the_form_shows_the_same_message(client, reporter, spam):
    app = api_for(reporter)
    report_at(T, app, 20)
    client.force_login(reporter)

    with time_machine.travel(T + timedelta(minutes=3), tick=False):
        page = client.post("/report/", {"member": make_member().public_id, "category": spam.pk})
        refused = app.post(
            REPORTS, {"member": make_member().public_id, "category": spam.slug}, format="json"
        )

    assert page.status_code == 200
    assert refused.json()["detail"] in page.content.decode()
    assert Report.objects.count() == 20


def test_a_report_that_fails_after_counting_gives_its_place_back(reporter, member, spam, settings):
    settings.REPORTS_PER_HOUR = 2
    assert MAX_DESCRIPTION_LENGTH < 3000 * 2
    make_report(reporter=reporter, subject=member, category=spam, description="x" * 3000)

    # Joining the earlier report would overflow its details: refused after the count was taken.
    with pytest.raises(Exception, match="room for details"):
        make_report(reporter=reporter, subject=member, category=spam, description="y" * 3000)

    assert ratelimit.used(reporter) == 1
    make_report(reporter=reporter, subject=make_member(), category=spam)
    assert ratelimit.used(reporter) == 2


def test_concurrent_reports_never_pass_the_limit(reporter, settings):
    settings.REPORTS_PER_HOUR = 20

    def take(_):
        try:
            ratelimit.take(reporter)
        except ratelimit.RateLimited:
            return "refused"
        return "taken"

    results = run_at_once(take, range(40))

    assert results.count("taken") == 20
    assert results.count("refused") == 20


def test_without_redis_the_same_window_holds_in_one_process(reporter, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REPORTS_PER_HOUR = 3
    assert not ratelimit.counts_in_redis(caches["default"])
    places = [ratelimit.take(reporter, now=T + timedelta(minutes=n)) for n in range(3)]
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.take(reporter, now=T + timedelta(minutes=50))
    assert refused.value.retry_after == 10 * 60

    ratelimit.give_back(places[-1])
    ratelimit.take(reporter, now=T + timedelta(minutes=50))
    assert ratelimit.used(reporter, now=T + timedelta(minutes=60, seconds=1)) == 2
