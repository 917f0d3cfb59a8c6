"""Two pytest-xdist workers share one machine: each gets Redis databases and a var directory of
its own (pytest-django already gives each its own test database).

Loaded with `-p tests.parallel` (pyproject's addopts), before Django reads its settings: the
environment it adjusts is what hellomod/settings.py reads. Worker gwN uses the Redis databases
of REDIS_URL and CELERY_BROKER_URL plus 10 × N, so that one worker's cache flush or Celery
worker never touches the other's.
"""

import os
from urllib.parse import urlsplit

REDIS_DATABASES = 16
STRIDE = 10


def _shifted(url: str, by: int) -> str:
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or 0) + by
    if database >= REDIS_DATABASES:
        raise RuntimeError(f"{url} shifted by {by} leaves Redis's {REDIS_DATABASES} databases")
    return parts._replace(path=f"/{database}").geturl()


def _isolate(worker: str) -> None:
    n = int(worker.removeprefix("gw"))
    if n == 0:
        return
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(name, "").startswith("redis://"):
            os.environ[name] = _shifted(os.environ[name], STRIDE * n)
    if os.environ.get("HELLOMOD_VAR_DIR"):
        os.environ["HELLOMOD_VAR_DIR"] = os.path.join(os.environ["HELLOMOD_VAR_DIR"], worker)


if os.environ.get("PYTEST_XDIST_WORKER"):
    _isolate(os.environ["PYTEST_XDIST_WORKER"])
