"""Reading a mailbox over IMAP into the interaction log, incrementally and idempotently.

Each watched folder keeps (UIDVALIDITY, highest UID read) in a FolderState. A sync asks the
server only for UIDs above that, fetches them in batches with BODY.PEEK[] (which leaves the
\\Seen flag alone) and hands the raw messages to the mail app's ingestion, which knows a
message it has already imported. When the server changes a folder's UIDVALIDITY, old UIDs
mean nothing any more: the folder is read again from the start, and ingestion skips every
message it already holds, so nothing is doubled.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from imapclient.exceptions import IMAPClientError, LoginError

from keepwarm.accounts.models import User
from keepwarm.mail.ingest import ingest_messages
from keepwarm.mailboxes.crypto import SecretUnreadable, decrypt
from keepwarm.mailboxes.models import (
    FolderRole,
    FolderState,
    MailboxAccount,
    MailboxSettings,
    SyncRun,
)
from keepwarm.mailboxes.network import HostRefused, PinnedIMAPClient, connect, pin

logger = logging.getLogger("keepwarm.mailboxes")

# Sizes are asked for this many UIDs at a time; bodies are then fetched, ingested and
# committed in chunks of at most CHUNK messages and CHUNK_BYTES, so memory stays bounded
# whatever the mailbox holds.
SIZE_BATCH = 500
CHUNK = 200
CHUNK_BYTES = 16 * 1024 * 1024
# A sync that has held its mailbox this long is taken to have crashed.
SYNC_LEASE = dt.timedelta(minutes=30)
ALREADY_SYNCING = "Another sync of this mailbox is running; this one did nothing."
TOO_LARGE = -1  # the size recorded for a message that is skipped, not fetched

Progress = Callable[[str, int, int], None]


class MailboxError(Exception):
    """A mailbox could not be reached or read; the message says why in plain words."""


@dataclass(frozen=True)
class FolderInfo:
    """A folder on the server, and what kind of mail it seems to hold."""

    name: str
    special_use: str  # "\\Sent", "\\Inbox", ... or ""
    suggested_role: str  # FolderRole value, or "" for neither

    @property
    def is_sent(self) -> bool:
        return self.suggested_role == FolderRole.SENT


SPECIAL_USES = (b"\\Sent", b"\\Drafts", b"\\Junk", b"\\Trash", b"\\Archive", b"\\All", b"\\Flagged")


def explain(exc: BaseException, account: MailboxAccount) -> str:
    """Return a plain sentence for what went wrong talking to the account's server."""
    where = f"{account.host}:{account.port}"
    if isinstance(exc, HostRefused | SecretUnreadable | MailboxError):
        return str(exc)
    if isinstance(exc, LoginError):
        return (
            f"The mail server refused the username or password for {account.username}. "
            "Check them; many providers (Gmail, iCloud, Outlook) need an app password here."
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"The certificate of {account.host} could not be trusted: "
            f"{exc.verify_message or exc.reason}."
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"The secure connection to {where} failed ({exc.reason or exc}). Check that the "
            "security setting matches the port: TLS is usually 993, STARTTLS 143."
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"The mail server at {where} did not answer within {settings.MAIL_IMAP_TIMEOUT} s."
    if isinstance(exc, ConnectionRefusedError):
        return f"Nothing answered at {where}. Check the host and the port."
    if isinstance(exc, OSError):
        return f"Could not reach {where}: {exc.strerror or exc}."
    if isinstance(exc, IMAPClientError):
        return f"The mail server said: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _allow_private(account: MailboxAccount) -> bool:
    return MailboxSettings.objects.filter(
        workspace_id=account.workspace_id, allow_private_hosts=True
    ).exists()


def open_connection(account: MailboxAccount, *, password: str | None = None) -> PinnedIMAPClient:
    """Resolve, check and pin the account's host, then log in (raises on any failure)."""
    target = pin(account.host, account.port, allow_private=_allow_private(account))
    secret = password if password is not None else decrypt(account.password_encrypted)
    return connect(target, security=account.security, username=account.username, password=secret)


def list_folders(client: PinnedIMAPClient) -> list[FolderInfo]:
    """Return the server's selectable folders, the inbox first, sent-mail ones marked."""
    folders = []
    for flags, _delimiter, name in client.list_folders():
        if b"\\Noselect" in flags or b"\\NonExistent" in flags:
            continue
        special = next((f.decode() for f in flags if f in SPECIAL_USES), "")
        name = str(name)
        role: str = ""
        if name.upper() == "INBOX":
            role = FolderRole.INBOUND
        elif special == "\\Sent":
            role = FolderRole.SENT
        folders.append(FolderInfo(name=name, special_use=special, suggested_role=role))
    folders.sort(key=lambda f: (f.name.upper() != "INBOX", f.suggested_role != "sent", f.name))
    return folders


def mailbox_probe(account: MailboxAccount, *, password: str | None = None) -> list[FolderInfo]:
    """Log in to the account's server and list its folders (MailboxError saying why not)."""
    try:
        with open_connection(account, password=password) as client:
            return list_folders(client)
    except Exception as exc:
        raise MailboxError(explain(exc, account)) from exc


def _batches(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _chunks(sized: list[tuple[int, int]]) -> Iterable[list[tuple[int, int]]]:
    """Split (uid, size) pairs into runs of at most CHUNK messages and CHUNK_BYTES."""
    chunk: list[tuple[int, int]] = []
    total = 0
    for uid, size in sized:
        if chunk and (len(chunk) >= CHUNK or total + size > CHUNK_BYTES):
            yield chunk
            chunk, total = [], 0
        chunk.append((uid, size))
        total += max(size, 0)
    if chunk:
        yield chunk


def _count(run: SyncRun, status: str) -> None:
    if status == "imported":
        run.imported += 1
    elif status == "duplicate":
        run.duplicates += 1
    elif status == "unmatched":
        run.unmatched += 1
    else:
        run.quarantined += 1


def _sync_folder(
    client: PinnedIMAPClient,
    account: MailboxAccount,
    folder: str,
    run: SyncRun,
    *,
    by: User | None,
    progress: Progress | None,
    budget: list[int] | None,
    should_stop: Callable[[], bool],
) -> None:
    try:
        selected = client.select_folder(folder, readonly=True)
    except IMAPClientError as exc:
        raise MailboxError(f"The folder “{folder}” could not be opened: {exc}") from exc
    uid_validity = int(selected[b"UIDVALIDITY"])
    state, created = FolderState.objects.get_or_create(
        account=account, folder=folder, defaults={"uid_validity": uid_validity}
    )
    if not created and state.uid_validity != uid_validity:
        logger.info(
            "mailbox %s: %s changed UIDVALIDITY %s -> %s; reading it again",
            account.pk, folder, state.uid_validity, uid_validity,
        )  # fmt: skip
        state.uid_validity = uid_validity
        state.last_uid = 0
        state.updated_at = timezone.now()
        state.save(update_fields=["uid_validity", "last_uid", "updated_at"])
    # "n:*" always matches the highest UID, even one below n: keep only the new ones.
    uids = sorted(
        u for u in client.search(["UID", f"{state.last_uid + 1}:*"]) if u > state.last_uid
    )
    if budget is not None:
        # The rest waits for the next run, which starts from the last UID read.
        uids = uids[: max(budget[0], 0)]
        budget[0] -= len(uids)
    total = len(uids)
    if progress:
        progress(folder, 0, total)
    done = 0
    limit = settings.MAIL_MAX_MESSAGE_BYTES
    source = f"imap:{account.pk}:{folder}"
    for batch in _batches(uids, SIZE_BATCH):
        sizes = client.fetch(batch, ["RFC822.SIZE"])
        sized = []
        for uid in batch:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            # A message over the limit still moves the folder's position on, unread.
            sized.append((uid, TOO_LARGE if size > limit else size))
            run.too_large += size > limit
        for chunk in _chunks(sized):
            if should_stop():
                return
            _ingest_chunk(client, account, state, run, chunk, by=by, source=source)
            done += len(chunk)
            if progress:
                progress(folder, done, total)


def _ingest_chunk(
    client: PinnedIMAPClient,
    account: MailboxAccount,
    state: FolderState,
    run: SyncRun,
    chunk: list[tuple[int, int]],
    *,
    by: User | None,
    source: str,
) -> None:
    wanted = [uid for uid, size in chunk if size != TOO_LARGE]
    raws: list[bytes] = []
    if wanted:
        bodies = client.fetch(wanted, ["BODY.PEEK[]"])
        raws = [bytes(bodies[u][b"BODY[]"]) for u in wanted if u in bodies]
    with transaction.atomic():
        for outcome in ingest_messages(
            workspace=account.workspace,
            raws=raws,
            our_addresses=account.our_addresses,
            source=source,
            by=by,
        ):
            _count(run, outcome.status)
        state.last_uid = chunk[-1][0]
        state.updated_at = timezone.now()
        state.save(update_fields=["last_uid", "updated_at"])
        run.save(update_fields=["imported", "duplicates", "unmatched", "quarantined", "too_large"])


def mailbox_sync(
    *,
    account: MailboxAccount,
    by: User | None = None,
    progress: Progress | None = None,
    max_messages: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> SyncRun:
    """Read the account's new messages into the log and record the run (errors included).

    `max_messages` caps how many are read this time (the next run goes on from there);
    `should_stop` is asked between batches. While another sync holds the mailbox, nothing
    is read and the run returned (not saved) has ALREADY_SYNCING as its error.
    """
    if not _claim(account):
        return SyncRun(account=account, error=ALREADY_SYNCING)
    try:
        return _sync(
            account, by=by, progress=progress, max_messages=max_messages, should_stop=should_stop
        )
    finally:
        MailboxAccount.objects.filter(pk=account.pk).update(syncing_since=None)


def _claim(account: MailboxAccount) -> bool:
    now = timezone.now()
    free = Q(syncing_since__isnull=True) | Q(syncing_since__lt=now - SYNC_LEASE)
    return bool(MailboxAccount.objects.filter(free, pk=account.pk).update(syncing_since=now))


def _sync(
    account: MailboxAccount,
    *,
    by: User | None,
    progress: Progress | None,
    max_messages: int | None,
    should_stop: Callable[[], bool],
) -> SyncRun:
    run = SyncRun.objects.create(account=account)
    budget = [max_messages] if max_messages is not None else None
    try:
        with open_connection(account) as client:
            for folder in account.folder_names:
                if should_stop():
                    break
                _sync_folder(
                    client, account, folder, run, by=by, progress=progress,
                    budget=budget, should_stop=should_stop,
                )  # fmt: skip
    except Exception as exc:
        logger.warning("mailbox %s: sync failed: %s", account.pk, exc)
        run.error = explain(exc, account)[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at", "error"])
    MailboxAccount.objects.filter(pk=account.pk).update(
        last_sync_at=run.finished_at, last_error=run.error
    )
    account.last_sync_at, account.last_error = run.finished_at, run.error
    return run
