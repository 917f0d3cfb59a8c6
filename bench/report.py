"""The verdict on each target and the table printed at the end of a run."""

SEED_SECONDS_PER_MILLION = 180


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def verdicts(r: dict) -> list[dict]:
    """Each target of the issue, with the figure it is judged on and whether it was met."""
    q, n, i, e = r["queue_page"], r["next_case"], r["intake"], r["emergency"]
    f = r["figures"]
    seed_limit = SEED_SECONDS_PER_MILLION * r["seeding"]["reports"] / 1_000_000
    admin_ratio = _ratio(q["stock_admin_first"]["p50_ms"], q["queue_first"]["p50_ms"])
    deep_ratio = _ratio(q["queue_deep"]["p50_ms"], q["queue_first"]["p50_ms"])
    floor_share = _ratio(i["hellomod"]["per_second"], i["floor"]["per_second"])
    rows = [
        ("seeding", "seconds", r["seeding"]["seconds"], "<=", round(seed_limit, 1)),
        ("queue page", "p95 ms", q["queue_first"]["p95_ms"], "<=", 50),
        ("queue page", "stock admin p50 / queue p50", admin_ratio, ">=", 10),
        ("queue page", "deep p50 / first p50", deep_ratio, "<=", 1.2),
        ("next case", "paced p95 ms", n["paced"]["p95_ms"], "<=", 20),
        ("next case", "handed out twice",
         sum(n[run]["handed_out_twice"] for run in ("hellomod", "paced", "busy")), "<=", 0),
        ("intake", "reports/s", i["hellomod"]["per_second"], ">=", 200),
        ("intake", "share of the floor", floor_share, ">=", 0.5),
        ("intake", "errors", i["hellomod"]["errors"], "<=", 0),
        ("sweep", "seconds", r["sweep"]["seconds"], "<=", 5),
        ("sweep", "second run changed nothing", r["sweep"]["second_run_changed_nothing"],
         "==", True),
        ("delivery", "notifications/s", r["delivery"]["per_second"], ">=", 500),
        ("emergency", "p95 s behind the backlog", e["p95_s"], "<=", 5),
        ("outbox", "duplicate runs, % of real ones", e["duplicate_percent"], "<", 1),
        ("dashboard", "p95 ms, a year of figures", f["dashboard_365_days"]["p95_ms"], "<=", 100),
        ("figures", "rows a rerun rewrote", f["rerun_written"] + f["rerun_deleted"], "<=", 0),
    ]  # fmt: skip
    out = []
    for path, figure, value, op, target in rows:
        if value is None:
            met = False
        elif op == "<=":
            met = value <= target
        elif op == ">=":
            met = value >= target
        elif op == "<":
            met = value < target
        else:
            met = value == target
        out.append(
            {"path": path, "figure": figure, "value": value, "target": f"{op} {target}", "met": met}
        )
    return out


def _ms(s: dict) -> str:
    return f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f}"


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
            f"stock admin {_ms(q['stock_admin_first'])}",
            f"{_ratio(q['stock_admin_first']['p50_ms'], q['queue_first']['p50_ms'])}× faster",
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
            "",
        ),
        (
            f"Next case, paced at {n['paced']['claims_per_second']:,} / "
            f"{n['busy']['claims_per_second']:,} claims/s: p50/p95 ms",
            f"{_ms(n['paced'])} / {_ms(n['busy'])}",
            "",
            "",
        ),
        (
            "Next case: cases handed out twice (all three runs)",
            f"{sum(n[r]['handed_out_twice'] for r in ('hellomod', 'paced', 'busy'))} of "
            f"{sum(n[r]['claims'] for r in ('hellomod', 'paced', 'busy')):,}",
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
            f"{d['per_second']}",
            f"{d['emails_written']:,} e-mails for {d['notifications']:,}",
            "",
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
    ]
    f = r["figures"]
    rows += [
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
    ]
    widths = [max(len(str(row[c])) for row in rows) for c in range(4)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(str(v).ljust(widths[c]) for c, v in enumerate(row)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines.append("")
    lines.append("Targets:")
    for v in r["targets"]:
        mark = "met" if v["met"] else "MISSED"
        lines.append(
            f"  {mark:6}  {v['path']}: {v['figure']} = {v['value']} (target {v['target']})"
        )
    return "\n".join(lines)
