"""JSON API for recovery cases and tough topics."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from keepwarm.accounts.access import require_write
from keepwarm.clients.access import get_client_for_member
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    IsoDate,
    PageIn,
    PageOut,
    PatchSchema,
    QueryBool,
    Text,
    member,
    paginate,
    unset,
)
from keepwarm.recovery import services
from keepwarm.recovery.access import (
    get_action_for_member,
    get_case_for_member,
    get_topic_for_member,
)
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
from keepwarm.recovery.steps import GUIDES, next_step

router = Router(tags=["recovery"])

Signal = Literal[
    "negative_message", "slow_reply", "broken_promise", "missed_reports", "low_feedback"
]


class StepOut(Schema):
    step: Step
    label: str
    asks: str = Field(description="What the step asks of you, in plain words.")
    done: bool
    notes: str
    done_by_id: int | None
    done_at: dt.datetime | None


class ActionOut(Schema):
    id: int
    side: Side
    text: str
    due_on: dt.date | None
    commitment_id: int | None = Field(description="Our steps: the promise in the ledger.")
    commitment_status: str | None = Field(description="Our steps: the promise's status.")
    done_at: dt.datetime | None = Field(description="The client's steps: when they did it.")

    @staticmethod
    def resolve_commitment_status(obj: AgreedAction) -> str | None:
        return obj.commitment.status if obj.commitment else None


class CaseOut(Schema):
    id: int
    client_id: int
    cause: Cause
    what_happened: str
    signal: str = Field(description="The signal that suggested the case, or empty.")
    opened_by_id: int | None
    opened_at: dt.datetime
    outcome: Outcome
    closed_at: dt.datetime | None
    closing_note: str
    steps_done: int
    next_step: Step | None = Field(description="The first step in order not done yet.")


class CaseDetailOut(CaseOut):
    steps: list[StepOut] = Field(description="All eight steps, in order.")
    actions: list[ActionOut]


class CasePageOut(PageOut):
    results: list[CaseOut]


class CaseIn(InSchema):
    client_id: Id
    cause: Cause
    what_happened: Text = Field(min_length=1, max_length=5000)
    signal: Signal | Literal[""] = ""


class CaseFilters(PageIn):
    client_id: int | None = None
    outcome: Outcome | None = None


class StepIn(InSchema):
    step: Step
    notes: Text = Field("", max_length=5000)
    done: bool = Field(True, description="false marks the step not done (its notes go too).")


class CasePatch(PatchSchema):
    cause: Cause = unset()
    what_happened: Annotated[Text, Field(min_length=1, max_length=5000)] = unset()


class ActionIn(InSchema):
    side: Side
    text: Text = Field(min_length=1, max_length=300)
    due_on: IsoDate | None = Field(None, description="Required for our steps.")


class CloseIn(InSchema):
    outcome: Literal["retained", "lost"]
    closing_note: Text = Field(min_length=1, max_length=5000)


class ActionDoneIn(InSchema):
    done: bool = True


class TopicOut(Schema):
    id: int
    client_id: int
    kind: TopicKind
    what_to_say: str
    raise_by: dt.date
    raised_at: dt.datetime | None
    raised_by_id: int | None
    outcome: str
    created_by_id: int | None
    created_at: dt.datetime


class TopicPageOut(PageOut):
    results: list[TopicOut]


class TopicIn(InSchema):
    client_id: Id
    kind: TopicKind
    what_to_say: Text = Field(min_length=1, max_length=5000)
    raise_by: IsoDate


class TopicPatch(PatchSchema):
    kind: TopicKind = unset()
    what_to_say: Annotated[Text, Field(min_length=1, max_length=5000)] = unset()
    raise_by: IsoDate = unset()
    outcome: Annotated[Text, Field(max_length=5000)] = unset()


class RaiseIn(InSchema):
    outcome: Text = Field(min_length=1, max_length=5000)


class TopicFilters(PageIn):
    client_id: int | None = None
    raised: QueryBool | None = Field(None, description="true: only raised; false: only not yet.")
    kind: TopicKind | None = None


def _case_out(case: RecoveryCase, steps: list[RecoveryStep]) -> dict[str, Any]:
    done = {s.step for s in steps}
    upcoming = next_step(done)
    return {
        "id": case.pk,
        "client_id": case.client_id,
        "cause": case.cause,
        "what_happened": case.what_happened,
        "signal": case.signal,
        "opened_by_id": case.opened_by_id,
        "opened_at": case.opened_at,
        "outcome": case.outcome,
        "closed_at": case.closed_at,
        "closing_note": case.closing_note,
        "steps_done": len(done),
        "next_step": upcoming.key if upcoming else None,
    }


def _case_detail(case: RecoveryCase) -> dict[str, Any]:
    steps = list(RecoveryStep.objects.filter(case=case))
    by_key = {s.step: s for s in steps}
    return {
        **_case_out(case, steps),
        "steps": [
            {
                "step": guide.key,
                "label": guide.label,
                "asks": guide.asks,
                "done": guide.key in by_key,
                "notes": by_key[guide.key].notes if guide.key in by_key else "",
                "done_by_id": by_key[guide.key].done_by_id if guide.key in by_key else None,
                "done_at": by_key[guide.key].done_at if guide.key in by_key else None,
            }
            for guide in GUIDES
        ],
        "actions": list(
            AgreedAction.objects.filter(case=case).select_related("commitment").order_by("pk")
        ),
    }


@router.get("/cases", response={200: CasePageOut, **READ_ERRORS})
def recovery_case_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """List recovery cases, newest first."""
    membership = member(request)
    queryset: QuerySet[RecoveryCase] = RecoveryCase.objects.filter(
        workspace_id=membership.workspace_id
    )
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.outcome is not None:
        queryset = queryset.filter(outcome=filters.outcome)
    page = paginate(
        request, queryset.prefetch_related("steps").order_by("-opened_at", "-pk"), filters
    )
    page["results"] = [_case_out(c, list(c.steps.all())) for c in page["results"]]
    return page


@router.post("/cases", response={201: CaseDetailOut, **WRITE_ERRORS})
def recovery_case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    """Open a recovery case on a client (one open case per client)."""
    membership = member(request)
    require_write(membership)
    client = get_client_for_member(membership, payload.client_id, write=True)
    case = services.case_open(
        membership=membership,
        client=client,
        cause=payload.cause,
        what_happened=payload.what_happened,
        signal=payload.signal,
    )
    return Status(201, _case_detail(case))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **READ_ERRORS})
def recovery_case_read(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Return one case with its eight steps and both sides' agreed actions."""
    return _case_detail(get_case_for_member(member(request), case_id))


@router.patch("/cases/{case_id}", response={200: CaseDetailOut, **WRITE_ERRORS})
def recovery_case_update(request: HttpRequest, case_id: int, payload: CasePatch) -> dict[str, Any]:
    """Correct an open case's cause or what happened."""
    membership = member(request)
    case = get_case_for_member(membership, case_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    services.case_update(
        membership=membership,
        case=case,
        cause=data.get("cause", case.cause),
        what_happened=data.get("what_happened", case.what_happened),
    )
    return _case_detail(case)


@router.post("/cases/{case_id}/steps", response={200: CaseDetailOut, **WRITE_ERRORS})
def recovery_step_done(request: HttpRequest, case_id: int, payload: StepIn) -> dict[str, Any]:
    """Mark one of the eight steps done with its notes (again, to change them), or not done."""
    membership = member(request)
    case = get_case_for_member(membership, case_id, write=True)
    if payload.done:
        services.step_record(
            membership=membership, case=case, step=payload.step, notes=payload.notes
        )
    else:
        services.step_undo(membership=membership, case=case, step=payload.step)
    return _case_detail(case)


@router.post("/cases/{case_id}/actions", response={201: ActionOut, **WRITE_ERRORS})
def recovery_action_create(
    request: HttpRequest, case_id: int, payload: ActionIn
) -> Status[AgreedAction]:
    """Add a step one side agreed to take; ours becomes a promise in the ledger."""
    membership = member(request)
    case = get_case_for_member(membership, case_id, write=True)
    action = services.action_add(
        membership=membership,
        case=case,
        side=payload.side,
        text=payload.text,
        due_on=payload.due_on,
    )
    return Status(201, action)


@router.post("/actions/{action_id}/done", response={200: ActionOut, **WRITE_ERRORS})
def recovery_action_done(
    request: HttpRequest, action_id: int, payload: ActionDoneIn
) -> AgreedAction:
    """Mark the client's agreed step done, or not done (ours are kept in the ledger)."""
    membership = member(request)
    action = get_action_for_member(membership, action_id, write=True)
    return services.action_mark_done(membership=membership, action=action, done=payload.done)


@router.post("/cases/{case_id}/close", response={200: CaseDetailOut, **WRITE_ERRORS})
def recovery_case_close(request: HttpRequest, case_id: int, payload: CloseIn) -> dict[str, Any]:
    """Close a case as retained or lost, with a closing note."""
    membership = member(request)
    case = get_case_for_member(membership, case_id, write=True)
    services.case_close(
        membership=membership,
        case=case,
        outcome=payload.outcome,
        closing_note=payload.closing_note,
    )
    return _case_detail(case)


@router.get("/topics", response={200: TopicPageOut, **READ_ERRORS})
def tough_topic_list(request: HttpRequest, filters: Query[TopicFilters]) -> dict[str, Any]:
    """List tough topics, soonest raise-by date first."""
    membership = member(request)
    queryset = ToughTopic.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.raised is not None:
        queryset = queryset.filter(raised_at__isnull=not filters.raised)
    if filters.kind is not None:
        queryset = queryset.filter(kind=filters.kind)
    return paginate(request, queryset.order_by("raise_by", "pk"), filters)


@router.post("/topics", response={201: TopicOut, **WRITE_ERRORS})
def tough_topic_create(request: HttpRequest, payload: TopicIn) -> Status[ToughTopic]:
    """Add a tough topic to raise with a client by a date."""
    membership = member(request)
    require_write(membership)
    client = get_client_for_member(membership, payload.client_id, write=True)
    topic = services.topic_create(
        membership=membership,
        client=client,
        kind=payload.kind,
        what_to_say=payload.what_to_say,
        raise_by=payload.raise_by,
    )
    return Status(201, topic)


@router.get("/topics/{topic_id}", response={200: TopicOut, **READ_ERRORS})
def tough_topic_read(request: HttpRequest, topic_id: int) -> ToughTopic:
    """Return one tough topic."""
    return get_topic_for_member(member(request), topic_id)


@router.patch("/topics/{topic_id}", response={200: TopicOut, **WRITE_ERRORS})
def tough_topic_update(request: HttpRequest, topic_id: int, payload: TopicPatch) -> ToughTopic:
    """Change what a topic is about, what to say, its date, or its outcome."""
    membership = member(request)
    topic = get_topic_for_member(membership, topic_id, write=True)
    return services.topic_update(
        membership=membership, topic=topic, **payload.model_dump(exclude_unset=True)
    )


@router.post("/topics/{topic_id}/raise", response={200: TopicOut, **WRITE_ERRORS})
def tough_topic_raise(request: HttpRequest, topic_id: int, payload: RaiseIn) -> ToughTopic:
    """Record that the topic was raised, and how it went."""
    membership = member(request)
    topic = get_topic_for_member(membership, topic_id, write=True)
    return services.topic_mark_raised(membership=membership, topic=topic, outcome=payload.outcome)
