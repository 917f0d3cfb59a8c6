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
from .decisions import BulkDecision, Decision, Enforcement, Strike
from .outbox import Notification, OutboxMessage
from .reports import Evidence, Report

__all__ = [
    "AuditEvent",
    "BulkDecision",
    "Case",
    "CaseStatus",
    "Category",
    "Channel",
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
    "OutboxMessage",
    "Policy",
    "Reason",
    "Report",
    "ReportSource",
    "ReportStatus",
    "Severity",
    "StatementTemplate",
    "Strike",
    "Tier",
    "Visibility",
]
