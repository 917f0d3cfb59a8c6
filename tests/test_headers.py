"""Security headers: a strict CSP on every page, private answers never stored, and a health probe
that works over plain HTTP behind TLS settings.

The route tests walk the whole URL configuration, so a route added later is requested here too:
it fails unless its answers carry `Cache-Control: private, no-store` (or it is named below as
cacheable) and its pages hold no inline code.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from reports.effects.notifications import notify
from reports.evidence import clean_image
from reports.models import BulkDecision, Case, Channel, Decision, NotificationTemplate
from reports.services.appeals.filing import appeal_decision
from reports.services.decisions.decide import decide
from tests.conftest import image_bytes, make_content, make_member, make_report, upload

pytestmark = pytest.mark.django_db

# Answers that hold nothing about anyone, left to their own caching headers.
CACHEABLE_ROUTES = {"healthz"}

STRICT_POLICY = {
    "default-src": {"'none'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
# Swagger UI's stylesheet draws its icons as data: images; only the docs page allows them.
DOCS_POLICY = {**STRICT_POLICY, "img-src": {"'self'", "data:"}}


def csp_directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def cache_directives(header: str) -> set[str]:
    return {part.split("=")[0].strip().lower() for part in header.split(",") if part.strip()}


class InlineCode(HTMLParser):
    """Everything in a page that a CSP without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        # A JSON data block (json_script) is never run, so the policy does not cover it.
        if (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") != "application/json"
        ):
            self.found.append("inline <script>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif name.startswith("on"):
                self.found.append(f'{name}="{value}" on <{tag}>')
            elif name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


# --- Every route of the URL configuration -------------------------------------------------------


def every_route(resolver=None, prefix=""):
    """(route, name) of each URL pattern, the route written as ResolverMatch.route writes it."""
    resolver = resolver or get_resolver()
    namespace = f"{resolver.namespace}:" if resolver.namespace else ""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).removeprefix("^") if prefix else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            for sub_route, name in every_route(pattern, route):
                yield sub_route, f"{namespace}{name}" if name else None
        else:
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^()]*\)")


def sample_path(route: str, samples: dict) -> str:
    """A path that `route` matches, each parameter filled in from `samples`."""
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name in ("object_id", "id", "pk") and admin_model:
            model = apps.get_model(*admin_model.groups())
            row = model._default_manager.order_by("pk").first()
            return str(row.pk if row else 0)
        if name == "reference" and "appeals/" in route:
            name = "appeal_reference"  # an appeal's reference, A-…, not a report's R-…
        if name not in samples:
            raise AssertionError(f"No sample value for <{name}> of the new route {route!r}")
        return str(samples[name])

    path = PARAMETER.sub(value, route)
    path = path.removeprefix("^").removesuffix("$").replace("/?", "").replace("\\.", ".")
    return "/" + path


@pytest.fixture
def world(spam, member, reporter, spam_moderator, ts_admin):
    """One of everything a route can show: a reported member with an avatar, a snapshot with an
    image, a report with a screenshot, a decision, a bulk decision, an inbox message."""
    member.avatar.save("avatar.png", ContentFile(image_bytes()))
    content = make_content(member, text="Cheap followers, add me elsewhere")
    content.media.save("snapshot.png", ContentFile(image_bytes()))
    report = make_report(
        reporter=reporter,
        subject=member,
        category=spam,
        content=content,
        description="He sends this to everyone.",
        evidence=[clean_image(upload())],
    )
    decided = make_report(reporter=make_member(), subject=make_member(), category=spam).case
    decision = decide(case_id=decided.pk, moderator=spam_moderator, action="warn")
    # Told yesterday, and appealed.
    Decision.objects.filter(pk=decision.pk).update(starts_at=timezone.now() - timedelta(days=1))
    decision.refresh_from_db()
    appeal = appeal_decision(appellant=decided.subject, decision=decision, statement="Unfair.")
    job = BulkDecision.objects.create(
        moderator=spam_moderator,
        category=spam,
        action="warn",
        case_ids=[report.case_id],
        total=1,
    )
    message = notify(
        recipient=reporter,
        event="test",
        key="headers",
        subject="Your report",
        body="We received it.",
        channels=[Channel.IN_APP],
    )[0]
    NotificationTemplate.objects.create(
        event="report_received", language="en", subject="Thanks", body="We got {reference}."
    )
    return {
        "slug": spam.slug,
        "category_id": spam.pk,
        "case_id": report.case_id,
        "decision_id": decision.pk,
        "decision_uuid": decision.uuid,
        "appeal_id": appeal.pk,
        "report_id": report.pk,
        "organisation_id": 1,
        "appeal_reference": appeal.reference,
        "bulk_id": job.pk,
        "public_id": member.public_id,
        "content_id": content.pk,
        "reference": report.reference,
        "notification_id": message.pk,
        "evidence_id": report.evidence.get().pk,
        "referral_id": 1,
        "hold_id": 1,
        "bundle_id": 1,
        "content_type_id": ContentType.objects.get_for_model(Case).pk,
        "object_id": report.case_id,
        "app_label": "reports",
        "section": "policies",
        "format": "json",
        "url": "no-such-page/",
    }


def test_each_route_is_reached_by_its_sample_path(world):
    routes = list(every_route())

    assert len(routes) > 100  # the admin's routes are in the walk
    for route, _name in routes:
        path = sample_path(route, world)
        assert resolve(path).route == route, f"{path} does not reach {route}"


# Pages each person really sees (200), so that the headers are checked on real pages.
SEEN = {
    "reporter": [
        "/",
        "/report/",
        "/reports/mine/",
        "/reports/{reference}/",
        "/decisions/",
        "/notifications/",
        "/notifications/{notification_id}/",
        "/members/{public_id}/avatar/",
        "/api/v1/reports/",
        "/api/v1/reports/{reference}/",
        "/api/docs/",
    ],
    "spam_moderator": [
        "/moderation/",
        "/moderation/queues/{slug}/",
        "/moderation/cases/{case_id}/",
        "/moderation/members/{public_id}/",
        "/moderation/content/{content_id}/image/",
        "/moderation/bulk/{bulk_id}/",
        "/evidence/{evidence_id}/",
        "/evidence/{evidence_id}/thumbnail/",
    ],
    "ts_admin": [
        "/admin/",
        "/admin/reports/category/",
        "/admin/reports/case/",
        "/admin/reports/case/{case_id}/change/",
        "/admin/reports/notificationtemplate/",
        "/evidence/{evidence_id}/",
    ],
    None: ["/accounts/login/", "/healthz"],
}


@pytest.mark.parametrize("persona", [None, "reporter", "spam_moderator", "ts_admin"])
def test_every_route_answers_private_no_store_with_a_strict_policy(client, world, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    # Error pages need the headers as much as any other answer.
    client.raise_request_exception = False
    problems = []
    statuses = {}
    for route, name in every_route():
        path = sample_path(route, world)
        response = client.get(path)
        statuses[path] = response.status_code
        directives = cache_directives(response.get("Cache-Control", ""))
        if name not in CACHEABLE_ROUTES and not {"private", "no-store"} <= directives:
            problems.append(f"{path} ({response.status_code}): Cache-Control {directives}")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        docs = name == "api-docs" and response.status_code == 200
        policy = DOCS_POLICY if docs else STRICT_POLICY
        if "Content-Security-Policy" not in response:
            problems.append(f"{path} ({response.status_code}): no Content-Security-Policy")
        elif csp_directives(response["Content-Security-Policy"]) != policy:
            problems.append(f"{path}: policy {response['Content-Security-Policy']}")
        if not response.streaming:
            for found in inline_code(response.content.decode()):
                problems.append(f"{path}: {found}")

    assert not problems, "\n".join(problems)
    seen = [each.format(**world) for each in SEEN[persona]]
    assert {path: statuses[path] for path in seen} == dict.fromkeys(seen, 200)


def test_every_file_a_member_uploaded_is_never_stored(client, world, spam_moderator):
    client.force_login(spam_moderator)

    for path in (
        f"/evidence/{world['evidence_id']}/",
        f"/evidence/{world['evidence_id']}/thumbnail/",
        f"/members/{world['public_id']}/avatar/",
        f"/moderation/content/{world['content_id']}/image/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path
        # Images keep their own, stricter policy: nothing in them may run.
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_refusal_at_the_api_edge_is_private_too(client, reporter):
    client.force_login(reporter)

    # Refused from its Content-Length, before the body is read.
    response = client.post(
        "/api/v1/reports/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert {"private", "no-store"} <= cache_directives(response["Cache-Control"])


def test_a_form_sent_without_its_token_gets_a_page_without_inline_code(reporter):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reporter)

    response = browser.post("/report/", {"member": "ANYONE"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired" in page
    assert inline_code(page) == []
    assert csp_directives(response["Content-Security-Policy"]) == STRICT_POLICY


def test_static_files_and_healthz_stay_cacheable_as_before(client):
    stylesheet = client.get("/static/css/hellomod.css")
    health = client.get("/healthz")

    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.get("Cache-Control", "")
    assert "private" not in stylesheet.get("Cache-Control", "")
    # never_cache's own header, as /healthz always sent it.
    assert health["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_the_docs_page_loads_its_script_from_the_app_without_a_validator(client, reporter):
    client.force_login(reporter)

    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert '<script src="/api/docs/?script="></script>' in page
    assert script["Content-Type"].startswith("application/javascript")
    # Swagger UI would otherwise send the schema's address to an outside validator.
    assert '"validatorUrl": null' in script.content.decode()


# --- /healthz behind TLS settings ----------------------------------------------------------------


def test_a_plain_http_health_probe_is_answered_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    probe = client.get("/healthz")
    page = client.get("/reports/mine/")
    lookalike = client.get("/healthz/")

    assert probe.status_code in (200, 503)
    assert probe["Content-Type"] == "application/json"
    assert set(probe.json()["checks"]) == {"database", "broker", "cache"}
    assert (page.status_code, page["Location"]) == (301, "https://testserver/reports/mine/")
    assert lookalike.status_code == 301
