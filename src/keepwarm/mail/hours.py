"""Response time on the clock: plain elapsed time, or business hours only when configured."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from keepwarm.mail.models import MailSettings

# Past a year apart, counting day by day is not worth it: the answer is simply "very late".
_MAX_DAYS = 400


def response_seconds(
    start: dt.datetime, end: dt.datetime, settings: MailSettings | None, time_zone: str
) -> int:
    """Return the seconds between a message and our reply that count against the target."""
    if end <= start:
        return 0
    if settings is None or not settings.business_hours_enabled:
        return int((end - start).total_seconds())
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    days = settings.days
    if not days or settings.closes_at <= settings.opens_at:
        return int((end - start).total_seconds())
    total = 0.0
    day = start.astimezone(zone).date()
    last = min(end.astimezone(zone).date(), day + dt.timedelta(days=_MAX_DAYS))
    while day <= last:
        if day.weekday() in days:
            opens = dt.datetime.combine(day, settings.opens_at, tzinfo=zone)
            closes = dt.datetime.combine(day, settings.closes_at, tzinfo=zone)
            # Compared and subtracted in UTC: within one zone Python ignores DST shifts.
            lo = max(opens.astimezone(dt.UTC), start)
            hi = min(closes.astimezone(dt.UTC), end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += dt.timedelta(days=1)
    return int(total)
