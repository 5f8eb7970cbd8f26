"""Template helpers shared by every page: query strings, dates, pagination, form fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.http import HttpRequest
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()

# Within this many days of today a date reads relative ("in 3 days"); further out, absolute.
RELATIVE_DAYS = 14


@register.simple_tag
def query_replace(request: HttpRequest, **changes: Any) -> str:
    """Return the request's query string with some parameters replaced ("?q=ann&page=2").

    A value of None or "" drops that parameter; every other parameter is kept.
    """
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    """Return the calendar day of a date, or of a datetime in the current time zone."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@register.filter
def relative_date(value: dt.date | dt.datetime | None) -> str:
    """Return "today", "yesterday", "in 3 days", "5 days ago", or "on 3 Mar 2026" further out."""
    if not isinstance(value, dt.date):
        return ""
    day = _local_date(value)
    days = (day - timezone.localdate()).days
    if days == 0:
        return "today"
    if days == -1:
        return "yesterday"
    if days == 1:
        return "tomorrow"
    if 0 < days < RELATIVE_DAYS:
        return f"in {days} days"
    if -RELATIVE_DAYS < days < 0:
        return f"{-days} days ago"
    return f"on {dateformat.format(day, 'j M Y')}"


@register.filter
def absolute_dt(value: dt.date | dt.datetime | None) -> str:
    """Return a full date (and time with its zone) for a title attribute."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            local = timezone.localtime(value)
            zone = timezone.get_current_timezone_name()
            return f"{dateformat.format(local, 'l j F Y, H:i')} ({zone})"
        return dateformat.format(value, "l j F Y, H:i")
    return dateformat.format(value, "l j F Y")


@register.simple_tag
def reltime(value: dt.date | dt.datetime | None) -> str:
    """Render a <time> element: relative words, the full date in its title."""
    if not isinstance(value, dt.date):
        return ""
    machine = (
        timezone.localtime(value).isoformat()
        if isinstance(value, dt.datetime) and timezone.is_aware(value)
        else value.isoformat()
    )
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        machine,
        absolute_dt(value),
        relative_date(value),
    )


@register.simple_tag
def page_links(request: HttpRequest, page_obj: Page) -> list[dict[str, Any]]:
    """Return the numbered links of a pagination bar, with gaps where pages are elided."""
    links: list[dict[str, Any]] = []
    for number in page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=1, on_ends=1
    ):
        if isinstance(number, int):
            links.append(
                {
                    "number": number,
                    "href": query_replace(request, page=number),
                    "current": number == page_obj.number,
                }
            )
        else:
            links.append({"number": None, "href": "", "current": False})
    return links


@register.filter
def field_anchor(field: BoundField) -> str:
    """Return the id an error summary link should point at: the field's first control."""
    if field.use_fieldset and field.auto_id:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id or field.html_name
