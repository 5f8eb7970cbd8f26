"""Turn raw emails into interactions: matched, threaded, answered, never imported twice.

`ingest_messages` is the one entry point for every source (files, IMAP): it yields one
outcome per message in order and commits every batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Model
from django.utils import timezone

from keepwarm.accounts.models import User, Workspace
from keepwarm.accounts.services import audit_record
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.interactions.services import _reading_ease_of, _sentiment_of
from keepwarm.mail.hours import response_seconds
from keepwarm.mail.limits import MessageTimeout, time_limit
from keepwarm.mail.matching import Match, Matcher
from keepwarm.mail.models import MailMessage, MailSettings, UnmatchedMessage
from keepwarm.mail.parse import ParsedMessage, Quarantine, process_message
from keepwarm.mail.rules import needs_reply_reason

BATCH_SIZE = 500
# A batch of large messages is cut early so memory stays flat whatever they carry.
BATCH_BYTES = 8 * 1024 * 1024
# How long one message may take to read; a hostile one is quarantined, the rest go on.
MESSAGE_TIME_LIMIT = 5.0
# A "Re:" without ids threads onto the same subject of the same client this recently.
SUBJECT_WINDOW = dt.timedelta(days=30)
# Sentiment reads the writer's own words near the top; a long tail changes nothing.
SENTIMENT_CHARS = 20_000
ID_CHARS = 500
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|fw|fwd|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.I)

Status = Literal["imported", "duplicate", "unmatched", "quarantined"]


@dataclass(frozen=True)
class IngestOutcome:
    status: Status
    reason: str = ""
    interaction_id: int | None = None


MAIL_COLUMNS = (
    "workspace", "fingerprint", "message_id", "content_hash", "in_reply_to", "thread_key",
    "interaction", "source", "created_at",
)  # fmt: skip


def _insert(model: type[Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows (values for these fields, in this order) in one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(getattr(model._meta.get_field(c), "column", c)) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})",  # noqa: S608
            rows,
        )


def _insert_interactions(interactions: list[Interaction], now: dt.datetime) -> None:
    """Insert interactions in multi-row INSERTs and set their ids (as bulk_create does).

    Values are taken as the model holds them (dates adapted), which costs a fraction of
    the ORM's per-value preparation; the rows are the same.
    """
    if not interactions:
        return
    ops = connection.ops
    fields = [f for f in Interaction._meta.concrete_fields if not f.primary_key]
    plain = (
        models.CharField, models.TextField, models.BooleanField, models.FloatField,
        models.IntegerField, models.ForeignKey,
    )  # fmt: skip
    # (attribute, how to adapt it): "date" and "prep" go through the backend, "" as held.
    plan: list[tuple[str, str, Any]] = [
        (
            f.attname,
            "date"
            if isinstance(f, models.DateTimeField)
            else ""
            if isinstance(f, plain)
            else "prep",
            f,
        )
        for f in fields
    ]
    for obj in interactions:
        obj.updated_at = now
    quote = ops.quote_name
    names = ", ".join(quote(str(f.column)) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(500, (connection.features.max_query_params or 999) // len(fields)))
    returning = connection.features.can_return_rows_from_bulk_insert
    for start in range(0, len(interactions), per_statement):
        chunk = interactions[start : start + per_statement]
        params: list[Any] = []
        for obj in chunk:
            for attname, adapt, model_field in plan:
                value = getattr(obj, attname)
                if adapt == "date":
                    value = ops.adapt_datetimefield_value(value)
                elif adapt == "prep":
                    value = model_field.get_db_prep_save(value, connection)
                params.append(value)
        sql = (
            f"INSERT INTO {quote(Interaction._meta.db_table)} ({names}) VALUES "  # noqa: S608
            + ", ".join([row] * len(chunk))
        )
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(sql + f" RETURNING {quote('id')}", params)
                ids = [r[0] for r in cursor.fetchall()]
            else:
                Interaction.objects.bulk_create(chunk)
                continue
        for obj, pk in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


def fingerprint(message_id: str, content_hash: str) -> str:
    """Return the key that makes a message unique in a workspace: its id and its content."""
    return hashlib.sha256(f"{message_id}\n{content_hash}".encode()).hexdigest()


def normalise_subject(subject: str) -> str:
    """Return a subject without "Re:"/"Fwd:" prefixes, lower-cased, for the thread fallback."""
    return " ".join(_REPLY_PREFIX.sub("", subject).split()).lower()


@dataclass
class _Pending:
    """One new message of a batch on its way to becoming an interaction or an unmatched row."""

    index: int
    parsed: ParsedMessage
    key: str
    direction: str
    occurred_at: dt.datetime
    addresses: list[str]
    match: Match | None = None
    interaction: Interaction | None = None
    thread_key: str = ""
    answers: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class _Known:
    """An interaction already stored, as threading needs it."""

    pk: int
    client_id: int
    direction: str
    occurred_at: dt.datetime
    needs_reply: bool
    answered: bool
    thread_key: str


class _Ingest:
    def __init__(
        self, workspace: Workspace, our_addresses: Collection[str], source: str, by: User | None
    ) -> None:
        self.workspace = workspace
        self.source = source[:300]
        self.by = by
        self.matcher = Matcher.load(workspace, our_addresses)
        self.settings = MailSettings.objects.filter(workspace=workspace).first()

    # Reading -------------------------------------------------------------------------------

    def _read(self, raw: bytes) -> ParsedMessage | Quarantine:
        try:
            with time_limit(MESSAGE_TIME_LIMIT):
                return process_message(raw)
        except MessageTimeout:
            return Quarantine("took too long to read", hashlib.sha256(raw).hexdigest())

    def _pending(self, index: int, parsed: ParsedMessage, now: dt.datetime) -> _Pending:
        outbound = self.matcher.is_ours(parsed.from_address)
        if outbound:
            addresses = [*parsed.to, *parsed.cc]
        else:
            addresses = [parsed.from_address, *parsed.to, *parsed.cc]
        occurred = parsed.date or now
        if occurred > now:
            occurred = now
        return _Pending(
            index=index,
            parsed=parsed,
            key=fingerprint(parsed.message_id, parsed.content_hash),
            direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
            occurred_at=occurred,
            addresses=[a for a in addresses if a],
        )

    # Threading -----------------------------------------------------------------------------

    def _known_by_id(self, ids: set[str]) -> dict[str, _Known]:
        """Return stored interactions by Message-ID, with their thread keys."""
        if not ids:
            return {}
        # By Message-ID alone, then the workspace in Python: with the workspace in the WHERE,
        # SQLite may walk a workspace index over every interaction instead of this one.
        rows = [
            row[1:]
            for row in Interaction.objects.filter(message_id__in=ids).values_list(
                "workspace_id",
                "pk",
                "message_id",
                "client_id",
                "direction",
                "occurred_at",
                "needs_reply",
                "first_response_seconds",
            )
            if row[0] == self.workspace.pk
        ]
        threads = dict(
            MailMessage.objects.filter(interaction_id__in=[r[0] for r in rows]).values_list(
                "interaction_id", "thread_key"
            )
        )
        return {
            mid: _Known(pk, client, direction, at, needs, frs is not None, threads.get(pk, mid))
            for pk, mid, client, direction, at, needs, frs in rows
        }

    def _known_by_subject(self, wanted: list[_Pending]) -> dict[tuple[int, str], list[_Known]]:
        """Return recent email interactions of these clients by normalised subject."""
        if not wanted:
            return {}
        earliest = min(p.occurred_at for p in wanted) - SUBJECT_WINDOW
        latest = max(p.occurred_at for p in wanted)
        subjects = {normalise_subject(p.parsed.subject) for p in wanted}
        # The clients are this workspace's (the matcher's); leaving the workspace out of the
        # WHERE lets the (client, occurred_at) index answer instead of a workspace-wide one.
        rows = Interaction.objects.filter(
            client_id__in={p.match.client_id for p in wanted if p.match},
            channel=Channel.EMAIL,
            occurred_at__gte=earliest,
            occurred_at__lte=latest,
        ).values_list(
            "pk", "client_id", "subject", "direction", "occurred_at", "needs_reply",
            "first_response_seconds", "message_id",
        )  # fmt: skip
        found: dict[tuple[int, str], list[_Known]] = {}
        pks: list[int] = []
        for pk, client, subject, direction, at, needs, frs, mid in rows.order_by("occurred_at"):
            norm = normalise_subject(subject)
            if norm in subjects:
                found.setdefault((client, norm), []).append(
                    _Known(pk, client, direction, at, needs, frs is not None, mid)
                )
                pks.append(pk)
        threads = dict(
            MailMessage.objects.filter(interaction_id__in=pks).values_list(
                "interaction_id", "thread_key"
            )
        )
        for knowns in found.values():
            for known in knowns:
                known.thread_key = threads.get(known.pk, known.thread_key)
        return found

    def _thread(self, batch: list[_Pending]) -> dict[int, _Known]:
        """Find each message's parents, take their client and thread, and note what it answers.

        Returns the inbound interactions that this batch's replies answer, by pk.
        """
        ids: set[str] = set()
        for p in batch:
            ids.update(r[:ID_CHARS] for r in p.parsed.references)
            if p.parsed.in_reply_to:
                ids.add(p.parsed.in_reply_to[:ID_CHARS])
        known = self._known_by_id(ids)
        in_batch: dict[str, _Pending] = {}
        answered: dict[int, _Known] = {}
        fallback: list[_Pending] = []
        for p in batch:
            parents = [p.parsed.in_reply_to, *reversed(p.parsed.references)]
            parents = [m[:ID_CHARS] for m in dict.fromkeys(parents) if m]
            stored = [known[m] for m in parents if m in known]
            earlier = [in_batch[m] for m in parents if m in in_batch]
            if p.match is None:
                # A reply in a thread we know belongs to that thread's client.
                client_id = next(
                    (k.client_id for k in stored),
                    next((e.match.client_id for e in earlier if e.match), None),
                )
                if client_id is not None:
                    p.match = Match(client_id=client_id, contact_ids=(), how="thread")
            if stored:
                p.thread_key = stored[0].thread_key
            elif earlier:
                p.thread_key = earlier[0].thread_key
            elif parents:
                p.thread_key = parents[-1]
            else:
                p.thread_key = p.parsed.message_id[:ID_CHARS]
                if p.match and _REPLY_PREFIX.match(p.parsed.subject):
                    fallback.append(p)
            if p.direction == Direction.OUTBOUND and p.match:
                for k in stored:
                    if self._answers(p, k):
                        answered[k.pk] = k
                        p.answers.append(k.pk)
                for e in earlier:
                    if (
                        e.direction == Direction.INBOUND
                        and e.match is not None
                        and e.match.client_id == p.match.client_id
                    ):
                        p.answers.append(-1 - e.index)
            in_batch.setdefault(p.parsed.message_id[:ID_CHARS], p)
        self._thread_by_subject(batch, fallback, answered)
        return answered

    def _thread_by_subject(
        self, batch: list[_Pending], fallback: list[_Pending], answered: dict[int, _Known]
    ) -> None:
        """Thread a "Re:" without ids onto the latest same subject of the same client."""
        by_subject = self._known_by_subject(fallback)
        for p in fallback:
            assert p.match is not None
            topic = (p.match.client_id, normalise_subject(p.parsed.subject))
            stored = [k for k in by_subject.get(topic, []) if k.occurred_at <= p.occurred_at]
            earlier = [
                e
                for e in batch
                if e.index < p.index
                and e.match
                and (e.match.client_id, normalise_subject(e.parsed.subject)) == topic
                and e.occurred_at <= p.occurred_at
            ]
            if stored:
                p.thread_key = stored[-1].thread_key
            if earlier:
                p.thread_key = earlier[-1].thread_key
            if p.direction != Direction.OUTBOUND:
                continue
            for k in stored:
                if self._answers(p, k):
                    answered[k.pk] = k
                    p.answers.append(k.pk)
            p.answers.extend(-1 - e.index for e in earlier if e.direction == Direction.INBOUND)

    @staticmethod
    def _answers(reply: _Pending, known: _Known) -> bool:
        return (
            known.direction == Direction.INBOUND
            and known.needs_reply
            and not known.answered
            and known.client_id == (reply.match.client_id if reply.match else None)
            and known.occurred_at <= reply.occurred_at
        )

    # Writing -------------------------------------------------------------------------------

    def _interaction(self, p: _Pending, now: dt.datetime) -> Interaction:
        parsed = p.parsed
        assert p.match is not None
        inbound = p.direction == Direction.INBOUND
        reason = needs_reply_reason(parsed) if inbound else ""
        body = parsed.body
        return Interaction(
            workspace=self.workspace,
            client_id=p.match.client_id,
            channel=Channel.EMAIL,
            direction=p.direction,
            occurred_at=p.occurred_at,
            subject=parsed.subject[:300],
            body=body,
            message_id=parsed.message_id[:ID_CHARS],
            in_reply_to=parsed.in_reply_to[:ID_CHARS],
            references=" ".join(parsed.references),
            needs_reply=inbound and not reason,
            sentiment=_sentiment_of(p.direction, parsed.subject, body[:SENTIMENT_CHARS]),
            reading_ease=_reading_ease_of(p.direction, Channel.EMAIL, body[:SENTIMENT_CHARS]),
            logged_by=self.by,
            created_at=now,
        )

    def _unmatched(self, p: _Pending, mail: MailMessage) -> UnmatchedMessage:
        parsed = p.parsed
        inbound = p.direction == Direction.INBOUND
        address = p.addresses[0] if p.addresses else parsed.from_address
        return UnmatchedMessage(
            workspace=self.workspace,
            mail=mail,
            direction=p.direction,
            address=address[:320],
            name=parsed.names.get(address, "")[:200],
            other_addresses="\n".join(a for a in p.addresses[1:] if not self.matcher.is_ours(a)),
            subject=parsed.subject[:300],
            body=parsed.body,
            occurred_at=p.occurred_at,
            message_id=parsed.message_id[:ID_CHARS],
            in_reply_to=parsed.in_reply_to[:ID_CHARS],
            references=" ".join(parsed.references),
            needs_reply=inbound and not needs_reply_reason(parsed),
            sentiment=_sentiment_of(p.direction, parsed.subject, parsed.body[:SENTIMENT_CHARS]),
        )

    def _answered_later(self, batch: list[_Pending]) -> dict[str, tuple[int, dt.datetime]]:
        """Return replies already stored for this batch's inbound messages (imported earlier)."""
        ids = {
            p.parsed.message_id[:ID_CHARS]
            for p in batch
            if p.direction == Direction.INBOUND and p.interaction and p.interaction.needs_reply
        }
        if not ids:
            return {}
        rows = MailMessage.objects.filter(
            workspace=self.workspace,
            in_reply_to__in=ids,
            interaction__direction=Direction.OUTBOUND,
        ).values_list("in_reply_to", "interaction_id", "interaction__occurred_at")
        found: dict[str, tuple[int, dt.datetime]] = {}
        for mid, pk, at in rows:
            if mid not in found or at < found[mid][1]:
                found[mid] = (pk, at)
        return found

    def _store(self, batch: list[_Pending], now: dt.datetime) -> None:
        answered = self._thread(batch)
        for p in batch:
            if p.match is not None:
                p.interaction = self._interaction(p, now)
        # Replies imported before the message they answer (a Sent folder first).
        later = self._answered_later(batch)
        for p in batch:
            reply = later.get(p.parsed.message_id[:ID_CHARS])
            if p.interaction and reply and reply[1] >= p.occurred_at:
                p.interaction.needs_reply = False
                p.interaction.replied_by_id = reply[0]
                p.interaction.first_response_seconds = self._seconds(p.occurred_at, reply[1])
        _insert_interactions([p.interaction for p in batch if p.interaction], now)
        through = Interaction.contacts.through
        _insert(
            through,
            ("interaction", "contact"),
            [
                (p.interaction.pk, c)
                for p in batch
                if p.interaction and p.match
                for c in p.match.contact_ids
            ],
        )
        # Rows nothing points at go in as plain rows; the ORM would cost as much as parsing.
        when = connection.ops.adapt_datetimefield_value(now)
        _insert(
            MailMessage,
            MAIL_COLUMNS,
            [
                (
                    self.workspace.pk,
                    p.key,
                    p.parsed.message_id,
                    p.parsed.content_hash,
                    p.parsed.in_reply_to[:ID_CHARS],
                    p.thread_key,
                    p.interaction.pk,
                    self.source,
                    when,
                )
                for p in batch
                if p.interaction is not None
            ],
        )
        lost = [p for p in batch if p.interaction is None]
        mails = MailMessage.objects.bulk_create(
            MailMessage(
                workspace=self.workspace,
                fingerprint=p.key,
                message_id=p.parsed.message_id,
                content_hash=p.parsed.content_hash,
                in_reply_to=p.parsed.in_reply_to[:ID_CHARS],
                thread_key=p.thread_key,
                source=self.source,
                created_at=now,
            )
            for p in lost
        )
        UnmatchedMessage.objects.bulk_create(
            self._unmatched(p, mail) for p, mail in zip(lost, mails, strict=True)
        )
        self._mark_answered(batch, answered, now)

    def _seconds(self, start: dt.datetime, end: dt.datetime) -> int:
        return response_seconds(start, end, self.settings, self.workspace.time_zone)

    def _mark_answered(
        self, batch: list[_Pending], answered: dict[int, _Known], now: dt.datetime
    ) -> None:
        """Mark the messages our replies in this batch answer: the first reply sets the clock."""
        by_index = {p.index: p for p in batch}
        done: set[int] = set()
        updates: list[tuple[Any, ...]] = []
        when = connection.ops.adapt_datetimefield_value(now)
        for p in sorted(batch, key=lambda x: x.occurred_at):
            if not p.answers or p.interaction is None:
                continue
            for target in p.answers:
                if target >= 0:
                    pk, asked_at = answered[target].pk, answered[target].occurred_at
                else:
                    question = by_index.get(-1 - target)
                    inbound = question.interaction if question else None
                    if inbound is None or not inbound.needs_reply:
                        continue
                    pk, asked_at = inbound.pk, inbound.occurred_at
                if pk in done or asked_at > p.occurred_at:
                    continue
                done.add(pk)
                updates.append((p.interaction.pk, self._seconds(asked_at, p.occurred_at), when, pk))
        if updates:
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {quote(Interaction._meta.db_table)} SET {quote('needs_reply')} = %s, "  # noqa: S608
                    f"{quote('replied_by_id')} = %s, {quote('first_response_seconds')} = %s, "
                    f"{quote('updated_at')} = %s WHERE {quote('id')} = %s "
                    f"AND {quote('first_response_seconds')} IS NULL",
                    [(False, *row) for row in updates],
                )

    # The batch -----------------------------------------------------------------------------

    def batch(self, raws: list[bytes]) -> list[IngestOutcome]:
        now = timezone.now()
        outcomes: list[IngestOutcome | None] = [None] * len(raws)
        pending: list[_Pending] = []
        for index, raw in enumerate(raws):
            parsed = self._read(raw)
            if isinstance(parsed, Quarantine):
                outcomes[index] = IngestOutcome("quarantined", parsed.reason)
                continue
            p = self._pending(index, parsed, now)
            p.match = self.matcher.match(p.addresses)
            pending.append(p)
        for attempt in range(2):
            try:
                self._store_new(pending, outcomes, now)
                break
            except IntegrityError:
                # Another import stored some of these meanwhile: check again, once.
                if attempt:
                    raise
        return [o for o in outcomes if o is not None]

    @transaction.atomic
    def _store_new(
        self, pending: list[_Pending], outcomes: list[IngestOutcome | None], now: dt.datetime
    ) -> None:
        existing = set(
            MailMessage.objects.filter(
                workspace=self.workspace, fingerprint__in=[p.key for p in pending]
            ).values_list("fingerprint", flat=True)
        )
        fresh: list[_Pending] = []
        for p in pending:
            if p.key in existing:
                outcomes[p.index] = IngestOutcome("duplicate", "already imported")
                continue
            existing.add(p.key)
            fresh.append(p)
        self._store(fresh, now)
        for p in fresh:
            if p.interaction is not None:
                how = p.match.how if p.match else ""
                outcomes[p.index] = IngestOutcome("imported", how, p.interaction.pk)
            else:
                outcomes[p.index] = IngestOutcome("unmatched", "matches no client")
        self._audit(fresh, outcomes)

    def _audit(self, fresh: list[_Pending], outcomes: list[IngestOutcome | None]) -> None:
        if not fresh:
            return
        counts: dict[str, int] = {}
        for o in outcomes:
            if o is not None:
                counts[o.status] = counts.get(o.status, 0) + 1
        audit_record(
            workspace=self.workspace,
            actor=self.by,
            action="mail.import",
            changes={"source": self.source, **counts},
        )


def ingest_messages(
    *,
    workspace: Workspace,
    raws: Iterable[bytes],
    our_addresses: Collection[str] = (),
    source: str = "",
    by: User | None = None,
) -> Iterator[IngestOutcome]:
    """Import raw emails into the workspace, yielding one outcome per message, in order.

    Each batch is committed before its outcomes are yielded. `our_addresses` are the
    mailbox's own addresses: mail from one of them (or from a member) is ours, outbound.
    """
    ingest = _Ingest(workspace, our_addresses, source, by)
    batch: list[bytes] = []
    held = 0
    for raw in raws:
        batch.append(raw)
        held += len(raw)
        if len(batch) >= BATCH_SIZE or held >= BATCH_BYTES:
            yield from ingest.batch(batch)
            batch, held = [], 0
    if batch:
        yield from ingest.batch(batch)
