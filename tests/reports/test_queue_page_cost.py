"""The queue page's cost stays flat: a fixed number of statements whatever the queue holds, the
rows written in one pass (every value escaped), the reasons named as admins last named them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Case, Report
from reports.selectors.queues import QueueRow
from reports.web.templatetags.moderation import queue_table_rows
from tests.reports.test_moderation_pages import content_case, member_case

pytestmark = pytest.mark.django_db

# Session, user, permissions, the moderator's categories (read once for the moderator check and
# the page's category), the category's reasons (the reason filter's options and the rows' reason
# names), one page of cases with their member, content and holder, and the unread alerts of the
# navigation.
QUEUE_PAGE_STATEMENTS = 7


def test_the_queue_page_reads_the_same_statements_for_one_case_or_fifty(
    client, spam, spam_moderator, django_assert_num_queries
):
    reasons = list(spam.reasons.all())
    content_case(spam, reason=reasons[0])
    client.force_login(spam_moderator)
    url = reverse("moderation:queue", args=[spam.slug])
    client.get(url)  # the first request of a session may write it

    with django_assert_num_queries(QUEUE_PAGE_STATEMENTS):
        assert client.get(url).status_code == 200

    for n in range(55):
        case = content_case(spam, reason=reasons[n % len(reasons)]) if n % 2 else member_case(spam)
        if n % 5 == 0:
            Report.objects.filter(case=case).update(expert_notice=True)
    Case.objects.filter(pk=case.pk).update(
        claimed_by=spam_moderator,
        status="claimed",
        lease_expires_at=timezone.now() + timedelta(minutes=20),
    )
    with django_assert_num_queries(QUEUE_PAGE_STATEMENTS) as statements:
        page = client.get(url).content.decode()
    assert page.count("<tr data-href=") == 50
    # The reasons are a short list: read at once, not through a server-side cursor (three round
    # trips: DECLARE, FETCH, CLOSE).
    assert not any(q["sql"].startswith("DECLARE") for q in statements.captured_queries)
    with django_assert_num_queries(QUEUE_PAGE_STATEMENTS):
        filtered = client.get(url, {"reason": reasons[1].pk, "kind": "message", "mine": "on"})
    assert filtered.status_code == 200


def test_the_queue_names_a_reason_as_an_admin_last_named_it(client, spam, spam_moderator):
    reason = spam.reasons.first()
    content_case(spam, reason=reason)
    client.force_login(spam_moderator)
    url = reverse("moderation:queue", args=[spam.slug])
    assert client.get(url).status_code == 200

    reason.name = "Selling followers"
    reason.translations = {"zh-hans": {"name": "出售粉丝"}}
    reason.save()
    english = client.get(url).content.decode()

    assert '<div class="muted">Selling followers</div>' in english
    assert f'<option value="{reason.pk}">Selling followers</option>' in english
    spam_moderator.preferred_language = "zh-hans"
    spam_moderator.save(update_fields=["preferred_language"])
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<div class="muted">出售粉丝</div>' in chinese
    assert f'<option value="{reason.pk}">出售粉丝</option>' in chinese


def test_the_reason_filter_takes_the_category_s_reasons_only(client, spam, hate, spam_moderator):
    reason = spam.reasons.first()
    chosen = content_case(spam, reason=reason)
    content_case(spam)
    client.force_login(spam_moderator)
    url = reverse("moderation:queue", args=[spam.slug])

    for value in (str(reason.pk), f"0{reason.pk}"):
        page = client.get(url, {"reason": value}).context["page"]
        assert [c.pk for c in page.cases] == [chosen.pk]
    for value in (str(hate.reasons.first().pk), "x", "null", "99999999999999999999"):
        response = client.get(url, {"reason": value})
        assert response.status_code == 400
        assert "That choice is not one of the available choices." in response.content.decode()


def row(**fields) -> QueueRow:
    hostile = '<b x="1">&\'</b>'
    values = {
        "pk": 7,
        "url": f"/moderation/cases/7/?{hostile}",
        "select_label": hostile,
        "tier": 2,
        "tier_label": hostile,
        "priority": 120,
        "due": hostile,
        "late": True,
        "report_count": 3,
        "distinct_reporters": 2,
        "language": hostile,
        "language_code": hostile,
        "reported": hostile,
        "reason": hostile,
        "member": hostile,
        "public_id": hostile,
        "snippet": hostile,
        "status": hostile,
        "held": True,
        "category": hostile,
        "expert_notice": True,
        "kind_tag": hostile,
        "additional_reports": 2,
    }
    return QueueRow(**{**values, **fields})


def test_the_rows_escape_every_value():
    html = queue_table_rows([row()], across=True, selectable=True, ticked={7})

    assert "<b" not in html and "</b>" not in html
    assert html.count("&lt;b x=&quot;1&quot;&gt;&amp;&#x27;&lt;/b&gt;") == 14
    assert 'value="7" aria-label="&lt;b' in html and "checked" in html
    assert '<td class="due late">' in html and "+2 after the decision" in html


def test_the_rows_write_what_the_table_shows(settings):
    plain = row(
        url="/moderation/cases/7/",
        select_label="Select case 7",
        tier=1,
        tier_label="",
        due="in 3 h 20",
        late=False,
        language="Japanese",
        language_code="ja",
        reported="Message",
        reason="",
        member="Rita",
        public_id="B000000001",
        snippet="フォロワー",
        status="Open",
        held=False,
        category="",
        expert_notice=False,
        kind_tag="",
        additional_reports=0,
    )

    assert queue_table_rows([plain]) == (
        '<tr data-href="/moderation/cases/7/" class="tier-1">'
        '<td class="num">120</td><td class="due">in 3 h 20</td>'
        '<td class="num">3</td><td class="num">2</td><td>Message</td>'
        '<td><a href="/moderation/cases/7/">Rita</a><div class="muted">B000000001</div></td>'
        '<td class="snippet-cell"><span class="tag lang">Japanese</span> '
        '<span lang="ja">フォロワー</span></td><td>Open</td></tr>'
    )
    settings.USE_THOUSAND_SEPARATOR = True
    assert '<td class="num">1,200</td>' in queue_table_rows([row(priority=1200, tier_label="")])


def test_the_due_time_is_late_once_past(client, spam, spam_moderator):
    late = content_case(spam)
    Case.objects.filter(pk=late.pk).update(due_at=late.due_at - timedelta(days=3))
    client.force_login(spam_moderator)

    page = client.get(reverse("moderation:queue", args=[spam.slug])).content.decode()

    assert '<td class="due late">' in page
