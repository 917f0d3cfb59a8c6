"""The verdict on each target and the table printed at the end of a run."""

SEED_SECONDS_PER_MILLION = 180
GROWTH_LIMIT = 1.2
MEMORY_LIMIT_MIB = 250


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _growing(r: dict) -> dict[str, dict]:
    """Each growing path's cost as one figure where more is worse: ms per page, per claim and
    per report (the inverse of the throughputs)."""
    q, n, i = r["queue_page"], r["next_case"], r["intake"]
    return {
        "queue page p50 ms": q["queue_first"]["p50_ms"],
        "queue page deep p50 ms": q["queue_deep"]["p50_ms"],
        "next case ms per claim, 50 at once": round(1000 / n["hellomod"]["claims_per_second"], 3),
        "next case paced p95 ms": n["paced"]["p95_ms"],
        "intake ms per report": round(1000 / i["hellomod"]["per_second"], 3),
        "intake p95 ms": i["hellomod"]["p95_ms"],
    }


def growth(r: dict) -> dict:
    """The full run's cost of each growing path against each smaller volume's."""
    large = _growing(r)
    out = {}
    for volume, smaller in r["growth"].items():
        small = _growing(smaller)
        out[volume] = {
            path: {"small": small[path], "large": large[path], "ratio": _ratio(large[path], value)}
            for path, value in small.items()
        }
    return out


def verdicts(r: dict) -> list[dict]:
    """Each target, the issue's (this wave) first and the earlier ones after, with the figure it
    is judged on and whether it was met."""
    q, n, i, e = r["queue_page"], r["next_case"], r["intake"], r["emergency"]
    f, d = r["figures"], r["delivery"]
    seed_limit = SEED_SECONDS_PER_MILLION * r["seeding"]["reports"] / 1_000_000
    admin_ratio = _ratio(q["stock_admin_first"]["p50_ms"], q["queue_first"]["p50_ms"])
    rows = [
        ("intake", "share of the floor's reports/s",
         _ratio(i["hellomod"]["per_second"], i["floor"]["per_second"]), ">=", 0.5),
        ("intake", "p95 ms", i["hellomod"]["p95_ms"], "<=", 50),
        ("intake", "errors", i["hellomod"]["errors"], "<=", 0),
        ("next case", "claims/s, share of the naive claimer's",
         _ratio(n["hellomod"]["claims_per_second"], n["naive"]["claims_per_second"]), ">=", 0.8),
        ("next case", "handed out twice (hellomod and paced runs)",
         n["hellomod"]["handed_out_twice"] + n["paced"]["handed_out_twice"], "<=", 0),
        ("next case", f"paced p95 ms ({n['paced']['claims_per_second']} claims/s)",
         n["paced"]["p95_ms"], "<=", 20),
        ("queue page", "p50, times the bare signed-in page's",
         _ratio(q["queue_first"]["p50_ms"], q["bare_page"]["p50_ms"]), "<=", 2),
        ("queue page", "stock admin p50 / queue p50", admin_ratio, ">=", 3),
        ("delivery", "notifications/s, share of no-op tasks/s",
         _ratio(d["per_second"], r["nothing_tasks"]["per_second"]), ">=", 0.5),
        ("emergency", "p95 s behind the backlog", e["p95_s"], "<=", 5),
        ("dashboard", "p95 ms, a year of figures", f["dashboard_365_days"]["p95_ms"], "<=", 100),
        ("memory", "web worker peak MiB",
         i["web_worker_memory"]["largest_process_mib"], "<=", MEMORY_LIMIT_MIB),
        ("memory", "Celery worker peak MiB (delivery, both lanes)",
         max(d["worker_memory"]["largest_process_mib"],
             *(w["largest_process_mib"] for w in e["worker_memory"])), "<=", MEMORY_LIMIT_MIB),
    ]  # fmt: skip
    for volume, paths in r.get("growth_ratios", {}).items():
        for path in ("queue page p50 ms", "next case ms per claim, 50 at once",
                     "intake ms per report"):  # fmt: skip
            rows.append(
                ("growth", f"{path}, {r['seeding']['reports']:,} / {int(volume):,} reports",
                 paths[path]["ratio"], "<=", GROWTH_LIMIT)
            )  # fmt: skip
    earlier = [
        ("seeding", "seconds", r["seeding"]["seconds"], "<=", round(seed_limit, 1)),
        ("queue page", "p95 ms", q["queue_first"]["p95_ms"], "<=", 50),
        ("queue page", "stock admin p50 / queue p50", admin_ratio, ">=", 10),
        ("queue page", "deep p50 / first p50",
         _ratio(q["queue_deep"]["p50_ms"], q["queue_first"]["p50_ms"]), "<=", 1.2),
        ("intake", "reports/s", i["hellomod"]["per_second"], ">=", 200),
        ("sweep", "seconds", r["sweep"]["seconds"], "<=", 5),
        ("sweep", "second run changed nothing", r["sweep"]["second_run_changed_nothing"],
         "==", True),
        ("delivery", "notifications/s", d["per_second"], ">=", 500),
        ("outbox", "duplicate runs, % of real ones", e["duplicate_percent"], "<", 1),
        ("figures", "rows a rerun rewrote", f["rerun_written"] + f["rerun_deleted"], "<=", 0),
    ]  # fmt: skip
    out = []
    for wave, group in (("this wave", rows), ("earlier", earlier)):
        for path, figure, value, op, target in group:
            out.append(
                {
                    "wave": wave,
                    "path": path,
                    "figure": figure,
                    "value": value,
                    "target": f"{op} {target}",
                    "met": _met(value, op, target),
                }
            )
    return out


def _met(value, op: str, target) -> bool:
    if value is None:
        return False
    if op == "<=":
        return value <= target
    if op == ">=":
        return value >= target
    if op == "<":
        return value < target
    return value == target


def _ms(s: dict) -> str:
    return f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f}"


def _grid(rows: list[tuple]) -> list[str]:
    widths = [max(len(str(row[c])) for row in rows) for c in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(str(v).ljust(widths[c]) for c, v in enumerate(row)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines


def table(r: dict) -> str:
    """One table: each path, hellomod's figure, its anchor in the same run, and the ratio."""
    s, q, n, i, w, d, e = (
        r["seeding"],
        r["queue_page"],
        r["next_case"],
        r["intake"],
        r["sweep"],
        r["delivery"],
        r["emergency"],
    )
    nothing, f = r["nothing_tasks"], r["figures"]
    twice = n["hellomod"]["handed_out_twice"] + n["paced"]["handed_out_twice"]
    rows = [
        ("What", "hellomod", "Anchor (same run)", "Ratio"),
        (
            f"Seeding {s['reports']:,} reports, {s['cases']:,} cases (s)",
            f"{s['seconds']:.1f}",
            f"{s['reports_per_second']:,} reports/s",
            "",
        ),
        (
            f"Queue page, first, p50/p95 ms ({q['open_in_queue']:,} open)",
            _ms(q["queue_first"]),
            f"bare signed-in page {_ms(q['bare_page'])}",
            f"{_ratio(q['queue_first']['p50_ms'], q['bare_page']['p50_ms'])}× the bare page",
        ),
        (
            "Queue page against the stock admin, p50/p95 ms",
            _ms(q["queue_first"]),
            f"stock admin {_ms(q['stock_admin_first'])}",
            f"admin {_ratio(q['stock_admin_first']['p50_ms'], q['queue_first']['p50_ms'])}× slower",
        ),
        (
            f"Queue page, {q['depth']:,} rows deep, p50/p95 ms",
            _ms(q["queue_deep"]),
            f"stock admin {_ms(q['stock_admin_deep'])}",
            f"{_ratio(q['queue_deep']['p50_ms'], q['queue_first']['p50_ms'])}× the first page",
        ),
        (
            "Queue page main query, first / deep, p50 ms",
            f"{q['sql_first']['p50_ms']:.2f} / {q['sql_deep']['p50_ms']:.2f}",
            "(the floor: SQL alone)",
            "",
        ),
        (
            "hellomod admin changelist, same filter / search, p50/p95 ms",
            f"{_ms(q['admin_first'])} / {_ms(q['admin_search'])}",
            "",
            "",
        ),
        (
            f"Next case, {n['moderators']} at once: claims/s, p50/p95 ms",
            f"{n['hellomod']['claims_per_second']:,} · {_ms(n['hellomod'])}",
            f"naive {n['naive']['claims_per_second']:,} · {_ms(n['naive'])}",
            f"{_ratio(n['hellomod']['claims_per_second'], n['naive']['claims_per_second'])} "
            "of the naive claimer",
        ),
        (
            f"Next case, paced ({n['paced']['claims_per_second']:,} claims/s): p50/p95 ms",
            _ms(n["paced"]),
            "",
            "",
        ),
        (
            "Next case: cases handed out twice",
            f"{twice} of {n['hellomod']['claims'] + n['paced']['claims']:,}",
            f"naive {n['naive']['handed_out_twice']:,} of {n['naive']['claims']:,}",
            "",
        ),
        (
            "Intake POST /api/v1/reports/: reports/s, p50/p95 ms, errors",
            f"{i['hellomod']['per_second']:,} · {_ms(i['hellomod'])} · {i['hellomod']['errors']}",
            f"floor {i['floor']['per_second']:,} · {_ms(i['floor'])} · {i['floor']['errors']}",
            f"{_ratio(i['hellomod']['per_second'], i['floor']['per_second'])} of the floor",
        ),
        (
            f"Escalation sweep: {w['escalated']:,} of {w['open_cases']:,} open cases (s)",
            f"{w['seconds']:.2f}",
            f"second run: {w['second_run_escalated']} moved in {w['second_run_seconds']:.2f} s",
            "",
        ),
        (
            "Delivery: outbox → worker → e-mail, notifications/s",
            f"{d['per_second']} ({d['emails_written']:,} e-mails for {d['notifications']:,})",
            f"no-op tasks {nothing['per_second']}/s",
            f"{_ratio(d['per_second'], nothing['per_second'])} of the no-op tasks",
        ),
        (
            f"Emergency behind {e['waiting_min']:,}+ waiting, p50/p95 s (n = {e['emergencies']})",
            f"{e['p50_s']:.2f} / {e['p95_s']:.2f}",
            f"the backlog ran {e['backlog_seconds']} s",
            "",
        ),
        (
            f"Duplicate task runs, sweep every {e['sweep_seconds']:g} s (lost messages run)",
            f"{e['duplicate_runs']:,} of {e['real_runs']:,} ({e['lost_run']} of {e['lost']})",
            f"old rule: {e['old_rule_would_send']:,} sent again",
            f"{e['duplicate_percent']} %",
        ),
        (
            f"Daily figures: first build of {f['days']} days, {f['rows']:,} rows (s)",
            f"{f['build_seconds']:.1f}",
            f"beat's steady run {f['steady_run_seconds']:.2f} s, rerun rewrote "
            f"{f['rerun_written'] + f['rerun_deleted']}",
            "",
        ),
        (
            "Dashboard, 30 days / a year, p50/p95 ms",
            f"{_ms(f['dashboard_30_days'])} / {_ms(f['dashboard_365_days'])}",
            f"drawn anew (after a refresh) {_ms(f['dashboard_30_days_cold'])} / "
            f"{_ms(f['dashboard_365_days_cold'])}",
            f"CSV of a year {_ms(f['dashboard_csv_365_days'])}",
        ),
        (
            "Transparency report, a year, HTML / JSON, p50/p95 ms",
            f"{_ms(f['transparency_365_days'])} / {_ms(f['transparency_json_365_days'])}",
            "",
            "",
        ),
        (
            "Peak memory, largest process: web worker / Celery worker (MiB)",
            f"{i['web_worker_memory']['largest_process_mib']} / "
            f"{d['worker_memory']['largest_process_mib']}",
            f"Celery worker running no-op tasks {nothing['worker_memory']['largest_process_mib']}",
            "",
        ),
    ]
    lines = _grid(rows)
    ops = r["operations"]
    lines += ["", "What one operation costs (in this process, one after another):"]
    lines += _grid(
        [("Operation", "wall ms", "Python CPU ms", "PostgreSQL CPU ms", "statements", "WAL bytes")]
        + [
            (
                name,
                ops[name]["wall_ms"],
                ops[name]["python_cpu_ms"],
                ops[name]["postgres_cpu_ms"],
                ops[name]["statements"],
                f"{ops[name]['wal_bytes']:,}",
            )
            for name in ("report", "claim", "decision", "notification")
        ]
    )
    lines += [
        "",
        f"Under load, per report: server CPU {i['hellomod']['server_cpu_ms_per_request']} ms, "
        f"PostgreSQL {i['hellomod']['postgres_cpu_ms_per_request']} ms, "
        f"WAL {i['hellomod']['wal_bytes_per_request']:,} bytes "
        f"(floor: {i['floor']['server_cpu_ms_per_request']} ms, "
        f"{i['floor']['postgres_cpu_ms_per_request']} ms, "
        f"{i['floor']['wal_bytes_per_request']:,} bytes)",
    ]
    if r.get("growth_ratios"):
        lines += ["", "Growth (cost at the full volume / at the smaller one):"]
        for volume, paths in r["growth_ratios"].items():
            lines += _grid(
                [("Path", f"{int(volume):,} reports", f"{s['reports']:,} reports", "Ratio")]
                + [(p, v["small"], v["large"], v["ratio"]) for p, v in paths.items()]
            )
    c = r["capacity"]
    cores = c["cores_at_busiest_hour_with_headroom"]
    lines += [
        "",
        f"Capacity for {c['assumptions']['members']:,} members "
        f"({c['per_month']['reports']:,} reports a month): cores at the busiest hour with "
        f"{c['assumptions']['headroom']:g}× headroom: web {cores['web']}, "
        f"Celery {cores['celery']}, PostgreSQL {cores['postgresql']}; "
        f"WAL {c['wal_bytes_per_month'] / 1e9:.2f} GB and stored "
        f"{c['stored_bytes_per_month'] / 1e9:.2f} GB a month",
    ]
    lines.append("")
    lines.append("Targets:")
    for v in r["targets"]:
        mark = "met" if v["met"] else "MISSED"
        lines.append(
            f"  {mark:6}  [{v['wave']}] {v['path']}: {v['figure']} = {v['value']} "
            f"(target {v['target']})"
        )
    return "\n".join(lines)
