"""The product's settings, plus what only the benchmark serves: the floor endpoint and a stock
admin of the cases."""

from kombu import Queue

from hellomod.settings import *  # noqa: F403
from hellomod.settings import CACHES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"

# The bench's tasks wait on queues of their own: a worker of another run on the same Redis
# never takes them.
CELERY_TASK_DEFAULT_QUEUE = "hellomod-bench"
OUTBOX_URGENT_QUEUE = "hellomod-bench-urgent"
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name) for name in (CELERY_TASK_DEFAULT_QUEUE, OUTBOX_URGENT_QUEUE)
]

# The bench's cache keys carry their own prefix, so that it clears only what it wrote.
CACHES = {**CACHES, "default": {**CACHES["default"], "KEY_PREFIX": "hellomod-bench"}}
