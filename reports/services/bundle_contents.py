"""What an evidence bundle holds, written into one zip with a manifest of every file's SHA-256.

The zip unpacks into one folder:

    case.json              the case, the reported member, its decisions
    snapshot/content.json  the reported content as it was snapshotted (and snapshot/media.*)
    reports.json           every report of the case (reporters by public id only)
    evidence/<report>/…    each report's screenshots, as stored
    audit/case.json        the case's audit trail
    audit/member.json      the member's: their other cases, their holds, their account
    referrals.json         the case's referrals and the member's legal holds
    manifest.json          every file above with its size and SHA-256, who asked, when
    SHA256SUMS             the same hashes (and the manifest's) for `sha256sum -c`
"""

import hashlib
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from reports.models import AuditEvent, Case, EvidenceBundle, LegalHold, Referral, Report

_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


@dataclass
class _Zip:
    """A zip being written, remembering the size and hash of every file put in it."""

    archive: zipfile.ZipFile
    folder: str
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, path: str, data: bytes, **extra: Any) -> str:
        self.archive.writestr(posixpath.join(self.folder, path), data)
        self.files.append(
            {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), **extra}
        )
        return path


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"public_id": user.public_id, "username": user.username}


def _member(member: User) -> dict[str, Any]:
    return {
        **_person(member),
        "display_name": member.display_name,
        "email": member.email,
        "country": member.country,
        "native_language": member.native_language,
        "status": member.status,
        "date_joined": member.date_joined,
    }


def _events(events) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "at": e.created_at,
            "who": e.actor.username if e.actor else e.actor_label,
            "action": e.action,
            "case": e.case_id,
            "target": f"{e.target_type}:{e.target_id}",
            "before": e.before,
            "after": e.after,
            "message": e.message,
        }
        for e in events.select_related("actor").order_by("pk")
    ]


def _case(case: Case) -> dict[str, Any]:
    return {
        "case": case.pk,
        "category": case.category.slug,
        "reason": case.reason.slug if case.reason else None,
        "status": case.status,
        "tier": case.tier,
        "opened_at": case.opened_at,
        "resolved_at": case.resolved_at,
        "reported_member": _member(case.subject),
        "decisions": [
            {
                "action": d.action,
                "duration": d.duration,
                "by": _person(d.moderator),
                "at": d.created_at,
                "facts": d.facts,
                "justification": d.justification,
                "statement_of_reasons": d.statement_of_reasons,
                "undone_at": d.reversed_at,
            }
            for d in case.decisions.select_related("moderator").order_by("created_at")
        ],
    }


def _snapshot(bundle: _Zip, case: Case) -> None:
    content = case.content
    if content is None:
        return
    media = None
    if content.media:
        extension = posixpath.splitext(content.media.name)[1].lower() or ".bin"
        with content.media.open("rb") as file:
            media = bundle.add(f"snapshot/media{extension}", file.read())
    bundle.add(
        "snapshot/content.json",
        _json(
            {
                "kind": content.kind,
                "platform_id": content.external_id,
                "author": _person(content.author),
                "text": content.text,
                "language": content.language,
                "context": content.context,
                "media": media,
                "media_reference": content.media_reference,
                "posted_at": content.created_at,
                "snapshotted_at": content.snapshotted_at,
            }
        ),
    )


def _reports(bundle: _Zip, case: Case) -> list[dict[str, Any]]:
    """Every report with its screenshots; what retention purged or storage lost is said."""
    missing = []
    rows = []
    reports = (
        Report.objects.filter(case=case)
        .select_related("reporter", "reason", "category")
        .prefetch_related("evidence")
        .order_by("created_at", "pk")
    )
    for report in reports:
        files = []
        for evidence in sorted(report.evidence.all(), key=lambda e: e.pk):
            if evidence.purged_at is not None or not evidence.image:
                missing.append({"evidence": evidence.pk, "purged_at": evidence.purged_at})
                continue
            extension = _EXTENSIONS.get(evidence.content_type, ".bin")
            path = f"evidence/{report.reference}/{evidence.pk}{extension}"
            try:
                with evidence.image.open("rb") as file:
                    data = file.read()
            except FileNotFoundError:
                missing.append({"evidence": evidence.pk, "lost": evidence.image.name})
                continue
            # The hash taken at upload: a file that no longer matches it says so.
            files.append(bundle.add(path, data, sha256_at_upload=evidence.sha256))
        rows.append(
            {
                "reference": report.reference,
                "reported_at": report.created_at,
                "reporter": _person(report.reporter),
                "source": report.source,
                "category": report.category.slug,
                "reason": report.reason.slug if report.reason else None,
                "details": report.description,
                "status": report.status,
                "reporter_blocked_the_member": report.also_blocked,
                "evidence": files,
            }
        )
    bundle.add("reports.json", _json(rows))
    return missing


def _member_events(case: Case):
    member = case.subject
    holds = LegalHold.objects.filter(member=member).values_list("pk", flat=True)
    return AuditEvent.objects.filter(
        (Q(case__subject=member) & ~Q(case=case))
        | Q(target_type="user", target_id=str(member.pk))
        | Q(target_type="legalhold", target_id__in=[str(pk) for pk in holds], case__isnull=True)
    )


def _referrals(case: Case) -> dict[str, Any]:
    return {
        "referrals": [
            {
                "id": r.pk,
                "countries": r.countries,
                "authority": r.authority,
                "sent": r.sent,
                "sent_at": r.sent_at,
                "sent_by": _person(r.sent_by),
                "reference": r.reference,
            }
            for r in Referral.objects.filter(case=case).select_related("sent_by").order_by("pk")
        ],
        "legal_holds": [
            {
                "id": h.pk,
                "case": h.case_id,
                "referral": h.referral_id,
                "reason": h.reason,
                "placed_at": h.placed_at,
                "placed_by": _person(h.placed_by),
                "lifted_at": h.lifted_at,
                "lifted_by": _person(h.lifted_by),
                "lift_reason": h.lift_reason,
            }
            for h in LegalHold.objects.filter(member=case.subject)
            .select_related("placed_by", "lifted_by")
            .order_by("pk")
        ],
    }


def write_bundle(out: IO[bytes], bundle: EvidenceBundle) -> dict[str, Any]:
    """Write the bundle's zip to `out`; returns its manifest."""
    case = (
        Case.objects.select_related("category", "reason", "subject", "content__author")
        .filter(pk=bundle.case_id)
        .get()
    )
    folder = f"case-{case.pk}-bundle-{bundle.pk}"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        contents = _Zip(archive=archive, folder=folder)
        contents.add("case.json", _json(_case(case)))
        _snapshot(contents, case)
        missing = _reports(contents, case)
        contents.add("audit/case.json", _json(_events(AuditEvent.objects.filter(case=case))))
        contents.add("audit/member.json", _json(_events(_member_events(case))))
        contents.add("referrals.json", _json(_referrals(case)))
        manifest = {
            "bundle": bundle.pk,
            "case": case.pk,
            "member": case.subject.public_id,
            "requested_by": _person(bundle.requested_by),
            "requested_at": bundle.requested_at,
            "generated_at": timezone.now(),
            "algorithm": "SHA-256",
            "files": contents.files,
            "evidence_not_included": missing,
        }
        listed = list(contents.files)
        contents.add("manifest.json", _json(manifest))
        sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in [*listed, contents.files[-1]])
        archive.writestr(posixpath.join(folder, "SHA256SUMS"), sums)
    return manifest
