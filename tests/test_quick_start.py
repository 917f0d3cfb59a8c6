"""The quick start (`make run`: DEBUG on, no server): e-mail to files, a broker with no warning.

Each check starts Python afresh with the quick start's environment, as `make run` does, so the
settings are the ones a fresh clone gets (the suite itself runs with DEBUG off and keeps Django's
in-memory outbox).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Whatever the suite's own environment says about these would not be there on a fresh clone.
LEFT_OUT = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
}


def quick_start(code: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    env.update(DEBUG="1", HELLOMOD_VAR_DIR=str(var_dir))
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'hellomod.settings'; "
    return subprocess.run(  # noqa: S603 - a fixed interpreter and our own code
        [sys.executable, "-c", setup + "django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SEND_THREE = (
    "from django.core.mail import send_mail; "
    "[send_mail(f'Your report R-{n}', 'We received your report.\\n' * 40, None, "
    "[f'lin{n}@example.com']) for n in range(3)]"
)


def test_quick_start_email_is_written_to_var_mail_with_one_log_line_each(tmp_path):
    result = quick_start(SEND_THREE, tmp_path)

    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "mail").glob("*.log"))
    written = "".join(f.read_text() for f in files)
    for n in range(3):
        assert f"Subject: Your report R-{n}" in written
        assert f"To: lin{n}@example.com" in written
    lines = [line for line in result.stderr.splitlines() if "hellomod.mail" in line]
    assert len(lines) == 3
    assert f"INFO hellomod.mail e-mail to lin0@example.com written to {tmp_path}/mail/" in lines[0]
    # The log says where the message is, not what it says.
    assert "We received your report." not in result.stdout + result.stderr


def test_the_quick_start_writes_mail_under_the_var_folder(tmp_path):
    show = "from django.conf import settings as s; print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)"

    result = quick_start(show, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["hellomod.mail.FileAndLogLineBackend", str(tmp_path / "mail")]


def test_the_file_broker_takes_a_task_without_a_warning(tmp_path):
    for folder in ("queue", "control"):
        (tmp_path / "broker" / folder).mkdir(parents=True)
    publish = (
        "from hellomod.celery import app; "
        "app.send_task('reports.tasks.run_outbox_message', args=[1], retry=False)"
    )

    result = quick_start(publish, tmp_path)

    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "broker" / "queue").glob("*.msg"))) == 1
    assert "WARNING" not in result.stderr, result.stderr
