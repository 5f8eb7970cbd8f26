"""Import a 20,000-message mbox into a workspace holding 0 and then 1,000,000 interactions.

Prints messages per second, peak memory and the ratio to a floor measured in the same run:
the standard library parsing the same file (compat32, the text part decoded), one indexed
duplicate check per batch and one bulk insert per batch (raw executemany), nothing else.
Goals: at least 500 messages/s on SQLite, within 1.5x of the floor, and the rate at
1,000,000 interactions at least 0.8x the rate at 0.

Each measurement runs in its own process on a fresh copy of a cached database, so the
peak memory is that import's own and both imports start from the same state.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, console, setup_django
from rich.table import Table

CACHE = Path(os.environ.get("KEEPWARM_BENCH_MAIL_CACHE", "/tmp/kw-bench-mail"))  # noqa: S108
WORKSPACE = "Mail bench"
SIZES = {"0": 0, "1m": 1_000_000}
CLIENTS = 500
CONTACTS = 2_500
OURS = "bench-owner@example.invalid"
SEPARATOR = b"From bench@example.invalid Tue Dec  8 09:00:00 2026\n"
BODIES = [
    "Hi, could you send the updated quote for the new pages? We would like to start soon.",
    "The contact form is still not sending emails. Can you check it today please?",
    "Thanks for the report, it reads well. One question about the hosting renewal date.",
    "I am really frustrated, nobody has replied in two weeks and the site is down again.",
    "Could we move Thursday's call to Friday morning? Something came up here.",
    "Great work on the new menu page, the team loves it. Next we want the booking form.",
]


def _data_dir(size: str) -> Path:
    return CACHE / f"db-{size}"


def _run(args: list[str], data_dir: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KEEPWARM_DATA_DIR": str(data_dir)}
    env.pop("KEEPWARM_DATABASE_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, check=True, text=True, **kwargs
    )


def ensure_databases() -> None:
    """Build (once) one SQLite database per size with the same clients and people."""
    for size, interactions in SIZES.items():
        data_dir = _data_dir(size)
        if (data_dir / "keepwarm.sqlite3").exists() and (data_dir / "ready").exists():
            continue
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        console.print(f"Building the cached database with {interactions:,} interactions …")
        _run(
            [
                str(ROOT / "bench" / "generate.py"),
                "--workspace-name",
                WORKSPACE,
                "--clients",
                str(CLIENTS),
                "--contacts",
                str(CONTACTS),
                "--interactions",
                str(interactions),
                "--commitments",
                "0",
                "--seed",
                "7",
            ],
            data_dir,
            stdout=subprocess.DEVNULL,
        )
        (data_dir / "ready").write_text("ok")


def _email(n: int, sender: str, to: str, subject: str, body: str, rng: random.Random) -> bytes:
    """Return one message as a mail server stores it, built by hand (fast and typical)."""
    kind = rng.random()
    day = 1 + n * 86_400 * 300 // 20_000 // 86_400
    headers = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: {_date(day, n)}\r\nMessage-ID: <bench-{n}@mbox.bench.invalid>\r\n"
        "MIME-Version: 1.0\r\n"
    )
    if kind < 0.6:
        return (
            headers + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
        ).encode()
    boundary = f"b{n}"
    html = f"<html><body><p>{body}</p><p>Best wishes</p></body></html>"
    parts = [
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n",
    ]
    if kind >= 0.85:
        blob = rng.randbytes(24_000).hex()  # about 48 KB of attachment lines
        lines = "\r\n".join(blob[i : i + 76] for i in range(0, len(blob), 76))
        parts.append(
            f"--{boundary}\r\nContent-Type: application/pdf; name=quote.pdf\r\n"
            "Content-Disposition: attachment; filename=quote.pdf\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{lines}\r\n"
        )
    kind_header = "mixed" if kind >= 0.85 else "alternative"
    return (
        headers
        + f'Content-Type: multipart/{kind_header}; boundary="{boundary}"\r\n\r\n'
        + "".join(parts)
        + f"--{boundary}--\r\n"
    ).encode()


def _date(day: int, n: int) -> str:
    import datetime as dt
    import email.utils

    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        days=day, seconds=(n * 137) % 80_000
    )
    return email.utils.format_datetime(moment)


def ensure_mbox(messages: int) -> Path:
    """Write (once) the mbox: inbound from known people, our replies, strangers, lists."""
    path = CACHE / f"bench-{messages}.mbox"
    if path.exists():
        return path
    os.environ["KEEPWARM_DATA_DIR"] = str(_data_dir("0"))
    setup_django()
    from keepwarm.clients.models import Contact

    addresses = list(
        Contact.objects.filter(workspace__name=WORKSPACE).values_list("email", flat=True)
    )
    rng = random.Random(11)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        asked: list[tuple[int, str, str]] = []
        for n in range(messages):
            roll = rng.random()
            if roll < 0.25 and asked:
                question, person, subject = asked.pop(rng.randrange(len(asked)))
                raw = _email(n, OURS, person, f"Re: {subject}", "Done, thanks for the note.", rng)
                raw = raw.replace(
                    b"MIME-Version",
                    f"In-Reply-To: <bench-{question}@mbox.bench.invalid>\r\nMIME-Version".encode(),
                    1,
                )
            elif roll < 0.3:
                raw = _email(n, f"someone{n}@gmail.com", OURS, "A question", BODIES[0], rng)
            elif roll < 0.33:
                raw = _email(n, "news@list.example", OURS, "Newsletter", BODIES[5], rng)
                raw = raw.replace(
                    b"MIME-Version", b"List-Id: <news.list.example>\r\nMIME-Version", 1
                )
            else:
                person = rng.choice(addresses)
                subject = f"Website update {n}"
                raw = _email(n, person, OURS, subject, rng.choice(BODIES), rng)
                asked.append((n, person, subject))
            handle.write(SEPARATOR + raw.replace(b"\nFrom ", b"\n>From ") + b"\n")
    tmp.rename(path)
    return path


def ensure_big_mbox(source: Path, gigabytes: float) -> Path:
    """Write (once) an mbox of about this size: the bench mbox again and again, new ids."""
    path = CACHE / f"bench-{gigabytes:g}gb.mbox"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    data = source.read_bytes()
    copies = max(1, round(gigabytes * 2**30 / len(data)))
    with tmp.open("wb") as handle:
        for copy in range(copies):
            handle.write(
                data.replace(b"@mbox.bench.invalid>", f"-{copy}@mbox.bench.invalid>".encode())
            )
    tmp.rename(path)
    return path


def _rss_mb() -> float:
    """Return this process's peak RSS in MB (VmHWM: after exec, not the forking parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, mbox: Path) -> None:
    """Run one measurement in this process and print it as JSON."""
    setup_django()
    from keepwarm.accounts.models import User, Workspace

    workspace = Workspace.objects.get(name=WORKSPACE)
    user = User.objects.get(email=OURS)
    warm = 0.0
    if mode == "import":
        # Loading the word lists and the sentiment lexicon happens once per process;
        # timed on its own so the rate is the import's.
        from keepwarm.lib.plain import warm_up
        from keepwarm.lib.text import sentiment

        started = time.perf_counter()
        warm_up()
        sentiment("ready")
        warm = time.perf_counter() - started
    before = _rss_mb()
    started = time.perf_counter()
    if mode == "import":
        from keepwarm.mail.importing import import_mail_paths

        summary = import_mail_paths(workspace=workspace, paths=[mbox], by=user)
        counts = {
            "imported": summary.imported,
            "duplicates": summary.duplicates,
            "unmatched": summary.unmatched,
            "quarantined": summary.quarantined,
        }
        messages = summary.messages
    else:
        messages = floor(workspace.pk, mbox)
        counts = {}
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "messages": messages,
                "seconds": seconds,
                "rss_before_mb": before,
                "rss_peak_mb": _rss_mb(),
                "warm_up_seconds": warm,
                **counts,
            }
        )
    )


def floor(workspace_id: int, mbox: Path) -> int:
    """Parse with the standard library, check duplicates per batch, insert in bulk."""
    import email.parser
    import email.utils
    import hashlib
    from email import policy

    from django.db import connection, transaction
    from django.utils import timezone

    from keepwarm.mail.importing import split_mbox

    parser = email.parser.BytesParser(policy=policy.compat32)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, client_id FROM clients_contact WHERE workspace_id = %s", [workspace_id]
        )
        clients = dict(cursor.fetchall())
    # Rows go to their senders' clients at their own dates, as the real import's do, so both
    # write to the same places in the indexes (one client at one moment would only append).
    spread = sorted(set(clients.values()))
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    count = 0
    batch: list[tuple[str, str, str, int, Any]] = []

    def flush() -> None:
        keys = [b[0] for b in batch]
        marks = ",".join(["%s"] * len(keys))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT fingerprint FROM mail_mailmessage WHERE workspace_id = %s "  # noqa: S608
                f"AND fingerprint IN ({marks})",
                [workspace_id, *keys],
            )
            seen = {row[0] for row in cursor.fetchall()}
            fresh = [b for b in batch if b[0] not in seen]
            cursor.executemany(
                "INSERT INTO interactions_interaction (workspace_id, client_id, channel, "
                "direction, occurred_at, subject, body, is_progress, is_problem, is_value_add, "
                "is_personal_touch, is_job_report, message_id, in_reply_to, \"references\", "
                "needs_reply, created_at, updated_at) VALUES (%s, %s, 'email', 'inbound', %s, "
                "%s, %s, false, false, false, false, false, %s, '', '', true, %s, %s)",
                [(workspace_id, client, at, s[:300], body, k[:64], now, now)
                 for k, s, body, client, at in fresh],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO mail_mailmessage (workspace_id, fingerprint, message_id, "
                "content_hash, in_reply_to, thread_key, source, created_at) "
                "VALUES (%s, %s, %s, %s, '', '', '', %s)",
                [(workspace_id, k, k, k, now) for k, *_rest in fresh],
            )
        batch.clear()

    for raw, _end in split_mbox(mbox):
        if raw is None:
            continue
        msg = parser.parsebytes(raw)
        body = ""
        for part in msg.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    body = payload.decode(part.get_content_charset() or "utf-8", "replace")
                break
        key = hashlib.sha256(f"{msg.get('Message-ID')}\n{body}".encode()).hexdigest()
        sender = email.utils.parseaddr(str(msg.get("From", "")))[1]
        client = clients.get(sender) or spread[count % len(spread)]
        at = adapt(email.utils.parsedate_to_datetime(str(msg.get("Date"))))
        batch.append((key, str(msg.get("Subject", "")), body, client, at))
        count += 1
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    return count


def measure(mode: str, size: str, mbox: Path) -> dict[str, Any]:
    """Copy the cached database and run one measurement on the copy in a new process."""
    work = CACHE / f"run-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in os.listdir(_data_dir(size)):
        if name.startswith("keepwarm.sqlite3"):
            shutil.copy(_data_dir(size) / name, work / name)
    done = _run([__file__, "--child", mode, "--mbox", str(mbox)], work, stdout=subprocess.PIPE)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--child", choices=["import", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--mbox", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="0,1m", help="which databases: 0, 1m or both")
    parser.add_argument("--runs", type=int, default=2, help="runs of each; the best counts")
    parser.add_argument(
        "--memory-gb",
        type=float,
        help="instead: import one mbox of about this many GB into the empty database and "
        "print the peak memory",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mbox)
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    ensure_databases()
    mbox = ensure_mbox(args.messages)
    if args.memory_gb:
        big = ensure_big_mbox(mbox, args.memory_gb)
        result = measure("import", "0", big)
        console.print(
            f"{big.stat().st_size / 2**30:.2f} GB mbox, {result['messages']:,} messages in "
            f"{result['seconds']:,.0f} s ({result['messages'] / result['seconds']:,.0f} msg/s): "
            f"peak RSS {result['rss_peak_mb']:,.0f} MB "
            f"(+{result['rss_peak_mb'] - result['rss_before_mb']:,.0f} during the import); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        return
    console.print(
        f"mbox: {mbox} ({mbox.stat().st_size / 2**20:,.0f} MB, {args.messages:,} messages); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    rows = []
    rates: dict[str, float] = {}
    for size in args.sizes.split(","):
        # The machine is shared: alternate floor and import, and keep each one's best run.
        floors, imports = [], []
        for _ in range(args.runs):
            floors.append(measure("floor", size, mbox))
            imports.append(measure("import", size, mbox))
        floor_run = min(floors, key=lambda r: r["seconds"])
        ours = min(imports, key=lambda r: r["seconds"])
        rate = ours["messages"] / ours["seconds"]
        floor_rate = floor_run["messages"] / floor_run["seconds"]
        console.print(
            f"{SIZES[size]:,} existing: import runs "
            + ", ".join(f"{r['messages'] / r['seconds']:,.0f}" for r in imports)
            + " msg/s; floor runs "
            + ", ".join(f"{r['messages'] / r['seconds']:,.0f}" for r in floors)
            + f" msg/s; load average {os.getloadavg()[0]:.1f}"
        )
        rates[size] = rate
        rows.append((size, ours, floor_run, rate, floor_rate))
    out = Table(title=f"Importing {args.messages:,} messages (SQLite)")
    for column in ("existing interactions", "import msg/s", "floor msg/s", "ratio",
                   "peak RSS (delta)", "imported / dup / unmatched / quarantined"):  # fmt: skip
        out.add_column(column, justify="right")
    for size, ours, _floor_run, rate, floor_rate in rows:
        out.add_row(
            f"{SIZES[size]:,}",
            f"{rate:,.0f}",
            f"{floor_rate:,.0f}",
            f"{floor_rate / rate:.2f}x",
            f"{ours['rss_peak_mb']:,.0f} MB (+{ours['rss_peak_mb'] - ours['rss_before_mb']:,.0f})",
            f"{ours['imported']:,} / {ours['duplicates']:,} / {ours['unmatched']:,} / "
            f"{ours['quarantined']:,}",
        )
    console.print(out)
    goals = [f"load average now {os.getloadavg()[0]:.1f}"]
    for size, _ours, _floor, rate, floor_rate in rows:
        goals.append(
            f"{SIZES[size]:,} existing: {rate:,.0f} msg/s "
            f"({'meets' if rate >= 500 else 'misses'} >= 500), "
            f"{floor_rate / rate:.2f}x the floor "
            f"({'meets' if floor_rate / rate <= 1.5 else 'misses'} <= 1.5x)"
        )
    if "0" in rates and "1m" in rates:
        scale = rates["1m"] / rates["0"]
        goals.append(
            f"rate at 1M / rate at 0: {scale:.2f} ({'meets' if scale >= 0.8 else 'misses'} >= 0.8)"
        )
    for size, ours, _floor, _rate, _floor_rate in rows:
        goals.append(
            f"{SIZES[size]:,} existing: word lists and lexicon loaded in "
            f"{ours['warm_up_seconds']:.1f} s first (not in the rate)"
        )
    for line in goals:
        console.print(line)


if __name__ == "__main__":
    main()
