"""Search at 1,000,000 interactions: p50/p95 of typical queries against a raw full-text floor,
and what the index triggers cost on insert."""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import console, db_info, migrate_if_needed, qn, setup_django
from generate import RowsPerSecond, Writer, delete_workspaces, make_team, sqlite_datetime
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

WORKSPACE_NAME = "Search bench"
DAY = 86_400
SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "ten",
    "sul",
    "ba",
    "lo",
    "fi",
    "ne",
    "dra",
    "qu",
    "or",
    "an",
    "vel",
    "pi",
    "sta",
    "gor",
    "mu",
    "le",
    "tri",
    "zen",
    "ho",
    "ca",
    "pe",
    "lu",
    "mar",
    "cor",
    "das",
    "fen",
    "gil",
    "hal",
    "jor",
    "kel",
    "lin",
    "nor",
    "pal",
    "ros",
    "sen",
    "tor",
    "ul",
    "var",
    "wen",
    "yor",
]
FIRST = [
    "Lena",
    "Tomas",
    "Aisha",
    "Marek",
    "Nora",
    "Priya",
    "Owen",
    "Ines",
    "Kofi",
    "Hana",
    "Ravi",
    "Sofia",
    "Luca",
    "Maeve",
    "Arjun",
    "Elif",
    "Jonas",
    "Mira",
    "Diego",
    "Yuki",
    "Finn",
    "Zara",
    "Omar",
    "Greta",
    "Theo",
    "Ana",
    "Iris",
    "Bruno",
    "Leila",
    "Sami",
]
LAST = [
    "Ortiz",
    "Novak",
    "Khan",
    "Brennan",
    "Silva",
    "Murphy",
    "Haddad",
    "Larsen",
    "Okafor",
    "Rossi",
    "Tanaka",
    "Weber",
    "Costa",
    "Byrne",
    "Sato",
    "Nilsson",
    "Duarte",
    "Fischer",
    "Quinn",
    "Moreau",
    "Patel",
    "Kowalski",
    "Lindqvist",
    "Achebe",
    "Varga",
]
TRADES = [
    "Dental",
    "Bakery",
    "Law",
    "Plumbing",
    "Charity",
    "Retail",
    "Studio",
    "Clinic",
    "Garage",
    "Florist",
    "Cafe",
    "Builders",
    "Accountants",
    "Pharmacy",
    "Gallery",
    "Brewery",
    "Surveyors",
    "Joinery",
    "Opticians",
    "Kennels",
]
SUBJECTS = (
    "Invoice for {w}", "Re: {w} schedule", "Question about the {w}", "Update on {w}",
    "Quote for {w} work", "Call about {w}", "Meeting notes: {w}", "Thanks for the {w}",
    "Problem with {w}", "Re: Re: {w} delivery",
)  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--contacts", type=int, default=8_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--insert-rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="generate the workspace again")
    parser.add_argument("--no-inserts", action="store_true", help="skip the insert measurement")
    return parser.parse_args(argv)


class Words:
    """A Zipf-distributed vocabulary of made-up words, so that some are everywhere."""

    def __init__(self, rng: random.Random, size: int = 30_000) -> None:
        seen: set[str] = set()
        while len(seen) < size:
            seen.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
        self.words = sorted(seen, key=lambda w: (rng.random(), w))
        weights = [1 / (rank + 10) for rank in range(size)]
        self.cum = list(itertools.accumulate(weights))
        self.rng = rng

    def pick(self, k: int) -> list[str]:
        total, cum, words, rand = self.cum[-1], self.cum, self.words, self.rng.random
        return [words[bisect.bisect(cum, rand() * total)] for _ in range(k)]


def interaction_rows(
    n: int, first_id: int, workspace_id: int, clients: list[int], words: Words, rng: random.Random
) -> Iterator[tuple]:
    import datetime as dt

    now = int(time.time())
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    sqlite = _vendor() == "sqlite"

    def when(s: int) -> Any:
        return sqlite_datetime(s) if sqlite else epoch + dt.timedelta(seconds=s)

    channels = ("email",) * 6 + ("call", "call", "meeting", "message")
    for pos in range(n):
        at = when(now - int(rng.random() * 365 * DAY))
        subject = rng.choice(SUBJECTS).format(w=words.pick(1)[0])
        body = " ".join(words.pick(rng.randint(20, 120)))
        if rng.random() < 0.2:
            body = f"Hi {rng.choice(FIRST)}, " + body + f"\n\nThanks,\n{rng.choice(FIRST)}"
        channel = channels[int(rng.random() * len(channels))]
        yield (
            first_id + pos, workspace_id, rng.choice(clients), channel,
            "inbound" if rng.random() < 0.6 else "outbound", at, subject, body, at, at,
            "", "", "",
        )  # fmt: skip


INTERACTION_COLUMNS = [
    "id", "workspace_id", "client_id", "channel", "direction", "occurred_at", "subject",
    "body", "created_at", "updated_at", "message_id", "in_reply_to", "references",
]  # fmt: skip


def _vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def find_or_build(args: argparse.Namespace) -> tuple[Any, dict[str, float]]:
    """Return the bench workspace (built if missing or too small) and the load rates."""
    from django.db import connection

    from keepwarm.accounts.models import Workspace
    from keepwarm.clients.models import Client, Contact, Goal, PersonalFact
    from keepwarm.interactions.models import Interaction

    workspace = Workspace.objects.filter(name=WORKSPACE_NAME).order_by("-pk").first()
    if workspace is not None and not args.rebuild:
        have = Interaction.objects.filter(workspace=workspace).count()
        if have >= args.interactions:
            console.print(f"Reusing workspace {workspace.pk} with {have:,} interactions.")
            return workspace, {}
    removed = delete_workspaces(WORKSPACE_NAME)
    if removed:
        console.print(f"Deleted {removed} earlier bench workspace(s).")
    rng = random.Random(args.seed)
    words = Words(rng)
    workspace, _ = make_team(WORKSPACE_NAME)
    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        console=console,
    )
    writer = Writer(progress)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    ws = workspace.pk
    with progress:
        c0 = writer.next_id(Client)
        client_ids = list(range(c0, c0 + args.clients))
        writer.write(
            "clients",
            Client,
            ["id", "workspace_id", "name", "industry", "notes", "website", "created_at",
             "updated_at"],
            (
                (c0 + i, ws, f"{words.pick(1)[0].title()} {rng.choice(TRADES)}",
                 rng.choice(TRADES), " ".join(words.pick(15)), "", writer.when(0), writer.when(0))
                for i in range(args.clients)
            ),
            args.clients,
        )  # fmt: skip
        p0 = writer.next_id(Contact)
        writer.write(
            "contacts",
            Contact,
            ["id", "workspace_id", "client_id", "name", "email", "role", "other_emails", "phone",
             "other_phones", "notes", "created_at", "updated_at"],
            (
                (p0 + i, ws, rng.choice(client_ids), f"{(f := rng.choice(FIRST))} {(la := rng.choice(LAST))}",  # noqa: E501
                 f"{f.lower()}.{la.lower()}{i}@example.invalid", "", "", "", "", "",
                 writer.when(0), writer.when(0))
                for i in range(args.contacts)
            ),
            args.contacts,
        )  # fmt: skip
        writer.write(
            "facts",
            PersonalFact,
            ["workspace_id", "contact_id", "category", "text"],
            (
                (ws, p0 + rng.randrange(args.contacts), "interest", " ".join(words.pick(6)))
                for _ in range(args.contacts // 2)
            ),
            args.contacts // 2,
            auto_id=True,
        )
        writer.write(
            "goals",
            Goal,
            ["workspace_id", "client_id", "text"],
            ((ws, c, " ".join(words.pick(5))) for c in client_ids),
            len(client_ids),
            auto_id=True,
        )
        i0 = writer.next_id(Interaction)
        writer.write(
            "interactions",
            Interaction,
            INTERACTION_COLUMNS,
            interaction_rows(args.interactions, i0, ws, client_ids, words, rng),
            args.interactions,
        )
    writer.reset_sequences([Client, Contact, Interaction])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            # What FTS5's automatic merging would reach over time; a fresh bulk load leaves
            # many small segments.
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rates = {label: rows / seconds for label, rows, seconds in writer.timings}
    return workspace, rates


def pick_queries(workspace_id: int) -> dict[str, str]:
    """Choose typical queries from the data itself, by word frequencies in a sample."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM clients_client WHERE workspace_id = %s ORDER BY id LIMIT 1 OFFSET 7",
            [workspace_id],
        )
        client_name = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, email FROM clients_contact WHERE workspace_id = %s "
            "ORDER BY id LIMIT 1 OFFSET 11",
            [workspace_id],
        )
        person, email = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM search_document WHERE workspace_id = %s", [workspace_id]
        )
        documents = cursor.fetchone()[0]
        cursor.execute(
            "SELECT body FROM interactions_interaction WHERE workspace_id = %s "
            "ORDER BY id LIMIT 4000",
            [workspace_id],
        )
        seen: dict[str, int] = {}
        bodies = cursor.fetchall()
    for (body,) in bodies:
        for word in set(body.split()):
            if word.isalpha() and word.islower():
                seen[word] = seen.get(word, 0) + 1
    # Estimated documents holding each word, from its share of the sample.
    estimate = {word: n * documents / len(bodies) for word, n in seen.items()}
    common = max(estimate, key=lambda w: estimate[w])
    mid = min(estimate, key=lambda w: abs(estimate[w] - 1_000))
    broad = min(estimate, key=lambda w: abs(estimate[w] - 20_000))
    return {
        "client name": client_name,
        "person's name": person,
        "email address": email,
        "mid word (~1,000 hits)": mid,
        "broad word (~20,000 hits)": broad,
        "prefix, 3 letters": mid[:3],
        "two words, mid + common": f"{mid} {common}",
        "common word (most hits)": common,
        "no match": "zzqxv",
    }


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _floors(workspace_id: int, q: str) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """Return the two raw floors of a query: ranked over every match, and bounded as search is.

    Both run on the raw DB-API connection against the same full-text index, with LIMIT 20.
    """
    from django.db import connection

    from keepwarm.search.selectors import CAP, fts5_query, search_terms, tsquery

    terms = search_terms(q)
    if connection.vendor == "sqlite":
        words = fts5_query(terms)
        scoped = f'scope : "w{workspace_id}kinteraction" AND {{title body}} : ({words})'
        return {
            "ranked": (
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? "
                "ORDER BY bm25(search_fts, 10.0, 1.0, 0.0) LIMIT 20",
                (words,),
            ),
            "bounded": (
                "SELECT rowid FROM (SELECT rowid, bm25(search_fts, 10.0, 1.0, 0.0) AS s "
                "FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?) "
                "ORDER BY s LIMIT 20",
                (scoped, CAP),
            ),
        }
    query = tsquery(terms)
    return {
        "ranked": (
            "SELECT id FROM search_document WHERE document @@ to_tsquery('simple', %s) "
            "ORDER BY ts_rank(document, to_tsquery('simple', %s)) DESC LIMIT 20",
            (query, query),
        ),
        "bounded": (
            "SELECT id FROM (SELECT id, document FROM search_document "
            "WHERE document @@ to_tsquery('simple', %s) AND workspace_id = %s "
            "ORDER BY id DESC LIMIT %s) s "
            "ORDER BY ts_rank(document, to_tsquery('simple', %s)) DESC LIMIT 20",
            (query, workspace_id, CAP, query),
        ),
    }


def measure_queries(workspace_id: int, queries: dict[str, str], runs: int) -> Table:
    """Time what the page does (count every kind, then one ranked page) and both floors."""
    from django.db import connection

    from keepwarm.search.selectors import SearchResults

    connection.ensure_connection()
    raw = connection.connection
    out = Table(title=f"Search at scale: {runs} runs per query, times in ms")
    columns = ("query", "hits", "search p50", "p95", "bounded floor p50", "p95", "ratio p50",
               "ranked floor p50", "p95")  # fmt: skip
    for column in columns:
        out.add_column(column, justify="left" if column == "query" else "right")
    every: dict[str, list[float]] = {"search": [], "bounded": [], "ranked": []}

    def row(label: str, hits: str, t: dict[str, list[float]]) -> None:
        ms = {k: (pct(v, 0.5) * 1e3, pct(v, 0.95) * 1e3) for k, v in t.items()}
        out.add_row(
            label, hits, f"{ms['search'][0]:.1f}", f"{ms['search'][1]:.1f}",
            f"{ms['bounded'][0]:.1f}", f"{ms['bounded'][1]:.1f}",
            f"{ms['search'][0] / max(ms['bounded'][0], 1e-3):.2f}x",
            f"{ms['ranked'][0]:.1f}", f"{ms['ranked'][1]:.1f}",
        )  # fmt: skip

    for label, q in queries.items():

        def search(q: str = q) -> str:
            results = SearchResults(workspace_id=workspace_id, q=q)
            results.page(0, 20)
            return f"{results.total:,}{'+' if results.more else ''}"

        def floor(sql: str, params: tuple[Any, ...]) -> int:
            cursor = raw.cursor()
            cursor.execute(sql, params)
            n = len(cursor.fetchall())
            cursor.close()
            return n

        times: dict[str, list[float]] = {}
        times["search"], hits = timed(search, runs)
        for name, (sql, params) in _floors(workspace_id, q).items():
            times[name], _ = timed(lambda sql=sql, params=params: floor(sql, params), runs)
        for name, values in times.items():
            every[name] += values
        row(f"{label}: {q!r}", hits, times)
    row("all queries", "", every)
    return out


def measure_inserts(workspace: Any, n: int, seed: int, repeats: int = 3) -> Table:
    """Insert n interactions with and without the index triggers, each rolled back after."""
    from django.db import connection, transaction

    from keepwarm.clients.models import Client
    from keepwarm.interactions.models import Interaction
    from keepwarm.search.schema import SOURCES, trigger_names

    source = next(s for s in SOURCES if s.kind == "interaction")
    drops = [
        f"DROP TRIGGER {name}" + (f" ON {source.table}" if connection.vendor != "sqlite" else "")
        for name in trigger_names(source)
    ]
    client_ids = list(Client.objects.filter(workspace=workspace).values_list("pk", flat=True)[:500])
    words = Words(random.Random(seed + 1), size=30_000)
    out = Table(title=f"Inserting {n:,} interactions, median of {repeats} (each rolled back)")
    for column in ("path", "with triggers rows/s", "without rows/s", "slowdown"):
        out.add_column(column, justify="left" if column == "path" else "right")

    class Rollback(Exception):
        pass

    def run(path: str, triggers: bool) -> float:
        rng = random.Random(seed)
        first = 10**12
        rows = list(interaction_rows(n, first, workspace.pk, client_ids, words, rng))
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    if not triggers:
                        for statement in drops:
                            cursor.execute(statement)
                start = time.perf_counter()
                if path == "raw executemany":
                    cols = ", ".join(qn(c) for c in INTERACTION_COLUMNS)
                    marks = ", ".join(["%s"] * len(INTERACTION_COLUMNS))
                    defaults = (
                        "is_progress, is_problem, is_value_add, is_personal_touch, "
                        "is_job_report, needs_reply"
                    )
                    sql = (
                        f"INSERT INTO interactions_interaction ({cols}, {defaults}) "  # noqa: S608
                        f"VALUES ({marks}, false, false, false, false, false, false)"
                    )
                    with connection.cursor() as cursor:
                        for batch in itertools.batched(rows, 1000):
                            cursor.executemany(sql, batch)
                else:
                    objs = (
                        Interaction(
                            workspace_id=r[1], client_id=r[2], channel=r[3], direction=r[4],
                            occurred_at=_aware(r[5]), subject=r[6], body=r[7],
                        )
                        for r in rows
                    )  # fmt: skip
                    for batch in itertools.batched(objs, 500):
                        Interaction.objects.bulk_create(batch)
                seconds = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
        return n / seconds

    # Alternated and repeated: the first transaction on a freshly opened index pays for
    # warming the cache, whichever variant it is.
    for path in ("raw executemany", "bulk_create (500 a batch)"):
        withs, withouts = [], []
        for _ in range(repeats):
            withs.append(run(path, True))
            withouts.append(run(path, False))
        with_rate, without_rate = statistics.median(withs), statistics.median(withouts)
        out.add_row(
            path, f"{with_rate:,.0f}", f"{without_rate:,.0f}", f"{without_rate / with_rate:.2f}x"
        )
    return out


def _aware(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    console.width = max(console.width, 150)  # the query table is wide
    setup_django()
    migrate_if_needed()
    started = time.perf_counter()
    workspace, rates = find_or_build(args)
    if rates:
        console.print(
            "Load with the triggers indexing as rows arrive: "
            + ", ".join(f"{label} {rate:,.0f} rows/s" for label, rate in rates.items())
            + f" ({time.perf_counter() - started:.0f} s)"
        )
    console.print(db_info(workspace.pk))
    console.print(f"load average before: {os.getloadavg()}")
    queries = pick_queries(workspace.pk)
    console.print(measure_queries(workspace.pk, queries, args.runs))
    if not args.no_inserts:
        console.print(measure_inserts(workspace, args.insert_rows, args.seed))
    console.print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
