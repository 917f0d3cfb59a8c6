"""Categories and the rows configured with them: reasons, policy, tiers, ladder, statements.

Every change is recorded with before and after in the category's policy history. Two rules hold
whoever makes the change: the frontline tier's SLA is the category's SLA, and a changed SLA that
sets due times (the category's, a reason's, a tier's) reschedules the category's open cases, once
per change however many SLAs it touched.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import (
    Appeal,
    AppealStatus,
    AuditAction,
    Category,
    ConfigurationJob,
    EscalationTier,
    Reason,
    Tier,
)
from reports.services.audit import record_event
from reports.services.configuration import Edit, save_configuration
from reports.services.rescheduling import start_moving, start_reschedule

# The rows whose SLA sets the due time of open cases.
SLA_ROWS = (Category, Reason, EscalationTier)


# Inside a caller's transaction (the admin's page) these are part of its one change, without a
# savepoint of their own.
@transaction.atomic(savepoint=False)
def save_category(
    *,
    edit: Edit,
    actor: User,
    rows: Sequence[Edit] = (),
    deleted: Sequence[models.Model] = (),
) -> ConfigurationJob | None:
    """Save a category with the rows changed on its page, as one change.

    `edit.row` is the category; `rows` are its reasons, policy, tiers, ladder steps and
    statement templates as edited (new ones pointing at the category), `deleted` those removed.
    Returns the job rescheduling the open cases when an SLA they depend on changed.
    """
    category = edit.row
    rows = _frontline_follows(category, rows, sla_changed="sla" in edit.before)
    # The category first: new rows of a new category need its id.
    edits = [edit, *rows]
    save_configuration(edits=edits, deleted=deleted, actor=actor)
    if "appeal_sla" in edit.before:
        # Open appeals are few: their due times follow at once, from when each was received.
        Appeal.objects.filter(category=category, status=AppealStatus.OPEN).update(
            due_at=F("received_at") + category.appeal_sla
        )
    return _reschedule_if_slas_changed(category, edits, actor=actor)


@transaction.atomic(savepoint=False)
def save_category_rows(
    *,
    category: Category,
    edits: Sequence[Edit],
    actor: User,
    deleted: Sequence[models.Model] = (),
) -> ConfigurationJob | None:
    """Save rows of one category (its policy, a reason, a tier…) without the category itself.

    Returns the job rescheduling the open cases when a reason's or a tier's SLA changed.
    """
    edits = _frontline_follows(category, edits, sla_changed=False)
    save_configuration(edits=edits, deleted=deleted, actor=actor)
    return _reschedule_if_slas_changed(category, edits, actor=actor)


def _reschedule_if_slas_changed(
    category: Category, edits: Sequence[Edit], *, actor: User
) -> ConfigurationJob | None:
    # An SLA in `before` is one that changed on a row already in use: a new reason or tier (or
    # category) has no open cases yet.
    if any(isinstance(edit.row, SLA_ROWS) and "sla" in edit.before for edit in edits):
        return start_reschedule(category=category, actor=actor)
    return None


def _frontline_follows(
    category: Category, edits: Sequence[Edit], *, sla_changed: bool
) -> list[Edit]:
    """The edits, with the frontline tier's SLA set to the category's.

    The frontline tier is changed here too when it is not among the edits but the category's
    SLA just changed.
    """
    edits = list(edits)
    for n, edit in enumerate(edits):
        if isinstance(edit.row, EscalationTier) and edit.row.tier == Tier.FRONTLINE:
            stored = edit.before.get("sla", edit.row.sla)
            edit.row.sla = category.sla
            edits[n] = edit.with_change("sla", stored, category.sla)
            return edits
    if sla_changed:
        frontline = category.tiers.filter(tier=Tier.FRONTLINE).first()
        if frontline is not None and frontline.sla != category.sla:
            edits.append(Edit.of(frontline, sla=category.sla))
    return edits


# Retiring a category --------------------------------------------------------------------------


@transaction.atomic
def retire_category(*, category: Category, move_to: Category, actor: User) -> ConfigurationJob:
    """Hide a category from members and move its open cases to another category.

    The category itself stays, with its name, for the history of every report and decision
    made under it.
    """
    category = Category.objects.select_for_update().get(pk=category.pk)
    if move_to.pk == category.pk:
        raise ValidationError({"move_to": [_("Choose another category.")]})
    if not move_to.is_active:
        raise ValidationError({"move_to": [_("Choose a category that is still in use.")]})
    if not category.is_active:
        raise ValidationError({"move_to": [_("This category is already retired.")]})
    category.is_active = False
    category.save(update_fields=["is_active", "updated_at"])
    job = start_moving(category=category, move_to=move_to, actor=actor)
    record_event(
        actor=actor,
        action=AuditAction.CATEGORY_RETIRED,
        target=category,
        category=category,
        before={"is_active": True},
        after={"is_active": False, "open_cases_to": move_to.slug, "open_cases": job.total},
    )
    return job
