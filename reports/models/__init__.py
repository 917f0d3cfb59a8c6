from reports.models.appeals import (
    Appeal,
    AppealEvidence,
    AppealKind,
    AppealOutcome,
    AppealStatus,
)
from reports.models.audit import AuditAction, AuditEvent
from reports.models.cases import Case, Note
from reports.models.categories import (
    Category,
    EscalationTier,
    LadderStep,
    Policy,
    Reason,
    StatementTemplate,
)
from reports.models.choices import (
    CaseStatus,
    Channel,
    ContentKind,
    DecisionAction,
    DeliveryStatus,
    Handling,
    ReportSource,
    ReportStatus,
    Severity,
    Tier,
    Visibility,
)
from reports.models.content import Content
from reports.models.decisions import BulkDecision, ConfigurationJob, Decision, Enforcement, Strike
from reports.models.flaggers import FlaggerMembership, FlaggerOrganisation, FlaggerStatus
from reports.models.limits import RateLimit
from reports.models.misuse import MisusePolicy
from reports.models.outbox import Notification, NotificationTemplate, OutboxMessage
from reports.models.reports import Evidence, Report
from reports.models.webhooks import WebhookDelivery, WebhookEndpoint
from reports.models.welfare import (
    BundleStatus,
    CrisisResource,
    EvidenceBundle,
    LegalHold,
    Referral,
)

__all__ = [
    "Appeal",
    "AppealEvidence",
    "AppealKind",
    "AppealOutcome",
    "AppealStatus",
    "AuditAction",
    "AuditEvent",
    "BulkDecision",
    "BundleStatus",
    "Case",
    "CaseStatus",
    "Category",
    "Channel",
    "ConfigurationJob",
    "Content",
    "ContentKind",
    "CrisisResource",
    "Decision",
    "DecisionAction",
    "DeliveryStatus",
    "Enforcement",
    "EscalationTier",
    "Evidence",
    "EvidenceBundle",
    "FlaggerMembership",
    "FlaggerOrganisation",
    "FlaggerStatus",
    "Handling",
    "LadderStep",
    "LegalHold",
    "MisusePolicy",
    "Note",
    "Notification",
    "NotificationTemplate",
    "OutboxMessage",
    "Policy",
    "RateLimit",
    "Reason",
    "Referral",
    "Report",
    "ReportSource",
    "ReportStatus",
    "Severity",
    "StatementTemplate",
    "Strike",
    "Tier",
    "Visibility",
    "WebhookDelivery",
    "WebhookEndpoint",
]
