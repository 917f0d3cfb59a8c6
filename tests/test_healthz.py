import pytest

from hellomod.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "cache": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_which_part_is_down(client, monkeypatch):
    # Nothing listens on port 1: the broker is unreachable, the rest is fine.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # Celery reads it first
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "unreachable",
        "cache": "ok",
    }
