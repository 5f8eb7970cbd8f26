"""Template tags that put feedback on pages owned by other apps (client page, Insights)."""

from __future__ import annotations

from typing import Any

from django import template

from keepwarm.feedback.charts import nps_chart
from keepwarm.feedback.selectors import nps_by_month
from keepwarm.feedback.views import feedback_panel_context

register = template.Library()


@register.inclusion_tag("feedback/_client_panel.html", takes_context=True)
def feedback_panel(context: template.Context, client: Any) -> dict[str, Any]:
    """Render the Feedback panel of a client page."""
    membership = context.get("membership")
    can_write = bool(membership is not None and membership.can_write)
    return {**feedback_panel_context(client, can_write), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("feedback/_nps_insights.html", takes_context=True)
def nps_insights(context: template.Context, months: int = 12) -> dict[str, Any]:
    """Render the workspace's NPS by month for Insights."""
    membership = context["membership"]
    rows = nps_by_month(membership.workspace_id, months)
    total = [sum(r.promoters for r in rows), sum(r.passives for r in rows)]
    detractors = sum(r.detractors for r in rows)
    answers = total[0] + total[1] + detractors
    return {
        "nps_rows": rows,
        "nps_answers": answers,
        "nps_promoters": total[0],
        "nps_passives": total[1],
        "nps_detractors": detractors,
        "nps_overall": round(100 * (total[0] - detractors) / answers) if answers else None,
        "nps_months": months,
        "nps_chart": nps_chart(rows) if answers else "",
        "membership": membership,
    }
