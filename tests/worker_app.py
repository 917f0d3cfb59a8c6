"""The product's Celery app, plus outbox topics that only tests send.

`test_slow_effect` marks that it started (a file), waits, then records its effect (an audit
event) in the outbox transaction: long enough to kill the worker in the middle of it.
`test_backlog` does nothing: ordinary work as cheap as it gets, piled up in front of an
emergency.
"""

import time
from pathlib import Path

from hellomod.celery import app


def _register() -> None:
    from reports.effects.outbox import handles
    from reports.models import AuditEvent

    @handles("test_slow_effect")
    def slow_effect(*, marker: str, seconds: float, label: str) -> None:
        Path(marker).write_text("started")
        time.sleep(seconds)
        AuditEvent.objects.create(
            action="test.slow_effect", actor_label=label, target_type="test", target_id=label
        )

    @handles("test_backlog")
    def backlog(**payload) -> None:
        pass


def _on_finalize(sender, **kwargs) -> None:
    _register()


app.on_after_finalize.connect(_on_finalize, weak=False)
