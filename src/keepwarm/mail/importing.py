"""Import .eml files, folders of them and .mbox files: streamed, batched and resumable."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone

from keepwarm.accounts.models import User, Workspace
from keepwarm.mail.ingest import BATCH_SIZE, IngestOutcome, ingest_messages
from keepwarm.mail.models import ImportRun
from keepwarm.mail.parse import MAX_MESSAGE_BYTES

CHUNK_BYTES = 1024 * 1024
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
TOO_LARGE = "larger than 30 MB"

# progress(what, done, total, messages): done/total in bytes for mbox, files for folders;
# messages read from this source so far.
Progress = Callable[[str, int, int, int], None]


@dataclass
class ImportSummary:
    """What an import did, with the reason for every message it could not take."""

    imported: int = 0
    duplicates: int = 0
    unmatched: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    files: int = 0
    resumed: int = 0

    @property
    def messages(self) -> int:
        return self.imported + self.duplicates + self.unmatched + self.quarantined

    def add(self, outcome: IngestOutcome) -> None:
        if outcome.status == "imported":
            self.imported += 1
        elif outcome.status == "duplicate":
            self.duplicates += 1
        elif outcome.status == "unmatched":
            self.unmatched += 1
        else:
            self.quarantined += 1
            self.reasons[outcome.reason] += 1


def _unescape(raw: bytes) -> bytes:
    """Undo mbox ">From " quoting of body lines."""
    if b"\n>" not in raw:
        return raw
    return _ESCAPED_FROM.sub(rb"\1", raw)


def _message_of(pieces: list[bytes]) -> bytes:
    """Return one mbox entry's email: without its "From " separator line, unquoted."""
    data = b"".join(pieces)
    if data.startswith(b"From "):
        newline = data.find(b"\n")
        data = data[newline + 1 :] if newline >= 0 else b""
    return _unescape(data)


def split_mbox(path: Path, start: int = 0) -> Iterator[tuple[bytes | None, int]]:
    """Yield (message, offset after it) from an mbox, reading it in chunks, never whole.

    A message over the size limit is yielded as None: skipped, never held in memory.
    """
    pieces: list[bytes] = []
    size = 0
    too_large = False

    def add(piece: bytes) -> None:
        nonlocal size, too_large, pieces
        size += len(piece)
        if too_large:
            return
        if size > MAX_MESSAGE_BYTES:
            too_large, pieces = True, []
        else:
            pieces.append(piece)

    with path.open("rb") as handle:
        handle.seek(start)
        buffer = b""
        base = start  # the file offset of buffer[0]
        i = 0  # where the unread part of buffer starts
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if i:
                buffer, base, i = buffer[i:], base + i, 0
            buffer += chunk
            while (j := buffer.find(b"\nFrom ", i)) >= 0:
                add(buffer[i : j + 1])
                yield (None if too_large else _message_of(pieces)), base + j + 1
                pieces, size, too_large = [], 0, False
                i = j + 1
            if not chunk:
                add(buffer[i:])
                if size:
                    yield (None if too_large else _message_of(pieces)), base + len(buffer)
                return
            # Keep a possible "\nFrom" cut by the chunk's end for the next round.
            keep = max(i, len(buffer) - 5)
            add(buffer[i:keep])
            i = keep


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    if path.suffix.lower() == ".eml":
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _eml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".eml")


def _read_eml(path: Path) -> bytes | None:
    if path.stat().st_size > MAX_MESSAGE_BYTES:
        return None
    return path.read_bytes()


@dataclass
class _Source:
    """One import run: a stream of (raw message or None, resume position after it)."""

    run: ImportRun | None
    items: Iterator[tuple[bytes | None, int]]
    size: int
    start: int


def _run_for(workspace: Workspace, key: str, size: int) -> tuple[ImportRun, int]:
    """Return the import run for this path and where to resume (0 unless it was interrupted)."""
    run, _ = ImportRun.objects.get_or_create(workspace=workspace, path=key[:1000])
    resumable = run.finished_at is None and 0 < run.offset <= size and run.size == size
    if not resumable:
        run.offset = 0
        run.imported = run.duplicates = run.unmatched = run.quarantined = 0
        run.started_at = timezone.now()
    run.size = size
    run.finished_at = None
    run.save()
    return run, run.offset


def _sources(workspace: Workspace, path: Path) -> Iterator[_Source]:
    if path.is_dir():
        files = _eml_files(path)
        mboxes = sorted(p for p in path.rglob("*.mbox") if p.is_file())
        if files:
            run, start = _run_for(workspace, f"{path.resolve()}/*.eml", len(files))
            items = ((_read_eml(f), i + 1) for i, f in enumerate(files[start:], start))
            yield _Source(run, items, len(files), start)
        for mbox in mboxes:
            yield from _sources(workspace, mbox)
        return
    if _is_mbox(path):
        size = path.stat().st_size
        run, start = _run_for(workspace, str(path.resolve()), size)
        if start:
            with path.open("rb") as handle:
                handle.seek(start)
                if handle.read(5) != b"From ":
                    run.offset = start = 0
        yield _Source(run, split_mbox(path, start), size, start)
        return
    yield _Source(None, iter([(_read_eml(path), 1)]), 1, 0)


# Pages of write-ahead log the import lets build up before SQLite copies them back into the
# database file (SQLite's default is 1,000 pages, 4 MB): 128 MB, on disk, not in memory.
IMPORT_WAL_BYTES = 128 * 1024 * 1024


@contextlib.contextmanager
def _import_sqlite() -> Iterator[None]:
    """Set the import's own SQLite connection up for a long write, then put it back.

    The memory map goes off: a long import writes all over a growing database file;
    mapped, every page it touches stays in the process's memory (clean and file-backed,
    but counted), so memory would grow with the import instead of staying flat. The page
    cache alone is bounded.

    Checkpoints come less often: each batch dirties index pages all over the interaction
    table's ten indexes and the search index, and with SQLite's default a checkpoint
    copied them back into the database after nearly every batch, the same pages again
    and again; at 1,000,000 existing interactions the commits took over a quarter of
    the import. The log stays on disk; one checkpoint at the end writes it back.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        mmap = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint")
        autocheckpoint = cursor.fetchone()
        cursor.execute("PRAGMA page_size")
        page = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size = 0")
        pages = IMPORT_WAL_BYTES // int(page[0] if page else 4096)
        cursor.execute(f"PRAGMA wal_autocheckpoint = {pages}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size = {int(mmap[0]) if mmap else 0}")
            cursor.execute(
                f"PRAGMA wal_autocheckpoint = {int(autocheckpoint[0]) if autocheckpoint else 1000}"
            )
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def import_mail_paths(
    *,
    workspace: Workspace,
    paths: Collection[Path],
    our_addresses: Collection[str] = (),
    by: User | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import every message under `paths`; an interrupted import resumes where it stopped."""
    summary = ImportSummary()
    with _import_sqlite():
        for path in paths:
            for source in _sources(workspace, Path(path)):
                summary.files += 1
                if source.start:
                    summary.resumed += 1
                _import_source(workspace, source, summary, our_addresses, by, progress)
    return summary


def _import_source(
    workspace: Workspace,
    source: _Source,
    summary: ImportSummary,
    our_addresses: Collection[str],
    by: User | None,
    progress: Progress | None,
) -> None:
    run = source.run
    ends: list[int] = []
    last_end = source.start

    def raws() -> Iterator[bytes]:
        for raw, end in source.items:
            if raw is None:
                # Too large to hold: counted here, never read into memory.
                summary.quarantined += 1
                summary.reasons[TOO_LARGE] += 1
                if run is not None:
                    run.quarantined += 1
                continue
            ends.append(end)
            yield raw

    label = run.path if run else "file"
    done = 0
    seen = 0
    for outcome in ingest_messages(
        workspace=workspace, raws=raws(), our_addresses=our_addresses, source=label, by=by
    ):
        summary.add(outcome)
        done += 1
        seen += 1
        if run is not None:
            setattr(run, _RUN_FIELDS[outcome.status], getattr(run, _RUN_FIELDS[outcome.status]) + 1)
        last_end = ends[done - 1]
        if done % BATCH_SIZE == 0:
            # Every outcome arrives after its batch was committed: safe to move the mark on.
            if run is not None:
                run.offset = last_end
                run.save(update_fields=[*_RUN_FIELDS.values(), "offset"])
            del ends[:done]
            done = 0
        if progress is not None:
            progress(label, last_end, source.size, seen)
    if run is not None:
        run.offset = source.size
        run.finished_at = timezone.now()
        run.save()
    if progress is not None:
        progress(label, source.size, source.size, seen)


_RUN_FIELDS = {
    "imported": "imported",
    "duplicate": "duplicates",
    "unmatched": "unmatched",
    "quarantined": "quarantined",
}
