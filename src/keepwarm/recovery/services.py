"""Writes for recovery cases and tough topics: open, work through, agree, close, raise."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.accounts.records import check_same_workspace, record_create, record_update
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client
from keepwarm.commitments.services import commitment_create
from keepwarm.recovery.models import (
    AgreedAction,
    Cause,
    Outcome,
    RecoveryCase,
    RecoveryStep,
    Side,
    Step,
    TopicKind,
    ToughTopic,
)

SIGNALS = ("negative_message", "slow_reply", "broken_promise", "missed_reports", "low_feedback")


def _refuse_closed(case: RecoveryCase) -> None:
    if not case.is_open:
        raise ValidationError("This case is closed; open a new one if trust is at risk again.")


@transaction.atomic
def case_open(
    *,
    membership: Membership,
    client: Client,
    cause: str,
    what_happened: str,
    signal: str = "",
) -> RecoveryCase:
    """Open a recovery case on a client; one open case per client at a time."""
    require_write(membership)
    check_same_workspace(membership.workspace, client=client)
    errors = {}
    if cause not in Cause.values:
        errors["cause"] = "Choose what made the client lose trust."
    if not what_happened.strip():
        errors["what_happened"] = "Say what happened, as you understand it so far."
    if signal and signal not in SIGNALS:
        errors["signal"] = "Unknown signal."
    if errors:
        raise ValidationError(errors)
    # Lock the client row so two people opening a case at once get one case, not two.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if RecoveryCase.objects.filter(client=client, outcome=Outcome.OPEN).exists():
        raise ValidationError(
            f"{client.name} already has an open recovery case; carry on with that one."
        )
    return record_create(
        membership=membership,
        model=RecoveryCase,
        action="recovery_case.open",
        data={
            "client": client,
            "cause": cause,
            "what_happened": what_happened.strip(),
            "signal": signal,
            "opened_by": membership.user,
            "opened_at": timezone.now(),
        },
    )


@transaction.atomic
def case_update(
    *, membership: Membership, case: RecoveryCase, cause: str, what_happened: str
) -> RecoveryCase:
    """Correct a case's cause or what happened."""
    _refuse_closed(case)
    errors = {}
    if cause not in Cause.values:
        errors["cause"] = "Choose what made the client lose trust."
    if not what_happened.strip():
        errors["what_happened"] = "Say what happened, as you understand it so far."
    if errors:
        raise ValidationError(errors)
    return record_update(
        membership=membership,
        obj=case,
        action="recovery_case.update",
        data={"cause": cause, "what_happened": what_happened.strip()},
    )


@transaction.atomic
def step_record(
    *,
    membership: Membership,
    case: RecoveryCase,
    step: str,
    notes: str = "",
    at: dt.datetime | None = None,
) -> RecoveryStep:
    """Mark one of the eight steps done with its notes; again, to change the notes."""
    require_write(membership)
    _refuse_closed(case)
    if step not in Step.values:
        raise ValidationError({"step": "Choose one of the eight steps."})
    existing = RecoveryStep.objects.filter(case=case, step=step).first()
    if existing is not None:
        return record_update(
            membership=membership,
            obj=existing,
            action="recovery_step.update",
            data={"notes": notes.strip()},
        )
    done = record_create(
        membership=membership,
        model=RecoveryStep,
        action="recovery_step.done",
        data={
            "case": case,
            "step": step,
            "notes": notes.strip(),
            "done_by": membership.user,
            "done_at": at or timezone.now(),
        },
    )
    case.save(update_fields=["updated_at"])
    return done


@transaction.atomic
def step_undo(*, membership: Membership, case: RecoveryCase, step: str) -> None:
    """Mark a step not done after all (its notes go with it)."""
    require_write(membership)
    _refuse_closed(case)
    done = RecoveryStep.objects.filter(case=case, step=step).first()
    if done is None:
        raise ValidationError({"step": "That step is not marked done."})
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="recovery_step.undo",
        obj=case,
        changes={"step": step, "notes": done.notes},
    )
    done.delete()


@transaction.atomic
def action_add(
    *,
    membership: Membership,
    case: RecoveryCase,
    side: str,
    text: str,
    due_on: dt.date | None = None,
) -> AgreedAction:
    """Record a step one side agreed to take; ours becomes a promise in the ledger."""
    require_write(membership)
    _refuse_closed(case)
    errors = {}
    if side not in Side.values:
        errors["side"] = "Choose who will take this step: us or the client."
    if not text.strip():
        errors["text"] = "Say what was agreed."
    if side == Side.OURS and due_on is None:
        errors["due_on"] = "Give the date we agreed to do it by; it goes in the promise ledger."
    if errors:
        raise ValidationError(errors)
    commitment = None
    if side == Side.OURS:
        assert due_on is not None
        commitment = commitment_create(
            membership=membership, client=case.client, what=text.strip()[:300], due_on=due_on
        )
    return record_create(
        membership=membership,
        model=AgreedAction,
        action="recovery_action.add",
        data={
            "case": case,
            "side": side,
            "text": text.strip(),
            "due_on": due_on,
            "commitment": commitment,
            "created_by": membership.user,
        },
    )


@transaction.atomic
def action_mark_done(
    *, membership: Membership, action: AgreedAction, done: bool = True
) -> AgreedAction:
    """Mark the client's agreed step done (or not); ours are kept through the promise ledger."""
    require_write(membership)
    if action.side != Side.THEIRS:
        raise ValidationError("Our agreed steps are promises: mark them kept in the ledger.")
    when = (action.done_at or timezone.now()) if done else None
    return record_update(
        membership=membership, obj=action, action="recovery_action.mark", data={"done_at": when}
    )


@transaction.atomic
def case_close(
    *, membership: Membership, case: RecoveryCase, outcome: str, closing_note: str = ""
) -> RecoveryCase:
    """Close a case as retained or lost, with a note on how it ended.

    Retained needs the last step (agreeing both sides' steps) done: a client is only won
    back once you both agree what happens next. Our agreed steps may still be open: they
    are promises in the ledger and are kept, or not, there like any other.
    """
    require_write(membership)
    _refuse_closed(case)
    if outcome not in (Outcome.RETAINED, Outcome.LOST):
        raise ValidationError({"outcome": "Choose retained or lost."})
    if not closing_note.strip():
        raise ValidationError({"closing_note": "Say in a sentence or two how it ended."})
    if (
        outcome == Outcome.RETAINED
        and not RecoveryStep.objects.filter(case=case, step=Step.AGREE).exists()
    ):
        raise ValidationError(
            {"outcome": "Before closing as retained, agree the steps both sides take (step 8)."}
        )
    return record_update(
        membership=membership,
        obj=case,
        action="recovery_case.close",
        data={
            "outcome": outcome,
            "closing_note": closing_note.strip(),
            "closed_at": timezone.now(),
            "closed_by": membership.user,
        },
    )


def _check_topic(kind: str, what_to_say: str, raise_by: dt.date | None) -> None:
    errors = {}
    if kind not in TopicKind.values:
        errors["kind"] = "Choose what the topic is about."
    if not what_to_say.strip():
        errors["what_to_say"] = "Write what you will say, in the words you will use."
    if raise_by is None:
        errors["raise_by"] = "Give the date to raise it by."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def topic_create(
    *,
    membership: Membership,
    client: Client,
    kind: str,
    what_to_say: str,
    raise_by: dt.date,
) -> ToughTopic:
    """Add a tough topic to raise with a client before a date."""
    require_write(membership)
    check_same_workspace(membership.workspace, client=client)
    _check_topic(kind, what_to_say, raise_by)
    return record_create(
        membership=membership,
        model=ToughTopic,
        action="tough_topic.create",
        data={
            "client": client,
            "kind": kind,
            "what_to_say": what_to_say.strip(),
            "raise_by": raise_by,
            "created_by": membership.user,
        },
    )


@transaction.atomic
def topic_update(
    *,
    membership: Membership,
    topic: ToughTopic,
    kind: str | None = None,
    what_to_say: str | None = None,
    raise_by: dt.date | None = None,
    outcome: str | None = None,
) -> ToughTopic:
    """Change a tough topic: what it is, what to say, its date, or how it went."""
    require_write(membership)
    kind = topic.kind if kind is None else kind
    what_to_say = topic.what_to_say if what_to_say is None else what_to_say
    raise_by = topic.raise_by if raise_by is None else raise_by
    _check_topic(kind, what_to_say, raise_by)
    data: dict[str, object] = {
        "kind": kind,
        "what_to_say": what_to_say.strip(),
        "raise_by": raise_by,
    }
    if outcome is not None:
        data["outcome"] = outcome.strip()
    return record_update(membership=membership, obj=topic, action="tough_topic.update", data=data)


@transaction.atomic
def topic_mark_raised(
    *,
    membership: Membership,
    topic: ToughTopic,
    outcome: str,
    at: dt.datetime | None = None,
) -> ToughTopic:
    """Record that we raised the topic, and how the client took it."""
    require_write(membership)
    if topic.raised_at is not None:
        raise ValidationError("This topic is already marked raised; edit its outcome instead.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Say how it went: what they said, what was decided."})
    return record_update(
        membership=membership,
        obj=topic,
        action="tough_topic.raise",
        data={
            "raised_at": at or timezone.now(),
            "raised_by": membership.user,
            "outcome": outcome.strip(),
        },
    )
