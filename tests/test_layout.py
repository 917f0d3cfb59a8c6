"""The rooms keep their purpose: services write, everything else calls them.

A view, an admin page, an API view, a task or a command that saved a model itself would be a
second way to make a change, one that skips the service's checks and its audit event.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CALLERS = [
    *sorted((ROOT / "reports" / "web").rglob("*.py")),
    *sorted((ROOT / "reports" / "admin").rglob("*.py")),
    *sorted((ROOT / "reports" / "api").rglob("*.py")),
    *sorted((ROOT / "reports" / "management").rglob("*.py")),
    *sorted((ROOT / "accounts" / "management").rglob("*.py")),
    ROOT / "reports" / "tasks.py",
    ROOT / "accounts" / "views.py",
    ROOT / "hellomod" / "views.py",
]
# Methods that write rows, whoever they are called on.
WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create"}
WRITES |= {"update_or_create", "save_model", "delete_model", "delete_queryset", "save_formset"}
WRITES |= {"save_related"}
# `.update()` writes when called on a queryset, not on a dict.
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update"}

# The only writes left outside services, each for a reason of its own.
ALLOWED = {
    # The demo's clock: reports spread over past days, so that some cases are overdue. No
    # product path writes the past.
    ("reports/management/commands/seed_demo.py", "_backdate"),
    # The same clock for the demo's decisions: taken yesterday, so that they can be appealed.
    ("reports/management/commands/seed_demo.py", "_backdate_decision"),
    # And for its answered appeals, so that the dashboard shows weeks of appeals.
    ("reports/management/commands/seed_demo.py", "_backdate_appeal"),
    # Pillow writes a PNG into memory: not a row.
    ("reports/management/commands/seed_demo.py", "_avatar"),
}


def receiver_names(node: ast.expr) -> set[str]:
    names = set()
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
        else:
            names.add(node.attr)
            node = node.value
    if isinstance(node, ast.Name):
        names.add(node.id)
    return names


def writes_in(path: Path) -> list[tuple[str, str, int]]:
    found = []
    tree = ast.parse(path.read_text(), str(path))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            on = receiver_names(node.func.value)
            if method in WRITES or (method == "update" and on & QUERYSET_HINTS):
                found.append((function.name, method, node.lineno))
    return found


def test_no_view_admin_task_or_command_writes_a_model_itself():
    offenders = []
    for path in CALLERS:
        relative = str(path.relative_to(ROOT))
        for function, method, line in writes_in(path):
            if (relative, function) not in ALLOWED:
                offenders.append(f"{relative}:{line} {function}() calls .{method}()")
    assert offenders == []


def test_the_scan_finds_a_write():
    """The scan above would see a view that saves a row itself."""
    sample = ROOT / "var" / "layout_sample.py"
    sample.parent.mkdir(exist_ok=True)
    sample.write_text("def view(request, case):\n    case.status = 'x'\n    case.save()\n")
    try:
        assert writes_in(sample) == [("view", "save", 3)]
    finally:
        sample.unlink()


def test_accounts_imports_nothing_from_reports():
    for path in (ROOT / "accounts").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("reports"), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("reports") for a in node.names), path


def test_no_service_module_is_two_modules():
    for path in (ROOT / "reports" / "services").rglob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 420, f"{path.relative_to(ROOT)} has {lines} lines: split it by verb"


def test_every_audit_event_is_written_by_the_trails_one_writer():
    writers = []
    for package in ("hellomod", "accounts", "reports", "bench"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                names = receiver_names(node.func) if isinstance(node.func, ast.Attribute) else set()
                builds = isinstance(node.func, ast.Name) and node.func.id == "AuditEvent"
                if builds or ("AuditEvent" in names and node.func.attr in WRITES):
                    writers.append(str(path.relative_to(ROOT)))
    assert set(writers) == {"reports/services/audit.py"}
