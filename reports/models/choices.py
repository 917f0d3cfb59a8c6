"""The enumerations of the moderation domain, shared by models, services and pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Tier(models.IntegerChoices):
    """Who works a case. Escalation moves a case up; critical reasons go straight to EMERGENCY."""

    FRONTLINE = 1, _("Moderator")
    SENIOR = 2, _("Senior moderator")
    LEAD = 3, _("Trust & Safety lead")
    EMERGENCY = 4, _("Emergency")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    ESCALATED = "escalated", _("Escalated")
    DECIDED = "decided", _("Decided")
    DISMISSED = "dismissed", _("Dismissed")


# A case in one of these states is still work to do; at most one per subject and category.
OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.ESCALATED)
# Open and held by nobody: what "next case" hands out.
WAITING_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.ESCALATED)
CLOSED_CASE_STATUSES = (CaseStatus.DECIDED, CaseStatus.DISMISSED)


class EscalationCause(models.TextChoices):
    OVERDUE = "overdue", _("Past its due time")
    PILE_UP = "pile_up", _("Many distinct reporters")
    CRITICAL = "critical", _("Critical reason")
    MODERATOR = "moderator", _("Asked by a moderator")
    CONFIRMATION = "confirmation", _("A ban waits for a second moderator")


class ContentKind(models.TextChoices):
    PROFILE_PHOTO = "profile_photo", _("Profile photo")
    USERNAME = "username", _("Username")
    SELF_INTRODUCTION = "self_introduction", _("Self-introduction")
    MESSAGE = "message", _("Message")
    VOICE_MESSAGE = "voice_message", _("Voice message")
    MOMENT = "moment", _("Moment")
    COMMENT = "comment", _("Comment")
    VOICE_ROOM = "voice_room", _("Voice room")
    LIVE_STREAM = "live_stream", _("Live stream")


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden pending review")
    REMOVED = "removed", _("Removed")


class ReportSource(models.TextChoices):
    WEB = "web", _("Web form")
    APP = "app", _("App")
    TRUSTED_FLAGGER = "trusted_flagger", _("Trusted flagger")
    AUTOMATIC = "automatic", _("Automatic detection")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Being reviewed")
    ACTIONED = "actioned", _("Action taken")
    NO_VIOLATION = "no_violation", _("No violation found")
    DISMISSED = "dismissed", _("Closed without review")


class DecisionAction(models.TextChoices):
    NO_VIOLATION = "no_violation", _("No violation")
    WARN = "warn", _("Warn")
    REMOVE_CONTENT = "remove_content", _("Remove content")
    RESTRICT = "restrict", _("Restrict")
    SUSPEND = "suspend", _("Suspend")
    BAN = "ban", _("Ban")
    # For a member at risk: care, not punishment (no strike, nothing restricted).
    SUPPORT = "support", _("Send support resources")
    WELFARE_CHECK = "welfare_check", _("Urgent welfare check")
    # Misuse of reporting (DSA Art. 23(2)): no reports taken from the member for a while.
    SUSPEND_REPORTING = "suspend_reporting", _("Suspend from reporting")


# Actions that last for a while and therefore need a duration; the others must not have one.
TIMED_ACTIONS = (DecisionAction.RESTRICT, DecisionAction.SUSPEND, DecisionAction.SUSPEND_REPORTING)
UNTIMED_ACTIONS = tuple(a for a in DecisionAction if a not in TIMED_ACTIONS)
WELFARE_ACTIONS = (DecisionAction.SUPPORT, DecisionAction.WELFARE_CHECK)
# Decided only on a misuse case, about how a member reports: never on the ladder, never in bulk.
MISUSE_ACTIONS = (DecisionAction.SUSPEND_REPORTING,)
# The sanctions from the mildest to the harshest, the order DecisionAction declares them in.
SANCTIONS = tuple(a for a in DecisionAction if a not in WELFARE_ACTIONS + MISUSE_ACTIONS)


class CaseKind(models.TextChoices):
    """What a case is about: reports on a subject, or something hellomod noticed across reports."""

    REPORTS = "reports", _("Reports on a member or their content")
    MISUSE = "misuse", _("Misuse: unfounded reports or illegal content, again and again")
    PATTERN = "pattern", _("Pattern: many reporters across conversations")


class MisuseKind(models.TextChoices):
    """Why a member is suspended under DSA Art. 23, as the transparency report counts it."""

    UNFOUNDED_NOTICES = "unfounded_notices", _("Manifestly unfounded reports")
    ILLEGAL_CONTENT = "illegal_content", _("Manifestly illegal content")


class CategoryPurpose(models.TextChoices):
    """Who opens a category's cases: members reporting, or hellomod itself."""

    REPORTS = "reports", _("Members report under it")
    MISUSE = "misuse", _("Misuse cases hellomod opens; not on the report form")


class Handling(models.TextChoices):
    """How a reason's cases are met: as an offence, or as a member who may be at risk."""

    SANCTION = "sanction", _("Sanction: an offence against the guidelines")
    WELFARE = "welfare", _("Welfare: a member who may be at risk")


class Ground(models.TextChoices):
    """The ground of a restrictive decision, as the EU Transparency Database records it."""

    INCOMPATIBLE_CONTENT = "incompatible", _("Incompatible with the community guidelines")
    ILLEGAL_CONTENT = "illegal", _("Illegal content")


class Restriction(models.TextChoices):
    """What a decision restricted, in the EU Transparency Database's terms."""

    NONE = "", _("Nothing restricted")
    CONTENT_REMOVED = "content_removed", _("Content removed")
    CONTENT_DISABLED = "content_disabled", _("Content disabled")
    ACCOUNT_SUSPENDED = "account_suspended", _("Account suspended")
    ACCOUNT_TERMINATED = "account_terminated", _("Account terminated")
    SERVICE_PARTIALLY_SUSPENDED = "service_partial", _("Service partially suspended")


class MediaType(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")


class DecisionSource(models.TextChoices):
    NOTICE = "notice", _("Notice from a member")
    TRUSTED_FLAGGER = "trusted_flagger", _("Notice from a trusted flagger")
    OWN_INITIATIVE = "own_initiative", _("Own initiative")


class EnforcementKind(models.TextChoices):
    HIDE_CONTENT = "hide_content", _("Content hidden pending review")
    REMOVE_CONTENT = "remove_content", _("Content removed")
    RESTRICT_MEMBER = "restrict_member", _("Member restricted")
    SUSPEND_MEMBER = "suspend_member", _("Member suspended")
    BAN_MEMBER = "ban_member", _("Member banned")
    SUSPEND_REPORTING = "suspend_reporting", _("Member suspended from reporting")


class LiftCause(models.TextChoices):
    EXPIRED = "expired", _("Ended on schedule")
    REVERSED = "reversed", _("Decision reversed")
    UNDONE = "undone", _("Decision undone by its moderator")
    REVIEWED = "reviewed", _("Replaced by a moderator's decision")
    APPEAL = "appeal", _("Reversed or replaced on appeal")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    DEAD = "dead", _("Dead")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app")


class NotificationEvent(models.TextChoices):
    """The messages whose texts admins can write, per language."""

    REPORT_RECEIVED = "report_received", _("Receipt to the reporter")
    OUTCOME_ACTIONED = "outcome_actioned", _("Outcome to the reporter: action taken")
    OUTCOME_NO_VIOLATION = "outcome_no_violation", _("Outcome to the reporter: no violation")
    STATEMENT_OF_REASONS = "statement_of_reasons", _("Statement of reasons to the member")
    RESTRICTION_LIFTED = "restriction_lifted", _("Restriction ended, to the member")
    CASE_ESCALATED = "case_escalated", _("Moderator alert: case escalated")
    CASE_EMERGENCY = "case_emergency", _("Moderator alert: emergency")
    CASES_OVERDUE = "cases_overdue", _("Moderator alert: cases overdue")
    APPEAL_RECEIVED = "appeal_received", _("Receipt to the appellant")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal answered: the decision stands")
    APPEAL_REVERSED = "appeal_reversed", _("Appeal answered: the decision is reversed")
    APPEAL_REPLACED = "appeal_replaced", _("Appeal answered: a milder decision")
    REVIEW_RECEIVED = "review_received", _("Receipt to a reporter asking for a review")
    REVIEW_UPHELD = "review_upheld", _("Review answered: no violation stands")
    REVIEW_REOPENED = "review_reopened", _("Review answered: the case is looked at again")
    OUTCOME_REVERSED = "outcome_reversed", _("Outcome to the reporter: reversed on appeal")


class JobKind(models.TextChoices):
    RESCHEDULE = "reschedule", _("Recompute due times after an SLA change")
    MOVE = "move", _("Move open cases of a retired category")
