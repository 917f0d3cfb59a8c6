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
from reports.models.figures import ActiveRecipients, DailyFigure, FigureCursor, Metric
from reports.models.flaggers import FlaggerMembership, FlaggerOrganisation, FlaggerStatus
from reports.models.limits import RateLimit
from reports.models.misuse import MisusePolicy
from reports.models.outbox import Notification, NotificationTemplate, OutboxMessage
from reports.models.reports import Evidence, Report
from reports.models.tdb import (
    StatementCategory,
    StatementKind,
    StatementStatus,
    TransparencyStatement,
)
from reports.models.webhooks import WebhookDelivery, WebhookEndpoint
from reports.models.welfare import (
    BundleStatus,
    CrisisResource,
    EvidenceBundle,
    LegalHold,
    Referral,
)

__all__ = [
    "ActiveRecipients",
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
    "DailyFigure",
    "Decision",
    "DecisionAction",
    "DeliveryStatus",
    "Enforcement",
    "EscalationTier",
    "Evidence",
    "EvidenceBundle",
    "FigureCursor",
    "FlaggerMembership",
    "FlaggerOrganisation",
    "FlaggerStatus",
    "Handling",
    "LadderStep",
    "LegalHold",
    "Metric",
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
    "StatementCategory",
    "StatementKind",
    "StatementStatus",
    "StatementTemplate",
    "Strike",
    "Tier",
    "TransparencyStatement",
    "Visibility",
    "WebhookDelivery",
    "WebhookEndpoint",
]
