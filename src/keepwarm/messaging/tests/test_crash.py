"""Crash safety with real processes: `keepwarm worker` killed with SIGKILL, racing, stopped.

Each test runs real `keepwarm worker` subprocesses against the test database and a real SMTP
server (aiosmtpd on 127.0.0.1), then checks what the server received against the outbox.
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from keepwarm.accounts.models import Workspace
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.services import message_id_for
from keepwarm.messaging.testing import (
    SmtpServer,
    WorkerDatabase,
    spawn_worker,
    wait_for,
)

MESSAGES = 1000
SEED = 20261125
KILLS = 8
FAST = ("--tick-seconds", "0.5", "--idle-seconds", "0.05", "--batch", "10")
TABLE = OutboundMessage._meta.db_table
OPEN_STATES = (MessageState.QUEUED, MessageState.RETRYING, MessageState.SENDING)

pytestmark = pytest.mark.django_db(transaction=True)


Spawn = Callable[..., "subprocess.Popen[bytes]"]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start `keepwarm worker` processes; any still running when the test ends is killed."""
    started: list[subprocess.Popen[bytes]] = []

    def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
        started.append(spawn_worker(env, *args, log=log))
        return started[-1]

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def seed(count: int, *, due_in: dt.timedelta = dt.timedelta(0)) -> set[str]:
    """Create `count` due messages and return their Message-IDs."""
    workspace = Workspace.objects.create(name="Brightside Studio")
    due = timezone.now() + due_in
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            workspace=workspace,
            key=f"report:{n}",
            kind="report",
            message_id=message_id_for(f"report:{n}"),
            from_email="Brightside <hello@brightside.example>",
            to=[f"client{n}@example.org"],
            subject=f"Your weekly update ({n})",
            body_text="Nothing changed this week: the booking page still ships on Friday.",
            next_attempt_at=due,
        )
        for n in range(count)
    )
    return {message_id_for(f"report:{n}") for n in range(count)}


def states(db: WorkerDatabase) -> dict[str, str]:
    return dict(db.rows(f"SELECT message_id, state FROM {TABLE}"))


def open_count(db: WorkerDatabase) -> int:
    listed = ", ".join(f"'{state}'" for state in OPEN_STATES)
    return int(db.rows(f"SELECT count(*) FROM {TABLE} WHERE state IN ({listed})")[0][0])


def stop(worker: subprocess.Popen[bytes], *, timeout: float = 20) -> int:
    worker.send_signal(signal.SIGTERM)
    return worker.wait(timeout=timeout)


def log_lines(log: Path, text: str) -> int:
    return sum(text in line for line in log.read_text(errors="replace").splitlines())


def log_lines_above(log: Path, text: str, count: int) -> bool:
    return log_lines(log, text) > count


def tail(log: Path, lines: int = 30) -> str:
    """Return the end of a worker log, for the message of a failed check."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def test_killing_workers_never_sends_a_message_twice(
    smtp_server: SmtpServer, tmp_path: Path, spawn: Spawn
) -> None:
    ids = seed(MESSAGES)
    db = WorkerDatabase(tmp_path)
    db.share()
    env = {**db.env(), **smtp_server.env()}
    log = tmp_path / "worker.log"
    rng = random.Random(SEED)
    kills = 0
    started = time.monotonic()
    # Kill each worker at a random moment: after a random number of sends (none: in its first
    # tick), a random few milliseconds into the next. However fast the machine, the kills
    # spread over the whole run.
    while kills < KILLS and open_count(db) > 0:
        worker = spawn(env, *FAST, log=log)
        started_once_more = partial(log_lines_above, log, " started: ", kills)
        assert wait_for(started_once_more, timeout=30), tail(log)
        more = rng.randint(0, MESSAGES // KILLS)
        sent_more = partial(log_lines_above, log, " sent: ", log_lines(log, " sent: ") + more - 1)
        wait_for(sent_more, timeout=30, every=0.005)
        time.sleep(rng.uniform(0, 0.03))
        worker.kill()
        worker.wait()
        kills += 1
    # A last worker finishes the rest, notices the sends the others died in, and stops cleanly.
    worker = spawn(env, *FAST, log=log)
    assert wait_for(lambda: open_count(db) == 0, timeout=120, every=0.2), tail(log)
    assert stop(worker) == 0, tail(log)
    elapsed = time.monotonic() - started

    final = states(db)
    received = smtp_server.message_ids()
    uncertain = {mid for mid, state in final.items() if state == MessageState.UNCERTAIN}
    sent = {mid for mid, state in final.items() if state == MessageState.SENT}
    # The figures are worth seeing with -s.
    print(
        f"\n{kills} kills in {elapsed:.1f}s; {len(sent)} sent, {len(uncertain)} uncertain "
        f"({sum(received[m] for m in uncertain)} of those reached the server)"
    )
    assert kills == KILLS
    assert set(final) == ids
    assert sent | uncertain == ids, Counter(final.values())
    # Nothing was lost: every message marked sent reached the server, exactly once.
    assert {mid: received[mid] for mid in sent} == dict.fromkeys(sent, 1)
    # A send a worker died in was never repeated: at most once, and the person decides.
    assert all(received[mid] <= 1 for mid in uncertain)
    assert set(received) <= ids
    assert received.total() == len(sent) + sum(received[m] for m in uncertain)


def test_two_workers_racing_send_each_message_once(
    smtp_server: SmtpServer, tmp_path: Path, spawn: Spawn
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "The race of two workers is a PostgreSQL test (SELECT … FOR UPDATE SKIP LOCKED); "
            "run with KEEPWARM_DATABASE_URL=postgres://… (CI does)."
        )
    ids = seed(MESSAGES, due_in=dt.timedelta(seconds=3))
    db = WorkerDatabase(tmp_path)
    env = {**db.env(), **smtp_server.env()}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = [spawn(env, *FAST, log=log) for log in logs]
    assert wait_for(lambda: open_count(db) == 0, timeout=120, every=0.2), tail(logs[0])
    assert [stop(worker) for worker in workers] == [0, 0], tail(logs[1])

    assert set(states(db).values()) == {MessageState.SENT}
    assert smtp_server.message_ids() == Counter(dict.fromkeys(ids, 1))
    # Both took part: this was a race, not a queue.
    sent_by = [log_lines(log, " sent: report") for log in logs]
    assert sum(sent_by) == MESSAGES
    assert min(sent_by) > 0, sent_by


def test_a_stopped_worker_finishes_the_message_it_holds(
    smtp_server: SmtpServer, tmp_path: Path, spawn: Spawn
) -> None:
    ids = seed(1)
    db = WorkerDatabase(tmp_path)
    db.share()
    smtp_server.handler.delay = 1.0
    log = tmp_path / "worker.log"
    worker = spawn({**db.env(), **smtp_server.env()}, *FAST, log=log)
    assert smtp_server.handler.data_started.wait(timeout=30), tail(log)
    assert stop(worker) == 0, tail(log)
    assert states(db) == dict.fromkeys(ids, MessageState.SENT)
    assert smtp_server.message_ids() == Counter(ids)
    assert log_lines(log, "finishing the current work") == 1
