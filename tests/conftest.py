"""Personas and factories shared by the whole suite.

The personas are the people of the product: a member who gets reported, a reporter, moderators
of one category and of another, a senior moderator and a Trust & Safety admin.
"""

import importlib
import io
import itertools
import os
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from pytest_django.plugin import blocking_manager_key

from accounts.models import Team, TeamMembership, User
from reports.models import Category, Content, ContentKind, MisusePolicy
from reports.services.intake import submit_report

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The platform's webhook receiver (`platform`, `endpoint`), for any test that needs one;
# the EU Transparency Database (`tdb`), for the statements of reasons.
pytest_plugins = ["tests.platform", "tests.tdb_server"]

_sequence = itertools.count(1)


def make_member(**fields) -> User:
    n = next(_sequence)
    fields.setdefault("username", f"member{n}")
    fields.setdefault("display_name", f"Member {n}")
    fields.setdefault("email", f"member{n}@example.com")
    fields.setdefault("native_language", "en")
    password = fields.pop("password", "a-long-member-password")
    user = User(**fields)
    user.set_password(password)
    user.save()
    return user


def make_moderator(*, role: str = "Moderator", team: Team | None = None, **fields) -> User:
    fields.setdefault("is_staff", True)
    user = make_member(**fields)
    user.groups.add(Group.objects.get(name=role))
    if team is not None:
        TeamMembership.objects.create(team=team, user=user)
    return user


def make_team(*categories: Category, languages: list[str] | None = None, name=None) -> Team:
    n = next(_sequence)
    team = Team.objects.create(
        name=name or f"Team {n}", slug=f"team-{n}", languages=languages or []
    )
    team.categories.set(categories)
    return team


def make_content(author: User, **fields) -> Content:
    n = next(_sequence)
    fields.setdefault("kind", ContentKind.MESSAGE)
    fields.setdefault("external_id", f"ext-{n}")
    fields.setdefault("text", f"Hello, this is message number {n}.")
    fields.setdefault("language", "en")
    return Content.objects.create(author=author, **fields)


def make_report(*, reporter, subject, category, **fields):
    return submit_report(reporter=reporter, subject=subject, category=category, **fields)


def image_bytes(fmt: str = "PNG", size=(640, 400), colour=(30, 120, 200), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(name: str = "screenshot.png", data: bytes | None = None) -> SimpleUploadedFile:
    data = image_bytes() if data is None else data
    return SimpleUploadedFile(name, data, content_type="image/png")


def _ship_what_is_missing() -> None:
    """The rows data migrations shipped (categories, roles), from the migrations' own functions."""
    if not Category.objects.exists():
        importlib.import_module("reports.migrations.0002_shipped_categories").ship_categories(
            apps, None
        )
        # Self-harm met with care, a threat's minimum action, the shipped crisis lines.
        importlib.import_module("reports.migrations.0017_welfare_defaults").forwards(apps, None)
        importlib.import_module("reports.migrations.0025_reporting_misuse").ship_misuse_category(
            apps
        )
        importlib.import_module(
            "reports.migrations.0030_statement_mapping"
        ).map_statement_categories(apps)
    if not MisusePolicy.objects.exists():
        importlib.import_module("reports.migrations.0026_misuse_policy").ship_misuse_policy(apps)
    if not Group.objects.exists():
        importlib.import_module("accounts.migrations.0003_roles").grant_roles(apps)
        importlib.import_module(
            "accounts.migrations.0005_configuration_roles"
        ).grant_configuration_roles(apps)
        importlib.import_module("accounts.migrations.0006_webhook_roles").grant_webhook_roles(apps)
        importlib.import_module("accounts.migrations.0007_records_role").narrow_staff_roles(apps)
        importlib.import_module("accounts.migrations.0008_sign_in_roles").grant_sign_in_roles(apps)
        importlib.import_module(
            "accounts.migrations.0009_lives_at_risk_roles"
        ).grant_lives_at_risk_roles(apps)
        importlib.import_module("accounts.migrations.0010_appeal_roles").grant_appeal_roles(apps)
        importlib.import_module("accounts.migrations.0011_flagger_roles").grant_flagger_roles(apps)
        importlib.import_module("accounts.migrations.0012_misuse_roles").grant_misuse_roles(apps)
        importlib.import_module(
            "accounts.migrations.0013_transparency_roles"
        ).grant_transparency_roles(apps)


@pytest.fixture(autouse=True)
def _shipped_data(request):
    """Put the shipped categories and roles back for tests that commit.

    A test with transaction=True empties every table afterwards (post_migrate then recreates
    content types and permissions, but not what data migrations shipped), so the next such test
    gets the categories and roles again from the migrations' own functions; see also
    pytest_runtest_teardown below, for the tests that follow it.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    _ship_what_is_missing()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Once a test that commits has emptied every table, put the shipped rows back at once: in a
    parallel run a plain test (inside its own transaction, where nothing could be put back for
    good) may come next in the same process."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # After the last test the test database is gone already: nothing follows to need it.
    if nextitem is not None and marker is not None and marker.kwargs.get("transaction"):
        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            _ship_what_is_missing()
    return result


@pytest.fixture(autouse=True)
def _worker_quiet_between_tests(request, monkeypatch):
    """Keep the session's worker off the rows of tests that do not ask for it.

    Tests that commit empty every table when they end; a worker still inside a transaction on
    their rows would deadlock with that. So only tests that ask for `celery_worker` (or start a
    worker of their own, named "broker") publish to Celery, and they wait until it is idle.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    from reports.effects import outbox
    from reports.models import DeliveryStatus, OutboxMessage
    from tests.workers import wait_for

    if "celery_worker" not in request.fixturenames and "broker" not in request.node.name:
        monkeypatch.setattr(outbox, "publish", lambda message_id, **options: False)
        monkeypatch.setattr(outbox, "publish_many", lambda message_ids, **options: 0)
        yield
        return
    yield
    wait_for(
        lambda: (
            # Messages due later (a decision's, after its undo window) are not the worker's yet.
            not OutboxMessage.objects.filter(
                status=DeliveryStatus.PENDING, attempts=0, available_at__lte=timezone.now()
            ).exists()
        ),
        timeout=60,
        what="an idle worker",
    )
    time.sleep(0.5)


def give_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator app for this person, as the set-up page leaves one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def authenticator_code(device: TOTPDevice) -> str:
    """The code the person's app shows now (or, if that one was just used, the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step  # within the device's tolerance of one step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _staff_pass_second_factor(monkeypatch):
    """Staff signed in by a test (force_login, login) have passed the second factor.

    The suite runs with DEBUG off, where every staff page first asks a signed-in staff member
    for a code from their authenticator (accounts.middleware). Tests that sign someone in are
    about what comes after, so each staff sign-in gets a real confirmed authenticator and the
    session the mark that django_otp.login() leaves: the device's persistent id under
    DEVICE_ID_SESSION_KEY (set here directly, as the test client's sign-in request has no user
    for django_otp.login to check the device against). Tests of the second factor itself
    (tests/accounts/, the browser tests) override this fixture and go through
    the pages.
    """

    def verified(sender, request, user, **kwargs):
        if user.is_staff or user.is_superuser:
            request.session[DEVICE_ID_SESSION_KEY] = give_authenticator(user).persistent_id

    user_logged_in.connect(verified, dispatch_uid="tests.staff_pass_second_factor")
    # django-axes counts failed sign-ins per address, so it needs the request, which the test
    # client's login() does not hand to authenticate(): a bare one, as axes' documentation does.
    login = Client.login
    monkeypatch.setattr(
        Client,
        "login",
        lambda self, **credentials: login(self, request=HttpRequest(), **credentials),
    )
    yield
    user_logged_in.disconnect(dispatch_uid="tests.staff_pass_second_factor")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests make many people; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        # Still checks passwords set outside a test's settings, like seed_demo's.
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request of a member who reads Chinese leaves Chinese
    active in the thread (as a server thread would until its next request)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache (Redis in tests); no test inherits another's counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads of each test land in a folder of its own, so tests can look at what was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def spam(db) -> Category:
    return Category.objects.get(slug="spam-solicitation")


@pytest.fixture
def hate(db) -> Category:
    return Category.objects.get(slug="hate-abuse")


@pytest.fixture
def member(db) -> User:
    """A member who gets reported."""
    return make_member(display_name="Reported Rita", native_language="es")


@pytest.fixture
def reporter(db) -> User:
    return make_member(display_name="Reporting Ren", native_language="zh")


@pytest.fixture
def spam_team(spam) -> Team:
    return make_team(spam, name="Spam team")


@pytest.fixture
def spam_moderator(spam_team) -> User:
    return make_moderator(team=spam_team, display_name="Moderator Mo", username="mo")


@pytest.fixture
def other_moderator(hate) -> User:
    """A moderator whose team covers another category than spam."""
    return make_moderator(team=make_team(hate, name="Hate team"), username="other-mod")


@pytest.fixture
def senior(spam_team) -> User:
    return make_moderator(role="Senior moderator", team=spam_team, username="senior")


@pytest.fixture
def ts_admin(db) -> User:
    return make_moderator(role="Trust & Safety admin", username="ts-admin")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker for the session, on the test database and the test broker."""
    from django.conf import settings as django_settings

    from hellomod.celery import app
    from tests.workers import Worker

    app.control.purge()  # nothing left over from an earlier run reaches this database
    folder = tmp_path_factory.mktemp("worker")
    worker = Worker(
        broker_url=django_settings.CELERY_BROKER_URL,
        mail_dir=folder / "mail",
        log=folder / "worker.log",
    )
    worker.mail_dir = folder / "mail"
    yield worker
    worker.stop()
