"""Settings come from the environment and refuse bad values at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 30 + "-production-secret-with-enough-variety-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "moderation.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hellomod",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
}


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARIABLES}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - a fixed interpreter and our own code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


_SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "STATIC_MANIFEST",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_PORT",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CELERY_BROKER_URL",
}
LOAD = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'hellomod.settings'; django.setup()"
)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "k" * 50}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "x"}, "REDIS_URL must be set"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/db"}, "must point at PostgreSQL"),
        ({"DEBUG": "1", "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        (
            {"DEBUG": "1", "REDIS_URL": "http://127.0.0.1:6379"},
            "REDIS_URL must start with redis://",
        ),
        ({"DEBUG": "1", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
        ({"DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
        ({"DEBUG": "1", "STAFF_TWO_FACTOR": "sometimes"}, "STAFF_TWO_FACTOR must be one of"),
        ({"DEBUG": "1", "STAFF_IDLE_MINUTES": "0"}, "STAFF_IDLE_MINUTES must be at least 1"),
        (
            {"DEBUG": "1", "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS": "50"},
            "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS must not be above",
        ),
    ],
)
def test_bad_values_stop_the_start_with_a_clear_message(env, message):
    result = run(LOAD, **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_quick_start_defaults_need_no_server():
    result = run(
        LOAD + "; from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL); "
        "print(s.CACHES['default']['BACKEND'])",
        DEBUG="1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://localhost/",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_redis_url_drives_broker_and_cache():
    result = run(
        LOAD + "; from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL); print(s.CACHES['default']['BACKEND'])",
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "redis://127.0.0.1:6379/3",
        "hellomod.cache.RedisCache",
    ]


def test_staff_pass_a_second_factor_unless_debug_is_on():
    show = LOAD + "; from django.conf import settings as s; print(s.STAFF_TWO_FACTOR)"

    assert run(show, **PRODUCTION).stdout.split() == ["True"]
    assert run(show, DEBUG="1").stdout.split() == ["False"]


def test_production_settings_pass_the_deployment_checklist():
    result = run(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="hellomod.settings",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
