"""submit_report: a report is saved with its case in one transaction, whatever the timing."""

import pytest
from django.core.exceptions import ValidationError

from reports.models import AuditEvent, Case, CaseStatus, Reason, Report
from reports.services.intake import submit_report
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member


@pytest.mark.django_db
def test_first_report_opens_a_case_and_later_ones_join_it(member, reporter, spam):
    content = make_content(member)
    first = submit_report(reporter=reporter, subject=member, category=spam, content=content)
    second = submit_report(reporter=make_member(), subject=member, category=spam, content=content)

    case = Case.objects.get()
    assert first.case == second.case == case
    assert case.status == CaseStatus.OPEN
    assert (case.report_count, case.distinct_reporters) == (2, 2)
    assert case.due_at == case.opened_at + spam.sla
    actions = AuditEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True)
    assert list(actions) == ["report.submitted", "case.opened", "report.submitted"]


@pytest.mark.django_db
def test_the_same_reporter_again_adds_detail_instead_of_counting_twice(member, reporter, spam):
    submit_report(reporter=reporter, subject=member, category=spam, description="Sent me ads.")
    submit_report(reporter=reporter, subject=member, category=spam, description="And again today.")

    report = Report.objects.get()
    assert report.description == "Sent me ads.\n\nAnd again today."
    case = report.case
    assert (case.report_count, case.distinct_reporters) == (1, 1)


@pytest.mark.django_db
def test_a_more_urgent_reason_shortens_the_due_time(member, reporter, hate):
    rudeness = Reason.objects.get(category=hate, slug="rudeness")
    threat = Reason.objects.get(category=hate, slug="threat")
    submit_report(reporter=reporter, subject=member, category=hate, reason=rudeness)
    submit_report(reporter=make_member(), subject=member, category=hate, reason=threat)

    case = Case.objects.get()
    assert case.reason == threat
    assert case.due_at - case.last_reported_at <= threat.effective_sla


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("self", "subject"),
        ("inactive", "category"),
        ("foreign_reason", "reason"),
        ("someone_elses_content", "content"),
        ("too_long", "description"),
    ],
)
def test_bad_reports_are_refused_with_a_message_and_write_nothing(
    member, reporter, spam, hate, change, field
):
    kwargs = {"reporter": reporter, "subject": member, "category": spam}
    if change == "self":
        kwargs["subject"] = reporter
    elif change == "inactive":
        spam.is_active = False
        spam.save(update_fields=["is_active"])
    elif change == "foreign_reason":
        kwargs["reason"] = Reason.objects.filter(category=hate).first()
    elif change == "someone_elses_content":
        kwargs["content"] = make_content(reporter)
    elif change == "too_long":
        kwargs["description"] = "x" * 4001

    with pytest.raises(ValidationError) as error:
        submit_report(**kwargs)

    assert field in error.value.message_dict
    assert error.value.message_dict[field][0]
    assert not Report.objects.exists()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_details_are_required_where_the_category_says_so(member, reporter):
    rights = Reason.objects.get(slug="copyright").category
    with pytest.raises(ValidationError) as error:
        submit_report(reporter=reporter, subject=member, category=rights, description="  ")

    assert "description" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_first_reports_share_one_case(spam):
    subject = make_member()
    reporters = [make_member() for _ in range(20)]
    run_at_once(
        lambda reporter: submit_report(reporter=reporter, subject=subject, category=spam),
        reporters,
    )

    case = Case.objects.get(subject=subject)
    assert Report.objects.filter(case=case).count() == 20
    assert (case.report_count, case.distinct_reporters) == (20, 20)


@pytest.mark.django_db
def test_added_details_that_would_not_fit_are_refused_not_cut(member, reporter, spam):
    submit_report(reporter=reporter, subject=member, category=spam, description="a" * 3990)

    with pytest.raises(ValidationError) as error:
        submit_report(reporter=reporter, subject=member, category=spam, description="b" * 50)

    assert "description" in error.value.message_dict
    assert Report.objects.get().description == "a" * 3990
