from .audit import AuditEvent
from .cases import Case, Note
from .categories import Category, EscalationTier, LadderStep, Policy, Reason, StatementTemplate
from .choices import (
    CaseStatus,
    Channel,
    ContentKind,
    DecisionAction,
    DeliveryStatus,
    ReportSource,
    ReportStatus,
    Severity,
    Tier,
    Visibility,
)
from .content import Content
from .decisions import BulkDecision, ConfigurationJob, Decision, Enforcement, Strike
from .limits import RateLimit
from .outbox import Notification, NotificationTemplate, OutboxMessage
from .reports import Evidence, Report
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AuditEvent",
    "BulkDecision",
    "Case",
    "CaseStatus",
    "Category",
    "Channel",
    "ConfigurationJob",
    "Content",
    "ContentKind",
    "Decision",
    "DecisionAction",
    "DeliveryStatus",
    "Enforcement",
    "EscalationTier",
    "Evidence",
    "LadderStep",
    "Note",
    "Notification",
    "NotificationTemplate",
    "OutboxMessage",
    "Policy",
    "RateLimit",
    "Reason",
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
