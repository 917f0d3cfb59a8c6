"""Evidence bundles: everything about a case in one zip, for the authorities or a court.

A T&S admin asks for one; the worker builds it (the outbox topic below) into the default
storage, beside the evidence and as private: it is served only by the download view, to T&S
admins, and every download is on the record. What the zip holds: bundle_contents.py.
"""

import hashlib
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects.outbox import enqueue, handles
from reports.models import AuditAction, BundleStatus, Case, EvidenceBundle
from reports.permissions import can_view_case, may_handle_bundles
from reports.services.audit import record_event
from reports.services.bundle_contents import write_bundle

TOPIC = "evidence_bundle.build"
JOB = "job:evidence-bundle"


def _check(actor: User, case: Case) -> None:
    if not (may_handle_bundles(actor) and can_view_case(actor, case)):
        raise PermissionDenied("Only Trust & Safety admins build and download evidence bundles.")


@transaction.atomic
def request_bundle(*, case: Case, actor: User) -> EvidenceBundle:
    """Ask the worker for a bundle of this case; one at a time per case."""
    _check(actor, case)
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").get()
    if EvidenceBundle.objects.filter(case=case, status=BundleStatus.PENDING).exists():
        raise ValidationError(_("A bundle of this case is being built; wait for it."))
    bundle = EvidenceBundle.objects.create(
        case=case, requested_by=actor, requested_at=timezone.now()
    )
    record_event(action=AuditAction.BUNDLE_REQUESTED, target=bundle, actor=actor, case=case)
    enqueue(TOPIC, key=f"{TOPIC}:{bundle.pk}", payload={"bundle": bundle.pk})
    return bundle


def _file_name(bundle: EvidenceBundle) -> str:
    # One name per bundle, so that a run retried after a failure replaces its own leftover.
    return f"bundles/{bundle.requested_at:%Y/%m}/case-{bundle.case_id}-bundle-{bundle.pk}.zip"


def _bundle_failed(*, error: str, attempts: int, bundle: int) -> None:
    EvidenceBundle.objects.filter(pk=bundle, status=BundleStatus.PENDING).update(
        status=BundleStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


@handles(TOPIC, on_dead=_bundle_failed)
def build_bundle(*, bundle: int) -> None:
    """Build the zip on the worker; a bundle already built (or given up on) is left as it is."""
    row = (
        EvidenceBundle.objects.select_for_update()
        .select_related("requested_by")
        .filter(pk=bundle, status=BundleStatus.PENDING)
        .first()
    )
    if row is None:
        return
    name = _file_name(row)
    with tempfile.TemporaryFile() as out:
        manifest = write_bundle(out, row)
        size = out.tell()
        out.seek(0)
        digest = hashlib.file_digest(out, "sha256").hexdigest()
        out.seek(0)
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, File(out, name=name))
    try:
        row.file.name = saved
        row.size_bytes = size
        row.sha256 = digest
        row.status = BundleStatus.READY
        row.finished_at = timezone.now()
        row.error = ""
        row.save(update_fields=["file", "size_bytes", "sha256", "status", "finished_at", "error"])
        record_event(
            action=AuditAction.BUNDLE_BUILT,
            target=row,
            actor_label=JOB,
            case=row.case_id,
            after={"sha256": digest, "size": size, "files": len(manifest["files"])},
        )
    except BaseException:
        default_storage.delete(saved)
        raise


def record_download(*, bundle_id: int, actor: User) -> EvidenceBundle:
    """Put a download on the record, before the file is handed over."""
    bundle = EvidenceBundle.objects.select_related("case").get(pk=bundle_id)
    _check(actor, bundle.case)
    if bundle.status != BundleStatus.READY or not bundle.file:
        raise ValidationError(_("This bundle is not ready to download."))
    if not default_storage.exists(bundle.file.name):
        raise ValidationError(_("This bundle's file is missing; build a new one."))
    record_event(
        action=AuditAction.BUNDLE_DOWNLOADED,
        target=bundle,
        actor=actor,
        case=bundle.case_id,
        after={"sha256": bundle.sha256},
    )
    return bundle
