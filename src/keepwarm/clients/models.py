"""The client record: clients, their people, what we remember about them, their goals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    FORMER = "former", "Former"


class ClientKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    INDIVIDUAL = "individual", "Individual"


class ReportCadence(models.TextChoices):
    NONE = "none", "No scheduled reports"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Client(WorkspaceScoped):
    """An organisation or individual we work for (or hope to)."""

    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=ClientKind.choices, default=ClientKind.ORGANISATION
    )
    status = models.CharField(
        max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    industry = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response_target_hours = models.PositiveIntegerField(
        default=24, help_text="How quickly we aim to answer this client, in hours."
    )
    check_in_every_days = models.PositiveIntegerField(
        default=14, help_text="Longest we let pass without getting in touch, in days."
    )
    report_cadence = models.CharField(
        max_length=12, choices=ReportCadence.choices, default=ReportCadence.NONE
    )
    report_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.FRIDAY
    )
    report_time = models.TimeField(default="16:00")
    report_time_zone = models.CharField(max_length=64, default="UTC")
    report_auto_send_no_change = models.BooleanField(
        default=False,
        help_text="A report saying there is no change may go out without review.",
    )
    plain_language_target = models.PositiveSmallIntegerField(
        default=60, help_text="Lowest reading ease we aim for in what we send them."
    )
    annual_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Yearly revenue from this client; used only by the fairness report.",
    )
    referred_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    # The person at the referring client who sent them to us, when we know who it was.
    referred_by_contact = models.ForeignKey(
        "Contact", models.SET_NULL, null=True, blank=True, related_name="referrals_made"
    )
    referral_thanked_at = models.DateTimeField(
        null=True, blank=True, help_text="When we thanked whoever referred this client."
    )
    referral_asked_at = models.DateTimeField(
        null=True, blank=True, help_text="When we last asked this client for a referral."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "name"], name="client_ws_name"),
            # Whose clients: the agenda narrows every one of its queries to a member's
            # clients (owner, not former); this index answers that without the table.
            models.Index(fields=["workspace", "owner", "status"], name="client_ws_owner_status"),
        ]

    def __str__(self) -> str:
        return self.name


class PreferredChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    IN_PERSON = "in_person", "In person"


class Contact(WorkspaceScoped):
    """A person at a client."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    other_emails = models.TextField(blank=True, help_text="One address per line.")
    phone = models.CharField(max_length=40, blank=True)
    other_phones = models.TextField(blank=True, help_text="One number per line.")
    preferred_channel = models.CharField(
        max_length=10, choices=PreferredChannel.choices, default=PreferredChannel.EMAIL
    )
    notes = models.TextField(blank=True)
    receives_reports = models.BooleanField(
        default=False, help_text="Status and job reports are sent to this person."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @property
    def all_emails(self) -> list[str]:
        extra = [e.strip() for e in self.other_emails.splitlines() if e.strip()]
        return [e for e in [self.email, *extra] if e]


class FactCategory(models.TextChoices):
    FAMILY = "family", "Family"
    HEALTH = "health", "Health"
    DIET = "diet", "Diet"
    INTEREST = "interest", "Interest"
    MILESTONE = "milestone", "Milestone"
    PREFERENCE = "preference", "Preference"


class PersonalFact(WorkspaceScoped):
    """Something worth remembering about a person ("son Tyrone plays in the county final")."""

    contact = models.ForeignKey(Contact, models.CASCADE, related_name="facts")
    category = models.CharField(max_length=12, choices=FactCategory.choices)
    text = models.CharField(max_length=500)
    date = models.DateField(null=True, blank=True, help_text="When it happens, if it has a day.")
    follow_up_on = models.DateField(null=True, blank=True, help_text="The day to ask about it.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.text


class DateKind(models.TextChoices):
    BIRTHDAY = "birthday", "Birthday"
    ANNIVERSARY = "anniversary", "Anniversary"
    EVENT = "event", "Event"


class ImportantDate(WorkspaceScoped):
    """A date to remember for a person: a birthday, an anniversary, an event."""

    contact = models.ForeignKey(Contact, models.CASCADE, related_name="dates")
    kind = models.CharField(max_length=12, choices=DateKind.choices)
    label = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    yearly = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.label or self.get_kind_display()

    def next_occurrence(self, today: dt.date | None = None) -> dt.date | None:
        """Return the next day (today or later) this date falls on, or None if it has passed."""
        day = today or timezone.localdate()
        if not self.yearly:
            return self.date if self.date >= day else None
        for year in (day.year, day.year + 1):
            try:
                candidate = self.date.replace(year=year)
            except ValueError:  # 29 February in a common year
                candidate = dt.date(year, 3, 1)
            if candidate >= day:
                return candidate
        return None


class GoalPriority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Goal(WorkspaceScoped):
    """What the client wants to achieve, as we understand it."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="goals")
    text = models.CharField(max_length=500)
    priority = models.PositiveSmallIntegerField(
        choices=GoalPriority.choices, default=GoalPriority.MEDIUM
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["priority", "created_at"]

    def __str__(self) -> str:
        return self.text


class TagKind(models.TextChoices):
    INDUSTRY = "industry", "Industry"
    TOPIC = "topic", "Topic"


class Resource(WorkspaceScoped):
    """A link or a note worth sharing with clients: an article, a checklist, a tip."""

    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "title"], name="resource_ws_title")]

    def __str__(self) -> str:
        return self.title

    def tag_names(self, kind: str) -> list[str]:
        """Return this resource's tags of one kind (from a prefetch of `tags`), sorted."""
        return sorted(t.name for t in self.tags.all() if t.kind == kind)


class ResourceTag(WorkspaceScoped):
    """One tag of a resource: an industry it suits ("dental") or a topic ("reviews")."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=TagKind.choices)
    # Lower case, single spaces: "dental", "online reviews".
    name = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "kind", "name"], name="resource_tag_unique")
        ]
        indexes = [models.Index(fields=["workspace", "kind", "name"], name="resource_tag_ws")]

    def __str__(self) -> str:
        return self.name


class ResourceShare(WorkspaceScoped):
    """That a resource was shared with a client: so it is never suggested to them again."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="shares")
    client = models.ForeignKey(Client, models.CASCADE, related_name="resource_shares")
    contact = models.ForeignKey(
        Contact, models.SET_NULL, null=True, blank=True, related_name="resource_shares"
    )
    message = models.TextField(blank=True)
    emailed = models.BooleanField(default=False)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "resource"], name="resource_share_client")]

    def __str__(self) -> str:
        return f"{self.resource} to {self.client}"
