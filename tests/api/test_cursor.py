"""GET /api/v1/reports/?cursor=…: a cursor the API did not hand out answers 400, never 500."""

import base64

import pytest

from reports.models import Report
from tests.api.conftest import REPORTS, is_json_error
from tests.conftest import make_member, make_report

pytestmark = pytest.mark.django_db


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(cursor("p=foo"), id="position-not-a-date"),
        pytest.param(cursor("p="), id="empty-position"),
        pytest.param(cursor("p=2026-13-45 10:00:00+00:00"), id="impossible-date"),
        pytest.param(cursor("p=2026-01-01 10:00:00"), id="position-without-time-zone"),
        pytest.param(cursor("p=0001-01-01 00:00:00+14:00"), id="position-before-year-one-in-utc"),
        pytest.param(cursor("p=2026-01-01\x0010:00:00+00:00"), id="nul-in-position"),
        pytest.param(cursor("o=99999999&p=2026-01-01 10:00:00+00:00"), id="absurd-offset"),
        pytest.param(cursor("o=-1"), id="negative-offset"),
        pytest.param(cursor("r=7"), id="reverse-neither-0-nor-1"),
        pytest.param(cursor("x=1"), id="unknown-key"),
        pytest.param(cursor("p=2026-01-01 10:00:00+00:00&p=foo"), id="position-twice"),
        pytest.param("%%%not-base64", id="not-base64"),
        pytest.param(base64.b64encode(b"\xff\xfe").decode(), id="not-text"),
        pytest.param("A" * 5000, id="far-too-long"),
    ],
)
def test_a_malformed_cursor_is_refused_with_400_json(app, reporter, spam, value):
    make_report(reporter=reporter, subject=make_member(), category=spam)

    response = app.get(REPORTS, {"cursor": value})

    assert is_json_error(response, 400), response.content[:200]
    assert response.json()["code"] == "invalid_cursor"
    assert response.json()["detail"]


def test_the_cursors_the_api_hands_out_still_page_through_every_report(
    app, reporter, spam, settings
):
    settings.REPORTS_PER_HOUR = 100
    for _ in range(53):  # more than one page of 50
        make_report(reporter=reporter, subject=make_member(), category=spam)
    # The 50th and 51st newest at the same instant, one each side of the page break: only the
    # cursor's offset tells them apart.
    third, fourth = Report.objects.order_by("id")[2:4]
    Report.objects.filter(pk__in=[third.pk, fourth.pk]).update(created_at=fourth.created_at)

    seen, url, pages = [], REPORTS, 0
    while url:
        response = app.get(url)
        assert response.status_code == 200, response.content[:200]
        body = response.json()
        seen += [r["reference"] for r in body["results"]]
        url, pages = body["next"], pages + 1

    assert sorted(seen) == sorted(Report.objects.values_list("reference", flat=True))
    assert len(seen) == 53
    assert pages == 2
    back = app.get(body["previous"])
    assert back.status_code == 200
    assert [r["reference"] for r in back.json()["results"]] == seen[:50]
