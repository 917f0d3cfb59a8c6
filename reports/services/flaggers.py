"""The registry of trusted flaggers (DSA Art. 22): organisations, their members, their status.

`User.is_trusted_flagger` (read by the rate limit, intake and triage) is kept here: it is True
exactly while the member belongs to an active organisation. Adding or removing a member and
suspending, revoking or reactivating an organisation set it, each flip on the member's record.
A moderator marks a flagger's notice imprecise here too (the quality page counts them).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import (
    AuditAction,
    Category,
    FlaggerMembership,
    FlaggerOrganisation,
    FlaggerStatus,
    Report,
)
from reports.models.choices import CategoryPurpose
from reports.permissions import can_view_case, works_escalated
from reports.services import referrals
from reports.services.audit import audit_event, record_event, record_events
from reports.services.configuration import (
    Edit,
    delete_configuration,
    plain,
    save_configuration,
)

# The designation counts in every member state; the list says where the organisation works.
MAX_COUNTRIES = 30


def clean_countries(countries: Iterable[str]) -> list[str]:
    """Upper-case ISO 3166 codes in the order given, each once; ValidationError on "countries"."""
    return referrals.clean_countries(
        countries,
        limit=MAX_COUNTRIES,
        none_given=_("Name at least one country it works in, as a two-letter code."),
    )


def clean_expertise(categories: Iterable[Category]) -> list[Category]:
    """Categories members report under; never the misuse category hellomod opens itself."""
    chosen = list(categories)
    wrong = [c.name for c in chosen if c.purpose != CategoryPurpose.REPORTS]
    if wrong:
        raise ValidationError(
            {
                "expertise": [
                    _("%(names)s is not a category members report under.")
                    % {"names": ", ".join(wrong)}
                ]
            }
        )
    return chosen


# Organisations ---------------------------------------------------------------------------------


@transaction.atomic
def save_organisation(
    *, edit: Edit, actor: User, expertise: Iterable[Category] | None = None
) -> FlaggerOrganisation:
    """Create or change an organisation (and its areas of expertise when given), on the record.

    A change of status flips `is_trusted_flagger` for its members.
    """
    organisation: FlaggerOrganisation = edit.row
    if organisation._state.adding:  # the record shows what was set up, given or by default
        edit = Edit(organisation, after={**_fields(organisation), **edit.after})
    countries = clean_countries(organisation.countries or [])
    if countries != organisation.countries:  # as written: upper case, each once
        edit = edit.with_change("countries", edit.before.get("countries", countries), countries)
        organisation.countries = countries
    was_active = (
        not organisation._state.adding
        and FlaggerOrganisation.objects.filter(pk=organisation.pk)
        .values_list("status", flat=True)
        .get()
        == FlaggerStatus.ACTIVE
    )
    if expertise is not None:
        chosen = clean_expertise(expertise)
        had = [] if organisation._state.adding else list(organisation.expertise.all())
        edit = edit.with_change("expertise", had, chosen)
    save_configuration(edits=[edit], actor=actor)
    if expertise is not None:
        organisation.expertise.set(chosen)
    if was_active != organisation.is_active:
        _flag(
            User.objects.filter(flagger_membership__organisation=organisation),
            flagged=organisation.is_active,
            actor=actor,
            why=_status_message(organisation),
        )
    return organisation


def _fields(organisation: FlaggerOrganisation) -> dict:
    return {
        field.name: plain(getattr(organisation, field.name))
        for field in FlaggerOrganisation._meta.concrete_fields
        if field.editable and not field.primary_key
    }


def set_status(
    organisation: FlaggerOrganisation, *, status: str, actor: User
) -> FlaggerOrganisation:
    """Suspend, revoke or reactivate an organisation's designation."""
    if status not in FlaggerStatus.values:
        raise ValidationError({"status": [_("Choose a known status.")]})
    return save_organisation(edit=Edit.of(organisation, status=status), actor=actor)


@transaction.atomic
def delete_organisation(organisation: FlaggerOrganisation, *, actor: User) -> None:
    """Delete an organisation that never sent a notice; its members stop being trusted."""
    if organisation.notices.exists():
        raise ValidationError(
            _("%(name)s has sent notices, which keep its name: revoke its designation instead.")
            % {"name": organisation.name}
        )
    members = list(User.objects.filter(flagger_membership__organisation=organisation))
    memberships = list(organisation.memberships.select_related("member"))
    for membership in memberships:
        record_event(**_membership_event(membership, "deleted", actor=actor))
    try:
        delete_configuration(rows=[organisation], actor=actor)
    except ProtectedError as error:  # a notice sent meanwhile
        raise ValidationError(_("%(name)s has sent notices.") % {"name": organisation.name}) from (
            error
        )
    _flag(
        User.objects.filter(pk__in=[m.pk for m in members]),
        flagged=False,
        actor=actor,
        why=_("%(name)s was deleted from the registry.") % {"name": organisation.name},
    )


def _status_message(organisation: FlaggerOrganisation) -> str:
    return _("%(name)s is now: %(status)s.") % {
        "name": organisation.name,
        "status": organisation.get_status_display(),
    }


# Members ---------------------------------------------------------------------------------------


@transaction.atomic
def add_member(
    organisation: FlaggerOrganisation, *, member: User, actor: User
) -> FlaggerMembership:
    """Link a member to the organisation; they are a trusted flagger while it is active."""
    given, member = member, User.objects.select_for_update().get(pk=member.pk)
    current = FlaggerMembership.objects.filter(member=member).select_related("organisation").first()
    if current is not None:
        raise ValidationError(
            {
                "member": [
                    _("%(member)s already reports for %(organisation)s.")
                    % {"member": member.public_id, "organisation": current.organisation.name}
                ]
            }
        )
    try:
        with transaction.atomic():
            membership = FlaggerMembership.objects.create(organisation=organisation, member=member)
    except IntegrityError as error:  # linked by someone else a moment ago
        raise ValidationError(
            {
                "member": [
                    _("%(member)s already reports for an organisation.")
                    % {"member": member.public_id}
                ]
            }
        ) from error
    record_event(**_membership_event(membership, "created", actor=actor))
    _flag(
        User.objects.filter(pk=member.pk),
        flagged=organisation.is_active,
        actor=actor,
        why=_("Reports for %(name)s.") % {"name": organisation.name},
    )
    given.is_trusted_flagger = organisation.is_active  # the caller's copy too
    return membership


@transaction.atomic
def remove_member(membership: FlaggerMembership, *, actor: User) -> None:
    """Unlink a member; they report as an ordinary member from now on."""
    membership = FlaggerMembership.objects.select_related("organisation", "member").get(
        pk=membership.pk
    )
    record_event(**_membership_event(membership, "deleted", actor=actor))
    membership.delete()
    _flag(
        User.objects.filter(pk=membership.member_id),
        flagged=False,
        actor=actor,
        why=_("No longer reports for %(name)s.") % {"name": membership.organisation.name},
    )


def find_member(public_id: str) -> User:
    """The member with this public id, or a ValidationError on "member"."""
    member = User.objects.filter(public_id=public_id.strip()).first()
    if member is None:
        raise ValidationError({"member": [_("No member has this public id.")]})
    return member


def _membership_event(membership: FlaggerMembership, verb: str, *, actor: User) -> dict:
    values = {
        "organisation": membership.organisation.name,
        "member": membership.member.public_id,
    }
    return {
        "action": AuditAction.of_configuration(FlaggerMembership, verb),
        "target": membership,
        "actor": actor,
        "before": values if verb == "deleted" else {},
        "after": values if verb == "created" else {},
    }


def _flag(members, *, flagged: bool, actor: User, why: str) -> None:
    """Set `is_trusted_flagger` where it differs, each flip on the member's record."""
    changing = list(members.exclude(is_trusted_flagger=flagged).only("pk"))
    if not changing:
        return
    User.objects.filter(pk__in=[m.pk for m in changing]).update(is_trusted_flagger=flagged)
    record_events(
        [
            audit_event(
                action=AuditAction.PERSON_CHANGED,
                target=member,
                actor=actor,
                before={"is_trusted_flagger": not flagged},
                after={"is_trusted_flagger": flagged},
                message=why,
            )
            for member in changing
        ]
    )


# Notices ---------------------------------------------------------------------------------------


def _notice_for(report_id: int, moderator: User) -> Report:
    """The report, locked, if this moderator is a senior (or T&S admin) who may see its case."""
    report = Report.objects.select_for_update(of=("self",)).select_related("case").get(pk=report_id)
    if not (works_escalated(moderator) and can_view_case(moderator, report.case)):
        raise PermissionDenied("Only seniors who may see the case mark its notices.")
    return report


@transaction.atomic
def mark_imprecise(*, report_id: int, moderator: User) -> Report:
    """Mark a trusted flagger's notice imprecise (the quality page counts it). Twice is once."""
    report = _notice_for(report_id, moderator)
    if report.flagger_organisation_id is None:
        raise ValidationError(_("Only a trusted flagger's notice can be marked imprecise."))
    if report.imprecise_at is not None:
        return report
    report.imprecise_at, report.imprecise_marked_by = timezone.now(), moderator
    report.save(update_fields=["imprecise_at", "imprecise_marked_by", "updated_at"])
    record_event(
        action=AuditAction.NOTICE_MARKED_IMPRECISE,
        target=report,
        actor=moderator,
        case=report.case_id,
        after={"imprecise_at": plain(report.imprecise_at)},
    )
    return report


@transaction.atomic
def unmark_imprecise(*, report_id: int, moderator: User) -> Report:
    """Take a mark of imprecision back. Twice is once."""
    report = _notice_for(report_id, moderator)
    if report.imprecise_at is None:
        return report
    before = {
        "imprecise_at": plain(report.imprecise_at),
        "imprecise_marked_by": report.imprecise_marked_by_id,
    }
    report.imprecise_at, report.imprecise_marked_by = None, None
    report.save(update_fields=["imprecise_at", "imprecise_marked_by", "updated_at"])
    record_event(
        action=AuditAction.NOTICE_UNMARKED_IMPRECISE,
        target=report,
        actor=moderator,
        case=report.case_id,
        before=before,
    )
    return report
