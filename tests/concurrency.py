"""Run the same work in several threads at once, each on its own database connection."""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection


def run_at_once(work: Callable[[Any], Any], items: Iterable[Any], *, timeout: float = 60) -> list:
    """Call work(item) for every item in its own thread, all released together.

    Returns the results; any exception in a thread fails the calling test.
    """
    items = list(items)
    barrier = threading.Barrier(len(items))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(item: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(item))
        except Exception as exc:  # re-raised in the calling thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == [], errors
    return results
