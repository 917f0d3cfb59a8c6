"""Admins configure categories, policies and teams: validated, audited, applied to open work."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.effects import outbox
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Category,
    ConfigurationJob,
    EscalationTier,
    LadderStep,
    OutboxMessage,
    Policy,
    Reason,
    StatementTemplate,
    Tier,
)
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_team
from tests.reports.test_admin import posted_form

pytestmark = pytest.mark.django_db


# What an admin change form posts back as it stands, inlines included.
admin_form_data = posted_form


def change_page(client, category):
    return client.get(reverse("admin:reports_category_change", args=[category.pk]))


def post_category(client, category, **changes):
    data = admin_form_data(change_page(client, category))
    data.update(changes)
    return client.post(reverse("admin:reports_category_change", args=[category.pk]), data)


def run_outbox(topic: str) -> int:
    ran = 0
    while message := OutboxMessage.objects.filter(topic=topic, status="pending").first():
        assert outbox.run_message(message.pk) == "done"
        ran += 1
    return ran


# --- Validation ---


def test_the_admin_form_round_trips_unchanged(ts_admin_client, staffed_spam):
    response = post_category(ts_admin_client, staffed_spam)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert not AuditEvent.objects.filter(category=staffed_spam).exists()  # nothing changed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sla", "0", "Must be between 5 minutes and 30 days."),
        ("sla", "400 00:00:00", "Must be between 5 minutes and 30 days."),
        ("name_ja", "名" * 81, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_a_bad_category_value_is_refused_next_to_its_field(
    ts_admin_client, staffed_spam, field, value, message
):
    response = post_category(ts_admin_client, staffed_spam, **{field: value})

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    staffed_spam.refresh_from_db()
    assert staffed_spam.sla == timedelta(hours=48)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("escalation_threshold", "1", "Must be between 2 and 1000."),
        ("auto_hide_threshold", "5000", "Must be between 2 and 1000."),
        ("escalation_window", "0", "Must be between 5 minutes and 30 days."),
        ("strike_lifetime", "0", "Must be between 1 days and 1825 days."),
    ],
)
def test_a_bad_policy_value_is_refused(ts_admin_client, staffed_spam, field, value, message):
    response = post_category(ts_admin_client, staffed_spam, **{f"policy-0-{field}": value})

    assert response.status_code == 200
    policy = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Policy
    )
    assert message in str(policy.errors)
    assert Policy.objects.get(category=staffed_spam).escalation_threshold == 5


def _ladder_prefix(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is LadderStep:
            return inline.formset.prefix
    raise AssertionError("no ladder inline")


def test_a_ladder_with_a_gap_or_a_milder_step_is_refused(ts_admin_client, staffed_spam):
    page = change_page(ts_admin_client, staffed_spam)
    prefix = _ladder_prefix(page)
    data = admin_form_data(page)

    gap = {**data, f"{prefix}-1-offence": "7"}
    refused = ts_admin_client.post(page.request["PATH_INFO"], gap)
    assert "without gaps or repeats" in refused.content.decode()

    milder = {**data, f"{prefix}-2-action": "warn", f"{prefix}-2-duration": ""}
    refused = ts_admin_client.post(page.request["PATH_INFO"], milder)
    assert "is milder than offence" in refused.content.decode()
    assert LadderStep.objects.get(category=staffed_spam, offence=3).action == "suspend"


def test_the_frontline_sla_is_changed_on_the_category_only(ts_admin_client, staffed_spam):
    page = change_page(ts_admin_client, staffed_spam)
    data = admin_form_data(page)
    tiers = next(
        i.formset
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is EscalationTier
    )
    frontline = next(n for n, f in enumerate(tiers.forms) if f.instance.tier == Tier.FRONTLINE)
    data[f"{tiers.prefix}-{frontline}-sla"] = "1:00:00"

    response = ts_admin_client.post(page.request["PATH_INFO"], data)

    assert "The frontline SLA is the category&#x27;s SLA" in response.content.decode()
    assert not ConfigurationJob.objects.exists()
    assert not AuditEvent.objects.filter(category=staffed_spam).exists()


def test_every_tier_needs_a_team(ts_admin_client, spam):
    # As shipped, no tier has a team: the admin must name them before saving anything else.
    response = post_category(ts_admin_client, spam)

    assert response.status_code == 200
    assert "Every tier needs a team to work it." in response.content.decode()


def test_a_statement_with_an_unknown_placeholder_cannot_be_saved(spam):
    template = StatementTemplate(category=spam, action="warn", language="en", body="Hi {name}!")

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert "Unknown placeholder {name}" in str(refused.value.message_dict["body"])


# --- Audit and history ---


def test_a_policy_change_is_recorded_and_shown_in_the_history(
    ts_admin_client, staffed_spam, ts_admin
):
    post_category(ts_admin_client, staffed_spam, **{"policy-0-escalation_threshold": "3"})

    event = AuditEvent.objects.get(category=staffed_spam, action="policy.changed")
    assert event.actor == ts_admin
    assert (event.before, event.after) == (
        {"escalation_threshold": 5},
        {"escalation_threshold": 3},
    )
    history = ts_admin_client.get(reverse("admin:reports_category_history", args=[staffed_spam.pk]))
    assert "escalation_threshold: 5 → 3" in history.content.decode()


def test_a_moderator_can_read_but_not_change_configuration(client, staffed_spam, spam_moderator):
    client.force_login(spam_moderator)

    assert change_page(client, staffed_spam).status_code == 200
    response = client.post(
        reverse("admin:reports_category_change", args=[staffed_spam.pk]), {"sla": "1:00:00"}
    )
    assert response.status_code == 403
    assert (
        client.get(reverse("admin:reports_category_retire", args=[staffed_spam.pk])).status_code
        == 403
    )


# --- SLA changes reschedule open cases ---


def test_a_stricter_sla_reschedules_the_open_cases(ts_admin_client, staffed_spam, spam_moderator):
    waiting = submit_report(
        reporter=make_member(), subject=make_member(), category=staffed_spam
    ).case
    escalated = submit_report(
        reporter=make_member(), subject=make_member(), category=staffed_spam
    ).case
    Case.objects.filter(pk=escalated.pk).update(
        status=CaseStatus.ESCALATED, tier=Tier.SENIOR, escalated_at=timezone.now()
    )

    response = post_category(ts_admin_client, staffed_spam, sla="2:00:00")

    assert response.status_code == 302
    job = ConfigurationJob.objects.get()
    assert (job.kind, job.total, job.finished_at) == ("reschedule", 2, None)
    assert run_outbox("reschedule_cases") == 1
    job.refresh_from_db()
    assert (job.done, job.finished_at is not None) == (2, True)
    waiting.refresh_from_db()
    assert waiting.due_at == waiting.opened_at + timedelta(hours=2)
    frontline = EscalationTier.objects.get(category=staffed_spam, tier=Tier.FRONTLINE)
    assert frontline.sla == timedelta(hours=2)  # follows the category
    escalated_before = escalated.due_at
    escalated.refresh_from_db()
    assert escalated.due_at != escalated_before  # now from its escalation, by the senior SLA
    assert AuditEvent.objects.filter(action="case.rescheduled").count() == 2


def test_rescheduling_runs_in_batches_with_progress(staffed_spam, ts_admin, monkeypatch):
    from reports.services import rescheduling

    monkeypatch.setattr(rescheduling, "RESCHEDULE_BATCH", 2)
    for _ in range(5):
        submit_report(reporter=make_member(), subject=make_member(), category=staffed_spam)

    job = rescheduling.start_reschedule(category=staffed_spam, actor=ts_admin)
    message = OutboxMessage.objects.get(topic="reschedule_cases")
    outbox.run_message(message.pk)
    job.refresh_from_db()
    assert (job.done, job.finished_at) == (2, None)

    assert run_outbox("reschedule_cases") == 2
    job.refresh_from_db()
    assert (job.done, job.percent, job.finished_at is not None) == (5, 100, True)


def test_an_sla_changed_without_the_admin_reschedules_the_open_cases(staffed_spam, ts_admin):
    from reports.services.categories import save_category
    from reports.services.configuration import Edit

    waiting = submit_report(
        reporter=make_member(), subject=make_member(), category=staffed_spam
    ).case

    job = save_category(edit=Edit.of(staffed_spam, sla=timedelta(hours=2)), actor=ts_admin)

    assert (job.kind, job.total, job.actor) == ("reschedule", 1, ts_admin)
    assert run_outbox("reschedule_cases") == 1
    waiting.refresh_from_db()
    assert waiting.due_at == waiting.opened_at + timedelta(hours=2)
    frontline = EscalationTier.objects.get(category=staffed_spam, tier=Tier.FRONTLINE)
    assert frontline.sla == timedelta(hours=2)  # follows the category, wherever it changed
    changed = {
        event.action: set(event.after)
        for event in AuditEvent.objects.filter(category=staffed_spam, actor=ts_admin)
    }
    assert changed == {
        "category.changed": {"sla"},
        "escalationtier.changed": {"sla"},
        "cases.reschedule_started": {"open_cases"},
    }


def test_a_reasons_sla_changed_without_the_admin_reschedules_the_open_cases(staffed_spam, ts_admin):
    from reports.services.categories import save_category_rows
    from reports.services.configuration import Edit

    reason = Reason.objects.filter(category=staffed_spam).first()
    case = submit_report(
        reporter=make_member(), subject=make_member(), category=staffed_spam, reason=reason
    ).case

    job = save_category_rows(
        category=staffed_spam, edits=[Edit.of(reason, sla=timedelta(minutes=30))], actor=ts_admin
    )

    assert job is not None
    run_outbox("reschedule_cases")
    case.refresh_from_db()
    assert abs(case.due_at - (case.opened_at + timedelta(minutes=30))) < timedelta(seconds=5)
    assert AuditEvent.objects.filter(action="reason.changed", target_id=str(reason.pk)).exists()


# --- Retiring a category ---


def test_retiring_a_category_moves_its_open_cases(ts_admin_client, staffed_spam, hate, ts_admin):
    subject = make_member()
    content = make_content(subject)
    moving = submit_report(
        reporter=make_member(), subject=make_member(), category=staffed_spam
    ).case
    reporter = make_member()
    twin_reporter_case = submit_report(
        reporter=reporter,
        subject=subject,
        category=staffed_spam,
        content=content,
        description="Spam text",
    ).case
    existing = submit_report(
        reporter=reporter, subject=subject, category=hate, content=content, description="Hate text"
    ).case

    response = ts_admin_client.post(
        reverse("admin:reports_category_retire", args=[staffed_spam.pk]), {"move_to": hate.pk}
    )

    job = ConfigurationJob.objects.get()
    assert response.url == reverse("admin:reports_configurationjob_change", args=[job.pk])
    staffed_spam.refresh_from_db()
    assert staffed_spam.is_active is False
    run_outbox("move_cases")
    moving.refresh_from_db()
    assert (moving.category, moving.status) == (hate, CaseStatus.OPEN)
    assert moving.due_at == moving.opened_at + hate.sla
    twin_reporter_case.refresh_from_db()
    assert twin_reporter_case.status == CaseStatus.DISMISSED
    report = existing.reports.get(reporter=reporter)
    assert "Hate text" in report.description and "Spam text" in report.description
    assert AuditEvent.objects.filter(action="case.moved", case=moving).count() == 1
    assert not AuditEvent.objects.filter(action="case.moved", category__isnull=False).exists()
    assert AuditEvent.objects.filter(action="category.retired", actor=ts_admin).exists()
    form = ts_admin_client.get(reverse("reports:report")).context["form"]
    assert staffed_spam not in form.fields["category"].queryset


def test_retiring_into_itself_or_a_retired_category_is_refused(ts_admin_client, staffed_spam, hate):
    Category.objects.filter(pk=hate.pk).update(is_active=False)
    url = reverse("admin:reports_category_retire", args=[staffed_spam.pk])

    response = ts_admin_client.post(url, {"move_to": hate.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Category.objects.get(pk=staffed_spam.pk).is_active


# --- Coverage warnings ---


def test_the_admin_home_lists_work_nobody_is_set_to_do(ts_admin_client, staffed_spam, hate):
    make_team(hate, languages=["ja"])
    submit_report(
        reporter=make_member(),
        subject=(author := make_member()),
        category=hate,
        content=make_content(author, language="ko"),
    )
    Case.objects.filter(category=hate).update(language="ko")

    page = ts_admin_client.get(reverse("admin:index")).content.decode()

    assert "Work nobody is set to do" in page
    assert "No team covers “Sexual content or behaviour”" in page or "No team covers" in page
    assert "open cases in Korean" in page
    tier_gaps = re.findall(r'<li class="warning">No team works [^<]*</li>', page)
    assert tier_gaps and not any(staffed_spam.name in line for line in tier_gaps)


# --- Teams, trusted flaggers and rate limits ---


def test_team_coverage_changes_show_in_each_categorys_history(ts_admin_client, staffed_spam, hate):
    team = make_team(staffed_spam, name="Night shift")
    page = ts_admin_client.get(reverse("admin:accounts_team_change", args=[team.pk]))
    data = admin_form_data(page)
    data["categories"] = [hate.pk]

    response = ts_admin_client.post(reverse("admin:accounts_team_change", args=[team.pk]), data)

    assert response.status_code == 302
    dropped = AuditEvent.objects.get(category=staffed_spam, action="team.coverage_changed")
    added = AuditEvent.objects.get(category=hate, action="team.coverage_changed")
    assert (dropped.before, dropped.after) == ({"covered_by": "Night shift"}, {})
    assert added.after == {"covered_by": "Night shift"}


def test_a_person_becomes_a_trusted_flagger_through_the_registry_not_their_page(
    ts_admin_client, ts_admin
):
    """The flag follows membership of an active organisation (Trusted flaggers in the admin);
    the person's page shows it and cannot set it."""
    flagger = make_member()
    page = ts_admin_client.get(reverse("admin:accounts_user_change", args=[flagger.pk]))
    data = admin_form_data(page)
    data["is_trusted_flagger"] = "on"

    ts_admin_client.post(reverse("admin:accounts_user_change", args=[flagger.pk]), data)

    flagger.refresh_from_db()
    assert not flagger.is_trusted_flagger
    assert not AuditEvent.objects.filter(action="person.changed", target_id=str(flagger.pk))


def test_a_rate_limit_set_in_the_admin_applies_to_the_next_report(ts_admin_client, settings):
    from reports import ratelimit
    from reports.models import RateLimit

    settings.REPORTS_PER_HOUR = 20
    member = make_member()
    assert ratelimit.limit_for(member) == 20  # the default, now cached

    refused = ts_admin_client.post(
        reverse("admin:reports_ratelimit_add"), {"audience": "members", "reports_per_hour": "0"}
    )
    assert "Must be between 1 and 10000." in refused.content.decode()
    ts_admin_client.post(
        reverse("admin:reports_ratelimit_add"), {"audience": "members", "reports_per_hour": "3"}
    )

    assert RateLimit.objects.get().reports_per_hour == 3
    assert ratelimit.limit_for(member) == 3
    assert AuditEvent.objects.filter(action="ratelimit.created").exists()


@pytest.mark.parametrize(
    ("model", "fields", "field", "message"),
    [
        (Reason, {"slug": "x", "name": "X", "sla": timedelta(0)}, "sla", "Must be between"),
        (LadderStep, {"offence": 9, "action": "no_violation"}, "action", "an action against"),
        (LadderStep, {"offence": 9, "action": "suspend"}, "duration", "need a duration"),
        (
            LadderStep,
            {"offence": 9, "action": "warn", "duration": timedelta(days=1)},
            "duration",
            "Only restrict and suspend",
        ),
        (
            EscalationTier,
            {"tier": Tier.SENIOR, "sla": timedelta(hours=4)},
            "team",
            "Every tier needs a team",
        ),
    ],
)
def test_each_configuration_row_refuses_its_bad_values(spam, model, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        model(category=spam, **fields).clean()

    assert message in " ".join(refused.value.message_dict[field])


# --- Found in review ---


def test_a_category_without_a_policy_is_still_triaged(staffed_spam):
    from reports.services.triage import triage_case

    case = submit_report(reporter=make_member(), subject=make_member(), category=staffed_spam).case
    Policy.objects.filter(category=staffed_spam).delete()

    triage_case(case_id=case.pk)

    case.refresh_from_db()
    assert case.triaged_at is not None


def test_ladders_tiers_and_reasons_change_only_on_the_category_page(ts_admin_client, staffed_spam):
    step = LadderStep.objects.filter(category=staffed_spam).first()

    assert ts_admin_client.get(reverse("admin:reports_ladderstep_add")).status_code == 403
    assert (
        ts_admin_client.post(
            reverse("admin:reports_ladderstep_delete", args=[step.pk]), {"post": "yes"}
        )
    ).status_code == 403
    assert ts_admin_client.get(reverse("admin:reports_escalationtier_add")).status_code == 403
    assert LadderStep.objects.filter(pk=step.pk).exists()


def test_a_tier_team_must_cover_the_category(ts_admin_client, staffed_spam, hate):
    page = change_page(ts_admin_client, staffed_spam)
    data = admin_form_data(page)
    tiers = next(
        i.formset
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is EscalationTier
    )
    data[f"{tiers.prefix}-1-team"] = make_team(hate, name="Hate only").pk

    response = ts_admin_client.post(page.request["PATH_INFO"], data)

    assert response.status_code == 200
    assert "Hate only does not cover this category" in response.content.decode()


def test_active_is_changed_by_retiring_not_by_unticking(ts_admin_client, staffed_spam):
    submit_report(reporter=make_member(), subject=make_member(), category=staffed_spam)
    data = admin_form_data(change_page(ts_admin_client, staffed_spam))
    data.pop("is_active", None)

    ts_admin_client.post(reverse("admin:reports_category_change", args=[staffed_spam.pk]), data)

    staffed_spam.refresh_from_db()
    assert staffed_spam.is_active


def test_rescheduling_keeps_the_clock_of_an_urgent_reason(staffed_spam, ts_admin):
    from reports.services import rescheduling

    urgent = Reason.objects.create(
        category=staffed_spam, slug="urgent", name="Urgent", sla=timedelta(hours=1)
    )
    subject = make_member()
    case = submit_report(reporter=make_member(), subject=subject, category=staffed_spam).case
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(hours=10))
    submit_report(reporter=make_member(), subject=subject, category=staffed_spam, reason=urgent)
    case.refresh_from_db()
    due_before = case.due_at

    rescheduling.start_reschedule(category=staffed_spam, actor=ts_admin)
    run_outbox("reschedule_cases")

    case.refresh_from_db()
    assert abs(case.due_at - due_before) < timedelta(seconds=5)
    assert case.due_at > timezone.now()


def test_content_held_for_review_stays_held_when_its_case_joins_another(
    ts_admin_client, staffed_spam, hate, ts_admin
):
    from reports.models import Content
    from reports.services.decisions.decide import decide
    from reports.services.triage import hide_pending_review

    subject = make_member()
    content = make_content(subject)
    spam_case = submit_report(
        reporter=make_member(), subject=subject, category=staffed_spam, content=content
    ).case
    hide_pending_review(spam_case)
    hate_case = submit_report(
        reporter=make_member(), subject=subject, category=hate, content=content
    ).case
    ts_admin_client.post(
        reverse("admin:reports_category_retire", args=[staffed_spam.pk]), {"move_to": hate.pk}
    )
    run_outbox("move_cases")

    decide(case_id=hate_case.pk, moderator=ts_admin, action="no_violation")

    assert Content.objects.get(pk=content.pk).visibility == "visible"


def test_a_ban_leaves_companions_that_want_a_second_moderator(spam, hate, ts_admin):
    from reports.services.decisions.decide import decide

    Policy.objects.filter(category=hate).update(four_eyes_for_bans=True)
    subject = make_member()
    spam_case = submit_report(reporter=make_member(), subject=subject, category=spam).case
    hate_case = submit_report(reporter=make_member(), subject=subject, category=hate).case

    decide(case_id=spam_case.pk, moderator=ts_admin, action="ban", also_case_ids=[hate_case.pk])

    hate_case.refresh_from_db()
    assert hate_case.status == CaseStatus.OPEN


def test_personal_details_stay_out_of_the_audit_trail(ts_admin_client):
    person = make_member()
    data = admin_form_data(
        ts_admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    )
    data["email"] = "new-address@example.com"
    data.pop("is_active", None)  # and the account switched off, which is on the record

    ts_admin_client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)

    person.refresh_from_db()
    assert (person.email, person.is_active) == ("new-address@example.com", False)
    event = AuditEvent.objects.get(action="person.changed", target_id=str(person.pk))
    assert event.after == {"is_active": False}


def test_a_history_address_with_no_number_is_a_404(ts_admin_client):
    response = ts_admin_client.get("/admin/reports/category/abc/history/")

    assert response.status_code in (302, 404)  # the admin sends unknown objects home


def test_a_new_category_needs_its_policy(ts_admin_client):
    page = ts_admin_client.get(reverse("admin:reports_category_add"))
    data = admin_form_data(page)
    data.update(name="Scams", slug="scams", description="Scams.", sla="1 00:00:00")
    data["policy-TOTAL_FORMS"] = "0"

    response = ts_admin_client.post(reverse("admin:reports_category_add"), data)

    assert response.status_code == 200
    policy = next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Policy
    )
    assert "A category needs its policy." in " ".join(policy.non_form_errors())
    assert not Category.objects.filter(slug="scams").exists()


def test_a_deleted_ladder_step_is_recorded_with_its_values(ts_admin_client, staffed_spam):
    page = change_page(ts_admin_client, staffed_spam)
    data = admin_form_data(page)
    prefix = _ladder_prefix(page)
    last = LadderStep.objects.filter(category=staffed_spam).order_by("-offence").first()
    index = next(
        n
        for n, form in enumerate(
            next(
                i.formset
                for i in page.context["inline_admin_formsets"]
                if i.formset.prefix == prefix
            ).forms
        )
        if form.instance.pk == last.pk
    )
    data[f"{prefix}-{index}-DELETE"] = "on"

    response = ts_admin_client.post(page.request["PATH_INFO"], data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="ladderstep.deleted", category=staffed_spam)
    assert event.target_id == str(last.pk)
    assert (event.before["offence"], event.before["action"]) == (last.offence, last.action)


def test_trust_and_safety_admins_manage_team_members_and_on_call(ts_admin):
    assert ts_admin.has_perm("accounts.add_teammembership")
    assert ts_admin.has_perm("accounts.change_teammembership")
