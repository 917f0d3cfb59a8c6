"""Who may see what. Every view that shows a case, or anything of a case, asks here."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from reports.models import Case, Category, Content, Evidence, EvidenceBundle, Referral, Tier


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


def moderated_category_list(user: User) -> list[Category]:
    """The categories of `moderated_categories`, read once for this user object.

    A request's user is built for that request: a page that checks the moderator and then
    looks up its category reads them once.
    """
    cached = getattr(user, "_moderated_category_list", None)
    if cached is None:
        cached = list(moderated_categories(user))
        if user.is_authenticated:
            user._moderated_category_list = cached
    return cached


def reads_figures(user: User) -> bool:
    """Leads, T&S admins and superusers: the dashboard and the transparency report."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("reports.view_dashboard")
    )


def works_escalated(user: User) -> bool:
    return user.is_authenticated and user.has_perm("reports.work_escalated")


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases of the moderator's categories; escalated tiers only for seniors."""
    cases = Case.objects.filter(category__in=moderated_categories(user))
    if not works_escalated(user):
        cases = cases.filter(tier=Tier.FRONTLINE)
    return cases


def queue_cases(user: User, category: Category) -> QuerySet[Case]:
    """The cases of one category, which get_category_for_moderator gave this moderator.

    The same cases as visible_cases(user) in that category, without the join on the teams:
    the queue page's query then plans and runs on the queue index alone.
    """
    cases = Case.objects.filter(category=category)
    if not works_escalated(user):
        cases = cases.filter(tier=Tier.FRONTLINE)
    return cases


def can_view_case(user: User, case: Case) -> bool:
    if case.tier != Tier.FRONTLINE and not works_escalated(user):
        return False
    return moderated_categories(user).filter(pk=case.category_id).exists()


def get_case_for_moderator(user: User, case_id: int, *, queryset=None) -> Case:
    """The case if this moderator may see it; 404 otherwise, so ids reveal nothing."""
    case = get_object_or_404(queryset if queryset is not None else Case.objects, pk=case_id)
    if not can_view_case(user, case):
        raise Http404("No such case.")
    return case


def get_category_for_moderator(user: User, slug: str) -> Category:
    for category in moderated_category_list(user):
        if category.slug == slug:
            return category
    raise Http404("No such category in this moderator's queues.")


def get_member_for_moderator(user: User, public_id: str) -> User:
    """A reported member, if they are the subject of a case this moderator may see."""
    member = get_object_or_404(User, public_id=public_id)
    if not visible_cases(user).filter(subject=member).exists():
        raise Http404("No such member.")
    return member


def get_content_for_moderator(user: User, content_id: int) -> Content:
    content = get_object_or_404(Content, pk=content_id)
    if not visible_cases(user).filter(Q(content=content) | Q(reports__content=content)).exists():
        raise Http404("No such content.")
    return content


def get_evidence_for_viewer(user: User, evidence_id: int) -> Evidence:
    """The evidence if this person may see its case; 404 otherwise, so ids reveal nothing."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("report__case"), pk=evidence_id, purged_at__isnull=True
    )
    if not can_view_case(user, evidence.report.case):
        raise Http404("No such evidence.")
    return evidence


# Referrals, legal holds and evidence bundles (DSA Art. 18): seniors refer, T&S admins also
# hold evidence and build bundles. Frontline moderators see none of it: 404, like any case
# outside their reach.


def may_refer(user: User) -> bool:
    return user.is_active and user.has_perm("reports.refer_case")


def may_see_referrals(user: User) -> bool:
    return user.is_active and user.has_perm("reports.view_referral")


def may_manage_holds(user: User) -> bool:
    return user.is_active and user.has_perm("reports.manage_legal_holds")


def may_handle_bundles(user: User) -> bool:
    return user.is_active and user.has_perm("reports.download_bundle")


def get_case_for_referral(user: User, case_id: int, *, queryset=None) -> Case:
    """The case if this person may refer it to the authorities; 404 otherwise."""
    if not may_refer(user):
        raise Http404("No such case.")
    return get_case_for_moderator(user, case_id, queryset=queryset)


def get_referral_for_referrer(user: User, referral_id: int) -> Referral:
    """A referral of a case this person may refer; 404 otherwise."""
    if not may_refer(user):
        raise Http404("No such referral.")
    referral = get_object_or_404(Referral.objects.select_related("case"), pk=referral_id)
    if not can_view_case(user, referral.case):
        raise Http404("No such referral.")
    return referral


def get_case_for_holds(user: User, case_id: int, *, queryset=None) -> Case:
    """The case if this person places and lifts legal holds; 404 otherwise."""
    if not may_manage_holds(user):
        raise Http404("No such case.")
    return get_case_for_moderator(user, case_id, queryset=queryset)


def get_case_for_bundles(user: User, case_id: int, *, queryset=None) -> Case:
    """The case if this person builds and downloads evidence bundles; 404 otherwise."""
    if not may_handle_bundles(user):
        raise Http404("No such case.")
    return get_case_for_moderator(user, case_id, queryset=queryset)


def get_bundle_for_download(user: User, bundle_id: int) -> EvidenceBundle:
    """A bundle this person may download (T&S admins); 404 for anyone else, so ids say nothing."""
    if not may_handle_bundles(user):
        raise Http404("No such bundle.")
    bundle = get_object_or_404(EvidenceBundle.objects.select_related("case"), pk=bundle_id)
    if not can_view_case(user, bundle.case):
        raise Http404("No such bundle.")
    return bundle
