"""Build a synthetic Keepwarm workspace of any size, fast, for the scoring benchmark."""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import random
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_WORKSPACE_NAME,
    console,
    db_info,
    migrate_if_needed,
    qn,
    setup_django,
    table,
)
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

BATCH = 5_000
DAY = 86_400
HISTORY_DAYS = 365
PASSWORD = "keepwarm-bench"
TEAM = (("bench-owner@example.invalid", "Olive Owner", "owner"),
        ("bench-member@example.invalid", "Max Member", "member"))  # fmt: skip

# (channel, direction, weight) for interactions other than our replies to emails.
COMBOS: tuple[tuple[str, str, float], ...] = (
    ("email", "inbound", 26),
    ("email", "outbound", 12),
    ("call", "inbound", 3),
    ("call", "outbound", 6),
    ("meeting", "inbound", 1),
    ("meeting", "outbound", 4),
    ("visit", "inbound", 0.5),
    ("visit", "outbound", 1.5),
    ("message", "inbound", 7),
    ("message", "outbound", 6),
    ("portal", "inbound", 3),
    ("portal", "outbound", 2),
    ("message", "internal", 5),
    ("email", "internal", 3),
)
REPLY = len(COMBOS)  # the combo code of our email answering an inbound one
INBOUND_EMAIL = 0
TEXT_CHANNELS = {"email", "message", "portal"}
CUM_WEIGHTS = list(itertools.accumulate(weight for _, _, weight in COMBOS))

FIRST = ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lena",
         "Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wren",
         "Zoe")  # fmt: skip
LAST = ("Adams", "Brook", "Carter", "Dunn", "Ellis", "Frost", "Grant", "Hale", "Irwin", "Joyce",
        "Khan", "Lowe", "Moss", "Nash", "Owen", "Price", "Quinn", "Reid", "Shaw",
        "Todd")  # fmt: skip
ORG_A = ("Blue", "North", "Oak", "Bright", "Green", "Iron", "Silver", "Red", "Harbour", "Stone",
         "Maple", "River", "Summit", "Willow", "Cedar", "Fox")  # fmt: skip
ORG_B = ("Bakery", "Dental", "Joinery", "Studio", "Garage", "Florist", "Clinic", "Books",
         "Gym", "Cafe", "Builders", "Law", "Print", "Vets", "Hotel", "Farm")  # fmt: skip
INDUSTRIES = ("Food", "Health", "Trades", "Retail", "Legal", "Hospitality", "Charity", "")
ROLES = ("Owner", "Director", "Office manager", "Marketing lead", "Bookkeeper", "")
SUBJECTS = ("Quick question", "Invoice", "Update on the site", "Next steps", "Thanks!",
            "Photos for the gallery", "Booking form", "Meeting notes", "Draft for review",
            "Problem with the contact page", "Monthly report", "Opening hours change")  # fmt: skip
BODIES = ("Thanks for the update, looks good.",
          "Could you take a look at this when you have a moment?",
          "The form is still not sending emails. Can you check?",
          "Great work on the new pages, our customers love them.",
          "We're a bit worried about the timeline.",
          "Attached the photos we talked about.",
          "Sent over the draft; let me know what you think.",
          "Called to check in; all fine on their side.")  # fmt: skip
PROMISES = ("Send revised quote", "Fix the booking form", "Update opening hours",
            "Share the monthly report", "Upload new photos", "Renew the domain",
            "Draft the newsletter", "Check the contact form",
            "Call back about pricing")  # fmt: skip


@dataclass
class Profile:
    """How one synthetic client behaves: how busy, how well served, how happy."""

    created: int  # epoch seconds
    start: int  # first possible interaction
    end: int  # last interaction (they went quiet after it)
    weight: float
    target_hours: int
    response_mu: float  # log of the median response time as a multiple of the target
    neglect: float  # share of inbound emails needing a reply that never get one
    reliability: float
    mood: float
    touch_rate: float
    contacts: range


class RowsPerSecond(ProgressColumn):
    """Show a task's rows per second since it started."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:>9,.0f} rows/s", style="progress.data.speed")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workspace-name", default=DEFAULT_WORKSPACE_NAME)
    parser.add_argument(
        "--replace",
        action="store_true",
        help="delete earlier workspaces with this name (and all their rows) first",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE on SQLite afterwards (PostgreSQL is always analyzed, as autovacuum "
        "would do; a SQLite Keepwarm never runs ANALYZE by itself)",
    )
    parser.add_argument(
        "--keep-indexes",
        action="store_true",
        help="grow the indexes row by row instead of dropping them and building them after "
        "each table's load (slower; for comparison)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or min(args.contacts, args.interactions, args.commitments) < 0:
        parser.error("--clients must be at least 1 and the other sizes at least 0")
    return args


class Writer:
    """Insert rows in batches (executemany; COPY on PostgreSQL), one transaction a table."""

    def __init__(self, progress: Progress, *, rebuild_indexes: bool = True) -> None:
        from django.db import connection

        self.connection = connection
        self.progress = progress
        self.rebuild_indexes = rebuild_indexes
        self.timings: list[tuple[str, int, float]] = []
        if connection.vendor == "sqlite":
            self.when: Callable[[int], Any] = sqlite_datetime
            self.day: Callable[[dt.date], Any] = str
        else:
            epoch_utc = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            self.when = lambda s: epoch_utc + dt.timedelta(seconds=s)
            self.day = lambda d: d

    def next_id(self, model: Any) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({qn('id')}) FROM {table(model)}")  # noqa: S608
            return int(cursor.fetchone()[0] or 0) + 1

    def write(
        self,
        label: str,
        model: Any,
        columns: Sequence[str],
        rows: Iterable[tuple],
        total: int,
        *,
        auto_id: bool = False,
    ) -> None:
        """Insert `total` rows into model's table.

        `columns` names the generated values of each row; a column it leaves out gets its
        field's default (so that fields added since keep the generator working), and a
        column without a default must be named.
        """
        from django.db import transaction

        fields = {f.column: f for f in model._meta.concrete_fields}
        if auto_id:
            del fields[model._meta.pk.column]
        extra = set(columns) - set(fields)
        defaults = {
            column: field.get_db_prep_save(field.get_default(), self.connection)
            for column, field in fields.items()
            if column not in columns and (field.has_default() or field.null)
        }
        missing = set(fields) - set(columns) - set(defaults)
        if missing or extra:
            raise SystemExit(f"{model._meta.db_table}: missing {missing}, unknown {extra}")
        if defaults:
            columns = [*columns, *defaults]
            fill = tuple(defaults.values())
            rows = (row + fill for row in rows)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            table(model), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
        )
        task = self.progress.add_task(label, total=total)
        start = time.perf_counter()
        done = 0
        with transaction.atomic(), self.connection.cursor() as cursor:
            # Building an index once over sorted rows beats growing it row by row, unless
            # the table already holds more rows than we add; a failed load rolls back the drop.
            indexes = []
            if self.rebuild_indexes:
                cursor.execute(f"SELECT COUNT(*) FROM {table(model)}")  # noqa: S608
                if cursor.fetchone()[0] <= total:
                    indexes = self.secondary_indexes(cursor, model)
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")
            if self.connection.vendor == "postgresql":
                # executemany manages ~4k rows/s on PostgreSQL here, COPY ~20k with indexes.
                copy_sql = "COPY {} ({}) FROM STDIN".format(
                    table(model), ", ".join(qn(c) for c in columns)
                )
                with cursor.copy(copy_sql) as copy:
                    for batch in batched(rows, BATCH):
                        for row in batch:
                            copy.write_row(row)
                        done += len(batch)
                        self.progress.update(task, completed=done)
            else:
                for batch in batched(rows, BATCH):
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    self.progress.update(task, completed=done)
            if indexes:
                self.progress.update(task, description=f"{label} (indexing)")
                if self.connection.vendor == "postgresql":
                    # PostgreSQL will not build an index under pending foreign-key checks.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for _, definition in indexes:
                    cursor.execute(definition)
                self.progress.update(task, description=label)
        self.timings.append((label, done, time.perf_counter() - start))

    def secondary_indexes(self, cursor: Any, model: Any) -> list[tuple[str, str]]:
        """Return (name, CREATE statement) of the indexes worth building after the load."""
        # Indexes backing a constraint stay, and so do those on a foreign key to the same
        # table: SQLite looks up the children of every new row while a deferred reference
        # (an email pointing at its later reply) is pending, a full scan without the index.
        db_table = model._meta.db_table
        self_refs = {
            f.column
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is model
        }
        columns = {
            name: set(info["columns"])
            for name, info in self.connection.introspection.get_constraints(
                cursor, db_table
            ).items()
        }
        if self.connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [db_table],
            )
        elif self.connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                [db_table],
            )
        else:
            return []
        return [
            (str(name), str(definition))
            for name, definition in cursor.fetchall()
            if not columns.get(name, set()) & self_refs
        ]

    def reset_sequences(self, models: Sequence[Any]) -> None:
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), models)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


_days: dict[int, str] = {}


def sqlite_datetime(seconds: int) -> str:
    """Return epoch seconds as Django stores datetimes in SQLite: naive UTC text."""
    day, rest = divmod(seconds, DAY)
    date = _days.get(day)
    if date is None:
        date = _days[day] = dt.date.fromordinal(_ORDINAL_1970 + day).isoformat()
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{date} {hours:02d}:{minutes:02d}:{secs:02d}"


def batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def split(total: int, weights: Sequence[float], rng: random.Random) -> list[int]:
    """Share `total` among clients in proportion to their weights (largest remainders)."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    rest = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[:rest]:
        counts[i] += 1
    return counts


def delete_workspaces(name: str) -> int:
    """Delete every workspace with this name and every row that belongs to them."""
    from django.apps import apps
    from django.db import connection, transaction

    from keepwarm.accounts.models import Workspace

    ids = list(Workspace.objects.filter(name=name).values_list("pk", flat=True))
    if not ids:
        return 0
    marks = ", ".join(["%s"] * len(ids))
    scoped = [
        model
        for model in apps.get_models()
        if model is not Workspace
        and any(
            getattr(f, "related_model", None) is Workspace and f.concrete
            for f in model._meta.local_fields
        )
    ]
    # Foreign keys are deferred until commit, so the order of deletes does not matter.
    with (
        console.status(f"Deleting {len(ids)} earlier workspace(s) named {name!r}"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        for model in scoped:
            ws_col = next(
                f.column
                for f in model._meta.local_fields
                if getattr(f, "related_model", None) is Workspace
            )
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                if not through._meta.auto_created:
                    continue
                source = m2m.m2m_column_name()
                cursor.execute(
                    f"DELETE FROM {table(through)} WHERE {qn(source)} IN "  # noqa: S608
                    f"(SELECT {qn('id')} FROM {table(model)} WHERE {qn(ws_col)} IN ({marks}))",
                    ids,
                )
            cursor.execute(
                f"DELETE FROM {table(model)} WHERE {qn(ws_col)} IN ({marks})",  # noqa: S608
                ids,
            )
        cursor.execute(f"DELETE FROM {table(Workspace)} WHERE {qn('id')} IN ({marks})", ids)  # noqa: S608
    return len(ids)


def make_team(workspace_name: str) -> tuple[Any, list[int]]:
    """Create the workspace and its two team members (users are reused between runs)."""
    from django.contrib.auth.hashers import make_password

    from keepwarm.accounts.models import Membership, User, Workspace

    workspace = Workspace.objects.create(name=workspace_name, time_zone="UTC")
    user_ids = []
    for email, name, role in TEAM:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, name=name, password=make_password(PASSWORD))
        Membership.objects.create(user=user, workspace=workspace, role=role)
        user_ids.append(user.pk)
    return workspace, user_ids


def client_profiles(n: int, contacts: int, now: int, rng: random.Random) -> list[Profile]:
    """Draw how each client behaves; a few never hear from us at all."""
    contact_counts = split(contacts, [rng.uniform(0.5, 1.5) for _ in range(n)], rng)
    profiles = []
    first_contact = 0
    for i in range(n):
        u = rng.random()
        if u < 0.05:
            created = now - rng.randint(1, 30) * DAY
        elif u < 0.20:
            created = now - rng.randint(30, HISTORY_DAYS) * DAY
        else:
            created = now - rng.randint(HISTORY_DAYS, 3 * HISTORY_DAYS) * DAY
        created -= rng.randrange(DAY)
        start = max(created, now - HISTORY_DAYS * DAY)
        q = rng.random()
        if q < 0.55:
            quiet = rng.uniform(0, 7)
        elif q < 0.80:
            quiet = rng.uniform(7, 40)
        else:
            quiet = rng.uniform(40, 200)
        end = max(start, now - int(quiet * DAY))
        weight = 0.0 if rng.random() < 0.04 else min(rng.paretovariate(1.3), 40.0)
        profiles.append(
            Profile(
                created=created,
                start=start,
                end=end,
                weight=weight,
                target_hours=rng.choice((4, 8, 24, 24, 24, 48)),
                response_mu=rng.gauss(-0.4, 0.9),
                neglect=0.3 if rng.random() < 0.1 else 0.03,
                reliability=rng.betavariate(5, 1.5),
                mood=max(-0.9, min(0.9, rng.gauss(0.2, 0.3))),
                touch_rate=rng.uniform(0, 0.12),
                contacts=range(first_contact, first_contact + contact_counts[i]),
            )
        )
        first_contact += contact_counts[i]
    return profiles


def client_rows(
    profiles: list[Profile], ids: tuple[int, int, list[int]], w: Writer, rng: random.Random
) -> Iterator[tuple]:
    first_id, workspace_id, users = ids
    statuses = ("active",) * 7 + ("prospect", "paused", "former")
    for i, p in enumerate(profiles):
        name = f"{rng.choice(ORG_A)} {rng.choice(ORG_B)} {i + 1}"
        created = w.when(p.created)
        yield (
            first_id + i, workspace_id, name, rng.choice(("organisation",) * 4 + ("individual",)),
            rng.choice(statuses), rng.choice(INDUSTRIES), f"https://client{i + 1}.example",
            "", rng.choice(users), p.target_hours, rng.choice((7, 14, 14, 30, 30, 60)),
            rng.choice(("none", "none", "weekly", "monthly")), rng.randrange(7), "16:00:00",
            "UTC", 60, Decimal(rng.randrange(1_000, 60_000)), None, created, created,
        )  # fmt: skip


def contact_rows(
    profiles: list[Profile], ids: tuple[int, int, int], w: Writer, rng: random.Random
) -> Iterator[tuple]:
    first_id, workspace_id, client_first_id = ids
    channels = ("email", "email", "email", "phone", "text", "in_person")
    for i, p in enumerate(profiles):
        created = w.when(p.created)
        for k in p.contacts:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            yield (
                first_id + k, workspace_id, client_first_id + i, f"{first} {last}",
                rng.choice(ROLES), f"{first.lower()}.{last.lower()}.{k}@client{i + 1}.example",
                "", f"01632 {rng.randrange(100000, 999999)}", "", rng.choice(channels), "",
                created, created,
            )  # fmt: skip


@dataclass
class Plan:
    """The interactions to write, in time order, as parallel compact arrays."""

    client: array
    at: array
    combo: array
    response: array  # first-response seconds; -1 none; -2 still waiting for a reply
    reply_pos: array  # for an answered email: position of our reply; else -1
    answers_pos: array  # for our reply: position of the email it answers; else -1


def plan_interactions(profiles: list[Profile], total: int, now: int, rng: random.Random) -> Plan:
    """Decide who, when and what for every interaction; replies follow their email."""
    counts = split(total, [p.weight for p in profiles], rng)
    client, at, combo = array("l"), array("q"), array("b")
    response, reply_of = array("l"), array("l")  # reply_of: index of the email answered; -1
    random_, gauss, exp = rng.random, rng.gauss, math.exp
    cum_weights, whole = CUM_WEIGHTS, CUM_WEIGHTS[-1]
    for c, (p, budget) in enumerate(zip(profiles, counts, strict=True)):
        start, span = p.start, p.end - p.start
        target, mu, neglect = p.target_hours * 3600, p.response_mu, p.neglect
        while budget > 0:
            when = start + int(random_() * span)
            code = bisect.bisect_right(cum_weights, random_() * whole)
            seconds = -1
            answered_by_reply = False
            if code == INBOUND_EMAIL and random_() < 0.6:
                seconds = max(60, int(target * exp(gauss(mu, 0.7))))
                if random_() < neglect or when + seconds > now:
                    seconds = -2
                else:
                    answered_by_reply = budget >= 2 and random_() < 0.92
            client.append(c)
            at.append(when)
            combo.append(code)
            response.append(seconds)
            reply_of.append(-1)
            budget -= 1
            if answered_by_reply:
                client.append(c)
                at.append(when + seconds)
                combo.append(REPLY)
                response.append(-1)
                reply_of.append(len(at) - 2)
                budget -= 1
    # Sorting plain integers (time, then index, packed) is several times faster than a key.
    shift = len(at).bit_length()
    mask = (1 << shift) - 1
    packed = [(when << shift) | i for i, when in enumerate(at)]
    packed.sort()
    order = array("l", [key & mask for key in packed])
    del packed
    position = array("l", [0]) * len(order)
    for pos, index in enumerate(order):
        position[index] = pos
    reply_pos = array("l", [-1]) * len(order)
    answers_pos = array("l", [-1]) * len(order)
    for index, answered in enumerate(reply_of):
        if answered >= 0:
            reply_pos[position[answered]] = position[index]
            answers_pos[position[index]] = position[answered]
    return Plan(
        client=array("l", [client[i] for i in order]),
        at=array("q", [at[i] for i in order]),
        combo=array("b", [combo[i] for i in order]),
        response=array("l", [response[i] for i in order]),
        reply_pos=reply_pos,
        answers_pos=answers_pos,
    )


def interaction_rows(
    plan: Plan,
    profiles: list[Profile],
    ids: tuple[int, int, int, list[int]],
    w: Writer,
    rng: random.Random,
) -> Iterator[tuple]:
    first_id, workspace_id, client_first_id, users = ids
    random_, gauss, when_of = rng.random, rng.gauss, w.when
    # Per combo: channel, direction, inbound, outbound, sentiment-bearing, email.
    kinds = [
        (ch, d, d == "inbound", d == "outbound", d == "inbound" and ch in TEXT_CHANNELS,
         ch == "email")
        for ch, d, _ in (*COMBOS, ("email", "outbound", 0))
    ]  # fmt: skip
    n_subjects, n_bodies = len(SUBJECTS), len(BODIES)
    at, clients, combos = plan.at, plan.client, plan.combo
    responses, reply_pos, answers_pos = plan.response, plan.reply_pos, plan.answers_pos
    moods = [p.mood for p in profiles]
    touch = [p.touch_rate for p in profiles]
    for pos in range(len(at)):
        c = clients[pos]
        code = combos[pos]
        channel, direction, inbound, outbound, felt, email = kinds[code]
        when = when_of(at[pos])
        own_id = first_id + pos
        seconds = responses[pos]
        reply = reply_pos[pos]
        subject = SUBJECTS[int(random_() * n_subjects)]
        in_reply_to = ""
        if code == REPLY:
            subject = "Re: " + subject
            in_reply_to = f"<{first_id + answers_pos[pos]}@bench.keepwarm.invalid>"
        sentiment = None
        if felt:
            sentiment = round(max(-1.0, min(1.0, gauss(moods[c], 0.35))), 4)
        yield (
            own_id, workspace_id, client_first_id + c, channel, direction, when, subject,
            BODIES[int(random_() * n_bodies)],
            outbound and random_() < 0.15,  # is_progress
            inbound and random_() < 0.05,  # is_problem
            outbound and random_() < touch[c],  # is_value_add
            outbound and random_() < touch[c],  # is_personal_touch
            outbound and random_() < 0.03,  # is_job_report
            f"<{own_id}@bench.keepwarm.invalid>" if email else "", in_reply_to, in_reply_to,
            seconds == -2,  # needs_reply
            first_id + reply if reply >= 0 else None,
            seconds if seconds >= 0 else None,
            sentiment,
            round(35 + random_() * 50, 1) if outbound and email else None,
            None if inbound else users[random_() < 0.5],
            when, when,
        )  # fmt: skip


def link_rows(
    plan: Plan, profiles: list[Profile], ids: tuple[int, int], rng: random.Random
) -> Iterator[tuple]:
    """Link each non-internal interaction with one of its client's people."""
    first_interaction, first_contact = ids
    for pos in range(len(plan.at)):
        code = plan.combo[pos]
        if code != REPLY and COMBOS[code][1] == "internal":
            continue
        people = profiles[plan.client[pos]].contacts
        if not people:
            continue
        yield (first_interaction + pos, first_contact + people[int(rng.random() * len(people))])


def count_links(plan: Plan, profiles: list[Profile]) -> int:
    internal = {code for code, (_, direction, _) in enumerate(COMBOS) if direction == "internal"}
    return sum(
        1
        for pos in range(len(plan.at))
        if plan.combo[pos] not in internal and profiles[plan.client[pos]].contacts
    )


def commitment_rows(
    profiles: list[Profile],
    total: int,
    now: int,
    ids: tuple[int, int, int, int, list[int]],
    w: Writer,
    rng: random.Random,
) -> Iterator[tuple]:
    """Promises in every status; about 6% of past ones renegotiated into a replacement."""
    first_id, workspace_id, client_first_id, contact_first_id, users = ids
    counts = split(total, [math.sqrt(p.weight) for p in profiles], rng)
    today = now // DAY
    next_id = first_id
    for c, (p, budget) in enumerate(zip(profiles, counts, strict=True)):
        earliest = max(p.created, now - HISTORY_DAYS * DAY) // DAY + 3
        while budget > 0:
            due_day = rng.randint(min(earliest, today), today + 60)
            previous = None
            while True:
                due_s = due_day * DAY
                # Made 3 to 30 days before it falls due, but never after the clock: a promise
                # due soon may be made today, not in the future (its created_at and
                # updated_at would sit after every snapshot, keeping its client stale).
                created = min(now, max(p.created, due_s - rng.randint(3, 30) * DAY))
                done_at = None
                if due_day < today:
                    if previous is None and budget >= 2 and rng.random() < 0.06:
                        status, done_at = "renegotiated", due_s - rng.randint(0, 2) * DAY
                    else:
                        r, v = p.reliability, rng.random()
                        if v < r:
                            status, done_at = "kept", due_s - rng.randint(0, 3) * DAY + 36_000
                        elif v < r + (1 - r) * 0.5:
                            status, done_at = "late", due_s + rng.randint(1, 10) * DAY
                        elif v < r + (1 - r) * 0.75:
                            status = "broken"
                        else:
                            status = "open"
                elif rng.random() < 0.1:
                    status, done_at = "kept", created + rng.randint(0, 3) * DAY
                else:
                    status = "open"
                promised_to = None
                if p.contacts:
                    promised_to = contact_first_id + p.contacts[int(rng.random() * len(p.contacts))]
                made = w.when(created)
                done = w.when(min(now, max(done_at, created))) if done_at is not None else None
                yield (
                    next_id, workspace_id, client_first_id + c, rng.choice(PROMISES), promised_to,
                    rng.choice(users), w.day(dt.date.fromordinal(_ORDINAL_1970 + due_day)),
                    status, done, None, None, previous, made, done or made,
                )  # fmt: skip
                budget -= 1
                previous = next_id
                next_id += 1
                if status != "renegotiated":
                    break
                due_day = min(due_day + rng.randint(7, 30), today + 60)


_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()

# Column order of the tuples above; Writer.write checks that they name every column.
CLIENT_COLUMNS = (
    "id", "workspace_id", "name", "kind", "status", "industry", "website", "notes", "owner_id",
    "response_target_hours", "check_in_every_days", "report_cadence", "report_weekday",
    "report_time", "report_time_zone", "plain_language_target", "annual_value",
    "referred_by_id", "created_at", "updated_at",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "workspace_id", "client_id", "name", "role", "email", "other_emails", "phone",
    "other_phones", "preferred_channel", "notes", "created_at", "updated_at",
)  # fmt: skip
INTERACTION_COLUMNS = (
    "id", "workspace_id", "client_id", "channel", "direction", "occurred_at", "subject", "body",
    "is_progress", "is_problem", "is_value_add", "is_personal_touch", "is_job_report",
    "message_id", "in_reply_to", "references", "needs_reply", "replied_by_id",
    "first_response_seconds", "sentiment", "reading_ease", "logged_by_id", "created_at",
    "updated_at",
)  # fmt: skip
COMMITMENT_COLUMNS = (
    "id", "workspace_id", "client_id", "what", "promised_to_id", "owner_id", "due_on", "status",
    "done_at", "source_interaction_id", "goal_id", "renegotiated_from_id", "created_at",
    "updated_at",
)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django()
    from django.db import connection

    from keepwarm.clients.models import Client, Contact
    from keepwarm.commitments.models import Commitment
    from keepwarm.interactions.models import Interaction

    migrate_if_needed()
    vendor = connection.vendor
    if args.replace:
        removed = delete_workspaces(args.workspace_name)
        if removed:
            console.print(f"Deleted {removed} earlier workspace(s) named {args.workspace_name!r}.")

    rng = random.Random(args.seed)
    now = int(time.time())
    started = time.perf_counter()
    workspace, users = make_team(args.workspace_name)

    with console.status("Planning clients and interactions"):
        plan_start = time.perf_counter()
        profiles = client_profiles(args.clients, args.contacts, now, rng)
        plan = plan_interactions(profiles, args.interactions, now, rng)
        links = count_links(plan, profiles)
        plan_seconds = time.perf_counter() - plan_start

    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        console=console,
    )
    writer = Writer(progress, rebuild_indexes=not args.keep_indexes)
    m2m = Interaction.contacts.through
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MB while the indexes grow
    try:
        with progress:
            client0, contact0 = writer.next_id(Client), writer.next_id(Contact)
            interaction0, commitment0 = writer.next_id(Interaction), writer.next_id(Commitment)
            writer.write(
                "clients",
                Client,
                CLIENT_COLUMNS,
                client_rows(profiles, (client0, workspace.pk, users), writer, rng),
                len(profiles),
            )
            writer.write(
                "contacts",
                Contact,
                CONTACT_COLUMNS,
                contact_rows(profiles, (contact0, workspace.pk, client0), writer, rng),
                args.contacts,
            )
            writer.write(
                "interactions",
                Interaction,
                INTERACTION_COLUMNS,
                interaction_rows(
                    plan, profiles, (interaction0, workspace.pk, client0, users), writer, rng
                ),
                len(plan.at),
            )
            writer.write(
                "interaction contacts",
                m2m,
                [m2m._meta.get_field("interaction").column, m2m._meta.get_field("contact").column],
                link_rows(plan, profiles, (interaction0, contact0), rng),
                links,
                auto_id=True,
            )
            writer.write(
                "commitments",
                Commitment,
                COMMITMENT_COLUMNS,
                commitment_rows(
                    profiles,
                    args.commitments,
                    now,
                    (commitment0, workspace.pk, client0, contact0, users),
                    writer,
                    rng,
                ),
                args.commitments,
            )
        writer.reset_sequences([Client, Contact, Interaction, Commitment])
    finally:
        if vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=NORMAL")
    analyze_seconds = 0.0
    if vendor == "postgresql" or args.analyze:
        with console.status("ANALYZE"):
            analyze_start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            analyze_seconds = time.perf_counter() - analyze_start
    total_seconds = time.perf_counter() - started

    summary = Table(title=f"Generated workspace {workspace.pk} ({workspace.name!r}) on {vendor}")
    summary.add_column("step")
    summary.add_column("rows", justify="right")
    summary.add_column("seconds", justify="right")
    summary.add_column("rows/s", justify="right")
    summary.add_row("planning (in memory)", "", f"{plan_seconds:.1f}", "")
    rows_total = 0
    for label, rows, seconds in writer.timings:
        rows_total += rows
        summary.add_row(label, f"{rows:,}", f"{seconds:.1f}", f"{rows / seconds:,.0f}")
    if analyze_seconds:
        summary.add_row("ANALYZE", "", f"{analyze_seconds:.1f}", "")
    summary.add_row(
        "total", f"{rows_total:,}", f"{total_seconds:.1f}", f"{rows_total / total_seconds:,.0f}"
    )
    console.print(summary)
    console.print(db_info(workspace.pk))
    console.print(
        f"Sign in as {TEAM[0][0]} (or {TEAM[1][0]}) with password {PASSWORD!r} to browse it. "
        f"Seed {args.seed}; clock {dt.datetime.fromtimestamp(now, dt.UTC):%Y-%m-%d %H:%M} UTC."
    )


if __name__ == "__main__":
    main()
