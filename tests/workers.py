"""Real Celery workers for tests: separate processes on the test database and a real broker."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


class Worker:
    """The product's two lanes, as the Procfile runs them: a worker for ordinary work (which
    takes urgent messages too when it is free) and one that serves the urgent queue alone."""

    def __init__(self, *, broker_url: str, mail_dir: Path, log: Path) -> None:
        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "OUTBOX_GRACE_SECONDS": "0",
        }
        ordinary, urgent = settings.CELERY_TASK_DEFAULT_QUEUE, settings.OUTBOX_URGENT_QUEUE
        self.log = log
        self.urgent_log = log.with_name(f"{log.stem}-urgent{log.suffix}")
        self.processes = [
            self._start(f"{ordinary},{urgent}", "ordinary", log),
            self._start(urgent, "urgent", self.urgent_log),
        ]
        for path in (self.log, self.urgent_log):
            wait_for(
                lambda path=path: "ready." in path.read_text(errors="replace"),
                timeout=60,
                what=f"the worker logging to {path.name}",
            )

    def _start(self, queues: str, name: str, log: Path) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.worker_app",
                "worker",
                f"--queues={queues}",
                f"--hostname={name}@%h",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_children(self) -> list[int]:
        """The processes that run tasks, in both lanes."""
        out = subprocess.run(  # noqa: S603
            ["pgrep", "-P", ",".join(str(p.pid) for p in self.processes)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def wait_for(condition: Callable[[], object], *, timeout: float = 30, what: str = "it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout} s for {what}")


class RedisServer:
    """A Redis of the test's own, on a free port: a broker no other worker of the session
    reads, which the test can fill before its workers start."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--save", "", "--appendonly",
             "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, what="the test's own redis")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
