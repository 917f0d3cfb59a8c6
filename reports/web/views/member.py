"""The member's side: the report form, its receipt and "my reports"."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User, clean_public_id
from reports.models import Appeal, Category, Content, Decision, Report, ReportSource
from reports.models.categories import REPORTABLE
from reports.models.choices import WELFARE_ACTIONS
from reports.ratelimit import RateLimited
from reports.selectors.welfare import crisis_lines_for, needs_care
from reports.services.intake import check_can_report, submit_report
from reports.texts.welfare import EMERGENCY_NUMBERS
from reports.web.forms.member import ReportForm

# The service names fields after the domain; the form after what the member sees.
FORM_FIELD = {
    "subject": "member",
    "content": "member",
    "category": "category",
    "reason": "reason",
    "description": "description",
    "evidence": "evidence",
}


def _target(request: HttpRequest) -> tuple[User | None, Content | None]:
    """The member and content named by an app link, as far as they exist."""
    source = request.POST if request.method == "POST" else request.GET
    public_id = clean_public_id(source.get("member", ""))
    subject = None
    if public_id:
        subject = User.objects.filter(public_id=public_id, is_active=True).first()
    content_id = source.get("content", "")
    content = None
    if subject is not None and content_id.isascii() and content_id.isdecimal():
        content = Content.objects.filter(pk=int(content_id), author=subject).first()
    return subject, content


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    subject, content = _target(request)
    refusal = None
    if request.method == "POST":
        try:
            check_can_report(request.user)
        except RateLimited as limited:
            refusal = str(limited)
        except ValidationError as error:
            refusal = error.message_dict["reporter"]
    if refusal:
        # Said before any upload is decoded: a refused reporter costs no image work.
        form = ReportForm(request.POST, reporter=request.user)
        form.is_valid()
        form.add_error(None, refusal)
    elif request.method == "POST":
        form = ReportForm(request.POST, request.FILES, reporter=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = submit_report(
                    reporter=request.user,
                    subject=form.subject,
                    category=data["category"],
                    reason=data["reason"],
                    content=data["content_object"],
                    description=data["description"],
                    source=ReportSource.WEB,
                    also_blocked=data["also_block"],
                    evidence=data["evidence"],
                )
            except RateLimited as limited:
                form.add_error(None, str(limited))
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(FORM_FIELD.get(field), messages)
            else:
                return redirect("reports:receipt", reference=report.reference)
    else:
        initial = {"member": subject.public_id if subject else request.GET.get("member", "")}
        if content is not None:
            initial["content"] = content.pk
        form = ReportForm(initial=initial, reporter=request.user)
    categories = Category.objects.filter(REPORTABLE).prefetch_related("reasons")
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "subject": subject, "content": content, "categories": categories},
    )


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("category", "reason", "subject", "content"),
        reference=reference,
        reporter=request.user,
    )
    context = {"report": report}
    if needs_care(report.reason):
        # A life may be at risk: the page opens with what the reporter can do right now.
        context["right_now"] = {
            "emergency_number": EMERGENCY_NUMBERS.get(request.user.country.upper(), ""),
            "lines": crisis_lines_for(request.user),
        }
    return render(request, "reports/receipt.html", context)


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = (
        Report.objects.filter(reporter=request.user)
        .select_related("category", "reason", "subject", "content")
        # A member offered care is not an offender: the page says so in its outcome.
        .annotate(
            cared_for=Exists(
                Decision.objects.filter(
                    case=OuterRef("case"), action__in=WELFARE_ACTIONS, reversed_at__isnull=True
                )
            )
        )
        # The reporter's review requests, latest first: the row shows the latest or offers one.
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Appeal.objects.filter(appellant=request.user).order_by(
                    "-received_at", "-id"
                ),
                to_attr="my_reviews",
            )
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "reports/my_reports.html", {"page": page})
