"""JSON API for trust scores: today's scores of every client, and one client's explained score."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from keepwarm.clients.access import get_client_for_member
from keepwarm.lib.api import READ_ERRORS, PageIn, PageOut, member, paginate
from keepwarm.trust import selectors
from keepwarm.trust.models import Band, TrustSnapshot
from keepwarm.trust.scoring import compute_scores
from keepwarm.trust.services import snapshots_refresh_stale, workspace_today

router = Router(tags=["trust scores"])


class ScoreOut(Schema):
    client_id: int
    client_name: str
    day: dt.date = Field(description="The day the score is for, in the workspace's time zone.")
    total: float | None = Field(description="0 to 100; null when there is not enough history yet.")
    band: Band | None = Field(description="Null when there is not enough history yet.")
    computed_at: dt.datetime

    @staticmethod
    def resolve_client_name(obj: TrustSnapshot) -> str:
        return obj.client.name

    @staticmethod
    def resolve_band(obj: TrustSnapshot) -> str | None:
        return obj.band or None


class ScorePageOut(PageOut):
    results: list[ScoreOut]


class ScoreFilters(PageIn):
    band: Band | None = Field(None, description="Only clients in this band today.")
    min_score: float | None = Field(
        None, ge=0, le=100, allow_inf_nan=False, description="Only totals at or above this."
    )
    max_score: float | None = Field(
        None, ge=0, le=100, allow_inf_nan=False, description="Only totals at or below this."
    )
    client_id: int | None = Field(None, description="Only this client.")


@router.get("/scores", response={200: ScorePageOut, **READ_ERRORS})
def score_list(request: HttpRequest, filters: Query[ScoreFilters]) -> dict[str, Any]:
    """List today's score of every client, with filters; scores are brought up to date first."""
    membership = member(request)
    workspace = membership.workspace
    client_id = None
    if filters.client_id is not None:
        client_id = get_client_for_member(membership, filters.client_id).pk
    snapshots_refresh_stale(workspace=workspace)
    queryset = selectors.snapshots_on(workspace.pk, workspace_today(workspace))
    if filters.band is not None:
        queryset = queryset.filter(band=filters.band)
    if filters.min_score is not None:
        queryset = queryset.filter(total__gte=filters.min_score)
    if filters.max_score is not None:
        queryset = queryset.filter(total__lte=filters.max_score)
    if client_id is not None:
        queryset = queryset.filter(client_id=client_id)
    return paginate(request, queryset.order_by("client__name", "client_id"), filters)


class EvidenceOut(Schema):
    label: str
    url: str = Field(description="Where the record behind it is shown, as a full URL.")


class ComponentOut(Schema):
    key: str = Field(
        description="responsiveness, update_consistency, promise_reliability, "
        "contact_recency, sentiment, feedback or personal_touch."
    )
    label: str
    score: float = Field(description="0 to 100.")
    weight: float = Field(
        description="Percent of the total this part counts for, after parts without data "
        "have shared out their weight."
    )
    explanation: str
    advice: str = Field(description="What would raise it; empty when nothing would.")
    evidence: list[EvidenceOut]


class AdjustmentOut(Schema):
    key: str = Field(description="recovery_case: an open recovery case.")
    label: str
    penalty: float = Field(description="Points taken off the total while it lasts.")
    band_cap: Band = Field(description="The band is held at this one or below while it lasts.")
    explanation: str
    evidence: list[EvidenceOut]


class HistoryOut(Schema):
    day: dt.date
    total: float | None
    band: Band | None


class ClientScoreOut(Schema):
    client_id: int
    client_name: str
    day: dt.date = Field(description="Today, in the workspace's time zone.")
    total: float | None = Field(description="0 to 100; null when there is not enough history yet.")
    band: Band | None
    felt_band: Band | None = Field(
        description="How close the relationship feels to its owner; null when not recorded."
    )
    components: list[ComponentOut] = Field(
        description="Every part with data; parts without data are left out."
    )
    adjustments: list[AdjustmentOut] = Field(
        description="What lowers the total beside the parts: each open recovery case takes "
        "its penalty off and caps the band."
    )
    history: list[HistoryOut] = Field(
        description="The stored daily scores of the last 180 days, oldest first, then today's."
    )


@router.get("/clients/{client_id}/score", response={200: ClientScoreOut, **READ_ERRORS})
def client_score_read(request: HttpRequest, client_id: int) -> dict[str, Any]:
    """Return a client's score now, with every part explained, and its 180-day history."""
    membership = member(request)
    client = get_client_for_member(membership, client_id)
    workspace = membership.workspace
    today = workspace_today(workspace)
    score = compute_scores(workspace, client_ids=[client.pk]).get(client.pk)
    felt = selectors.felt_closeness_of(client)
    total = score.total if score else None
    band = score.band if score else None
    history = [
        {"day": day, "total": day_total, "band": day_band or None}
        for day, day_total, day_band in selectors.score_history(client, today=today)
    ]
    history.append({"day": today, "total": total, "band": band})
    return {
        "client_id": client.pk,
        "client_name": client.name,
        "day": today,
        "total": total,
        "band": band,
        "felt_band": felt.band if felt else None,
        "components": [
            {
                "key": part.key,
                "label": part.label,
                "score": part.score,
                "weight": part.weight,
                "explanation": part.explanation,
                "advice": part.advice,
                "evidence": [
                    {"label": item.label, "url": request.build_absolute_uri(item.url)}
                    for item in part.evidence
                ],
            }
            for part in (score.components if score else [])
        ],
        "adjustments": [
            {
                "key": found.key,
                "label": found.label,
                "penalty": found.penalty,
                "band_cap": found.band_cap,
                "explanation": found.explanation,
                "evidence": [
                    {"label": item.label, "url": request.build_absolute_uri(item.url)}
                    for item in found.evidence
                ],
            }
            for found in (score.adjustments if score else [])
        ],
        "history": history,
    }
