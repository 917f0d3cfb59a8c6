"""What the admin home page warns about: categories and languages nobody works."""

from dataclasses import dataclass, field

from django import template

from accounts.languages import LANGUAGE_NAMES
from accounts.models import Team
from reports.models import Case, Category, EscalationTier, Tier
from reports.models.choices import OPEN_CASE_STATUSES
from reports.selectors.queues import languages_read

register = template.Library()


@dataclass
class Coverage:
    uncovered: list[Category] = field(default_factory=list)
    languages: dict[str, list[str]] = field(default_factory=dict)
    tiers_without_team: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.uncovered or self.languages or self.tiers_without_team)


def coverage() -> Coverage:
    """Active categories no team covers, languages of open cases no covering team reads, and
    tiers with no team, in four queries."""
    categories = {c.pk: c for c in Category.objects.filter(is_active=True)}
    reads = languages_read(Team.objects.all())
    result = Coverage(uncovered=[c for pk, c in categories.items() if pk not in reads])
    partial = [pk for pk, languages in reads.items() if languages is not None and pk in categories]
    seen = (
        Case.objects.filter(category_id__in=partial, status__in=OPEN_CASE_STATUSES)
        .exclude(language="")
        .values_list("category_id", "language")
        .distinct()
    )
    for category_id, language in seen:
        if language not in reads[category_id]:
            name = categories[category_id].name
            result.languages.setdefault(name, []).append(LANGUAGE_NAMES.get(language, language))
    staffed: dict[int, set[int]] = {pk: set() for pk in categories}
    for tier in EscalationTier.objects.filter(category__is_active=True):
        if tier.team_id is not None:
            staffed[tier.category_id].add(tier.tier)
    for pk, tiers in staffed.items():
        missing = [Tier(t).label for t in Tier.values if t not in tiers]
        if missing:
            result.tiers_without_team[categories[pk].name] = missing
    return result


@register.simple_tag
def coverage_warnings() -> Coverage:
    return coverage()
