"""The daily figures at scale: building them from the raw tables, the beat task's steady run,
and the pages that read them (the dashboard, the transparency report), as a lead opens them."""

import time
from datetime import UTC, timedelta

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bench.measure import Progress, _get, _queries, _timed, signed_in, summary
from bench.seed import Seeded
from reports.models import DailyFigure, FigureCursor
from reports.services.figures import first_day, rebuild_figures, refresh_figures


def _lead() -> User:
    lead, created = User.objects.get_or_create(
        username="bench-lead",
        defaults={
            "display_name": "Lead",
            "email": "bench-lead@hellomod.localhost",
            "native_language": "en",
            "is_staff": True,
            "password": "!",
        },
    )
    if created:
        lead.groups.add(Group.objects.get(name="Trust & Safety lead"))
    return lead


def figures(seeded: Seeded, *, samples: int, progress: Progress) -> dict:
    started = time.perf_counter()
    built = refresh_figures()  # the first run builds every day since the oldest case
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    steady = refresh_figures()  # nothing changed: today and yesterday again
    steady_seconds = time.perf_counter() - started
    today = timezone.now().astimezone(UTC).date()
    rerun = rebuild_figures(first_day(), today)

    client = signed_in(_lead())
    dashboard = reverse("moderation:dashboard")
    report = reverse("moderation:transparency")
    year = f"start={today - timedelta(days=364)}&end={today}"

    def drawn_every_time(url: str):
        """The page as the first reader after a refresh gets it: the figures' version moves on
        (one UPDATE, timed with the page), so the page draws its figures anew."""
        call = _get(client, url)

        def cold():
            FigureCursor.objects.update(updated_at=timezone.now())
            return call()

        return cold

    pages = {
        "dashboard_30_days": _get(client, dashboard),
        "dashboard_365_days": _get(client, f"{dashboard}?{year}"),
        "dashboard_30_days_cold": drawn_every_time(dashboard),
        "dashboard_365_days_cold": drawn_every_time(f"{dashboard}?{year}"),
        "dashboard_csv_365_days": _get(client, f"{dashboard}?{year}&format=csv"),
        "transparency_365_days": _get(client, f"{report}?{year}"),
        "transparency_json_365_days": _get(client, f"{report}?{year}&format=json"),
    }
    result = {
        "rows": DailyFigure.objects.count(),
        "days": len(built.days),
        "build_seconds": round(build_seconds, 1),
        "steady_run_seconds": round(steady_seconds, 2),
        "steady_run_written": steady.written,
        "rerun_written": rerun.written,
        "rerun_deleted": rerun.deleted,
    }
    for name, call in pages.items():
        result[name] = summary(_timed(call, samples, progress, name))
        result[name]["queries"] = _queries(call)
    return result
