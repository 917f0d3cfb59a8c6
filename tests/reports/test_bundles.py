"""Evidence bundles built as the worker builds them: what the zip holds and how it verifies.

The worker itself builds one in test_bundles_with_worker.py; here the outbox message is run in
the test's own process, so each detail can be looked at quickly.
"""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from reports.effects import outbox
from reports.evidence import clean_image
from reports.models import AuditEvent, BundleStatus, EvidenceBundle, OutboxMessage, Reason
from reports.services.bundles import TOPIC, build_bundle, request_bundle
from reports.services.intake import submit_report
from reports.services.referrals import refer_case
from tests.conftest import image_bytes, make_content, make_member, make_moderator, make_team, upload

pytestmark = pytest.mark.django_db


def verified_bundle(data: bytes) -> tuple[dict, zipfile.ZipFile, str]:
    """The bundle's manifest, once every file in the zip is checked against it.

    The manifest lists every file but itself and SHA256SUMS, each with its size and SHA-256;
    SHA256SUMS repeats them and adds the manifest's, as `sha256sum -c` reads them.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    folder = names[0].split("/")[0]
    assert all(name.startswith(f"{folder}/") for name in names)
    manifest = json.loads(archive.read(f"{folder}/manifest.json"))
    inside = {name.removeprefix(f"{folder}/") for name in names}
    assert {f["path"] for f in manifest["files"]} == inside - {"manifest.json", "SHA256SUMS"}
    for entry in manifest["files"]:
        body = archive.read(f"{folder}/{entry['path']}")
        assert (len(body), hashlib.sha256(body).hexdigest()) == (entry["size"], entry["sha256"])
    sums = {}
    for line in archive.read(f"{folder}/SHA256SUMS").decode().splitlines():
        digest, path = line.split("  ", 1)
        sums[path] = digest
    assert set(sums) == inside - {"SHA256SUMS"}
    for path, digest in sums.items():
        assert hashlib.sha256(archive.read(f"{folder}/{path}")).hexdigest() == digest
    return manifest, archive, folder


@pytest.fixture
def threat(hate, member):
    """A referred threat: a snapshot with an image, two reports with screenshots."""
    senior = make_moderator(role="Senior moderator", team=make_team(hate), username="on-call")
    reason = Reason.objects.get(category=hate, slug="threat")
    content = make_content(member, text="I will find you after school.")
    content.media.save("snapshot.png", ContentFile(image_bytes(colour=(200, 30, 30))))
    for n in range(2):
        report = submit_report(
            reporter=make_member(),
            subject=member,
            category=hate,
            reason=reason,
            content=content,
            description=f"Report {n}: he means it.",
            evidence=[clean_image(upload(data=image_bytes(colour=(n, 90, 90))))],
        )
    refer_case(
        case=report.case, actor=senior, countries=["DE"], authority="Polizei", sent="It all."
    )
    return report.case


def built(case, ts_admin) -> EvidenceBundle:
    bundle = request_bundle(case=case, actor=ts_admin)
    message = OutboxMessage.objects.get(topic=TOPIC, payload={"bundle": bundle.pk})
    assert outbox.run_message(message.pk) == "done"
    bundle.refresh_from_db()
    return bundle


def test_the_bundle_holds_everything_and_every_file_matches_its_hash(threat, ts_admin, member):
    bundle = built(threat, ts_admin)

    assert bundle.status == BundleStatus.READY
    data = default_storage.open(bundle.file.name).read()
    assert hashlib.sha256(data).hexdigest() == bundle.sha256
    assert len(data) == bundle.size_bytes
    manifest, archive, folder = verified_bundle(data)
    assert (manifest["case"], manifest["bundle"], manifest["member"]) == (
        threat.pk,
        bundle.pk,
        member.public_id,
    )
    assert manifest["requested_by"]["username"] == ts_admin.username
    paths = {f["path"] for f in manifest["files"]}
    assert {"case.json", "snapshot/content.json", "snapshot/media.png", "reports.json"} <= paths
    assert {"audit/case.json", "audit/member.json", "referrals.json"} <= paths
    screenshots = [f for f in manifest["files"] if f["path"].startswith("evidence/")]
    assert len(screenshots) == 2
    # Each screenshot is the file stored at upload, byte for byte.
    assert all(f["sha256"] == f["sha256_at_upload"] for f in screenshots)
    reports = json.loads(archive.read(f"{folder}/reports.json"))
    assert [r["details"] for r in reports] == ["Report 0: he means it.", "Report 1: he means it."]
    trail = json.loads(archive.read(f"{folder}/audit/case.json"))
    assert "case.referred" in {e["action"] for e in trail}
    snapshot = json.loads(archive.read(f"{folder}/snapshot/content.json"))
    assert snapshot["text"] == "I will find you after school."
    assert archive.read(f"{folder}/snapshot/media.png") == threat.content.media.open().read()
    built_event = AuditEvent.objects.get(action="evidence_bundle.built")
    assert (built_event.actor_label, built_event.case_id) == ("job:evidence-bundle", threat.pk)
    assert built_event.after["sha256"] == bundle.sha256


def test_building_twice_changes_nothing(threat, ts_admin):
    bundle = built(threat, ts_admin)
    name, digest = bundle.file.name, bundle.sha256

    build_bundle(bundle=bundle.pk)

    bundle.refresh_from_db()
    assert (bundle.file.name, bundle.sha256) == (name, digest)
    assert AuditEvent.objects.filter(action="evidence_bundle.built").count() == 1


def test_purged_evidence_is_named_in_the_manifest_not_lost_silently(threat, ts_admin):
    evidence = threat.reports.order_by("pk").first().evidence.get()
    type(evidence).objects.filter(pk=evidence.pk).update(purged_at=evidence.created_at, image="")

    bundle = built(threat, ts_admin)

    manifest, _, _ = verified_bundle(default_storage.open(bundle.file.name).read())
    assert [m["evidence"] for m in manifest["evidence_not_included"]] == [evidence.pk]


def test_a_bundle_that_keeps_failing_is_marked_failed(threat, ts_admin, settings, monkeypatch):
    def disk_full(out, bundle):
        raise OSError("disk full")

    settings.OUTBOX_MAX_ATTEMPTS = 1
    monkeypatch.setattr("reports.services.bundles.write_bundle", disk_full)
    bundle = request_bundle(case=threat, actor=ts_admin)
    message = OutboxMessage.objects.get(topic=TOPIC)

    assert outbox.run_message(message.pk) == "dead"

    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.FAILED
    assert "disk full" in bundle.error
    assert not bundle.file


def test_the_download_is_audited_and_carries_the_zips_digest(client, threat, ts_admin):
    bundle = built(threat, ts_admin)
    client.force_login(ts_admin)

    page = client.get(reverse("moderation:case", args=[threat.pk])).content.decode()
    response = client.post(reverse("moderation:bundle-download", args=[bundle.pk]))

    assert bundle.sha256 in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="case-{threat.pk}-bundle-{bundle.pk}.zip"'
    )
    assert response["Cache-Control"] == "private, no-store"
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == bundle.sha256
    event = AuditEvent.objects.get(action="evidence_bundle.downloaded")
    assert (event.actor, event.case_id, event.target_id) == (ts_admin, threat.pk, str(bundle.pk))
    assert client.get(reverse("moderation:bundle-download", args=[bundle.pk])).status_code == 405


def test_a_bundle_whose_file_is_gone_is_not_downloaded_nor_recorded(client, threat, ts_admin):
    bundle = built(threat, ts_admin)
    default_storage.delete(bundle.file.name)
    client.force_login(ts_admin)

    response = client.post(reverse("moderation:bundle-download", args=[bundle.pk]), follow=True)

    assert response.status_code == 200
    assert "This bundle&#x27;s file is missing; build a new one." in response.content.decode()
    assert not AuditEvent.objects.filter(action="evidence_bundle.downloaded").exists()
