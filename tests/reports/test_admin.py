"""The Django admin: every page opens, no page counts or lists a huge table, records stay put."""

import json
import re
from datetime import timedelta

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team, User
from reports.admin.scale import EstimatedCountPaginator
from reports.models import (
    Appeal,
    AppealEvidence,
    AuditEvent,
    Case,
    Category,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    EscalationTier,
    Evidence,
    Note,
    Notification,
    OutboxMessage,
    Report,
    Strike,
)
from tests.conftest import make_member, make_moderator, make_team
from tests.reports.conftest import DISMISSED, ROWS

pytestmark = pytest.mark.django_db


# Tables that grow with the community: their changelists must never count them row by row.
LARGE_TABLES = [
    User,
    Content,
    Report,
    Evidence,
    Case,
    Note,
    Decision,
    Enforcement,
    Strike,
    AuditEvent,
    Notification,
    OutboxMessage,
    Appeal,
    AppealEvidence,
]
# Records that change only through the services: no add, change or delete in the admin.
MODERATION_RECORDS = [m for m in LARGE_TABLES if m is not User]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The fixture below makes some fifty people; at PBKDF2's real cost that is most of a minute
    # per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def superuser_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


# Every page opens ------------------------------------------------------------------------------


def test_every_model_of_the_project_is_in_the_admin():
    for app_label in ("accounts", "reports"):
        for model in apps.get_app_config(app_label).get_models():
            assert model in admin.site._registry, f"{model.__name__} has no admin"
            assert admin.site._registry[model].show_full_result_count is False, model


# A <select> whose options are every row of one of these tables would be megabytes long.
HUGE_SELECT_TARGETS = (User, Case, Content, Report, Decision)
SELECT = re.compile(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)


def assert_no_select_of_a_large_table(model, html: str) -> None:
    model_admin = admin.site._registry[model]
    inline_models = [inline.model for inline in model_admin.inlines]
    big_foreign_keys = {
        field.name
        for m in (model, *inline_models)
        for field in m._meta.get_fields()
        if field.many_to_one and field.related_model in HUGE_SELECT_TARGETS
    }
    for name, options in SELECT.findall(html):
        if name.rsplit("-", 1)[-1] in big_foreign_keys:
            # An autocomplete widget renders only the chosen option (and the empty one).
            assert options.count("<option") <= 2, f"{model.__name__}: <select name={name}>"


def test_every_registered_model_has_a_working_changelist_and_change_page(
    admin_client, admin_user, records
):
    request = superuser_request(admin_user)
    for model, model_admin in admin.site._registry.items():
        name = model.__name__
        response = admin_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, name

        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the fixture has no {name}: add one so its admin is tested"
        response = admin_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, name
        assert_no_select_of_a_large_table(model, response.content.decode())

        if model_admin.has_add_permission(request):
            response = admin_client.get(admin_url(model, "add"))
            assert response.status_code == 200, name
            assert_no_select_of_a_large_table(model, response.content.decode())


def test_case_page_lists_its_reports_decisions_and_notes(admin_client, records):
    report = records.reports[0]
    response = admin_client.get(admin_url(Case, "change", report.case_id))

    page = response.content.decode()
    assert report.reference in page
    assert admin_url(Report, "change", report.pk) in page
    every_report = f"{admin_url(Report, 'changelist')}?case__id__exact={report.case_id}"
    assert every_report in page
    assert list(admin_client.get(every_report).context["cl"].result_list) == [report]
    assert "Remove content" in page
    assert "Looked at it (0)." in page


def test_report_page_shows_its_evidence(admin_client, records):
    report = records.reports[0]
    response = admin_client.get(admin_url(Report, "change", report.pk))

    assert f"{0:064x}" in response.content.decode()


def test_appeal_page_shows_the_statement_the_answer_and_the_screenshots(admin_client, records):
    appeal = Appeal.objects.filter(status="decided").order_by("pk").first()

    page = admin_client.get(admin_url(Appeal, "change", appeal.pk)).content.decode()

    assert appeal.reference in page
    assert appeal.statement in page
    assert appeal.answer in page
    assert appeal.evidence.get().sha256 in page
    assert admin_url(AppealEvidence, "change", appeal.evidence.get().pk) in page


def test_appeals_are_found_by_reference_and_filtered_by_status(admin_client, records):
    appeal = Appeal.objects.order_by("pk").first()

    found = admin_client.get(admin_url(Appeal, "changelist"), {"q": appeal.reference.lower()})
    open_ones = admin_client.get(admin_url(Appeal, "changelist"), {"status__exact": "open"})

    assert list(found.context["cl"].result_list) == [appeal]
    assert {a.status for a in open_ones.context["cl"].result_list} == {"open"}
    assert open_ones.context["cl"].result_count == Appeal.objects.filter(status="open").count()


# No N+1, no full count --------------------------------------------------------------------------

# Session and user, the page (count + rows), list filter choices, and a little slack.
CHANGELIST_QUERIES = {
    User: 5,
    Team: 6,
    Content: 5,
    Report: 6,
    Evidence: 5,
    Case: 6,
    Note: 5,
    Decision: 5,
    Enforcement: 5,
    Strike: 6,
    AuditEvent: 5,
    Notification: 5,
    OutboxMessage: 5,
    Appeal: 6,
    AppealEvidence: 5,
}


@pytest.mark.parametrize("model", CHANGELIST_QUERIES, ids=lambda m: m.__name__)
def test_changelist_runs_a_fixed_number_of_queries(
    model, admin_client, records, django_assert_max_num_queries
):
    assert model._default_manager.count() >= ROWS
    with django_assert_max_num_queries(CHANGELIST_QUERIES[model]):
        response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= ROWS


def count_queries(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize("model", LARGE_TABLES, ids=lambda m: m.__name__)
def test_large_changelists_never_count_the_whole_table(model, admin_client, records):
    assert isinstance(
        admin.site._registry[model].paginator(model.objects.none(), 1), EstimatedCountPaginator
    )

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    counts = count_queries(queries)
    assert counts, "expected a bounded count of this small table"
    for sql in counts:
        # SELECT COUNT(*) FROM (SELECT ... LIMIT 10001) reads at most that many rows.
        assert re.search(r"LIMIT \d+\) subquery", sql), sql
    assert response.context["cl"].result_count == model.objects.count()


def test_a_large_unfiltered_table_takes_the_planner_estimate(admin_client, records, monkeypatch):
    # Pretend ROWS is a lot: above the limit the table is not counted at all.
    monkeypatch.setattr(EstimatedCountPaginator, "count_limit", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_case")

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(admin_url(Case, "changelist"))

    assert count_queries(queries) == []
    assert any("pg_class" in q["sql"] for q in queries.captured_queries)
    assert response.context["cl"].result_count == ROWS
    assert f"about {ROWS} cases" in response.content.decode()


def test_a_filtered_changelist_counts_exactly(admin_client, records):
    response = admin_client.get(admin_url(Case, "changelist"), {"status__exact": "dismissed"})

    cl = response.context["cl"]
    assert cl.result_count == DISMISSED == Case.objects.filter(status="dismissed").count()
    assert len(cl.result_list) == DISMISSED
    page = response.content.decode()
    assert f"{DISMISSED} cases" in page
    assert "about" not in cl.paginator.count_qualifier


def test_a_filtered_count_stops_at_the_limit(admin_client, records, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "count_limit", 10)

    response = admin_client.get(admin_url(Report, "changelist"), {"status__exact": "open"})

    assert response.context["cl"].result_count == 10
    assert "more than 10 reports" in response.content.decode()


# Records stay put ------------------------------------------------------------------------------


def audit_row(event: AuditEvent) -> dict:
    return {
        field.attname: getattr(event, field.attname) for field in AuditEvent._meta.concrete_fields
    }


def test_audit_events_cannot_be_added_changed_or_deleted_even_by_a_superuser(admin_client, records):
    event = AuditEvent.objects.order_by("pk").first()
    before = audit_row(event)
    total = AuditEvent.objects.count()

    assert admin_client.get(admin_url(AuditEvent, "add")).status_code == 403
    assert admin_client.post(admin_url(AuditEvent, "add"), {"action": "forged"}).status_code == 403
    change = admin_client.post(
        admin_url(AuditEvent, "change", event.pk), {"action": "rewritten", "message": "oops"}
    )
    assert change.status_code == 403
    assert admin_client.get(admin_url(AuditEvent, "delete", event.pk)).status_code == 403
    assert (
        admin_client.post(admin_url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code
        == 403
    )
    bulk = admin_client.post(
        admin_url(AuditEvent, "changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code == 200

    event.refresh_from_db()
    assert audit_row(event) == before
    assert AuditEvent.objects.count() == total
    # Viewing is still allowed.
    assert admin_client.get(admin_url(AuditEvent, "change", event.pk)).status_code == 200


@pytest.mark.parametrize("model", MODERATION_RECORDS, ids=lambda m: m.__name__)
def test_moderation_records_are_read_only_in_the_admin(model, admin_user, admin_client, records):
    model_admin = admin.site._registry[model]
    request = superuser_request(admin_user)

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    obj = model.objects.order_by("pk").first()
    assert admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403


def test_a_decision_cannot_be_edited_away(admin_client, records):
    decision = Decision.objects.order_by("pk").first()

    response = admin_client.post(
        admin_url(Decision, "change", decision.pk),
        {"action": DecisionAction.NO_VIOLATION, "statement_of_reasons": "Never mind."},
    )

    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.action == DecisionAction.REMOVE_CONTENT


# Who may change the configuration ----------------------------------------------------------------


def posted_form(response) -> dict:
    """The change form as the browser would send it back unchanged, inlines included."""
    data: dict = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        all_forms.extend(formset.forms)
    for form in all_forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[bound.html_name] = [str(v) for v in value or []]
            elif isinstance(field, forms.JSONField) and isinstance(value, str):
                data[bound.html_name] = value  # already the JSON text the page shows
            elif value is not None:
                prepared = field.prepare_value(value)
                data[bound.html_name] = "" if prepared is None else str(prepared)
    return data


def test_a_trust_and_safety_admin_can_change_a_category(client, ts_admin, spam):
    EscalationTier.objects.filter(category=spam).update(team=make_team(spam))
    client.force_login(ts_admin)
    url = admin_url(Category, "change", spam.pk)
    response = client.get(url)
    assert response.status_code == 200

    data = posted_form(response)
    data["description"] = "Selling things, links to other apps, asking for money."
    data["sla"] = "08:00:00"
    response = client.post(url, data)

    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [inline.formset.errors for inline in response.context["inline_admin_formsets"]],
    ]
    spam.refresh_from_db()
    assert spam.description == "Selling things, links to other apps, asking for money."
    assert spam.sla == timedelta(hours=8)


@pytest.mark.parametrize(
    ("value", "saved"),
    [
        ("5 00:00:00", timedelta(days=5)),
        ("0:04:00", None),
        ("31 00:00:00", None),
    ],
)
def test_a_category_has_its_own_time_for_appeals(client, ts_admin, spam, value, saved):
    EscalationTier.objects.filter(category=spam).update(team=make_team(spam))
    before = spam.appeal_sla
    client.force_login(ts_admin)
    url = admin_url(Category, "change", spam.pk)

    response = client.post(url, {**posted_form(client.get(url)), "appeal_sla": value})

    spam.refresh_from_db()
    if saved:
        assert response.status_code == 302
        assert spam.appeal_sla == saved
        assert spam.sla == timedelta(hours=48)  # the first decision's SLA is left as it was
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["appeal_sla"]
        assert "Must be between 5 minutes and 30 days." in str(errors)
        assert spam.appeal_sla == before


def test_a_moderator_can_read_a_category_but_not_change_it(client, spam):
    client.force_login(make_moderator())
    url = admin_url(Category, "change", spam.pk)
    response = client.get(url)
    assert response.status_code == 200
    before = spam.description

    response = client.post(url, {**posted_form(response), "description": "Defaced."})

    assert response.status_code == 403
    spam.refresh_from_db()
    assert spam.description == before


def test_a_trust_and_safety_admin_cannot_make_anyone_a_superuser(client, ts_admin, member):
    client.force_login(ts_admin)

    response = client.get(admin_url(User, "change", member.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    assert 'name="is_active"' in page
    # A member's standing changes through decisions only; being a trusted flagger, through
    # the registry of trusted flaggers.
    assert 'name="is_trusted_flagger"' not in page
    assert 'name="status"' not in page
    assert 'name="strike_count"' not in page


def test_a_trust_and_safety_admin_cannot_take_over_a_superuser(client, ts_admin):
    root = make_member(username="root", is_staff=True, is_superuser=True, password="root-password")
    client.force_login(ts_admin)

    page = client.get(admin_url(User, "change", root.pk))
    password = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-over-now-1", "password2": "taken-over-now-1"},
    )
    changed = client.post(admin_url(User, "change", root.pk), {"username": "mine", "email": "x@y"})

    assert page.status_code == 200  # read, as a record
    assert 'name="username"' not in page.content.decode()
    assert password.status_code == 403
    assert changed.status_code == 403
    root.refresh_from_db()
    assert root.username == "root"
    assert root.check_password("root-password")


def test_a_trust_and_safety_admin_changes_only_people_who_hold_no_more_than_they_do(
    client, ts_admin
):
    powerful = make_moderator(username="powerful", password="powerful-password")
    powerful.user_permissions.add(Permission.objects.get(codename="change_group"))
    extra_role = Group.objects.create(name="Role managers")
    extra_role.permissions.add(Permission.objects.get(codename="change_group"))
    colleague = make_moderator(username="colleague")
    client.force_login(ts_admin)

    refused = client.post(
        reverse("admin:auth_user_password_change", args=[powerful.pk]),
        {"password1": "taken-over-now-1", "password2": "taken-over-now-1"},
    )
    form = client.get(admin_url(User, "change", colleague.pk)).content.decode()
    allowed = client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"password1": "a-new-colleague-pass-1", "password2": "a-new-colleague-pass-1"},
    )

    assert refused.status_code == 403
    powerful.refresh_from_db()
    assert powerful.check_password("powerful-password")
    assert "Role managers" not in form  # a role holding more is not offered
    assert "Trust &amp; Safety admin" in form
    assert allowed.status_code == 302
    event = AuditEvent.objects.get(action="person.password_set")
    assert (event.actor, event.target_id) == (ts_admin, str(colleague.pk))


# Search -----------------------------------------------------------------------------------------


def search(client, model, term: str) -> list:
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_reports_are_found_by_reference_in_any_case(admin_client, records):
    report = records.reports[3]

    assert search(admin_client, Report, report.reference) == [report]
    assert search(admin_client, Report, f" {report.reference.lower()} ") == [report]
    assert search(admin_client, Report, "R-NONE-XIST") == []


def test_records_are_found_by_member_public_id(admin_client, records):
    report = records.reports[4]
    subject = report.subject

    assert search(admin_client, Report, subject.public_id) == [report]
    assert search(admin_client, Case, subject.public_id.lower()) == [report.case]
    assert search(admin_client, User, subject.public_id) == [subject]
    assert search(admin_client, Strike, subject.public_id) == list(subject.strikes.all())
    assert search(admin_client, Decision, subject.public_id) == list(
        Decision.objects.filter(case=report.case)
    )


def test_cases_and_content_are_found_by_their_ids(admin_client, records):
    report = records.reports[5]

    assert search(admin_client, Case, str(report.case_id)) == [report.case]
    assert search(admin_client, Case, "not-a-number") == []
    assert search(admin_client, Case, "99999999999999999999999") == []
    assert search(admin_client, Content, report.content.external_id) == [report.content]
    assert search(admin_client, Report, report.content.external_id) == [report]


def test_search_never_uses_a_like_with_a_leading_wildcard(admin_client, records):
    with CaptureQueriesContext(connection) as queries:
        search(admin_client, Report, records.reports[0].reference)
        search(admin_client, User, "member1")

    for query in queries.captured_queries:
        assert "LIKE '%" not in query["sql"] and "UPPER(" not in query["sql"], query["sql"]


def test_team_members_are_picked_by_autocomplete(admin_client, records):
    member = records.reports[0].subject

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "accounts",
            "model_name": "teammembership",
            "field_name": "user",
            "term": member.public_id,
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in json.loads(response.content)["results"]] == [str(member.pk)]
