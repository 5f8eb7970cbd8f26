"""Trust pages: the client page's score panel, felt closeness, Insights and the settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.forms import apply_service_errors
from keepwarm.clients.models import Client
from keepwarm.interactions.views import toast_response
from keepwarm.trust import charts, fairness, selectors
from keepwarm.trust.forms import FeltClosenessForm, TrustSettingsForm
from keepwarm.trust.models import BAND_ORDER, TrustSettings
from keepwarm.trust.scoring import THRESHOLD_FIELDS, compute_scores, settings_or_defaults
from keepwarm.trust.services import (
    felt_closeness_set,
    snapshots_refresh_stale,
    trust_settings_update,
    workspace_today,
)

FELT_REFUSED = "Only the client's owner, a manager or an owner can record this."

# Client page ------------------------------------------------------------------------------


def trust_context(
    request: MemberRequest, client: Client, *, felt_form: FeltClosenessForm | None = None
) -> dict[str, Any]:
    """Return what `trust/_client_panel.html` needs, in a fixed number of queries."""
    membership = request.membership
    workspace = membership.workspace
    today = workspace_today(workspace)
    score = compute_scores(workspace, client_ids=[client.pk]).get(client.pk)
    total = score.total if score else None
    band = score.band if score else None
    history = [(day, t) for day, t, _ in selectors.score_history(client, today=today)]
    felt = selectors.felt_closeness_of(client)
    may_set = selectors.may_set_felt_closeness(membership, client)
    if may_set and felt_form is None:
        initial = {"band": felt.band, "note": felt.note} if felt else {}
        felt_form = FeltClosenessForm(initial=initial, prefix="felt")
    return {
        "trust_client": client,
        "trust_total": total,
        "trust_band": band,
        "trust_band_label": selectors.band_label(band),
        "trust_components": score.components if score else [],
        "trust_adjustments": score.adjustments if score else [],
        "trust_spark": charts.sparkline([*history, (today, total)], today=today),
        "trust_felt": felt,
        "trust_felt_label": selectors.band_label(felt.band) if felt else "",
        "trust_mismatch": selectors.is_mismatch(felt.band if felt else None, band),
        "trust_felt_form": felt_form if may_set else None,
    }


@member_required
@require_POST
def felt_closeness_update(request: MemberRequest, client_id: int) -> HttpResponse:
    """Record (or clear) how close the relationship with a client feels."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    if not selectors.may_set_felt_closeness(membership, client):
        raise PermissionDenied(FELT_REFUSED)
    form = FeltClosenessForm(request.POST, prefix="felt")
    clearing = "clear" in request.POST
    if clearing or form.is_valid():
        band = "" if clearing else form.cleaned_data["band"]
        note = "" if clearing else form.cleaned_data["note"]
        try:
            felt_closeness_set(membership=membership, client=client, band=band, note=note)
        except ValidationError as error:
            apply_service_errors(form, error)
    saved = not form.errors or clearing
    message = "Cleared how it feels." if clearing else "Saved how it feels."
    if request.htmx:
        context = trust_context(request, client, felt_form=None if saved else form)
        response = render(request, "trust/_client_panel.html", context)
        return toast_response(response, message) if saved else response
    if saved:
        messages.success(request, message)
        return redirect(reverse("client_detail", args=[client.pk]) + "#trust")
    return render(
        request,
        "trust/felt_closeness.html",
        {"nav": "clients", "client": client, "form": form},
        status=400,
    )


# Insights ---------------------------------------------------------------------------------


def _month_label(month: dt.date, months: list[tuple[dt.date, dict[str, int]]]) -> str:
    # The year only when the six months straddle two of them.
    one_year = months[0][0].year == months[-1][0].year
    return f"{month:%b}" if one_year else f"{month:%b %Y}"


def _month_rows(months: list[tuple[Any, dict[str, int]]]) -> list[dict[str, Any]]:
    return [
        {
            "month": start,
            "counts": [counts.get(band.value, 0) for band in BAND_ORDER],
            "unscored": counts.get("", 0),
            "total": sum(counts.values()),
        }
        for start, counts in months
    ]


@member_required
@require_GET
def insights(request: MemberRequest) -> HttpResponse:
    """Show where the workspace's relationships stand and where they are heading."""
    workspace = request.membership.workspace
    snapshots_refresh_stale(workspace=workspace)
    today = workspace_today(workspace)
    now = timezone.now()
    ws = workspace.pk

    counts = selectors.band_counts(ws, today)
    banded = sum(counts.get(band.value, 0) for band in BAND_ORDER)
    months = selectors.band_counts_by_month(ws, today)
    month_rows = _month_rows(months)
    months_with_bands = sum(1 for row in month_rows if sum(row["counts"]))
    client_tallies, client_tally_count = selectors.promise_tallies_by_client(ws, today)
    smoothed = selectors.component_scores(
        ws, today, [t.client.pk for t in client_tallies if t.client], "promise_reliability"
    )
    for tally in client_tallies:
        tally.trust_score = smoothed.get(tally.client.pk) if tally.client else None
    buckets = selectors.reply_time_buckets(ws, now)
    replies = sum(n for _, n in buckets)
    timings, timing_count = selectors.reply_timings(ws, now)
    fair = fairness.fairness_report(workspace_id=ws, now=now)

    context = {
        "nav": "insights",
        "today": today,
        "clients_scored": sum(counts.values()),
        "band_rows": [{"band": band, "count": counts.get(band.value, 0)} for band in BAND_ORDER],
        "banded": banded,
        "unscored": counts.get("", 0),
        "bands_chart": charts.bands_now_chart(counts) if banded else "",
        "month_rows": month_rows,
        "months_chart": (
            charts.bands_by_month_chart([(_month_label(m, months), c) for m, c in months])
            if months_with_bands
            else ""
        ),
        "months_with_bands": months_with_bands,
        "falls": selectors.score_falls(ws, today),
        "client_tallies": client_tallies,
        "client_tally_count": client_tally_count,
        "member_tallies": selectors.promise_tallies_by_member(ws, today),
        "reply_buckets": buckets,
        "replies": replies,
        "reply_chart": (
            charts.histogram_chart(
                [(label.replace("hours", "h").replace("hour", "h"), n) for label, n in buckets],
                title="First replies, last 90 days",
                x_title="Time to first reply",
            )
            if replies
            else ""
        ),
        "timings": timings,
        "timing_count": timing_count,
        "mismatches": selectors.felt_mismatches(ws, today),
        "felt_recorded": selectors.felt_count(ws),
        "band_order": BAND_ORDER,
        **_fairness_context(fair),
    }
    return render(request, "trust/insights.html", context)


def _fairness_context(report: fairness.FairnessReport) -> dict[str, Any]:
    """Return what `trust/_fairness.html` needs: the report, its flags in words, its chart."""
    bars = fairness.chart_rows(report) if report.touches else []
    chart = charts.shares_chart(
        [
            (
                f"{row.name} (far below)" if row.neglected else row.name,
                None if row.revenue_share is None else 100 * row.revenue_share,
                100 * row.attention_share,
            )
            for row in bars
        ],
        title="Share of revenue and of our attention",
    )
    return {
        "fairness": report,
        "fairness_days": fairness.WINDOW_DAYS,
        "fairness_neglected": [(row, report.sentence(row)) for row in report.neglected],
        "fairness_chart": chart if bars else "",
    }


# Settings ---------------------------------------------------------------------------------


def _band_ranges(settings: TrustSettings) -> list[dict[str, Any]]:
    floors = [0, *(getattr(settings, name) for name in THRESHOLD_FIELDS), 101]
    return [
        {"band": band.value, "low": floors[i], "high": floors[i + 1] - 1}
        for i, band in enumerate(BAND_ORDER)
    ]


@member_required
@require_http_methods(["GET", "POST"])
def trust_settings(request: MemberRequest) -> HttpResponse:
    """Let owners and managers weigh the score's parts and set where each band starts."""
    membership = request.membership
    require_manage(membership)
    current = settings_or_defaults(membership.workspace)
    form = TrustSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=TrustSettingsForm.initial_from(current),
    )
    if request.method == "POST" and form.is_valid():
        try:
            trust_settings_update(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Trust settings saved. Every client's score is updated.")
            return redirect("trust_settings")
    return render(
        request,
        "trust/trust_settings.html",
        {"form": form, "band_ranges": _band_ranges(current)},
        status=400 if form.errors else 200,
    )
