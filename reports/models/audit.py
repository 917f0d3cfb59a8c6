from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every action the audit trail records: grep a name to find each place that writes it."""

    # Reports and content
    REPORT_SUBMITTED = "report.submitted", _("Report submitted")
    REPORT_AMENDED = "report.amended", _("Report amended")
    CONTENT_SNAPSHOTTED = "content.snapshotted", _("Content snapshotted")
    CONTENT_HIDDEN = "content.hidden", _("Content hidden pending review")
    CONTENT_VISIBILITY_CHANGED = "content.visibility_changed", _("Content visibility changed")
    EVIDENCE_PURGED = "evidence.purged", _("Evidence purged")
    # Cases
    CASE_OPENED = "case.opened", _("Case opened")
    CASE_TRIAGED = "case.triaged", _("Case triaged")
    CASE_CLAIMED = "case.claimed", _("Case claimed")
    CASE_TAKEN_OVER = "case.taken_over", _("Case taken over")
    CASE_RELEASED = "case.released", _("Case released")
    CASE_LEASE_EXPIRED = "case.lease_expired", _("Case lease expired")
    CASE_ESCALATED = "case.escalated", _("Case escalated")
    CASE_RESCHEDULED = "case.rescheduled", _("Case rescheduled")
    CASE_MOVED = "case.moved", _("Case moved to another category")
    CASE_JOINED = "case.joined", _("Case joined another")
    CASE_MERGED = "case.merged", _("Case took in another")
    CASE_REOPENED = "case.reopened", _("Case reopened")
    NOTE_ADDED = "note.added", _("Note added")
    # Decisions and what they do
    DECISION_RECORDED = "decision.recorded", _("Decision recorded")
    DECISION_PROPOSED = "decision.proposed", _("Ban proposed")
    DECISION_CONFIRMED = "decision.confirmed", _("Ban confirmed")
    DECISION_REJECTED = "decision.rejected", _("Ban rejected")
    DECISION_UNDONE = "decision.undone", _("Decision undone")
    BULK_DECISION_STARTED = "bulk_decision.started", _("Bulk decision started")
    ENFORCEMENT_APPLIED = "enforcement.applied", _("Enforcement applied")
    ENFORCEMENT_LIFTED = "enforcement.lifted", _("Enforcement lifted")
    # Appeals
    APPEAL_RECEIVED = "appeal.received", _("Appeal received")
    APPEAL_CLAIMED = "appeal.claimed", _("Appeal claimed")
    APPEAL_RELEASED = "appeal.released", _("Appeal released")
    APPEAL_DECIDED = "appeal.decided", _("Appeal decided")
    DECISION_REVERSED = "decision.reversed", _("Decision reversed on appeal")
    DECISION_REPLACED = "decision.replaced", _("Decision replaced on appeal")
    # Configuration
    CATEGORY_CREATED = "category.created", _("Category created")
    CATEGORY_CHANGED = "category.changed", _("Category changed")
    CATEGORY_DELETED = "category.deleted", _("Category deleted")
    CATEGORY_RETIRED = "category.retired", _("Category retired")
    REASON_CREATED = "reason.created", _("Reason created")
    REASON_CHANGED = "reason.changed", _("Reason changed")
    REASON_DELETED = "reason.deleted", _("Reason deleted")
    POLICY_CREATED = "policy.created", _("Policy created")
    POLICY_CHANGED = "policy.changed", _("Policy changed")
    POLICY_DELETED = "policy.deleted", _("Policy deleted")
    ESCALATION_TIER_CREATED = "escalationtier.created", _("Tier created")
    ESCALATION_TIER_CHANGED = "escalationtier.changed", _("Tier changed")
    ESCALATION_TIER_DELETED = "escalationtier.deleted", _("Tier deleted")
    LADDER_STEP_CREATED = "ladderstep.created", _("Ladder step created")
    LADDER_STEP_CHANGED = "ladderstep.changed", _("Ladder step changed")
    LADDER_STEP_DELETED = "ladderstep.deleted", _("Ladder step deleted")
    STATEMENT_TEMPLATE_CREATED = "statementtemplate.created", _("Statement template created")
    STATEMENT_TEMPLATE_CHANGED = "statementtemplate.changed", _("Statement template changed")
    STATEMENT_TEMPLATE_DELETED = "statementtemplate.deleted", _("Statement template deleted")
    NOTIFICATION_TEMPLATE_CREATED = "notificationtemplate.created", _("Message text created")
    NOTIFICATION_TEMPLATE_CHANGED = "notificationtemplate.changed", _("Message text changed")
    NOTIFICATION_TEMPLATE_DELETED = "notificationtemplate.deleted", _("Message text deleted")
    RATE_LIMIT_CREATED = "ratelimit.created", _("Rate limit created")
    RATE_LIMIT_CHANGED = "ratelimit.changed", _("Rate limit changed")
    RATE_LIMIT_DELETED = "ratelimit.deleted", _("Rate limit deleted")
    WEBHOOK_ENDPOINT_CREATED = "webhookendpoint.created", _("Webhook endpoint created")
    WEBHOOK_ENDPOINT_CHANGED = "webhookendpoint.changed", _("Webhook endpoint changed")
    WEBHOOK_ENDPOINT_DELETED = "webhookendpoint.deleted", _("Webhook endpoint deleted")
    CASES_RESCHEDULE_STARTED = "cases.reschedule_started", _("Rescheduling started")
    # People, teams and sign-in
    TEAM_CREATED = "team.created", _("Team created")
    TEAM_CHANGED = "team.changed", _("Team changed")
    TEAM_DELETED = "team.deleted", _("Team deleted")
    TEAM_COVERAGE_CHANGED = "team.coverage_changed", _("Team coverage changed")
    TEAM_MEMBERSHIP_CREATED = "teammembership.created", _("Team member added")
    TEAM_MEMBERSHIP_CHANGED = "teammembership.changed", _("Team member changed")
    TEAM_MEMBERSHIP_DELETED = "teammembership.deleted", _("Team member removed")
    PERSON_CREATED = "person.created", _("Person created")
    PERSON_CHANGED = "person.changed", _("Person changed")
    PERSON_PASSWORD_SET = "person.password_set", _("Password set")
    SIGN_IN_UNLOCKED = "sign_in.unlocked", _("Sign-in unlocked")
    SECOND_FACTOR_REMOVED = "second_factor.removed", _("Authenticator removed")
    # Lives at risk
    WELFARE_CHECK_REQUESTED = "welfare.check_requested", _("Welfare check requested")
    CASE_REFERRED = "case.referred", _("Case referred to the authorities")
    LEGAL_HOLD_PLACED = "legal_hold.placed", _("Legal hold placed")
    LEGAL_HOLD_LIFTED = "legal_hold.lifted", _("Legal hold lifted")
    BUNDLE_REQUESTED = "evidence_bundle.requested", _("Evidence bundle requested")
    BUNDLE_BUILT = "evidence_bundle.built", _("Evidence bundle built")
    BUNDLE_DOWNLOADED = "evidence_bundle.downloaded", _("Evidence bundle downloaded")
    CRISIS_RESOURCE_CREATED = "crisisresource.created", _("Crisis resource created")
    CRISIS_RESOURCE_CHANGED = "crisisresource.changed", _("Crisis resource changed")
    CRISIS_RESOURCE_DELETED = "crisisresource.deleted", _("Crisis resource deleted")
    # Misuse (DSA Art. 23)
    MISUSE_POLICY_CREATED = "misusepolicy.created", _("Misuse policy created")
    MISUSE_POLICY_CHANGED = "misusepolicy.changed", _("Misuse policy changed")
    MISUSE_POLICY_DELETED = "misusepolicy.deleted", _("Misuse policy deleted")
    ACTIVE_RECIPIENTS_CREATED = "activerecipients.created", _("Monthly active recipients entered")
    ACTIVE_RECIPIENTS_CHANGED = "activerecipients.changed", _("Monthly active recipients changed")
    ACTIVE_RECIPIENTS_DELETED = "activerecipients.deleted", _("Monthly active recipients deleted")
    MISUSE_REPORTS_LINKED = "case.misuse_linked", _("Reports linked to a misuse case")
    # The EU Transparency Database
    STATEMENT_RESENT = "statement.resent", _("Statement of reasons queued to be sent again")
    # Trusted flaggers
    FLAGGER_ORGANISATION_CREATED = "flaggerorganisation.created", _("Trusted flagger created")
    FLAGGER_ORGANISATION_CHANGED = "flaggerorganisation.changed", _("Trusted flagger changed")
    FLAGGER_ORGANISATION_DELETED = "flaggerorganisation.deleted", _("Trusted flagger deleted")
    FLAGGER_MEMBERSHIP_CREATED = "flaggermembership.created", _("Trusted flagger member added")
    FLAGGER_MEMBERSHIP_CHANGED = "flaggermembership.changed", _("Trusted flagger member changed")
    FLAGGER_MEMBERSHIP_DELETED = "flaggermembership.deleted", _("Trusted flagger member removed")
    NOTICE_MARKED_IMPRECISE = "report.marked_imprecise", _("Notice marked imprecise")
    NOTICE_UNMARKED_IMPRECISE = "report.imprecise_unmarked", _("Notice no longer marked imprecise")
    # Floods and patterns
    REPORT_COLLAPSED = "report.collapsed", _("Report joined a case decided 'no violation'")
    PATTERN_CASE_OPENED = "case.pattern_opened", _("Pattern case opened")
    PATTERN_REPORTS_LINKED = "case.pattern_linked", _("Reports linked to a member's case")

    @classmethod
    def of_configuration(cls, model: type[models.Model], verb: str) -> "AuditAction":
        """The action for creating, changing or deleting a row of a configuration table.

        A table without its three names here cannot be audited, so a new one fails loudly.
        """
        return cls(f"{model._meta.model_name}.{verb}")


class AuditEvent(models.Model):
    """An append-only record of one action by a person or a job.

    On PostgreSQL a trigger refuses UPDATE and DELETE on this table, so that not even a bug
    (or an admin with a SQL shell and no second thought) can rewrite history.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
        verbose_name=_("who"),
    )
    actor_label = models.CharField(
        _("job"), max_length=80, blank=True, help_text=_("The job that acted, when no person did.")
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    case = models.ForeignKey(
        "reports.Case",
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    category = models.ForeignKey(
        "reports.Category",
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
        help_text=_("Set on configuration changes, for the category's policy history."),
    )
    target_type = models.CharField(_("target type"), max_length=40)
    target_id = models.CharField(_("target id"), max_length=64)
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="audit_by_case"),
            models.Index(fields=["target_type", "target_id", "created_at"], name="audit_by_target"),
            models.Index(fields=["actor", "created_at"], name="audit_by_actor"),
            models.Index(
                fields=["category", "created_at"],
                condition=models.Q(category__isnull=False),
                name="audit_by_category",
            ),
        ]

    def __str__(self) -> str:
        who = (self.actor_id and f"user {self.actor_id}") or self.actor_label or "system"
        return f"{self.action} by {who}"

    @property
    def action_label(self) -> str:
        """The action in words, in the reader's language; the code itself for an unknown one."""
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
