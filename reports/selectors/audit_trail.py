"""A case's audit trail as a moderator reads it: "What happened to this case".

The trail keeps ids, codes and ISO dates (reports.models.audit); the page shows words, in the
reader's language: who acted, the action by its label, and only what changed, as "from → to"
("Held by: — → Moderator Mo", "Tier: Moderator → Senior moderator"). A field recorded on one
side only is not a change and is left out, so a decision that closes a case never reads as if it
took the case's tier away.

The names the trail points to (people holding the case, reasons, categories) are read in at most
three queries for the whole trail, and none when the case's own rows name them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_duration
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import MemberStatus, User
from reports.models import AuditAction, AuditEvent, Case, Category, Reason
from reports.models.appeals import AppealOutcome, AppealStatus
from reports.models.choices import (
    CaseStatus,
    ContentKind,
    DecisionAction,
    EnforcementKind,
    EscalationCause,
    Ground,
    LiftCause,
    ReportStatus,
    Tier,
    Visibility,
)
from reports.selectors.languages import language_name
from reports.texts.durations import describe_duration


@dataclass
class TrailLine:
    """One row of the trail, its text ready for the page."""

    event: AuditEvent
    who: str
    what: str
    details: list[str] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return self.event.created_at

    @property
    def message(self) -> str:
        return self.event.message


# What each recorded field is called on the page.
FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "tier": gettext_lazy("Tier"),
    "claimed_by": gettext_lazy("Held by"),
    "lease_expires_at": gettext_lazy("Held until"),
    "priority": gettext_lazy("Priority"),
    "language": gettext_lazy("Language"),
    "due_at": gettext_lazy("Due"),
    "cause": gettext_lazy("Why"),
    "visibility": gettext_lazy("Visibility"),
    "action": gettext_lazy("Decision"),
    "duration": gettext_lazy("Length"),
    "ends_at": gettext_lazy("Ends"),
    "reason": gettext_lazy("Reason"),
    "category": gettext_lazy("Category"),
    "kind": gettext_lazy("What"),
    "subject": gettext_lazy("Member"),
    "member": gettext_lazy("Member"),
    "member.status": gettext_lazy("Member's status"),
    "member.suspended_until": gettext_lazy("Suspended until"),
    "member.restricted_until": gettext_lazy("Restricted until"),
    "member.strike_count": gettext_lazy("Strikes"),
    "justification": gettext_lazy("Why this decision"),
    "remove_content": gettext_lazy("Also remove the content"),
    "description": gettext_lazy("Details"),
    "reference": gettext_lazy("Reference"),
    "additional_reports": gettext_lazy("Reports after the decision"),
    "reports_joined": gettext_lazy("Reports joined"),
    "into": gettext_lazy("Into case"),
    "from": gettext_lazy("From case"),
    "review": gettext_lazy("Review"),
    "outcome": gettext_lazy("Outcome"),
    "ground": gettext_lazy("Ground"),
    "alerted": gettext_lazy("People told"),
    "lift_reason": gettext_lazy("Why lifted"),
    "reports": gettext_lazy("Reports"),
    "reporters": gettext_lazy("Reporters"),
    "cases": gettext_lazy("Cases"),
    "authority": gettext_lazy("Authority"),
    "countries": gettext_lazy("Countries"),
    "imprecise_at": gettext_lazy("Marked imprecise"),
}

# The order of the lines of one event: what was decided, then what happened to the case, then
# to the member; fields not named here follow in the order they were recorded.
FIELD_ORDER = {
    name: position
    for position, name in enumerate(
        (
            "action",
            "duration",
            "ends_at",
            "reason",
            "ground",
            "outcome",
            "status",
            "tier",
            "claimed_by",
            "lease_expires_at",
            "cause",
            "due_at",
            "priority",
            "language",
            "visibility",
            "kind",
            "member.status",
            "member.suspended_until",
            "member.restricted_until",
            "member.strike_count",
        )
    )
}

# Ids of rows the page links or lists elsewhere, and machine details nobody reads here.
HIDDEN_FIELDS = frozenset(
    {
        "enforcements",
        "with",
        "decision",
        "content",
        "job",
        "undone",
        "companions",
        "webhooks",
        "also_cases",
        "chosen_reason",
        "external_id",
        "author",
        "not_for",
        "sha256",
        "size",
        "files",
        "figures",
        "errors",
    }
)

# The value of a field in words, by the field's name; statuses depend on what changed.
_CHOICES: dict[str, tuple[type, ...]] = {
    "tier": (Tier,),
    "action": (DecisionAction,),
    "visibility": (Visibility,),
    "cause": (EscalationCause, LiftCause),
    "kind": (EnforcementKind, ContentKind),
    "member.status": (MemberStatus,),
    "outcome": (AppealOutcome,),
    "ground": (Ground,),
}
_STATUSES: dict[str, tuple[type, ...]] = {
    "case": (CaseStatus,),
    "report": (ReportStatus,),
    "appeal": (AppealStatus,),
}

# Who acted, when it was a job rather than a person.
JOB_NAMES = {
    "job:triage": gettext_lazy("Triage (automatic)"),
    "job:release-leases": gettext_lazy("Lease sweep (automatic)"),
    "job:escalate-overdue": gettext_lazy("Overdue sweep (automatic)"),
    "job:lift-expired": gettext_lazy("End of enforcement (automatic)"),
    "job:purge-evidence": gettext_lazy("Evidence retention (automatic)"),
    "job:patterns": gettext_lazy("Pattern detection (automatic)"),
    "job:misuse-check": gettext_lazy("Misuse check (automatic)"),
    "job:evidence-bundle": gettext_lazy("Evidence bundle (automatic)"),
    "job:statements": gettext_lazy("Transparency Database (automatic)"),
    "automatic detection": gettext_lazy("Automatic detection"),
}

# What an action implies that its event does not spell out: a claim is held by whoever made it;
# a release or an expired lease leaves the case held by nobody.
_IMPLIED: dict[str, Callable[[AuditEvent], dict[str, Any]]] = {
    AuditAction.CASE_CLAIMED: lambda event: {"claimed_by": event.actor_id},
    AuditAction.CASE_RELEASED: lambda event: {"claimed_by": None},
    AuditAction.CASE_LEASE_EXPIRED: lambda event: {"claimed_by": None},
}

_PEOPLE_FIELDS = ("claimed_by",)
# What people wrote (a reporter's details, a moderator's why, an admin's names): shown as written,
# never read as a length or a moment, however much it looks like one ("P3D", an ISO date).
WRITTEN_FIELDS = frozenset(
    {"description", "justification", "facts", "name", "authority", "legal_ground", "note"}
)
LONG_TEXT = 200


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """One level of names: a decision's {"case": {"status": …}} is the case's own status, and
    {"member": {"status": …}} the member's ("member.status")."""
    flat: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if isinstance(value, dict) and key == "case":
            flat.update({k: v for k, v in value.items() if not isinstance(v, dict)})
        elif isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items() if not isinstance(v, dict)})
        else:
            flat[key] = value
    return flat


def _sides(event: AuditEvent) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = _flat(event.before), _flat(event.after)
    implied = _IMPLIED.get(event.action)
    if implied is not None:
        for key, value in implied(event).items():
            after.setdefault(key, value)
    return before, after


class _Names:
    """The people, reasons and categories a trail points to, read once for all its events."""

    def __init__(self, events: list[AuditEvent], case: Case):
        self.case = case
        people, reason_ids, reason_slugs, category_slugs = set(), set(), set(), set()
        for event in events:
            for side in _sides(event):
                for key in _PEOPLE_FIELDS:
                    if isinstance(side.get(key), int):
                        people.add(side[key])
                reason = side.get("reason")
                if isinstance(reason, int):
                    reason_ids.add(reason)
                elif isinstance(reason, str) and reason:
                    reason_slugs.add(reason)
                if isinstance(side.get("category"), str):
                    category_slugs.add(side["category"])
        known_people = {event.actor_id: event.actor for event in events if event.actor_id}
        if case.claimed_by_id:
            known_people[case.claimed_by_id] = case.claimed_by
        missing = people - set(known_people)
        if missing:
            known_people.update(User.objects.in_bulk(missing))
        self.people = known_people
        self.reasons: dict[Any, Reason] = {}
        if case.reason_id:
            self.reasons = {case.reason_id: case.reason, case.reason.slug: case.reason}
        if reason_ids - set(self.reasons):
            self.reasons.update(Reason.objects.in_bulk(reason_ids - set(self.reasons)))
        if reason_slugs - set(self.reasons):
            # A slug names a reason within its category: the case's own first.
            found = Reason.objects.filter(slug__in=reason_slugs - set(self.reasons))
            for reason in sorted(found, key=lambda r: r.category_id != case.category_id):
                self.reasons.setdefault(reason.slug, reason)
        self.categories = {case.category.slug: case.category}
        if category_slugs - set(self.categories):
            self.categories.update(
                Category.objects.in_bulk(category_slugs - set(self.categories), field_name="slug")
            )

    def person(self, pk: int | None) -> str:
        person = self.people.get(pk)
        if person is None:
            return "—" if pk is None else _("someone no longer on record")
        return person.display_name or person.username


def who(event: AuditEvent) -> str:
    """The person who acted, or the job in words."""
    if event.actor_id:
        return event.actor.display_name or event.actor.username
    if event.actor_label in JOB_NAMES:
        return str(JOB_NAMES[event.actor_label])
    return _("hellomod (automatic)")


def _label(key: str) -> str:
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    return key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def _choice(value: Any, enums: Iterable[type]) -> str | None:
    for enum in enums:
        try:
            return str(enum(value).label)
        except ValueError:
            continue
    return None


def _moment(value: Any, *, near: datetime) -> str | None:
    if not (isinstance(value, str) and len(value) >= 16):
        return None
    try:
        moment = parse_datetime(value)
        if moment is None or moment.tzinfo is None:
            return None
        local, day = timezone.localtime(moment), timezone.localtime(near).date()
    except (ValueError, OverflowError):  # a date that is no day, or past the calendar's ends
        return None
    return f"{local:%H:%M}" if local.date() == day else f"{local:%Y-%m-%d %H:%M}"


def _length(value: Any) -> timedelta | None:
    if not (isinstance(value, str) and value.startswith("P")):
        return None
    try:
        return parse_duration(value)
    except (ValueError, OverflowError):  # more days than Python counts
        return None


def _value(key: str, value: Any, event: AuditEvent, names: _Names) -> str:
    """One recorded value in words."""
    if value is None or value == "" or value == []:
        return "—"
    if key in _PEOPLE_FIELDS:
        return names.person(value)
    if key == "status":
        words = _choice(value, _STATUSES.get(event.target_type, (CaseStatus,)))
        return words or str(value)
    if key in _CHOICES:
        return _choice(value, _CHOICES[key]) or str(value)
    if key == "reason":
        reason = names.reasons.get(value)
        return reason.display_name if reason else "—"
    if key == "category" and value in names.categories:
        return names.categories[value].display_name
    if key == "language":
        return language_name(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if key in {"into", "from"}:
        return f"#{value}"
    if key not in WRITTEN_FIELDS:
        if (moment := _moment(value, near=event.created_at)) is not None:
            return moment
        if length := _length(value):
            return describe_duration(length)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"


def details(event: AuditEvent, names: _Names) -> list[str]:
    """What the event changed, one line per field: "from → to" for a field recorded on both
    sides that changed, the value alone for one that only the outcome records."""
    before, after = _sides(event)
    lines = []
    for key, value in sorted(after.items(), key=lambda item: FIELD_ORDER.get(item[0], 99)):
        if key in HIDDEN_FIELDS:
            continue
        if key in before:
            if before[key] == value:
                continue
            old, new = _value(key, before[key], event, names), _value(key, value, event, names)
            if old != new:
                lines.append(f"{_label(key)}: {old} → {new}")
        elif value not in (None, "", [], {}):
            lines.append(f"{_label(key)}: {_value(key, value, event, names)}")
    return lines


def trail_lines(events: list[AuditEvent], *, case: Case) -> list[TrailLine]:
    """The case's events, newest first as given, each in words."""
    names = _Names(events, case)
    return [
        TrailLine(
            event=event, who=who(event), what=event.action_label, details=details(event, names)
        )
        for event in events
    ]
