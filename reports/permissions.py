"""Who may see what. Every view that shows a case, or anything of a case, asks here."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Case, Category, Evidence


def is_policy_admin(user: User) -> bool:
    """Trust & Safety admins (and superusers) see every category."""
    return user.is_active and (user.is_superuser or user.has_perm("reports.change_category"))


def moderated_categories(user: User) -> QuerySet[Category]:
    """The categories whose cases this person may see and work."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Category.objects.none()
    if is_policy_admin(user):
        return Category.objects.all()
    if not user.has_perm("reports.work_queue"):
        return Category.objects.none()
    return Category.objects.filter(teams__members=user).distinct()


def can_view_case(user: User, case: Case) -> bool:
    return moderated_categories(user).filter(pk=case.category_id).exists()


def get_evidence_for_viewer(user: User, evidence_id: int) -> Evidence:
    """The evidence if this person may see its case; 404 otherwise, so ids reveal nothing."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("report__case"), pk=evidence_id, purged_at__isnull=True
    )
    if not can_view_case(user, evidence.report.case):
        raise Http404("No such evidence.")
    return evidence
