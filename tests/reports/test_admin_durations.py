"""Durations in the admin: typed as days, hours and minutes, read in words, never "2 00:00:00"."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from reports.admin.durations import DurationPartsField, DurationsInWords
from reports.models import Category, Decision, DecisionAction, EscalationTier, LadderStep, Tier
from tests.conftest import make_content, make_member, make_moderator, make_report
from tests.reports.test_admin import posted_form

pytestmark = pytest.mark.django_db

# What Django would show for a duration it knows nothing about: "2 00:00:00", "2 days, 0:00:00".
RAW_DURATION = re.compile(r"\b\d+ days?, \d+:\d\d:\d\d\b|\b\d+ \d\d:\d\d:\d\d\b|\b\d+:\d\d:\d\d\b")


def category_url(category) -> str:
    return reverse("admin:reports_category_change", args=[category.pk])


def post_parts(client, category, field: str, days="", hours="", minutes="", **more):
    """The category page posted back as it stands, with one duration typed in its parts."""
    url = category_url(category)
    data = posted_form(client.get(url))
    data.pop(field, None)
    data.update({f"{field}_days": days, f"{field}_hours": hours, f"{field}_minutes": minutes})
    data.update(more)
    return client.post(url, data)


def form_errors(response, field: str) -> str:
    return " ".join(response.context["adminform"].form.errors.get(field, []))


def test_the_sla_is_typed_in_days_hours_and_minutes_and_comes_back_so(
    ts_admin_client, staffed_spam
):
    response = post_parts(
        ts_admin_client, staffed_spam, "appeal_sla", days="2", hours="3", minutes="30"
    )

    assert response.status_code == 302, form_errors(response, "appeal_sla")
    staffed_spam.refresh_from_db()
    assert staffed_spam.appeal_sla == timedelta(days=2, hours=3, minutes=30)
    page = ts_admin_client.get(category_url(staffed_spam)).content.decode()
    for part, value in (("days", "2"), ("hours", "3"), ("minutes", "30")):
        assert re.search(rf'<input[^>]*name="appeal_sla_{part}"[^>]*value="{value}"', page), part
    assert re.search(r'<label[^>]*for="id_appeal_sla_0"[^>]*>Appeal SLA:</label>', page)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"days": "1", "hours": "-1"}, "The hours cannot be negative: write 0 or more."),
        ({"days": "abc"}, "Write the days as a number: “abc” is not one."),
        ({"minutes": "1e999999999"}, "That is too long: write at most 36500 days in all."),
        ({}, "Fill in the days, hours or minutes."),
        ({"days": "31"}, "Must be between 5 minutes and 30 days."),
        ({"minutes": "4"}, "Must be between 5 minutes and 30 days."),
    ],
)
def test_a_wrong_duration_is_explained_next_to_its_field(
    ts_admin_client, staffed_spam, parts, message
):
    response = post_parts(ts_admin_client, staffed_spam, "sla", **parts)

    assert response.status_code == 200
    assert message in form_errors(response, "sla")
    assert message in response.content.decode()
    staffed_spam.refresh_from_db()
    assert staffed_spam.sla == timedelta(hours=48)


def test_a_ladder_steps_duration_is_typed_in_parts_on_the_category_page(
    ts_admin_client, staffed_spam
):
    url = category_url(staffed_spam)
    page = ts_admin_client.get(url)
    ladder = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is LadderStep
    )
    suspension = next(f for f in ladder.forms if f.instance.action == "suspend")
    data = posted_form(page)
    name = suspension["duration"].html_name
    data.pop(name)
    data.update({f"{name}_days": "10", f"{name}_hours": "12", f"{name}_minutes": ""})

    response = ts_admin_client.post(url, data)

    assert response.status_code == 302
    suspension.instance.refresh_from_db()
    assert suspension.instance.duration == timedelta(days=10, hours=12)


def test_lists_show_durations_in_words(ts_admin_client, staffed_spam):
    staffed_spam.sla = timedelta(days=2)
    staffed_spam.save(update_fields=["sla"])

    for model in (Category, EscalationTier, LadderStep):
        url = reverse(f"admin:reports_{model._meta.model_name}_changelist")
        page = ts_admin_client.get(url).content.decode()
        assert not RAW_DURATION.search(page), (model.__name__, RAW_DURATION.search(page))
    categories = ts_admin_client.get(reverse("admin:reports_category_changelist")).content.decode()
    row = re.search(r"<tr>.*?Spam, advertising or solicitation.*?</tr>", categories, re.S).group()
    assert '<td class="field-sla">2 days</td>' in row


def test_a_moderator_reads_the_category_page_in_words(client, staffed_spam, spam_team):
    staffed_spam.sla = timedelta(hours=36, minutes=30)
    staffed_spam.save(update_fields=["sla"])
    client.force_login(make_moderator(team=spam_team))

    page = client.get(category_url(staffed_spam)).content.decode()

    assert '<div class="readonly">1 day 12 hours 30 minutes</div>' in page
    assert "<p>12 hours</p>" in page  # a tier's SLA, in its table
    assert "<p>7 days</p>" in page  # a suspension on the ladder
    assert '<th class="column-sla">' in page
    assert not RAW_DURATION.search(page), RAW_DURATION.search(page)
    assert 'name="sla_days"' not in page


def test_a_decisions_length_reads_in_words_in_its_record(client, ts_admin, spam):
    subject = make_member()
    report = make_report(
        reporter=make_member(), subject=subject, category=spam, content=make_content(subject)
    )
    decision = Decision.objects.create(
        case=report.case,
        moderator=make_moderator(),
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=7),
        statement_of_reasons="Suspended for a week.",
    )
    client.force_login(ts_admin)

    record = client.get(reverse("admin:reports_decision_change", args=[decision.pk]))
    listed = client.get(reverse("admin:reports_decision_changelist"))

    assert '<div class="readonly">7 days</div>' in record.content.decode()
    assert '<td class="field-duration">7 days</td>' in listed.content.decode()
    for page in (record, listed):
        assert not RAW_DURATION.search(page.content.decode())


def test_a_duration_posted_whole_is_still_understood(ts_admin_client, staffed_spam):
    url = category_url(staffed_spam)
    data = {**posted_form(ts_admin_client.get(url)), "sla": "12:00:00"}

    assert ts_admin_client.post(url, data).status_code == 302
    staffed_spam.refresh_from_db()
    assert staffed_spam.sla == timedelta(hours=12)

    for whole, message in (("-1 00:00:00", "cannot be negative"), ("soon", "in days, hours")):
        refused = ts_admin_client.post(url, {**data, "sla": whole})
        assert refused.status_code == 200
        assert message in form_errors(refused, "sla")


def test_the_frontline_tier_follows_a_category_sla_typed_in_parts(ts_admin_client, staffed_spam):
    response = post_parts(ts_admin_client, staffed_spam, "sla", hours="6")

    assert response.status_code == 302
    frontline = EscalationTier.objects.get(category=staffed_spam, tier=Tier.FRONTLINE)
    assert frontline.sla == timedelta(hours=6)


def _admins_and_inlines(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin
        for inline in model_admin.get_inline_instances(request):
            yield inline.model, inline


def test_every_admin_showing_a_duration_types_it_in_parts_and_reads_it_in_words(admin_user):
    shown = 0
    for model, shown_by in _admins_and_inlines(admin_user):
        durations = [f for f in model._meta.concrete_fields if isinstance(f, models.DurationField)]
        if not durations:
            continue
        shown += 1
        name = type(shown_by).__name__
        assert isinstance(shown_by, DurationsInWords), name
        for field in durations:
            formfield = shown_by.formfield_for_dbfield(field, None)
            assert isinstance(formfield, DurationPartsField), f"{name}.{field.name}"
    # Category, reason, policy, tier, ladder step (admin and inline), misuse policy, decisions.
    assert shown >= 12
