import re
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.languages import LANGUAGE_CHOICES, LANGUAGE_CODES

# Public member ids avoid characters that are easy to misread when typed from a screenshot.
_PUBLIC_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


_PUBLIC_ID_SHAPE = re.compile(r"[0-9A-Z]{4,16}")


def clean_public_id(value: object) -> str | None:
    """A typed or linked public member id in its stored form, or None if it cannot be one."""
    text = str(value).strip().upper()
    return text if _PUBLIC_ID_SHAPE.fullmatch(text) else None


def new_public_id() -> str:
    return "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(10))


def validate_language_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Enter a list of language codes."))
    unknown = sorted(set(value) - LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            _("Unknown language codes: %(codes)s."), params={"codes": ", ".join(unknown)}
        )


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RESTRICTED = "restricted", _("Restricted")
    SUSPENDED = "suspended", _("Suspended")
    BANNED = "banned", _("Banned")


class Gender(models.TextChoices):
    UNDISCLOSED = "", _("Not said")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class User(AbstractUser):
    """A person on the community app (a member) or a staff user of the back-office (a moderator).

    Members and moderators share one table because moderators are members too, and because a
    report, a decision and an audit event all point at "a person".
    """

    public_id = models.CharField(
        _("public member id"), max_length=16, unique=True, default=new_public_id, editable=False
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    native_language = models.CharField(
        _("native language"), max_length=8, choices=LANGUAGE_CHOICES, blank=True
    )
    learning_languages = models.JSONField(
        _("learning languages"), default=list, blank=True, validators=[validate_language_list]
    )
    preferred_language = models.CharField(
        _("language of messages"),
        max_length=8,
        default="en",
        choices=settings.LANGUAGES,
        help_text=_("Language of the pages and notifications this person reads."),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    self_introduction = models.TextField(_("self-introduction"), max_length=2000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    restricted_until = models.DateTimeField(_("restricted until"), null=True, blank=True)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    strike_count = models.PositiveIntegerField(_("active strikes"), default=0)

    is_trusted_flagger = models.BooleanField(_("trusted flagger"), default=False)
    reports_upheld = models.PositiveIntegerField(
        _("reports upheld"), default=0, help_text=_("Reports by this member that led to action.")
    )
    reports_rejected = models.PositiveIntegerField(
        _("reports rejected"),
        default=0,
        help_text=_("Reports by this member where no violation was found."),
    )
    reporting_suspended_until = models.DateTimeField(
        _("reporting suspended until"),
        null=True,
        blank=True,
        help_text=_("Set for members who keep filing unfounded reports."),
    )
    blur_media = models.BooleanField(
        _("blur reported images"),
        default=True,
        help_text=_("Moderators see reported images blurred and grey until they reveal them."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [
            ("read_records", "Can read members' and reporters' records in the admin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MemberStatus.SUSPENDED) | Q(suspended_until__isnull=False),
                name="user_suspension_has_end",
                violation_error_message=_("A suspension needs an end time."),
            ),
            models.CheckConstraint(
                condition=~Q(status=MemberStatus.RESTRICTED) | Q(restricted_until__isnull=False),
                name="user_restriction_has_end",
                violation_error_message=_("A restriction needs an end time."),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="user_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="user_status_known"
            ),
        ]
        indexes = [
            # The expiry sweep finds restrictions and suspensions whose end has passed.
            models.Index(
                F("suspended_until"),
                condition=Q(status=MemberStatus.SUSPENDED),
                name="user_suspension_ends",
            ),
            models.Index(
                F("restricted_until"),
                condition=Q(status=MemberStatus.RESTRICTED),
                name="user_restriction_ends",
            ),
            models.Index(F("display_name"), name="user_display_name"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.username} ({self.public_id})"

    @property
    def reporter_accuracy(self) -> float | None:
        """Share of this member's decided reports that were upheld, or None before any."""
        decided = self.reports_upheld + self.reports_rejected
        if decided == 0:
            return None
        return self.reports_upheld / decided


class Team(models.Model):
    """Moderators who work the same categories, in the languages they read."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(
        "reports.Category", related_name="teams", blank=True, verbose_name=_("categories covered")
    )
    languages = models.JSONField(
        _("languages read"),
        default=list,
        blank=True,
        validators=[validate_language_list],
        help_text=_("Content languages this team reads; leave empty for every language."),
    )
    members = models.ManyToManyField(
        User, through="TeamMembership", related_name="teams", verbose_name=_("members")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("moderator team")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    is_on_call = models.BooleanField(
        _("on call"), default=False, help_text=_("Alerted at once about emergencies.")
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
