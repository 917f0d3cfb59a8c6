"""The anchor of delivery: tasks that do nothing, run by the same worker as the e-mails."""

import time

import redis
from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def nothing() -> None:
    """A task with no work: what the worker, the broker and Celery cost per task."""


@shared_task(acks_late=True)
def stamp(key: str) -> None:
    """Note when the worker ran this task (a mark before and after the tasks measured)."""
    redis.Redis.from_url(settings.REDIS_URL).set(key, repr(time.time()), ex=3600)
