"""The moderator's pages: queues, next case, the case page, decisions, and who may see them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.evidence import clean_image
from reports.models import (
    BulkDecision,
    Case,
    CaseStatus,
    Decision,
    Note,
    OutboxMessage,
    ReportStatus,
    Tier,
)
from reports.selectors.decisions import case_version
from reports.services.decisions.decide import decide
from reports.services.intake import submit_report
from reports.texts.statements import appeal_link
from tests.conftest import make_content, make_member, upload

pytestmark = pytest.mark.django_db


def content_case(category, *, reporter=None, subject=None, text="Buy followers now!", **kw):
    subject = subject or make_member()
    report = submit_report(
        reporter=reporter or make_member(),
        subject=subject,
        category=category,
        content=make_content(subject, text=text),
        **kw,
    )
    return report.case


def member_case(category, *, subject=None, **kw):
    report = submit_report(
        reporter=make_member(), subject=subject or make_member(), category=category, **kw
    )
    return report.case


# --- Home and queue ---


def test_home_lists_the_queues_of_the_moderators_teams_with_counts(client, spam, spam_moderator):
    for _ in range(3):
        content_case(spam)
    Case.objects.filter(pk=Case.objects.first().pk).update(due_at=timezone.now() - timedelta(1))
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert spam.name in page
    assert "Hate" not in page  # another team's category
    queue = response.context["summaries"][0]
    assert (queue.category, queue.open, queue.overdue) == (spam, 3, 1)
    assert all(not s.is_escalated for s in response.context["summaries"])


def test_seniors_also_see_escalated_queues_and_the_emergencies(client, spam, senior):
    escalated, emergency = content_case(spam), content_case(spam)
    Case.objects.filter(pk=escalated.pk).update(status=CaseStatus.ESCALATED, tier=Tier.SENIOR)
    Case.objects.filter(pk=emergency.pk).update(status=CaseStatus.ESCALATED, tier=Tier.EMERGENCY)
    client.force_login(senior)

    context = client.get(reverse("moderation:home")).context

    assert [s.open for s in context["summaries"] if s.is_escalated] == [1]
    assert context["emergencies"].waiting == 1  # one lane across categories, above the table


def test_language_teams_get_a_queue_per_language(client, spam, spam_moderator):
    spam_moderator.teams.update(languages=["ja", "zh"])
    client.force_login(spam_moderator)

    labels = [s.label for s in client.get(reverse("moderation:home")).context["summaries"]]

    assert labels == ["All languages", "Japanese", "Chinese"]


def test_the_queue_lists_open_cases_in_the_order_they_are_served(client, spam, spam_moderator):
    low, high, soon = (content_case(spam) for _ in range(3))
    Case.objects.filter(pk=high.pk).update(priority=900)
    # Due in 5 minutes: before a case due in two days, however high its score.
    Case.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(minutes=5))
    decided = content_case(spam)
    decide(case_id=decided.pk, moderator=spam_moderator, action="no_violation")
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:queue", args=[spam.slug]))

    assert [c.pk for c in response.context["page"].cases] == [soon.pk, high.pk, low.pk]


def test_queue_filters_narrow_the_list(client, spam, spam_moderator):
    overdue = content_case(spam)
    Case.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(hours=1))
    about_member = member_case(spam)
    client.force_login(spam_moderator)
    url = reverse("moderation:queue", args=[spam.slug])

    assert [c.pk for c in client.get(url, {"overdue": "on"}).context["page"].cases] == [overdue.pk]
    assert [c.pk for c in client.get(url, {"kind": "member"}).context["page"].cases] == [
        about_member.pk
    ]
    assert client.get(url, {"mine": "on"}).context["page"].cases == []


def test_a_bad_filter_value_is_a_clear_400(client, spam, spam_moderator):
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:queue", args=[spam.slug]), {"status": "gone"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page
    # The error names its control for screen readers.
    assert 'aria-invalid="true" aria-describedby="id_status_error"' in page
    assert 'id="id_status_error"' in page


def test_keyset_pages_walk_the_whole_queue_once_in_order(client, spam, senior, monkeypatch):
    """Pages of 3 over tiers and tied serve-by times: every case once, in order.

    (7, 0) and (12, 3) tie: 5 more points (3 minutes) make up for being due 3 minutes later.
    """
    cases = [content_case(spam) for _ in range(12)]
    due = timezone.now() + timedelta(hours=2)
    shapes = [
        (Tier.SENIOR, 9, 0), (Tier.SENIOR, 9, 0), (Tier.SENIOR, 3, 1), (Tier.SENIOR, 3, 2),
        (Tier.FRONTLINE, 7, 0), (Tier.FRONTLINE, 7, 0), (Tier.FRONTLINE, 7, 0),
        (Tier.FRONTLINE, 12, 3), (Tier.FRONTLINE, 2, 0), (Tier.FRONTLINE, 2, 0),
        (Tier.FRONTLINE, 0, 3), (Tier.FRONTLINE, 0, 3),
    ]  # fmt: skip
    for case, (tier, priority, minutes) in zip(cases, shapes, strict=True):
        Case.objects.filter(pk=case.pk).update(
            tier=tier,
            status=CaseStatus.OPEN if tier == Tier.FRONTLINE else CaseStatus.ESCALATED,
            priority=priority,
            due_at=due + timedelta(minutes=minutes),
        )
    from reports.selectors import queues as selectors

    expected = list(
        Case.objects.filter(pk__in=[c.pk for c in cases])
        .order_by(*selectors.QUEUE_ORDER)
        .values_list("pk", flat=True)
    )

    real_page = selectors.queue_page
    monkeypatch.setattr(
        "reports.web.views.queues.queue_page",
        lambda qs, cursor="": real_page(qs, cursor=cursor, size=3),
    )
    client.force_login(senior)
    url = reverse("moderation:queue", args=[spam.slug])
    seen, after, pages = [], "", 0
    with CaptureQueriesContext(connection) as queries:
        while True:
            page = client.get(url, {"after": after} if after else {}).context["page"]
            seen += [c.pk for c in page.cases]
            pages += 1
            if not page.next_cursor:
                break
            after = page.next_cursor

    assert seen == expected  # the second page ends one tier and begins the next
    assert pages == 4
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)


def test_a_garbled_cursor_shows_the_first_page(client, spam, spam_moderator):
    content_case(spam)
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:queue", args=[spam.slug]), {"after": "x.y\x00"})

    assert response.status_code == 200
    assert len(response.context["page"].cases) == 1


# --- Next case, the case page, decisions ---


def test_next_case_leases_the_top_case_and_opens_it(client, spam, spam_moderator):
    case = content_case(spam)
    client.force_login(spam_moderator)

    response = client.post(reverse("moderation:next", args=[spam.slug]))

    assert response.status_code == 302
    assert response.url == reverse("moderation:case", args=[case.pk])
    case.refresh_from_db()
    assert (case.status, case.claimed_by) == (CaseStatus.CLAIMED, spam_moderator)


def test_next_case_on_an_empty_queue_says_so(client, spam, spam_moderator):
    client.force_login(spam_moderator)

    response = client.post(reverse("moderation:next", args=[spam.slug]), follow=True)

    assert "Nothing is waiting in this queue" in response.content.decode()


def test_the_case_page_shows_content_reports_member_and_the_ladder(
    client, spam, spam_moderator, reporter
):
    case = content_case(
        spam,
        reporter=reporter,
        description="He sent this to 40 people",
        evidence=[clean_image(upload())],
    )
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:case", args=[case.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Buy followers now!" in page
    assert "He sent this to 40 people" in page
    assert reporter.public_id in page  # reporter identity is for moderators
    assert case.subject.public_id in page
    assert "sensitive blurred" in page  # evidence blurred by default
    assert (
        reverse("reports:evidence-thumbnail", args=[case.reports.get().evidence.get().pk]) in page
    )
    assert response.context["suggestion"].action == "warn"
    assert response.context["form"].initial["action"] == "warn"
    assert "case.opened" in page  # the audit trail


def test_a_moderator_may_turn_blurring_off(client, spam, spam_moderator):
    case = content_case(spam, evidence=[clean_image(upload())])
    client.force_login(spam_moderator)
    url = reverse("moderation:case", args=[case.pk])

    client.post(reverse("moderation:preferences"), {"blur_media": "0", "next": url})

    spam_moderator.refresh_from_db()
    assert spam_moderator.blur_media is False
    assert "sensitive blurred" not in client.get(url).content.decode()


def test_submit_and_next_decides_and_opens_the_next_case(client, spam, spam_moderator):
    first, second = content_case(spam), content_case(spam)
    Case.objects.filter(pk=first.pk).update(priority=100)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:next", args=[spam.slug]))

    response = client.post(
        reverse("moderation:decide", args=[first.pk]),
        {
            "action": "suspend",
            "days": "7",
            "facts": "Sent the same link to 40 members.",
            "ground": "incompatible",
            "remove_content": "on",
            "version": case_version(first),
            "then": "next",
        },
    )

    assert response.url == reverse("moderation:case", args=[second.pk])
    first.refresh_from_db()
    subject = first.subject
    subject.refresh_from_db()
    assert first.status == CaseStatus.DECIDED
    assert subject.status == "suspended"
    assert abs(subject.suspended_until - (timezone.now() + timedelta(days=7))) < timedelta(
        minutes=1
    )
    assert first.reports.get().status == ReportStatus.ACTIONED
    decision = Decision.objects.get(case=first)
    assert "Sent the same link to 40 members." in decision.statement_of_reasons
    assert "7 days" in decision.statement_of_reasons
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1


def test_a_bad_decision_is_explained_next_to_the_field(client, spam, spam_moderator):
    case = content_case(spam)
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {"action": "suspend", "days": "", "ground": "incompatible", "version": case_version(case)},
    )

    assert response.status_code == 400
    assert "Say for how many days." in response.content.decode()
    assert not Decision.objects.exists()


def test_illegal_ground_needs_the_law(client, spam, spam_moderator):
    case = content_case(spam)
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {"action": "warn", "ground": "illegal", "version": case_version(case)},
    )

    assert response.status_code == 400
    assert "Name the law the content breaks." in response.content.decode()
    assert not Decision.objects.exists()


def test_deciding_a_case_someone_else_decided_shows_who(client, spam, spam_moderator, spam_team):
    from tests.conftest import make_moderator

    colleague = make_moderator(team=spam_team, display_name="Colleague Cat")
    case = content_case(spam)
    version = case_version(case)
    decide(case_id=case.pk, moderator=colleague, action="warn")
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {"action": "ban", "ground": "incompatible", "version": version},
    )

    assert response.status_code == 409
    assert "Already decided by Colleague Cat" in response.content.decode()
    assert Decision.objects.count() == 1


def test_a_stale_form_is_refused(client, spam, spam_moderator):
    case = content_case(spam)
    version = case_version(case)
    submit_report(reporter=make_member(), subject=case.subject, category=spam, content=case.content)
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {"action": "ban", "ground": "incompatible", "version": version},
    )

    assert response.status_code == 409
    assert "changed since you opened it" in response.content.decode()
    assert not Decision.objects.exists()


def test_undo_restores_the_member_and_gives_the_case_back(client, spam, spam_moderator):
    case = content_case(spam)
    client.force_login(spam_moderator)
    decision = decide(case_id=case.pk, moderator=spam_moderator, action="ban")

    response = client.post(reverse("moderation:undo", args=[decision.pk]), follow=True)

    assert "Decision undone" in response.content.decode()
    case.refresh_from_db()
    case.subject.refresh_from_db()
    assert (case.status, case.claimed_by) == (CaseStatus.CLAIMED, spam_moderator)
    assert case.subject.status == "active"


def test_a_decided_case_offers_one_undo_per_decision(client, spam, spam_moderator):
    first, second = content_case(spam), content_case(spam)
    client.force_login(spam_moderator)
    client.post(
        reverse("moderation:decide", args=[first.pk]),
        {"action": "warn", "version": case_version(first), "ground": "incompatible"},
    )
    decision = first.decisions.get()
    undo = reverse("moderation:undo", args=[decision.pk])

    on_its_case = client.get(reverse("moderation:case", args=[first.pk])).content.decode()
    elsewhere = client.get(reverse("moderation:case", args=[second.pk])).content.decode()
    on_the_queue = client.get(reverse("moderation:queue", args=[spam.slug])).content.decode()

    # The case lists its own decision once; every other page offers the latest one once.
    assert on_its_case.count(f'action="{undo}"') == 1
    assert "Members hear of it at" in on_its_case
    assert elsewhere.count(f'action="{undo}"') == 1
    assert on_the_queue.count(f'action="{undo}"') == 1


def test_escalate_release_and_note(client, spam, spam_moderator, senior):
    case = content_case(spam)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:next", args=[spam.slug]))

    client.post(reverse("moderation:note", args=[case.pk]), {"body": "Looks like a bot ring."})
    assert Note.objects.get(case=case).body == "Looks like a bot ring."
    response = client.post(reverse("moderation:note", args=[case.pk]), {"body": "  "})
    assert response.status_code == 400

    client.post(reverse("moderation:release", args=[case.pk]))
    case.refresh_from_db()
    assert (case.status, case.claimed_by) == (CaseStatus.OPEN, None)

    empty = client.post(reverse("moderation:escalate", args=[case.pk]), {"note": ""})
    assert empty.status_code == 400
    client.post(reverse("moderation:escalate", args=[case.pk]), {"note": "Payment fraud?"})
    case.refresh_from_db()
    assert (case.status, case.tier) == (CaseStatus.ESCALATED, Tier.SENIOR)
    assert client.get(reverse("moderation:case", args=[case.pk])).status_code == 404
    client.force_login(senior)
    assert client.get(reverse("moderation:case", args=[case.pk])).status_code == 200


def test_the_lease_is_renewed_for_the_holder_only(client, spam, spam_moderator, spam_team):
    from tests.conftest import make_moderator

    case = content_case(spam)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:next", args=[spam.slug]))
    Case.objects.filter(pk=case.pk).update(lease_expires_at=timezone.now() + timedelta(minutes=1))

    renewed = client.post(reverse("moderation:lease", args=[case.pk]))
    assert renewed.status_code == 200
    case.refresh_from_db()
    assert case.lease_expires_at > timezone.now() + timedelta(minutes=10)

    client.force_login(make_moderator(team=spam_team))
    refused = client.post(reverse("moderation:lease", args=[case.pk]))
    assert refused.status_code == 409
    assert "no longer hold" in refused.json()["error"]


def test_bulk_decision_confirms_then_runs(client, spam, spam_moderator):
    subject = make_member()
    cases = [content_case(spam, subject=subject)] + [content_case(spam) for _ in range(2)]
    client.force_login(spam_moderator)
    url = reverse("moderation:bulk", args=[spam.slug])
    data = {"cases": [c.pk for c in cases], "action": "remove_content", "facts": "Spam wave"}

    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert confirm.context["counts"] == {"cases": 3, "members": 3, "contents": 3}
    assert not BulkDecision.objects.exists()

    started = client.post(url, {**data, "confirm": "1"})
    job = BulkDecision.objects.get()
    assert started.url == reverse("moderation:bulk-progress", args=[job.pk])
    assert job.total == 3
    progress = client.get(started.url)
    assert progress.status_code == 200
    assert "0 decided" in progress.content.decode()


def test_bulk_with_nothing_selected_is_refused(client, spam, spam_moderator):
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:bulk", args=[spam.slug]), {"action": "warn"}, follow=True
    )

    # Back on the queue, with why in the bulk bar (tests/reports/test_bulk_refused.py).
    assert response.redirect_chain[0][0].startswith(reverse("moderation:queue", args=[spam.slug]))
    assert "Select at least one case." in response.content.decode()


# --- Who may see what ---


@pytest.fixture
def every_url(spam, spam_moderator):
    case = content_case(spam, evidence=[clean_image(upload())])
    decision_case = content_case(spam)
    decision = decide(case_id=decision_case.pk, moderator=spam_moderator, action="warn")
    job = BulkDecision.objects.create(
        moderator=spam_moderator, category=spam, action="warn", case_ids=[case.pk], total=1
    )
    return {
        "get": [
            reverse("moderation:home"),
            reverse("moderation:queue", args=[spam.slug]),
            reverse("moderation:case", args=[case.pk]),
            reverse("moderation:member", args=[case.subject.public_id]),
            reverse("moderation:bulk-progress", args=[job.pk]),
            reverse("reports:evidence", args=[case.reports.get().evidence.get().pk]),
        ],
        "post": [
            reverse("moderation:next", args=[spam.slug]),
            reverse("moderation:bulk", args=[spam.slug]),
            reverse("moderation:decide", args=[case.pk]),
            reverse("moderation:take", args=[case.pk]),
            reverse("moderation:release", args=[case.pk]),
            reverse("moderation:lease", args=[case.pk]),
            reverse("moderation:escalate", args=[case.pk]),
            reverse("moderation:note", args=[case.pk]),
            reverse("moderation:undo", args=[decision.pk]),
        ],
        "case": case,
    }


def test_a_moderator_of_another_category_gets_404_everywhere(client, every_url, other_moderator):
    client.force_login(other_moderator)

    for url in every_url["get"][1:]:
        assert client.get(url).status_code == 404, url
    for url in every_url["post"]:
        assert client.post(url, {"body": "x", "note": "x", "action": "ban"}).status_code == 404, url
    case = every_url["case"]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not Note.objects.exists()
    assert client.get(every_url["get"][0]).status_code == 200  # their own home


def test_a_member_gets_404_everywhere(client, every_url, member):
    client.force_login(member)

    for url in every_url["get"]:
        assert client.get(url).status_code == 404, url
    for url in every_url["post"]:
        assert client.post(url, {"action": "ban"}).status_code == 404, url
    assert every_url["case"].reports.get().status == ReportStatus.OPEN


def test_an_anonymous_visitor_is_sent_to_sign_in(client, every_url):
    for url in every_url["get"] + every_url["post"]:
        response = client.post(url) if url in every_url["post"] else client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_changes_need_post(client, every_url, spam_moderator):
    client.force_login(spam_moderator)

    for url in every_url["post"]:
        assert client.get(url).status_code == 405, url


# --- Query counts ---


def _grow(spam, count):
    subjects = [make_member() for _ in range(3)]
    for n in range(count):
        content_case(
            spam, subject=subjects[n % 3], evidence=[clean_image(upload())] if n % 2 else []
        )


@pytest.mark.parametrize("count", [3, 24])
def test_moderation_pages_have_fixed_query_counts(
    client, spam, spam_moderator, count, django_assert_max_num_queries
):
    _grow(spam, count)
    case = Case.objects.order_by("pk").first()
    for other in Case.objects.filter(subject=case.subject).exclude(pk=case.pk)[:3]:
        decide(case_id=other.pk, moderator=spam_moderator, action="warn")
    client.force_login(spam_moderator)

    # Each page counts once the reader's unread alerts for the header and the subnav badge.
    with django_assert_max_num_queries(11):
        assert client.get(reverse("moderation:home")).status_code == 200
    with django_assert_max_num_queries(9):
        response = client.get(reverse("moderation:queue", args=[spam.slug]))
    assert len(response.context["page"].cases) == Case.objects.filter(status="open").count()
    # 26: the policy panel reads the tiers, the ladder (which the suggestion reuses) and the
    # reasons of the category.
    with django_assert_max_num_queries(26):
        assert client.get(reverse("moderation:case", args=[case.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        url = reverse("moderation:member", args=[case.subject.public_id])
        assert client.get(url).status_code == 200


# --- Attacker-controlled text ---

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_reported_text_names_and_details_render_inert_everywhere(client, spam, spam_moderator):
    subject = make_member(display_name=XSS, self_introduction=XSS)
    reporter = make_member(display_name=XSS)
    case = content_case(spam, subject=subject, reporter=reporter, text=XSS, description=XSS)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:next", args=[spam.slug]))
    client.post(reverse("moderation:note", args=[case.pk]), {"body": XSS})

    pages = [
        reverse("moderation:queue", args=[spam.slug]),
        reverse("moderation:case", args=[case.pk]),
        reverse("moderation:member", args=[subject.public_id]),
        reverse("moderation:home"),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
    assert "&lt;script&gt;" in client.get(pages[1]).content.decode()


# --- Working alongside others ---


def test_odd_digits_in_the_tier_are_ignored_not_a_crash(client, spam, spam_moderator):
    case = content_case(spam)
    client.force_login(spam_moderator)

    assert client.get(reverse("moderation:case", args=[case.pk]), {"tier": "²"}).status_code == 200
    assert (
        client.post(reverse("moderation:next", args=[spam.slug]), {"tier": "²"}).status_code == 302
    )


def test_skip_hands_over_a_different_case(client, spam, spam_moderator):
    first, second = content_case(spam), content_case(spam)
    Case.objects.filter(pk=first.pk).update(priority=100)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:next", args=[spam.slug]))

    response = client.post(reverse("moderation:next", args=[spam.slug]), {"release": first.pk})

    assert response.url == reverse("moderation:case", args=[second.pk])
    first.refresh_from_db()
    assert (first.status, first.claimed_by) == (CaseStatus.OPEN, None)


def test_nobody_escalates_a_case_a_colleague_is_working_on(client, spam, spam_moderator, spam_team):
    from tests.conftest import make_moderator

    case = content_case(spam)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:next", args=[spam.slug]))
    client.force_login(make_moderator(team=spam_team))

    page = client.get(reverse("moderation:case", args=[case.pk])).content.decode()
    client.post(reverse("moderation:escalate", args=[case.pk]), {"note": "Not mine but hey"})

    # The panel is there, switched off, and says why.
    assert '<fieldset class="escalate-fields stack" disabled' in page
    assert "holds this case: you cannot escalate it now." in page
    case.refresh_from_db()
    assert (case.tier, case.claimed_by) == (Tier.FRONTLINE, spam_moderator)


def test_a_case_escalated_while_open_says_so_instead_of_404(client, spam, spam_moderator):
    case = content_case(spam)
    version = case_version(case)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ESCALATED, tier=Tier.SENIOR)
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {"action": "warn", "ground": "incompatible", "version": version, "facts": "My words"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "went to the Senior moderator tier" in page
    assert "My words" in page  # kept for the moderator to copy


def test_a_case_taken_then_escalated_answers_its_holder_s_lease_with_a_409(
    client, spam, spam_moderator
):
    case = content_case(spam)
    client.force_login(spam_moderator)
    client.post(reverse("moderation:take", args=[case.pk]))
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ESCALATED, tier=Tier.SENIOR, claimed_by=None, lease_expires_at=None
    )

    assert client.post(reverse("moderation:lease", args=[case.pk])).status_code == 409


@pytest.mark.parametrize("version", ["other case", "²", "9" * 5000, ""])
def test_a_higher_tier_case_someone_never_had_open_is_a_plain_404(
    client, spam, spam_moderator, version
):
    case = content_case(spam)
    if version == "other case":
        version = str(case_version(content_case(spam)))  # a page of another case
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ESCALATED, tier=Tier.EMERGENCY)
    client.force_login(spam_moderator)

    decide = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {"action": "warn", "ground": "incompatible", "version": version, "facts": "Guessing"},
    )
    lease = client.post(reverse("moderation:lease", args=[case.pk]))

    assert decide.status_code == 404
    assert "Emergency" not in decide.content.decode()
    assert lease.status_code == 404


def test_the_reporter_learns_the_outcome_once_it_can_no_longer_be_undone(
    client, spam, spam_moderator, reporter
):
    import time_machine

    case = content_case(spam, reporter=reporter)
    decide(case_id=case.pk, moderator=spam_moderator, action="warn")
    client.force_login(reporter)

    during = client.get(reverse("reports:mine")).content.decode()
    api_during = client.get("/api/v1/reports/").json()["results"][0]
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        after = client.get(reverse("reports:mine")).content.decode()
        api_after = client.get("/api/v1/reports/").json()["results"][0]

    assert "Being reviewed" in during and "We took action" not in during
    assert (api_during["status"], api_during["resolved_at"]) == ("open", None)
    assert "We took action" in after
    assert api_after["status"] == "actioned" and api_after["resolved_at"]


def test_the_statement_preview_is_the_statement_the_member_gets(
    client, spam, spam_moderator, time_machine
):
    time_machine.move_to("2026-12-01 09:30:00+00:00", tick=False)
    subject = make_member(preferred_language="zh-hans")
    case = content_case(spam, subject=subject)
    client.force_login(spam_moderator)

    preview = client.get(
        reverse("moderation:statement", args=[case.pk]), {"action": "suspend", "days": "7"}
    )
    decide(
        case_id=case.pk,
        moderator=spam_moderator,
        action="suspend",
        duration=timedelta(days=7),
        facts="Sold followers to twelve members.",
        expected_version=case_version(case),
    )

    assert preview.status_code == 200
    decision = case.decisions.get()
    # Word for word, but for the appeal link: the decision's own page exists once it is taken.
    sent = decision.statement_of_reasons.replace(appeal_link(decision.uuid), appeal_link())
    shown = preview.json()["statement"].replace("{facts}", "Sold followers to twelve members.")
    assert appeal_link(decision.uuid) in decision.statement_of_reasons
    assert shown == sent
    # The end, in the member's own format, with the zone it is told in.
    assert "2026年12月8日 09:30 UTC" in shown


def test_the_statement_preview_is_refused_outside_the_moderator_s_categories(
    client, spam, other_moderator
):
    case = content_case(spam)
    client.force_login(other_moderator)

    response = client.get(reverse("moderation:statement", args=[case.pk]), {"action": "warn"})

    assert response.status_code == 404


@pytest.mark.parametrize("query", [{}, {"action": "jail"}, {"action": "suspend", "days": "400"}])
def test_a_statement_preview_of_a_decision_that_cannot_be_is_a_400(
    client, spam, spam_moderator, query
):
    case = content_case(spam)
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:statement", args=[case.pk]), query)

    assert response.status_code == 400
    assert response.json()["errors"]


def test_the_case_history_names_each_action_in_the_moderator_s_language(
    client, spam, spam_moderator, reporter
):
    case = content_case(spam, reporter=reporter, description="He sent this to 40 people")
    client.force_login(spam_moderator)

    page = client.get(reverse("moderation:case", args=[case.pk])).content.decode()
    assert "Case opened" in page
    assert "Report submitted" in page

    spam_moderator.preferred_language = "zh-hans"
    spam_moderator.save(update_fields=["preferred_language"])
    page = client.get(
        reverse("moderation:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "案件已创建" in page
    assert "case.opened" in page  # the code stays beside it, for searching the trail
