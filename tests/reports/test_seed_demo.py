"""`manage.py seed_demo` loads a realistic demo, and running it again changes nothing."""

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from reports.models import Case, Category, Content, ContentKind, EscalationTier, Report


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        try:
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint() -> dict:
    """Row counts of every table and the latest change times that have one."""
    figures = {}
    for model in apps.get_models():
        figures[model._meta.label] = model.objects.count()
    figures["report.updated"] = Report.objects.aggregate(m=Max("updated_at"))["m"]
    figures["case.last_reported"] = Case.objects.aggregate(m=Max("last_reported_at"))["m"]
    figures["case.due"] = sorted(Case.objects.values_list("due_at", flat=True))
    figures["users"] = sorted(User.objects.values_list("username", "public_id", "last_login"))
    return figures


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_back_office(seeded):
    members = User.objects.filter(username__startswith="demo-member-")
    assert 200 <= members.count() <= 500
    assert members.values("native_language").distinct().count() >= 6
    assert set(Content.objects.values_list("kind", flat=True)) == set(ContentKind.values)
    assert Content.objects.values("language").distinct().count() >= 6
    assert 900 <= Report.objects.count() <= 1100
    reported = set(Report.objects.values_list("category__slug", flat=True))
    reportable = Category.objects.filter(purpose="reports")
    assert reported == set(reportable.values_list("slug", flat=True))
    assert Case.objects.filter(distinct_reporters__gte=10).exists()
    overdue = Case.objects.filter(due_at__lt=timezone.now()).count()
    assert 0 < overdue < Case.objects.count() / 2
    assert Team.objects.count() >= 4
    assert not EscalationTier.objects.filter(team__isnull=True).exists()
    # A few members draw many reports, most draw one or two.
    per_subject = sorted(
        Report.objects.values("subject").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert per_subject[-1] >= 50
    assert per_subject[len(per_subject) // 2] <= 3


@pytest.mark.django_db
def test_seed_demo_prints_one_login_per_role_and_they_work(seeded, client):
    for username in ("member", "moderator", "senior", "admin"):
        assert f"  {username} " in seeded
    assert "hellomod-demo" in seeded
    assert User.objects.get(username="moderator").groups.get().name == "Moderator"
    assert User.objects.get(username="senior").groups.get().name == "Senior moderator"
    assert User.objects.get(username="admin").groups.get().name == "Trust & Safety admin"

    assert client.login(username="admin", password="hellomod-demo")
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_seed_demo_run_twice_changes_nothing_the_second_time(seeded):
    before = fingerprint()
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "0 new reports" in out.getvalue() and "0 new appeals" in out.getvalue()
    assert "0 past decisions" in out.getvalue()
    assert fingerprint() == before


@pytest.mark.django_db
def test_every_admin_page_renders_for_the_seeded_data(seeded, client):
    client.force_login(User.objects.get(username="admin"))
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, model
        obj = model.objects.order_by("pk").last()
        if obj is None:
            continue
        change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert change.status_code == 200, model


@pytest.mark.django_db
def test_seed_demo_leaves_appeals_for_the_senior_and_one_for_the_member_to_try(seeded):
    from reports.models import Appeal, AppealKind
    from reports.selectors.appeals import decisions_about, member_appeal_refusal

    assert "3 new appeals" in seeded
    assert sorted(Appeal.objects.filter(status="open").values_list("kind", flat=True)) == sorted(
        [AppealKind.MEMBER, AppealKind.MEMBER, AppealKind.NOTIFIER]
    )
    senior = User.objects.get(username="senior")
    # Decided by the demo moderator, so the demo senior may take each one.
    assert not Appeal.objects.filter(decision__moderator=senior).exists()
    member = User.objects.get(username="member")
    [warning] = decisions_about(member)
    assert member_appeal_refusal(member, warning, now=timezone.now()) is None


@pytest.mark.django_db
def test_seed_demo_leaves_six_weeks_of_figures_for_the_dashboard_and_the_report(seeded):
    from reports.models import Appeal, DailyFigure, Decision, Metric

    assert "90 past decisions" in seeded
    days = set(DailyFigure.objects.filter(metric=Metric.DECISIONS).values_list("day", flat=True))
    assert len(days) >= 25
    restrictive = Decision.objects.exclude(restriction="").count()
    assert restrictive >= 30
    decided = Appeal.objects.filter(status="decided")
    assert decided.filter(outcome="reversed").exists() and decided.filter(outcome="upheld").exists()
    assert DailyFigure.objects.filter(metric=Metric.APPEALS_DECIDED).exists()
    # The transparency report opens on the last full month: the demo has actions in it.
    from reports.selectors.transparency import transparency_report

    last_day = timezone.now().date().replace(day=1) - timedelta(days=1)
    report = transparency_report(last_day.replace(day=1), last_day)
    assert report["actions"]["total"] > 0


@pytest.mark.django_db
def test_the_demo_decisions_yield_valid_statements_that_export(seeded):
    import json

    from django.core.management import call_command

    from reports.models import StatementStatus, TransparencyStatement
    from reports.tdb.validator import validate

    queued = TransparencyStatement.objects.all()
    assert queued.count() >= 30
    assert not queued.exclude(status=StatementStatus.PENDING).exists()
    today = timezone.now().date()
    out = io.StringIO()
    call_command(
        "export_statements",
        "--from",
        str(today - timedelta(days=60)),
        "--to",
        str(today),
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) >= queued.count()
    assert all(validate(statement) == {} for statement in lines)
    assert len({statement["puid"] for statement in lines}) == len(lines)
    assert any(statement["puid"].endswith("-reversal") for statement in lines)
