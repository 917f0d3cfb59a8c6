"""Load realistic demo data: members in many languages, their content, reports and teams.

Idempotent: everything is keyed on demo usernames and platform ids, and reports that were
already submitted are recognised by reporter, subject, content and category, so a second run
changes nothing. Content is recorded as the platform would push it, and reports go through
the real intake service, like a member's would.
"""

import io
import random
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, F, Model, Q
from django.utils import timezone
from PIL import Image

from accounts.languages import supported_language
from accounts.models import Team, TeamMembership, User
from accounts.services import platform_account
from reports.effects.outbox import publish
from reports.evidence import CleanImage, clean_image
from reports.management.demo_data import (
    CATEGORY_WEIGHTS,
    COUNTRIES,
    DEFAULT_KINDS,
    KIND_FOR_CATEGORY,
    LANGUAGES,
    LINE_FOR_CATEGORY,
    LINES,
    MEMBER_CATEGORIES,
    NAMES,
)
from reports.models import (
    ActiveRecipients,
    Appeal,
    AppealOutcome,
    Case,
    CaseStatus,
    Category,
    Content,
    ContentKind,
    Decision,
    DecisionAction,
    Enforcement,
    EscalationTier,
    FlaggerOrganisation,
    OutboxMessage,
    Report,
    ReportSource,
    Strike,
    Tier,
)
from reports.services.appeals.filing import appeal_decision, ask_for_review
from reports.services.appeals.outcomes import decide_appeal
from reports.services.categories import save_category_rows
from reports.services.claims import claim_case
from reports.services.configuration import Edit, plain, save_configuration
from reports.services.content import record_content
from reports.services.decisions.decide import decide
from reports.services.figures import refresh_figures
from reports.services.flaggers import add_member, save_organisation
from reports.services.intake import submit_report
from reports.services.people import save_person, save_team, set_password
from reports.services.statements import queue_statements

DEMO_PASSWORD = "hellomod-demo"  # noqa: S105 - printed for the local demo on purpose
SEED = 20261123
MEMBER_COUNT = 320
REPORT_COUNT = 1000
# Six weeks of decided cases, two a day in the demo moderator's categories: the dashboard's
# last 30 days and the transparency report's default period (the last full month) have figures.
HISTORY_DAYS = 45
HISTORY_PER_DAY = 2
HISTORY_CATEGORIES = ["spam-solicitation", "hate-abuse", "harassment", "malware-scraping"]
HISTORY_FACTS = "Read the reported content and the conversation around it."
HISTORY_ACTIONS = [
    (DecisionAction.NO_VIOLATION, None),
    (DecisionAction.WARN, None),
    (DecisionAction.REMOVE_CONTENT, None),
    (DecisionAction.RESTRICT, 1),
    (DecisionAction.SUSPEND, 7),
]
HISTORY_WEIGHTS = [3, 2, 4, 1, 1]

TEAMS = [
    # name, slug, categories ("*" for all), languages, on call
    ("Safety", "safety", ["hate-abuse", "harassment"], [], False),
    (
        "Spam and scams",
        "spam",
        ["spam-solicitation", "malware-scraping", "service-abuse"],
        [],
        False,
    ),
    (
        "Profiles and identity",
        "profiles",
        ["inappropriate-profile", "fake-account", "dating-sexual", "rights-infringement"],
        [],
        False,
    ),
    ("East Asia desk", "east-asia", "*", ["zh", "ja", "ko"], False),
    ("Senior moderators", "seniors", "*", [], False),
    ("Emergency on-call", "on-call", "*", [], True),
]
LOGINS = [
    # username, display name, role, team slugs, superuser
    ("member", "Demo Member", None, [], False),
    ("moderator", "Demo Moderator", "Moderator", ["spam", "safety"], False),
    ("senior", "Demo Senior", "Senior moderator", ["seniors", "on-call"], False),
    ("lead", "Demo Lead", "Trust & Safety lead", ["seniors"], False),
    ("admin", "Demo Admin", "Trust & Safety admin", ["seniors"], True),
]


class Command(BaseCommand):
    help = "Load idempotent demo data: members, content, about a thousand reports, teams, logins."

    def handle(self, *args, **options) -> None:
        rng = random.Random(SEED)
        with transaction.atomic():
            # The demo's admin sets the rest up, on the record as any admin's change would be.
            admin, new_logins = self._logins()
            teams = self._teams(admin)
            self._join_teams(new_logins, teams, admin)
            self.platform, _token, _created = platform_account()  # it sends the snapshots
            members = self._members(rng, admin)
            self._trusted_flaggers(members, admin)
        created = self._reports(rng, members)
        appeals = self._appeals(members)
        history = self._history(members)
        self._held_case()
        self._active_recipients(admin)
        figures = refresh_figures()
        queue_statements()  # what beat would have sent the Transparency Database by now
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(members)} members, {created} new reports "
                f"({Report.objects.count()} in all), {appeals} new appeals, {history} past "
                f"decisions, {len(teams)} teams; figures for {len(figures.days)} days."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _name, role, _teams, _superuser in LOGINS:
            shown = role or "Member (reports others, reads outcomes)"
            self.stdout.write(f"  {username:<10} {shown}")

    def _logins(self) -> tuple[User, list[User]]:
        """The demo logins, and those made now; the admin's own account is made first, by
        themself (as `createsuperuser` would), so that they make the others."""
        admin = None
        made = []
        for username, display_name, role, _teams, superuser in sorted(
            LOGINS, key=lambda login: login[0] != "admin"
        ):
            user = User.objects.filter(username=username).first()
            if user is None:
                edit = _new(
                    User,
                    username=username,
                    display_name=display_name,
                    email=f"{username}@hellomod.localhost",
                    native_language="en",
                    learning_languages=["zh", "es"],
                    country="GB",
                    is_staff=role is not None,
                    is_superuser=superuser,
                )
                actor = admin or edit.row
                roles = [Group.objects.get(name=role)] if role else None
                save_person(edit=edit, actor=actor, roles=roles)
                user = set_password(person=edit.row, password=DEMO_PASSWORD, actor=actor)
                made.append(user)
            if username == "admin":
                admin = user
        return admin, made

    def _teams(self, admin: User) -> dict[str, Team]:
        categories = {c.slug: c for c in Category.objects.all()}
        existing = {team.slug: team for team in Team.objects.all()}
        teams = {}
        for name, slug, covered, languages, _on_call in TEAMS:
            if slug not in existing:
                edit = _new(Team, name=name, slug=slug, languages=languages)
                slugs = categories if covered == "*" else covered
                save_team(edit=edit, actor=admin, categories=[categories[s] for s in slugs])
                existing[slug] = edit.row
            teams[slug] = existing[slug]
        # Who works each tier, where nobody was set yet.
        frontline = {}
        for slug in ("safety", "spam", "profiles"):
            for category in teams[slug].categories.all():
                frontline[category.pk] = teams[slug]
        unstaffed: dict[int, list[Edit]] = {}
        for tier in EscalationTier.objects.filter(team__isnull=True).order_by("pk"):
            if tier.tier == Tier.FRONTLINE:
                # Misuse cases have no frontline: the seniors take all of them.
                team = frontline.get(tier.category_id) or teams["seniors"]
            elif tier.tier == Tier.EMERGENCY:
                team = teams["on-call"]
            else:
                team = teams["seniors"]
            unstaffed.setdefault(tier.category_id, []).append(Edit.of(tier, team=team))
        by_pk = {category.pk: category for category in categories.values()}
        for category_id, edits in unstaffed.items():
            save_category_rows(category=by_pk[category_id], edits=edits, actor=admin)
        return teams

    @staticmethod
    def _join_teams(logins: list[User], teams: dict[str, Team], admin: User) -> None:
        """New demo logins join their teams; those made on an earlier run keep theirs."""
        on_call = {slug for _, slug, _, _, on_call in TEAMS if on_call}
        slugs = {username: team_slugs for username, _, _, team_slugs, _ in LOGINS}
        edits = [
            _new(TeamMembership, team=teams[slug], user=user, is_on_call=slug in on_call)
            for user in logins
            for slug in slugs[user.username]
        ]
        save_configuration(edits=edits, actor=admin)

    def _members(self, rng: random.Random, admin: User) -> list[User]:
        existing = {u.username: u for u in User.objects.filter(username__startswith="demo-member-")}
        members = []
        for n in range(1, MEMBER_COUNT + 1):
            username = f"demo-member-{n:03d}"
            language = LANGUAGES[n % len(LANGUAGES)]
            name = rng.choice(NAMES[language])
            learning = rng.sample([code for code in LANGUAGES if code != language], k=2)
            country = rng.choice(COUNTRIES[language])
            birth_year = rng.randint(1965, 2007)
            if username in existing:
                members.append(existing[username])
                continue
            edit = _new(
                User,
                username=username,
                public_id=f"DM{n:06d}",
                display_name=name,
                email=f"{username}@example.com",
                native_language=language,
                learning_languages=learning,
                # Each reads hellomod in their own language.
                preferred_language=supported_language(language),
                country=country,
                birth_year=birth_year,
                self_introduction=LINES[language]["plain"],
            )
            edit.row.set_unusable_password()  # members sign in on the app
            save_person(edit=edit, actor=admin)
            members.append(edit.row)
        return members

    @staticmethod
    def _trusted_flaggers(members: list[User], admin: User) -> None:
        """A hotline designated for hate speech in Germany, two German members reporting for it
        (before the reports, so that theirs in its expertise are served first)."""
        organisation = FlaggerOrganisation.objects.filter(name="Hate Speech Hotline").first()
        if organisation is None:
            organisation = save_organisation(
                edit=_new(
                    FlaggerOrganisation,
                    name="Hate Speech Hotline",
                    contact_email="notices@hotline.example",
                    contact_details="Meldestelle, Berlin · +49 30 0000 0000",
                    countries=["DE"],
                    designated_on=timezone.localdate() - timedelta(days=400),
                    designated_by="Bundesnetzagentur (Digital Services Coordinator, DE)",
                ),
                expertise=Category.objects.filter(slug__in=["hate-abuse", "harassment"]),
                actor=admin,
            )
        linked = set(organisation.memberships.values_list("member_id", flat=True))
        german = [m for m in members if m.native_language == "de" and m.country == "DE"][:2]
        for member in german:
            if member.pk not in linked and not hasattr(member, "flagger_membership"):
                add_member(organisation, member=member, actor=admin)

    def _content(self, author: User, slug: str, index: int, rng: random.Random) -> Content:
        kind = rng.choice(KIND_FOR_CATEGORY.get(slug, DEFAULT_KINDS))
        external_id = f"demo-{author.public_id}-{index}"
        language = author.native_language
        text = {
            ContentKind.USERNAME: f"{author.display_name}_{LINE_FOR_CATEGORY[slug]}{index}",
            ContentKind.PROFILE_PHOTO: "",
        }.get(kind, LINES[language][LINE_FOR_CATEGORY[slug]])
        created_at = timezone.now() - timedelta(hours=rng.randint(1, 24 * 20))
        spoken = (ContentKind.VOICE_MESSAGE, ContentKind.VOICE_ROOM, ContentKind.LIVE_STREAM)
        # The platform's snapshot, as it would push it; a second run gets the first one back.
        content, _created = record_content(
            actor=self.platform,
            kind=kind,
            external_id=external_id,
            author=author,
            text=text,
            language=language,
            created_at=created_at,
            media=_avatar(rng) if kind == ContentKind.PROFILE_PHOTO else None,
            media_reference=f"platform://media/{external_id}" if kind in spoken else "",
        )
        return content

    def _reports(self, rng: random.Random, members: list[User]) -> int:
        categories = {c.slug: c for c in Category.objects.prefetch_related("reasons")}
        slugs = list(CATEGORY_WEIGHTS)
        weights = list(CATEGORY_WEIGHTS.values())
        # A few members draw hundreds of reports; most who are reported draw one or two.
        heavy = members[:6]
        seen: set[tuple] = set()
        plan = []
        while len(plan) < REPORT_COUNT:
            slug = rng.choices(slugs, weights)[0]
            subject = rng.choice(heavy) if rng.random() < 0.35 else rng.choice(members)
            index = 0 if subject in heavy else rng.randint(1, 3)
            reporter = rng.choice(members)
            if reporter == subject:
                continue
            key = (reporter.pk, subject.pk, slug, index)
            if key in seen:
                continue
            seen.add(key)
            reasons = [r for r in categories[slug].reasons.all() if r.is_active]
            plan.append(
                {
                    "key": key,
                    "reporter": reporter,
                    "subject": subject,
                    "slug": slug,
                    "index": index,
                    "reason": rng.choice(reasons) if reasons and rng.random() < 0.85 else None,
                    # Most reports are hours old; a tail is days old and past its SLA.
                    "age": timedelta(minutes=min(5 + rng.expovariate(1 / 400), 60 * 24 * 4)),
                    "description": (
                        "This is my own photo; they posted it as theirs without asking."
                        if categories[slug].details_required
                        else rng.choice(
                            ["", "", "They sent this several times.", "Please look at this."]
                        )
                    ),
                    # The same content must come out for every reporter of it, run after run.
                    "content_rng": random.Random(f"{subject.public_id}:{slug}:{index}"),
                }
            )

        done = set(
            Report.objects.filter(reporter__username__startswith="demo-member-").values_list(
                "reporter_id", "subject_id", "category__slug", "content__external_id"
            )
        )
        now = timezone.now()
        created = 0
        for item in plan:
            reporter, subject, slug = item["reporter"], item["subject"], item["slug"]
            content = None
            if slug not in MEMBER_CATEGORIES:
                content = self._content(subject, slug, item["index"], item["content_rng"])
            external_id = content.external_id if content else None
            if (reporter.pk, subject.pk, slug, external_id) in done:
                continue
            with transaction.atomic():
                report = submit_report(
                    reporter=reporter,
                    subject=subject,
                    category=categories[slug],
                    reason=item["reason"],
                    content=content,
                    description=item["description"],
                    source=ReportSource.APP if created % 3 else ReportSource.WEB,
                )
                self._backdate(report, now - item["age"])
            done.add((reporter.pk, subject.pk, slug, external_id))
            created += 1
        return created

    def _appeals(self, members: list[User]) -> int:
        """Decisions taken yesterday and appeals against them, once: the seniors' appeals queue
        has work, and the demo member has a warning they may appeal themself."""
        moderator = User.objects.get(username="moderator")
        if Decision.objects.filter(moderator=moderator).exists():
            return 0
        spam = Category.objects.get(slug="spam-solicitation")
        member = User.objects.get(username="member")
        plan = [
            # subject, reporter, action, days, who appeals and why
            (member, members[20], DecisionAction.WARN, None, None, ""),
            (
                members[10],
                members[21],
                DecisionAction.SUSPEND,
                7,
                "member",
                "I sent my course's link to learners who asked me for it in our chat.",
            ),
            (
                members[11],
                members[22],
                DecisionAction.REMOVE_CONTENT,
                None,
                "member",
                "That was a joke between two friends, not an advert.",
            ),
            (
                members[12],
                members[23],
                DecisionAction.NO_VIOLATION,
                None,
                "reporter",
                "They sent me the same link ten times after I said no.",
            ),
        ]
        appeals = 0
        for index, (subject, reporter, action, days, appellant, statement) in enumerate(plan):
            content = self._content(subject, spam.slug, 90 + index, random.Random(index))
            report = submit_report(
                reporter=reporter,
                subject=subject,
                category=spam,
                content=content,
                description="They keep sending me this link.",
                source=ReportSource.APP,
            )
            decision = decide(
                case_id=report.case_id,
                moderator=moderator,
                action=action,
                duration=timedelta(days=days) if days else None,
                facts="Sent a link to a paid course to learners who had not asked for it.",
            )
            self._backdate_decision(decision, timedelta(days=1))
            decision.refresh_from_db()
            if appellant == "member":
                appeal_decision(appellant=subject, decision=decision, statement=statement)
                appeals += 1
            elif appellant == "reporter":
                ask_for_review(reporter=reporter, report=report, statement=statement)
                appeals += 1
        return appeals

    @staticmethod
    def _held_case() -> None:
        """A spam case the moderator is working on, for the senior to see held (and take over)
        for the lease's length after the seed."""
        if Case.objects.filter(status=CaseStatus.CLAIMED).exists():
            return
        # One reporter and not yet due: neither triage nor the overdue sweep moves it on.
        case = (
            Case.objects.filter(
                category__slug="spam-solicitation",
                status=CaseStatus.OPEN,
                due_at__gt=timezone.now() + timedelta(hours=1),
            )
            .annotate(reporters=Count("reports__reporter", distinct=True))
            .filter(reporters=1)
            .order_by("-opened_at")
            .first()
        )
        if case is not None:
            claim_case(case_id=case.pk, moderator=User.objects.get(username="moderator"))

    def _history(self, members: list[User]) -> int:
        """Six weeks of decided cases and answered appeals, once, so that the dashboard and
        the transparency report have a month of figures to show."""
        if Decision.objects.filter(facts=HISTORY_FACTS).exists():
            return 0
        rng = random.Random(SEED + 1)
        moderator = User.objects.get(username="moderator")
        senior = User.objects.get(username="senior")
        categories = {c.slug: c for c in Category.objects.filter(slug__in=HISTORY_CATEGORIES)}
        now = timezone.now()
        decided = []
        for days_ago in range(HISTORY_DAYS, 0, -1):
            for n in range(HISTORY_PER_DAY):
                slug = rng.choice(HISTORY_CATEGORIES)
                subject = members[100 + (days_ago * HISTORY_PER_DAY + n) % 150]
                reporter = members[(days_ago * 7 + n) % 100]
                content = self._content(subject, slug, 300 + days_ago * 10 + n, rng)
                report = submit_report(
                    reporter=reporter,
                    subject=subject,
                    category=categories[slug],
                    content=content,
                    description="They sent this to me.",
                    source=ReportSource.APP,
                )
                opened = now - timedelta(days=days_ago, hours=rng.uniform(0, 20))
                self._backdate(report, opened)
                action, duration = rng.choices(HISTORY_ACTIONS, HISTORY_WEIGHTS)[0]
                decision = decide(
                    case_id=report.case_id,
                    moderator=moderator,
                    action=action,
                    duration=timedelta(days=duration) if duration else None,
                    facts=HISTORY_FACTS,
                )
                taken = opened + timedelta(minutes=rng.lognormvariate(6, 0.9))
                self._backdate_decision(decision, now - min(taken, now - timedelta(hours=1)))
                decided.append(decision)
        for index, decision in enumerate(
            [d for d in decided if d.action != DecisionAction.NO_VIOLATION][::6]
        ):
            decision.refresh_from_db()
            subject = decision.case.subject
            appeal = appeal_decision(
                appellant=subject, decision=decision, statement="I did not mean any harm by it."
            )
            reversed_ = index % 3 == 0
            decide_appeal(
                appeal_id=appeal.pk,
                moderator=senior,
                outcome=AppealOutcome.REVERSED if reversed_ else AppealOutcome.UPHELD,
                answer="We looked again at the whole conversation.",
            )
            received = decision.created_at + timedelta(hours=rng.uniform(2, 30))
            answered = received + timedelta(hours=rng.uniform(1, 60))
            if answered < now:
                self._backdate_appeal(appeal, received=received, answered=answered)
        return len(decided)

    @staticmethod
    def _active_recipients(admin: User) -> None:
        """The platform's monthly active recipients for the last twelve months, as its data
        team would enter them in the admin for the transparency report."""
        entered = set(ActiveRecipients.objects.values_list("month", flat=True))
        month = timezone.now().date().replace(day=1)
        edits = []
        for n in range(1, 13):
            month = (month - timedelta(days=1)).replace(day=1)
            if month not in entered:
                edits.append(
                    _new(
                        ActiveRecipients,
                        month=month,
                        count=41_200_000 - n * 180_000,
                        eu_count=9_600_000 - n * 40_000,
                        note="Members who opened the app at least once in the month.",
                    )
                )
        save_configuration(edits=edits, actor=admin)

    @staticmethod
    def _backdate_appeal(appeal: Appeal, *, received, answered) -> None:
        """The same clock for the demo's answered appeals: received and decided weeks ago."""
        Appeal.objects.filter(pk=appeal.pk).update(received_at=received, decided_at=answered)

    @staticmethod
    def _backdate_decision(decision: Decision, by: timedelta) -> None:
        """Move a decision (and all it did) into the past, so that it can be appealed now."""
        Decision.objects.filter(pk=decision.pk).update(
            starts_at=F("starts_at") - by,
            ends_at=F("ends_at") - by,
            created_at=F("created_at") - by,
        )
        Enforcement.objects.filter(decision=decision).update(
            starts_at=F("starts_at") - by, ends_at=F("ends_at") - by
        )
        Strike.objects.filter(decision=decision).update(
            created_at=F("created_at") - by, expires_at=F("expires_at") - by
        )
        Report.objects.filter(case_id=decision.case_id).update(resolved_at=F("resolved_at") - by)
        Case.objects.filter(pk=decision.case_id).update(
            resolved_at=F("resolved_at") - by, first_action_at=F("first_action_at") - by
        )
        # Its undo window is long over: the members hear of it as soon as the worker runs (the
        # message handed over again now; the first hand-over waits for the window's end).
        notices = OutboxMessage.objects.filter(
            topic="notify_decision", status="pending", payload__decision_id=decision.pk
        )
        notices.update(available_at=timezone.now())
        for pk in notices.values_list("pk", flat=True):
            publish(pk)

    @staticmethod
    def _backdate(report: Report, when) -> None:
        """Spread the demo over the past days, so that some cases are overdue."""
        Report.objects.filter(pk=report.pk).update(created_at=when)
        case = Case.objects.select_related("category", "reason").get(pk=report.case_id)
        if when < case.opened_at:
            sla = case.reason.effective_sla if case.reason else case.category.sla
            Case.objects.filter(pk=case.pk).update(opened_at=when, due_at=when + sla)
        Case.objects.filter(Q(pk=case.pk), Q(last_reported_at__lt=when)).update(
            last_reported_at=when
        )


def _new(model: type[Model], **fields) -> Edit:
    """A new row with these values, described as the admin describes a row it creates."""
    return Edit(model(**fields), after={name: plain(value) for name, value in fields.items()})


def _avatar(rng: random.Random) -> CleanImage:
    colour = tuple(rng.randint(40, 220) for _ in range(3))
    image = Image.new("RGB", (96, 96), colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return clean_image(buffer)
