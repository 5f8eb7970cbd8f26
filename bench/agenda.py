"""Time one member's agenda (Today) on a generated workspace against a hand-written SQL floor."""
# ruff: noqa: S608 - the SQL here is built from constants only; values go in as parameters.

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import math
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_WORKSPACE_NAME,
    console,
    db_info,
    engine_version,
    find_workspace,
    setup_django,
)
from rich.table import Table

GOAL_P95_MS = 250.0  # one member's agenda on the 10,000-client workspace, on SQLite
GOAL_RATIO = 3.0
# The kinds the agenda computes from its own queries, which the floor reproduces.
CORE_KINDS = (
    "reply,promise,report_due,check_in,trust_falling,meeting_prep,value_add,follow_up,personal_date"
)
DEFAULT_USER = "bench-owner@example.invalid"
STAGES = (
    "_load_clients",
    "_load_actions",
    "replies",
    "promises",
    "reports",
    "check_ins",
    "trust_falls",
    "meetings",
    "facts",
    "personal_dates",
    "sources_feedback.unhappy",
    "sources_feedback.ask",
    "sources_recovery.suggested_recoveries",
    "sources_recovery.tough_topics",
    "sources_referrals.thank_referrers",
    "sources_referrals.ask_referrals",
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=int, help="workspace id (default: newest bench one)")
    parser.add_argument("--workspace-name", default=DEFAULT_WORKSPACE_NAME)
    parser.add_argument("--user", default=DEFAULT_USER, help=f"whose agenda ({DEFAULT_USER})")
    parser.add_argument("--team", action="store_true", help="the whole team's agenda, not mine")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (default 30)")
    parser.add_argument(
        "--kinds",
        help="only these kinds, comma-separated (default: every kind); --kinds core is the "
        "agenda's own nine, the ones the floor reproduces",
    )
    parser.add_argument("--db-info", action="store_true", help="print the database facts only")
    parser.add_argument("--profile", action="store_true", help="also cProfile one agenda run")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="do not freeze the start-up objects after the warm-up (the server and the worker "
        "do, see keepwarm.lib.heap)",
    )
    return parser.parse_args(argv)


class Floor:
    """The agenda's selection as hand-written SQL on the raw connection, reduced minimally.

    The same rows agenda_for reads for the agenda's own nine kinds (CORE_KINDS; the feedback
    and recovery kinds come from those apps' selectors and have no floor here): the covered
    clients with their last touch and bands (and,
    in SQL, whether a check-in is due and whether the band fell), the actions, the messages
    waiting for a reply, the promises due, the report schedules and reports, the meetings and
    value-adds of the window, the personal facts and the important dates. What stays in Python
    is only fetching the rows; no words, no ranking.
    """

    def __init__(self, membership: Any, now: dt.datetime, *, mine: bool) -> None:
        from django.db import connection

        from keepwarm.accounts.selectors import member_zone
        from keepwarm.agenda.kinds import DATES_AHEAD_DAYS, FOLLOW_UP_GRACE_DAYS, VALUE_ADD_DAYS
        from keepwarm.agenda.selectors import TRUST_FALL_DAYS
        from keepwarm.trust.services import workspace_zone

        connection.ensure_connection()
        self.raw = connection.connection
        self.vendor = connection.vendor
        self.ws = membership.workspace_id
        zone = member_zone(membership.user, membership.workspace)
        today = now.astimezone(zone).date()
        trust_day = now.astimezone(workspace_zone(membership.workspace)).date()
        tomorrow_end = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), tzinfo=zone)
        self.covered = (
            "SELECT c.id FROM clients_client c WHERE c.workspace_id = %s "
            "AND c.status <> 'former'"
            + (" AND (c.owner_id = %s OR c.owner_id IS NULL)" if mine else "")
        )
        self.covered_params: list[Any] = [self.ws, *([membership.user_id] if mine else [])]
        self.mine = mine
        self.user_id = membership.user_id
        window = [today + dt.timedelta(days=n) for n in range(DATES_AHEAD_DAYS + 1)]
        self.month_days = sorted({f"{d:%m-%d}" for d in window} | ({"02-29"} if any(
            d.month == 3 and d.day == 1 for d in window) else set()))  # fmt: skip
        week = dt.timedelta(days=TRUST_FALL_DAYS)
        self.p = {
            "now": self.moment(now),
            "today": self.day(today),
            "soon": self.day(today + dt.timedelta(days=DATES_AHEAD_DAYS)),
            "grace": self.day(today - dt.timedelta(days=FOLLOW_UP_GRACE_DAYS)),
            "since": self.moment(now - dt.timedelta(days=VALUE_ADD_DAYS)),
            "until": self.moment(tomorrow_end),
            "trust_day": self.day(trust_day),
            "week_ago": self.day(trust_day - week),
            "two_weeks_ago": self.day(trust_day - 2 * week),
            "reports_since": self.day(today - dt.timedelta(days=62)),
        }
        if self.vendor == "sqlite":
            self.add_days = "julianday({col}) + {days}"
            self.as_day = "julianday(%s)"
            self.month_day = "strftime('%m-%d', {col})"
            self.true = "1"
        else:
            self.add_days = "{col} + make_interval(days => {days})"
            self.as_day = "%s::timestamptz"
            self.month_day = "to_char({col}, 'MM-DD')"
            self.true = "TRUE"

    def moment(self, value: dt.datetime) -> Any:
        # Django keeps naive UTC text in SQLite.
        if self.vendor == "sqlite":
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return value

    def day(self, value: dt.date) -> Any:
        return value.isoformat() if self.vendor == "sqlite" else value

    def query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?").replace("%%", "%")
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def band_rank(self, column: str) -> str:
        return (
            f"CASE {column} WHEN 'cold' THEN 0 WHEN 'cool' THEN 1 WHEN 'warming' THEN 2 "
            "WHEN 'warm' THEN 3 WHEN 'close' THEN 4 END"
        )

    def run(self) -> dict[str, int]:
        """Fetch every row the agenda is made from; return how many of each there are."""
        p, cov, cp = self.p, self.covered, self.covered_params
        touch = (
            "(SELECT i.occurred_at FROM interactions_interaction i WHERE i.client_id = c.id "
            "AND i.occurred_at <= %s AND (i.direction = 'outbound' OR (i.direction = 'inbound' "
            "AND i.channel IN ('call', 'meeting', 'visit'))) ORDER BY i.occurred_at DESC LIMIT 1)"
        )
        band = (
            "(SELECT s.band FROM trust_trustsnapshot s WHERE s.client_id = c.id AND s.band <> '' "
            "AND s.day > %s AND s.day <= %s ORDER BY s.day DESC LIMIT 1)"
        )
        due_at = self.add_days.format(col="COALESCE(x.touched, x.created_at)", days="x.cadence")
        clients = self.query(
            "SELECT x.*, CASE WHEN " + due_at + " <= " + self.as_day + " THEN 1 ELSE 0 END, "
            "CASE WHEN " + self.band_rank("x.band") + " < " + self.band_rank("x.before")
            + " THEN 1 ELSE 0 END FROM (SELECT c.id, c.name, c.owner_id, "
            "c.response_target_hours, c.check_in_every_days AS cadence, c.created_at, "
            + touch + " AS touched, " + band + " AS band, " + band + " AS before "
            "FROM clients_client c WHERE c.workspace_id = %s AND c.status <> 'former'"
            + (" AND (c.owner_id = %s OR c.owner_id IS NULL)" if self.mine else "") + ") x",
            [p["now"], p["now"], p["week_ago"], p["trust_day"], p["two_weeks_ago"],
             p["week_ago"], *cp],
        )  # fmt: skip
        actions = self.query(
            "SELECT a.key, a.action, a.cause, a.snooze_until, a.created_at, a.client_id, a.kind "
            "FROM agenda_agendaaction a WHERE a.workspace_id = %s AND a.client_id IN (" + cov
            + ") ORDER BY a.created_at, a.id",
            [self.ws, *cp],
        )  # fmt: skip
        replies = self.query(
            "SELECT i.id, i.client_id, i.occurred_at, i.subject, (SELECT ct.name FROM "
            "clients_contact ct JOIN interactions_interaction_contacts l ON l.contact_id = ct.id "
            "WHERE l.interaction_id = i.id ORDER BY ct.id LIMIT 1) FROM interactions_interaction i "
            "WHERE i.workspace_id = %s AND i.needs_reply = " + self.true + " AND i.direction = "
            "'inbound' AND i.occurred_at <= %s AND i.client_id IN (" + cov + ")",
            [self.ws, p["now"], *cp],
        )  # fmt: skip
        promises = self.query(
            "SELECT m.id, m.client_id, m.what, m.due_on, m.created_at, ct.name FROM "
            "commitments_commitment m LEFT JOIN clients_contact ct ON ct.id = m.promised_to_id "
            "WHERE m.workspace_id = %s AND m.status = 'open' AND m.due_on <= %s "
            "AND m.client_id IN (" + cov + ")",
            [self.ws, p["today"], *cp],
        )  # fmt: skip
        self.query("SELECT * FROM reports_reportsettings WHERE workspace_id = %s", [self.ws])
        schedules = self.query(
            "SELECT c.id, c.name, c.report_cadence, c.report_weekday, c.report_time, "
            "c.report_time_zone, c.created_at, EXISTS(SELECT 1 FROM clients_contact ct WHERE "
            "ct.client_id = c.id AND ct.receives_reports = " + self.true + " AND ct.email <> '') "
            "FROM clients_client c WHERE c.workspace_id = %s AND c.status = 'active' AND "
            "c.report_cadence <> 'none' AND c.id IN (" + cov + ")",
            [self.ws, *cp],
        )  # fmt: skip
        self.query(
            "SELECT r.id, r.client_id, r.period_start, r.state, o.state "
            "FROM reports_statusreport r LEFT JOIN messaging_outboundmessage o "
            "ON o.id = r.outbound_id WHERE r.kind = 'status' "
            "AND r.period_start >= %s AND r.client_id IN (" + cov + ")",
            [p["reports_since"], *cp],
        )  # fmt: skip
        meetings = self.query(
            "SELECT i.id, i.client_id, i.channel, i.occurred_at, i.subject, i.is_value_add FROM "
            "interactions_interaction i WHERE i.workspace_id = %s AND i.occurred_at > %s AND "
            "i.occurred_at < %s AND ((i.channel = 'meeting' AND i.direction IN ('inbound', "
            "'outbound')) OR (i.is_value_add = " + self.true + " AND i.direction = 'outbound')) "
            "AND i.client_id IN (" + cov + ") ORDER BY i.occurred_at, i.id",
            [self.ws, p["since"], p["until"], *cp],
        )  # fmt: skip
        facts = self.query(
            "SELECT f.id, f.text, f.date, f.follow_up_on, f.created_at, f.contact_id, ct.name, "
            "ct.client_id FROM clients_personalfact f JOIN clients_contact ct ON ct.id = "
            "f.contact_id WHERE f.workspace_id = %s AND ((f.follow_up_on >= %s AND "
            "f.follow_up_on <= %s) OR (f.date >= %s AND f.date <= %s)) AND ct.client_id IN ("
            + cov + ")",
            [self.ws, p["grace"], p["today"], p["today"], p["soon"], *cp],
        )  # fmt: skip
        marks = ", ".join(["%s"] * len(self.month_days))
        dates = self.query(
            "SELECT d.id, d.kind, d.label, d.date, d.yearly, d.contact_id, ct.name, ct.client_id "
            "FROM clients_importantdate d JOIN clients_contact ct ON ct.id = d.contact_id WHERE "
            "d.workspace_id = %s AND ((d.yearly = " + self.true + " AND "
            + self.month_day.format(col="d.date") + " IN (" + marks + ")) OR (d.yearly <> "
            + self.true + " AND d.date >= %s AND d.date <= %s)) AND ct.client_id IN (" + cov + ")",
            [self.ws, *self.month_days, p["today"], p["soon"], *cp],
        )  # fmt: skip
        return {
            "clients": len(clients),
            "check_in": sum(1 for row in clients if row[-2]),
            "trust_falling": sum(1 for row in clients if row[-1]),
            "actions": len(actions),
            "reply": len(replies),
            "promise": len(promises),
            "report schedules": len(schedules),
            "meeting rows": len(meetings),
            "fact rows": len(facts),
            "date rows": len(dates),
        }


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Return the wall-clock and the CPU seconds one call took (SQLite works in-process, so
    its CPU counts too; on a busy machine the CPU time is the steadier of the two)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def stage_times(run: Callable[[], Any], repeats: int = 3) -> dict[str, float]:
    """Return the least time each stage of agenda_for took over a few instrumented runs."""
    from keepwarm.agenda import (
        kinds,
        selectors,
        sources_feedback,
        sources_recovery,
        sources_referrals,
    )

    modules = {
        "sources_feedback": sources_feedback,
        "sources_recovery": sources_recovery,
        "sources_referrals": sources_referrals,
    }
    found: dict[str, list[float]] = {}
    saved = []
    for stage in STAGES:
        source, _, name = stage.rpartition(".")
        module = modules[source] if source else selectors if name.startswith("_") else kinds
        original = getattr(module, name)
        saved.append((module, name, original))

        def timer(*args: Any, _fn: Any = original, _name: str = stage, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return _fn(*args, **kwargs)
            finally:
                found.setdefault(_name, []).append(time.process_time() - start)

        setattr(module, name, timer)
    try:
        for _ in range(repeats):
            run()
    finally:
        for module, name, original in saved:
            setattr(module, name, original)
    return {name: min(times) for name, times in found.items()}


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from keepwarm.accounts.models import Membership
    from keepwarm.agenda.selectors import agenda_for

    workspace = find_workspace(args.workspace, args.workspace_name)
    console.print(db_info(workspace.pk))
    if args.db_info:
        return
    vendor, version = engine_version()
    membership = Membership.objects.select_related("user", "workspace").get(
        workspace=workspace, user__email=args.user
    )
    now = timezone.now()
    mine = not args.team
    floor = Floor(membership, now, mine=mine)

    if args.kinds == "core":
        args.kinds = CORE_KINDS
    kinds_wanted = args.kinds.split(",") if args.kinds else None

    def figure() -> list[Any]:
        return agenda_for(membership=membership, now=now, mine=mine, kinds=kinds_wanted)

    with console.status("Warming up"):
        items = figure()
        counts = floor.run()
    if not args.no_freeze:
        # As `keepwarm serve` and `keepwarm worker` do once start-up is over: what is loaded
        # now stays out of later collections (the items of the warm-up run are freed first).
        from keepwarm.lib.heap import freeze_start_up

        del items
        freeze_start_up()
    figures, floors, figures_cpu, floors_cpu = [], [], [], []
    with console.status(f"Timing {args.runs} runs of each, alternating"):
        for _ in range(args.runs):
            wall, cpu = timed(figure)
            figures.append(wall)
            figures_cpu.append(cpu)
            wall, cpu = timed(floor.run)
            floors.append(wall)
            floors_cpu.append(cpu)
        with CaptureQueriesContext(connection) as captured:
            items = figure()
        stages = stage_times(figure)
    load = os.getloadavg()

    kinds = Counter(item.kind for item in items)
    p50, p95 = statistics.median(figures) * 1000, percentile(figures, 0.95) * 1000
    f50, f95 = statistics.median(floors) * 1000, percentile(floors, 0.95) * 1000
    whose = "the whole team" if args.team else args.user
    if args.kinds:
        whose += f", kinds {args.kinds}"
    result = Table(
        title=f"agenda_for on {vendor} {version}: {whose}, {counts['clients']:,} clients"
    )
    result.add_column("measure")
    result.add_column("value", justify="right")
    result.add_row("figure p50 / p95 (ms)", f"{p50:.1f} / {p95:.1f}")
    result.add_row(
        "figure min / max (ms)", f"{min(figures) * 1000:.1f} / {max(figures) * 1000:.1f}"
    )
    result.add_row("floor p50 / p95 (ms)", f"{f50:.1f} / {f95:.1f}")
    result.add_row("ratio figure / floor, p50", f"{p50 / f50:.2f}")
    result.add_row("ratio figure / floor, p95", f"{p95 / f95:.2f}")
    c50, c95 = statistics.median(figures_cpu) * 1000, percentile(figures_cpu, 0.95) * 1000
    d50, d95 = statistics.median(floors_cpu) * 1000, percentile(floors_cpu, 0.95) * 1000
    result.add_row("figure CPU p50 / p95 (ms)", f"{c50:.1f} / {c95:.1f}")
    result.add_row("floor CPU p50 / p95 (ms)", f"{d50:.1f} / {d95:.1f}")
    result.add_row("ratio of CPU time, p50 / p95", f"{c50 / d50:.2f} / {c95 / d95:.2f}")
    result.add_row("runs of each (alternated)", str(args.runs))
    result.add_row(
        "start-up objects frozen (as the server does)", "no" if args.no_freeze else "yes"
    )
    result.add_row("queries run by agenda_for", str(len(captured.captured_queries)))
    result.add_row("items", f"{len(items):,}")
    result.add_row("load average (1, 5, 15 min) after", ", ".join(f"{x:.1f}" for x in load))
    if vendor == "sqlite" and counts["clients"] >= 4_000:
        mark = "[green]yes[/]" if p95 < GOAL_P95_MS else "[red]no[/]"
        result.add_row(f"goal: p95 under {GOAL_P95_MS:.0f} ms on SQLite", mark)
    mark = "[green]yes[/]" if p95 / f95 <= GOAL_RATIO else "[red]no[/]"
    result.add_row(f"goal: within {GOAL_RATIO:.0f}x of the floor (p95)", mark)
    console.print(result)

    same = Table(title="The same selection: agenda items vs the floor's rows")
    same.add_column("kind")
    same.add_column("agenda items", justify="right")
    same.add_column("floor rows", justify="right")
    for kind in ("reply", "promise", "check_in", "trust_falling"):
        same.add_row(kind, f"{kinds.get(kind, 0):,}", f"{counts[kind]:,}")
    same.add_row("report_due", f"{kinds.get('report_due', 0):,}",
                 f"{counts['report schedules']:,} schedules")  # fmt: skip
    for kind in (
        "value_add",
        "meeting_prep",
        "follow_up",
        "personal_date",
        "unhappy_client",
        "suggest_recovery",
        "tough_topic",
        "ask_feedback",
        "thank_referrer",
        "ask_referral",
    ):
        same.add_row(kind, f"{kinds.get(kind, 0):,}", "")
    console.print(same)

    where = Table(title="Where agenda_for spends its CPU time (least of 3 instrumented runs)")
    where.add_column("stage")
    where.add_column("CPU ms", justify="right")
    for name in STAGES:
        if name in stages:
            where.add_row(name.lstrip("_"), f"{stages[name] * 1000:.1f}")
    console.print(where)
    console.print(f"[dim]Clock {now:%Y-%m-%d %H:%M} UTC.[/]")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        figure()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        console.print("[bold]cProfile of one agenda_for run, by own time (top 25)[/]")
        print(out.getvalue())


if __name__ == "__main__":
    main()
