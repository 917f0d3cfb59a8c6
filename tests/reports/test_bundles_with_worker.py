"""An evidence bundle built by the real worker, downloaded by a T&S admin and no one else."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from reports.evidence import clean_image
from reports.models import AuditEvent, BundleStatus, EvidenceBundle, Reason
from reports.services.intake import submit_report
from reports.services.referrals import refer_case
from tests.conftest import image_bytes, make_content, make_member, make_moderator, make_team, upload
from tests.reports.test_bundles import verified_bundle
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media_root(settings):
    """The worker reads the evidence this test stores and writes the bundle beside it: both use
    the media folder of the test settings, and the files this test made go afterwards."""
    before = {p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()}
    yield settings.MEDIA_ROOT
    for path in {p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()} - before:
        path.unlink()


def test_the_worker_builds_the_bundle_and_only_a_trust_and_safety_admin_downloads_it(
    celery_worker, client, hate
):
    team = make_team(hate, name="Safety")
    senior = make_moderator(role="Senior moderator", team=team, username="bundle-senior")
    frontline = make_moderator(team=team, username="bundle-front")
    ts_admin = make_moderator(role="Trust & Safety admin", username="bundle-admin")
    member = make_member()
    content = make_content(member, text="Say goodbye to your family.")
    content.media.save("snapshot.png", ContentFile(image_bytes()))
    report = submit_report(
        reporter=make_member(),
        subject=member,
        category=hate,
        reason=Reason.objects.get(category=hate, slug="threat"),
        content=content,
        evidence=[clean_image(upload()), clean_image(upload(data=image_bytes(colour=(9, 9, 9))))],
    )
    refer_case(
        case=report.case, actor=senior, countries=["NL"], authority="Politie", sent="The threat."
    )
    client.force_login(ts_admin)

    client.post(reverse("moderation:bundle", args=[report.case_id]))

    bundle = wait_for(
        lambda: EvidenceBundle.objects.filter(status=BundleStatus.READY).first(),
        timeout=60,
        what="the worker to build the bundle",
    )
    assert default_storage.exists(bundle.file.name)
    url = reverse("moderation:bundle-download", args=[bundle.pk])
    for person in (senior, frontline):
        client.force_login(person)
        assert client.post(url).status_code == 404, person.username
    assert not AuditEvent.objects.filter(action="evidence_bundle.downloaded").exists()

    client.force_login(ts_admin)
    response = client.post(url)

    assert response.status_code == 200
    manifest, _, _ = verified_bundle(b"".join(response.streaming_content))
    assert manifest["case"] == report.case_id
    assert len([f for f in manifest["files"] if f["path"].startswith("evidence/")]) == 2
    assert "snapshot/media.png" in {f["path"] for f in manifest["files"]}
    downloaded = AuditEvent.objects.get(action="evidence_bundle.downloaded")
    assert (downloaded.actor, downloaded.target_id) == (ts_admin, str(bundle.pk))
    assert AuditEvent.objects.get(action="evidence_bundle.built").actor_label == (
        "job:evidence-bundle"
    )
