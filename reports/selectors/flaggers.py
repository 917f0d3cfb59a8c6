"""Reads about trusted flaggers (DSA Art. 22): whom a member reports for, and in what they are
experts."""

from accounts.models import User
from reports.models import Category, FlaggerMembership, FlaggerOrganisation, FlaggerStatus


def flagger_organisation_of(member: User) -> FlaggerOrganisation | None:
    """The active trusted flagger this member sends notices for, if any (one query)."""
    membership = (
        FlaggerMembership.objects.filter(member=member, organisation__status=FlaggerStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def is_expert(organisation: FlaggerOrganisation, category: Category) -> bool:
    """Whether the category is one of the organisation's areas of expertise."""
    return organisation.expertise.filter(pk=category.pk).exists()
