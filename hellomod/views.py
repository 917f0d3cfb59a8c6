import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hellomod.celery import app as celery_app

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon, for browsers that ask at the root before reading a page's <link rel="icon">."""
    return redirect(static("favicon.svg"), permanent=True)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _check_cache() -> None:
    cache.set("healthz", "ok", timeout=5)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the cache did not return what was just stored")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether this web process can reach what it needs; 503 when any part is down."""
    checks = {"database": _check_database, "broker": _check_broker, "cache": _check_cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:
            logger.warning("healthz: %s unreachable: %s", name, exc)
            results[name] = "unreachable"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": results},
        status=200 if healthy else 503,
    )
