"""Time scoring every client of a generated workspace against a hand-written SQL floor."""

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
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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

GOAL_SECONDS = 3.0  # all 10,000 clients, on SQLite, on these 2-core machines
GOAL_RATIO = 2.0
TOUCH_CHANNELS = ("call", "meeting", "visit")
COMPONENTS = (
    "responsiveness",
    "promise_reliability",
    "contact_recency",
    "sentiment",
    "personal_touch",
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=int, help="workspace id (default: newest bench one)")
    parser.add_argument("--workspace-name", default=DEFAULT_WORKSPACE_NAME)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--db-info", action="store_true", help="print the database facts only")
    parser.add_argument(
        "--profile", action="store_true", help="also profile one scorer run with cProfile"
    )
    parser.add_argument(
        "--no-explained",
        action="store_true",
        help="skip timing the explained path and checking it gives the same numbers",
    )
    return parser.parse_args(argv)


class Floor:
    """The same aggregates as hand-written SQL on the raw connection, reduced minimally."""

    def __init__(
        self, workspace_id: int, at: dt.datetime, today: dt.date, weights: dict[str, float]
    ) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.raw = connection.connection
        self.vendor = connection.vendor
        self.workspace_id = workspace_id
        self.at = at
        self.today = today
        self.weights = weights
        if self.vendor == "sqlite":
            # Django keeps naive UTC text in SQLite; compare and subtract in the same form.
            self.at_param: Any = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            self.age = "(julianday(%s) - julianday({col})) * 86400.0"
            self.today_param: Any = today.isoformat()
            self.cutoff = lambda days: (
                (at - dt.timedelta(days=days)).astimezone(dt.UTC).replace(tzinfo=None)
            ).isoformat(" ")
        else:
            self.at_param = at
            self.age = "EXTRACT(EPOCH FROM (%s::timestamptz - {col}))::float8"
            self.today_param = today
            self.cutoff = lambda days: at - dt.timedelta(days=days)

    def query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def run(self) -> dict[int, float | None]:
        """Return each client's total (None with fewer than two components)."""
        ws, at, d90, d180 = self.workspace_id, self.at_param, self.cutoff(90), self.cutoff(180)
        # Last touch (outbound, or a call/meeting/visit either way) and whether anything
        # non-internal happened in 90 days: newest first along (client_id, occurred_at).
        touch_age = self.age.format(col="i.occurred_at")
        clients = self.query(
            "SELECT c.id, "  # noqa: S608 - built from constants only
            + self.age.format(col="c.created_at")
            + ", c.response_target_hours, "
            "c.check_in_every_days, (SELECT " + touch_age + " FROM interactions_interaction i "
            "WHERE i.client_id = c.id AND i.occurred_at <= %s AND (i.direction = 'outbound' OR "
            "(i.direction = 'inbound' AND i.channel IN ('call', 'meeting', 'visit'))) "
            "ORDER BY i.occurred_at DESC LIMIT 1), EXISTS (SELECT 1 FROM "
            "interactions_interaction i WHERE i.client_id = c.id AND i.occurred_at > %s AND "
            "i.occurred_at <= %s AND i.direction IN ('inbound', 'outbound')) "
            "FROM clients_client c WHERE c.workspace_id = %s AND c.created_at <= %s",
            [at, at, at, d90, at, ws, at],
        )
        # Response time of inbound messages needing a reply in 90 days: (age, reply seconds).
        # The reply's own time is looked up only where no first-response time was recorded
        # (as the scorer does): a join would read the whole table on PostgreSQL.
        responses: dict[int, list[tuple[float, float | None, bool]]] = defaultdict(list)
        for client_id, age, seconds, reply_age, needs in self.query(
            "SELECT i.client_id, "  # noqa: S608 - built from constants only
            + self.age.format(col="i.occurred_at")
            + ", "
            "i.first_response_seconds, CASE WHEN i.first_response_seconds IS NULL THEN (SELECT "
            + self.age.format(col="r.occurred_at")
            + " FROM interactions_interaction r WHERE r.id = i.replied_by_id) END, "
            "i.needs_reply FROM interactions_interaction i "
            "WHERE i.workspace_id = %s AND i.direction = 'inbound' AND i.occurred_at > %s "
            "AND i.occurred_at <= %s AND (i.needs_reply OR i.first_response_seconds IS NOT NULL "
            "OR i.replied_by_id IS NOT NULL)",
            [at, at, ws, d90, at],
        ):
            reply = seconds if seconds is not None else (
                age - reply_age if reply_age is not None else None
            )  # fmt: skip
            responses[client_id].append((age, reply, bool(needs)))
        # Promise outcomes in 180 days: kept 1, late 0.5, broken and overdue 0.
        done_later = "(status IN ('kept', 'late') AND done_at > %s)"
        promises = {
            client_id: (float(total), n)
            for client_id, total, n in self.query(
                "SELECT client_id, SUM(CASE WHEN "  # noqa: S608 - built from constants only
                + done_later
                + " THEN 0 "
                "WHEN status = 'kept' THEN 1.0 WHEN status = 'late' THEN 0.5 ELSE 0 END), "
                "COUNT(*) FROM commitments_commitment WHERE workspace_id = %s "
                "AND due_on > %s AND due_on <= %s AND created_at <= %s "
                "AND status <> 'renegotiated' AND NOT (due_on >= %s AND "
                "(status = 'open' OR " + done_later + ")) GROUP BY client_id",
                [
                    at,
                    ws,
                    self.today_param_minus(180),
                    self.today_param,
                    at,
                    self.today_param,
                    at,
                ],
            )
        }
        # Sentiment of inbound messages in 180 days, decayed with a 30-day half-life.
        tone: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for client_id, age, compound in self.query(
            "SELECT client_id, " + self.age.format(col="occurred_at") + ", sentiment "
            "FROM interactions_interaction WHERE workspace_id = %s AND direction = 'inbound' "
            "AND sentiment IS NOT NULL AND occurred_at > %s AND occurred_at <= %s",
            [at, ws, d180, at],
        ):
            weight = 0.5 ** (max(0.0, age) / 86400.0 / 30.0)
            acc = tone[client_id]
            acc[0] += weight * compound
            acc[1] += weight
        touches = dict(
            self.query(
                "SELECT client_id, COUNT(*) FROM interactions_interaction "
                "WHERE workspace_id = %s AND direction = 'outbound' "
                "AND (is_personal_touch OR is_value_add) AND occurred_at > %s "
                "AND occurred_at <= %s GROUP BY client_id",
                [ws, d90, at],
            )
        )
        return {
            pk: self.total(
                pk, age, target, cadence, (touched, active), responses, promises, tone, touches
            )
            for pk, age, target, cadence, touched, active in clients
        }

    def today_param_minus(self, days: int) -> Any:
        day = self.today - dt.timedelta(days=days)
        return day.isoformat() if self.vendor == "sqlite" else day

    def total(
        self,
        pk: int,
        client_age: float,
        target_hours: int,
        cadence: int,
        recency: tuple[float | None, bool],
        responses: dict[int, list[tuple[float, float | None, bool]]],
        promises: dict[int, tuple[float, int]],
        tone: dict[int, list[float]],
        touches: dict[int, int],
    ) -> float | None:
        parts: dict[str, float] = {}
        target = target_hours * 3600.0
        counted = []
        for age, reply, needs in responses.get(pk, ()):
            if reply is not None and reply <= age:
                counted.append(reply)
            elif (reply is not None or needs) and age > target:
                counted.append(age)
        if counted:
            counted.sort()
            p75 = counted[math.ceil(0.75 * len(counted)) - 1]
            parts["responsiveness"] = linear(p75, target, 4 * target)
        if pk in promises:
            kept, n = promises[pk]
            parts["promise_reliability"] = 100.0 * (kept + 1.5) / (n + 2)
        last_age, active = recency
        if last_age is not None:
            parts["contact_recency"] = linear(max(0.0, last_age) / 86400, cadence, 3 * cadence)
        elif client_age / 86400 > cadence:
            parts["contact_recency"] = 0.0
        if pk in tone:
            weighted, weights = tone[pk]
            parts["sentiment"] = (max(-1.0, min(1.0, weighted / weights)) + 1) * 50
        if active:
            parts["personal_touch"] = min(100.0, touches.get(pk, 0) * 100.0 / 3)
        present = [(self.weights[k], s) for k, s in parts.items() if self.weights[k] > 0]
        if len(present) < 2:
            return None
        return round(sum(w * s for w, s in present) / sum(w for w, _ in present), 1)


def linear(value: float, full_until: float, zero_from: float) -> float:
    if value <= full_until:
        return 100.0
    if value >= zero_from:
        return 0.0
    return 100.0 * (zero_from - value) / (zero_from - full_until)


def numbers(score: Any) -> tuple[Any, ...] | None:
    """Return a score's total, band and each component's key, score and weight."""
    if score is None:
        return None
    parts = tuple((c.key, c.score, c.weight) for c in score.components)
    return score.total, score.band, parts


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def timed_both(fn: Callable[[], Any]) -> tuple[float, float]:
    """Return the wall-clock and this process's CPU seconds that fn took."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def profile(fn: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    console.print("[bold]cProfile of one compute_scores run, by own time (top 25)[/]")
    print(out.getvalue())  # plain, so that long paths are not wrapped


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from keepwarm.trust.scoring import WEIGHT_FIELDS, compute_scores, settings_or_defaults

    workspace = find_workspace(args.workspace, args.workspace_name)
    console.print(db_info(workspace.pk))
    if args.db_info:
        return
    vendor, version = engine_version()
    at = timezone.now()
    trust = settings_or_defaults(workspace)
    weights = {key: float(getattr(trust, WEIGHT_FIELDS[key])) for key in COMPONENTS}
    today = at.astimezone(ZoneInfo(workspace.time_zone)).date()
    floor = Floor(workspace.pk, at, today, weights)

    def scorer() -> dict[int, Any]:
        # The numbers-only path: what the daily snapshots, the clients list and Insights use.
        return compute_scores(workspace, at=at, explain=False)

    # Alternated after a warm-up each, so that both see the same machine.
    with console.status("Warming up"):
        _, scores = timed(scorer)
        _, floor_totals = timed(floor.run)
    clients = len(scores)
    figures, floors = [], []
    figures_cpu, floors_cpu = [], []
    with console.status(f"Timing {args.runs} runs of each, alternating"):
        for _ in range(args.runs):
            for times, cpus, fn in (
                (figures, figures_cpu, scorer),
                (floors, floors_cpu, floor.run),
            ):
                wall, cpu = timed_both(fn)
                times.append(wall)
                cpus.append(cpu)
        with CaptureQueriesContext(connection) as captured:
            scorer()
    explained_seconds, explained = None, {}
    if not args.no_explained:
        with console.status("Timing the explained path once (words, advice, evidence)"):
            explained_seconds, explained = timed(lambda: compute_scores(workspace, at=at))

    # The floor must compute the same thing, or the ratio means nothing.
    differ = [
        pk
        for pk, score in scores.items()
        if (score.total is None) != (floor_totals.get(pk) is None)
        or (score.total is not None and abs(score.total - floor_totals[pk]) > 0.11)
    ]
    # Both paths of the scorer must give the same numbers, to the last digit.
    mismatched = [
        pk
        for pk in (explained.keys() | scores.keys() if explained else ())
        if numbers(explained.get(pk)) != numbers(scores.get(pk))
    ]
    best, best_floor = min(figures), min(floors)
    ratio = best / best_floor
    within_time = best < GOAL_SECONDS if clients >= 10_000 else None
    result = Table(title=f"compute_scores on {vendor} {version}: {clients:,} clients")
    result.add_column("measure")
    result.add_column("value", justify="right")
    result.add_row("figure, best of runs (s)", f"{best:.3f}")
    result.add_row("figure, median (s)", f"{statistics.median(figures):.3f}")
    result.add_row("figure, all runs (s)", ", ".join(f"{f:.3f}" for f in figures))
    result.add_row("floor, best of runs (s)", f"{best_floor:.3f}")
    result.add_row("floor, median (s)", f"{statistics.median(floors):.3f}")
    result.add_row("floor, all runs (s)", ", ".join(f"{f:.3f}" for f in floors))
    result.add_row("ratio figure / floor (best)", f"{ratio:.2f}")
    if vendor == "sqlite":
        # SQLite runs in this process: its CPU time is the work done, and is less swayed
        # than the wall clock by other processes on a busy machine.
        cpu_ratio = min(figures_cpu) / min(floors_cpu)
        result.add_row(
            "CPU time, figure / floor (best, s)",
            f"{min(figures_cpu):.3f} / {min(floors_cpu):.3f} = {cpu_ratio:.2f}",
        )
    result.add_row("load average at the end (1, 5, 15 min)", load_average())
    result.add_row("clients/s (best)", f"{clients / best:,.0f}")
    result.add_row("queries run by compute_scores", str(len(captured.captured_queries)))
    if explained_seconds is not None:
        result.add_row("explained path, all clients, one run (s)", f"{explained_seconds:.3f}")
        result.add_row(
            "scores differing between the two paths",
            f"{len(mismatched):,} of {len(explained):,}",
        )
    result.add_row("clients scored / with a total", f"{clients:,} / "
                   f"{sum(1 for s in scores.values() if s.total is not None):,}")  # fmt: skip
    bands = Counter(score.band or "not enough history" for score in scores.values())
    result.add_row("bands", ", ".join(f"{band} {n:,}" for band, n in sorted(bands.items())))
    result.add_row("totals differing from the floor's", f"{len(differ):,}")
    if vendor == "sqlite" and within_time is not None:
        mark = "[green]yes[/]" if within_time else "[red]no[/]"
        result.add_row(f"goal: 10,000 clients under {GOAL_SECONDS:.0f} s", mark)
    else:
        result.add_row(f"goal: under {GOAL_SECONDS:.0f} s", "(set for 10,000 clients on SQLite)")
    mark = "[green]yes[/]" if ratio <= GOAL_RATIO else "[red]no[/]"
    result.add_row(f"goal: within {GOAL_RATIO:.0f}x of the floor", mark)
    console.print(result)
    if differ:
        console.print(f"[yellow]Totals differ for client ids {differ[:10]}…[/]")
    if mismatched:
        console.print(f"[red]The explained path differs for client ids {mismatched[:10]}…[/]")
    if args.profile:
        profile(scorer)


if __name__ == "__main__":
    main()
