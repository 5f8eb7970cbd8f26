"""Load the demo workspace: Brightside Studio, its team, its clients and six months of history."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.models import Membership, Role, User, Workspace
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client, Contact, Goal, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.demo import roster, roster_more, roster_others, roster_trouble
from keepwarm.demo.agenda import plan_meetings
from keepwarm.demo.feedback import create_feedback
from keepwarm.demo.mail import create_mail
from keepwarm.demo.promises import PROMISES
from keepwarm.demo.recovery import create_recovery
from keepwarm.demo.referrals import create_referrals_and_resources
from keepwarm.demo.reports import create_reports
from keepwarm.demo.routine import Clock, Planned, PlannedPromise, RoutinePlanner
from keepwarm.demo.specs import ClientSpec, Promise, Thread
from keepwarm.demo.stories import THREADS
from keepwarm.demo.stories_edges import EDGE_THREADS
from keepwarm.interactions.models import Interaction
from keepwarm.lib.text import sentiment
from keepwarm.trust.services import snapshots_store, workspace_today

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "keepwarm-demo"
DEMO_TIME_ZONE = "Europe/London"
STUDIO_NAME = "Brightside Studio"
STUDIO_DOMAIN = "brightside.example"


@dataclass(frozen=True)
class TeamMember:
    """One of the studio's two people."""

    key: str
    name: str
    email: str
    role: str


TEAM = (
    TeamMember("maya", "Maya Okafor", DEMO_EMAIL, Role.OWNER),
    TeamMember("tom", "Tom Reilly", f"tom@{STUDIO_DOMAIN}", Role.MANAGER),
)

CLIENTS: tuple[ClientSpec, ...] = (
    roster.HARBOR,
    roster.NORTHGATE,
    roster.FENWICK,
    roster.CRUMB,
    roster.RIVERSIDE,
    roster_trouble.CASTLE,
    roster_trouble.GREENWAY,
    roster_trouble.MEADOWBANK,
    roster_more.SALTMARSH,
    roster_trouble.OAKRIDGE,
    roster_more.ACORNS,
    roster_more.BRAMLEY,
    roster_more.AMELIA,
    roster_more.JONAH,
    roster_more.KESTREL,
    roster_trouble.HILLCREST,
    roster_more.LANTERN,
    roster_others.HOLLIS,
    roster_others.COPPERLEAF,
    roster_others.ROSA,
    roster_others.QUAYSIDE,
    roster_others.SEAVIEW,
    roster_others.PINEWOOD,
    roster_others.ASHDOWN,
    roster_others.BROOKFIELD,
    roster_others.KINGSWAY,
    roster_others.THISTLE,
    roster_others.EASTSIDE,
)

STEPS = (
    "Setting up Brightside Studio and its team",
    f"Adding {len(CLIENTS)} clients",
    "Adding people, personal facts and dates",
    "Adding goals",
    "Writing six months of emails, calls and meetings",
    "Recording promises",
    "Working out six months of trust scores",
)
# Past trust scores are stored once a week (and today): enough for the trend lines, and
# quick to load.
SNAPSHOT_EVERY_DAYS = 7
SNAPSHOT_HISTORY_DAYS = 175


class Progress(Protocol):
    """Told before each step: its description, how many steps are done, how many in all."""

    def __call__(self, description: str, done: int, total: int, /) -> None: ...


class DemoError(Exception):
    """The demo cannot be loaded without changing data that is not the demo's."""


@dataclass(frozen=True)
class DemoResult:
    """What `load_demo` did, and how to sign in."""

    workspace: Workspace
    created: bool
    counts: dict[str, int]
    seconds: float
    login_ok: bool
    email: str = DEMO_EMAIL
    password: str = DEMO_PASSWORD


def demo_today() -> dt.date:
    """Return today in the demo studio's time zone."""
    return timezone.localdate(timezone=ZoneInfo(DEMO_TIME_ZONE))


def load_demo(
    *, today: dt.date | None = None, progress: Progress | None = None, reset: bool = False
) -> DemoResult:
    """Create the demo workspace unless one exists; with `reset`, replace it with a fresh one."""
    started = time.perf_counter()
    with transaction.atomic():
        existing = Workspace.objects.filter(is_demo=True).order_by("pk").first()
        if existing is not None and not reset:
            return DemoResult(
                workspace=existing,
                created=False,
                counts=demo_counts(existing),
                seconds=time.perf_counter() - started,
                login_ok=_login_works(existing),
            )
        delete_demo()
        _refuse_foreign_users()
        workspace = _build(today or demo_today(), progress or _silent)
    return DemoResult(
        workspace=workspace,
        created=True,
        counts=demo_counts(workspace),
        seconds=time.perf_counter() - started,
        login_ok=True,
    )


def delete_demo() -> int:
    """Delete every demo workspace and the users who belong to no other; return how many."""
    with transaction.atomic():
        workspace_ids = list(Workspace.objects.filter(is_demo=True).values_list("pk", flat=True))
        if not workspace_ids:
            return 0
        user_ids = list(
            User.objects.filter(memberships__workspace__in=workspace_ids)
            .exclude(memberships__workspace__is_demo=False)
            .values_list("pk", flat=True)
            .distinct()
        )
        Workspace.objects.filter(pk__in=workspace_ids, is_demo=True).delete()
        User.objects.filter(pk__in=user_ids, memberships__isnull=True).delete()
        return len(workspace_ids)


def loaded_on(workspace: Workspace) -> dt.date:
    """Return the day the demo workspace was loaded, in the studio's time zone."""
    return timezone.localtime(workspace.created_at, ZoneInfo(DEMO_TIME_ZONE)).date()


def overdue_promises(workspace: Workspace, today: dt.date | None = None) -> int:
    """Return how many open promises in the workspace are past their due day."""
    return Commitment.objects.filter(
        workspace=workspace, status=CommitmentStatus.OPEN, due_on__lt=today or demo_today()
    ).count()


def demo_counts(workspace: Workspace) -> dict[str, int]:
    """Return how many of each kind of record the demo workspace holds."""
    models: dict[str, type[Client | Contact | PersonalFact | ImportantDate | Goal]] = {
        "clients": Client,
        "contacts": Contact,
        "facts": PersonalFact,
        "dates": ImportantDate,
        "goals": Goal,
    }
    counts = {
        name: model.objects.filter(workspace=workspace).count() for name, model in models.items()
    }
    counts["interactions"] = Interaction.objects.filter(workspace=workspace).count()
    counts["commitments"] = Commitment.objects.filter(workspace=workspace).count()
    return counts


def _silent(description: str, done: int, total: int) -> None:
    """Report nothing."""


def _login_works(workspace: Workspace) -> bool:
    """Return whether the demo login still signs in to the demo workspace."""
    user = User.objects.filter(email=DEMO_EMAIL, memberships__workspace=workspace).first()
    return user is not None and user.is_active and user.check_password(DEMO_PASSWORD)


def _refuse_foreign_users() -> None:
    """Stop if a team email belongs to someone outside the demo: their account is not ours."""
    taken = sorted(
        User.objects.filter(email__in=[m.email for m in TEAM]).values_list("email", flat=True)
    )
    if taken:
        raise DemoError(
            f"A user with the email {taken[0]} already exists and is not part of the demo, so "
            "the demo will not change it. Sign in as that user instead, or remove it first."
        )


def _build(today: dt.date, progress: Progress) -> Workspace:
    """Create the whole demo; the caller holds the transaction."""
    clock = Clock(today, ZoneInfo(DEMO_TIME_ZONE))
    specs = {spec.key: spec for spec in CLIENTS}

    def step(index: int) -> None:
        progress(STEPS[index], index, len(STEPS))

    step(0)
    workspace = Workspace.objects.create(
        name=STUDIO_NAME, time_zone=DEMO_TIME_ZONE, is_demo=True, created_at=timezone.now()
    )
    users = {}
    # Hashing is slow by design (Argon2); both team members share the demo password.
    password = make_password(DEMO_PASSWORD)
    for member in TEAM:
        user = User.objects.create_user(
            member.email, None, name=member.name, time_zone=DEMO_TIME_ZONE
        )
        user.password = password
        user.save(update_fields=["password"])
        # No daily digest email from the demo until someone turns it on.
        Membership.objects.create(
            user=user, workspace=workspace, role=member.role, digest_enabled=False
        )
        users[member.key] = user
    audit_record(workspace=workspace, actor=None, action="demo.load", obj=workspace)

    step(1)
    clients = _create_clients(workspace, clock, users)
    step(2)
    contacts = _create_people(workspace, clock, clients)
    step(3)
    goals = _create_goals(workspace, clients)
    step(4)
    planned, promises = _plan_history(clock, specs)
    interactions = _create_interactions(workspace, planned, clients, contacts, users, specs)
    step(5)
    promises += _plan_promises(clock, specs, planned)
    _create_commitments(workspace, promises, clients, contacts, goals, users, interactions)
    create_recovery(workspace, clock, clients, users)
    create_feedback(workspace, clock, clients, users)
    plan_meetings(workspace, clock, clients, contacts, users)
    create_referrals_and_resources(workspace, clock, clients, contacts, users)
    create_reports(workspace, clock, clients, users)
    create_mail(workspace, clock, users)
    step(6)
    _store_snapshots(workspace, today)
    progress("Done", len(STEPS), len(STEPS))
    return workspace


def _create_clients(
    workspace: Workspace, clock: Clock, users: dict[str, User]
) -> dict[str, Client]:
    clients = {
        spec.key: Client(
            workspace=workspace,
            name=spec.name,
            kind=spec.kind,
            status=spec.status,
            industry=spec.industry,
            website=spec.website,
            notes=spec.notes,
            owner=users[spec.owner],
            response_target_hours=spec.response_hours,
            check_in_every_days=spec.check_in_days,
            report_cadence=spec.cadence,
            report_weekday=spec.weekday,
            report_time=dt.time.fromisoformat(spec.report_time),
            report_time_zone=DEMO_TIME_ZONE,
            plain_language_target=spec.plain_target,
            annual_value=Decimal(spec.annual_value) if spec.annual_value is not None else None,
            created_at=clock.at(clock.day(-spec.since_days), "10:00"),
        )
        for spec in CLIENTS
    }
    Client.objects.bulk_create(clients.values())
    referred = []
    for spec in CLIENTS:
        if spec.referred_by:
            clients[spec.key].referred_by = clients[spec.referred_by]
            referred.append(clients[spec.key])
    Client.objects.bulk_update(referred, ["referred_by"])
    return clients


def _create_people(
    workspace: Workspace, clock: Clock, clients: dict[str, Client]
) -> dict[tuple[str, int], Contact]:
    contacts: dict[tuple[str, int], Contact] = {}
    number = 100
    for spec in CLIENTS:
        client = clients[spec.key]
        for index, person in enumerate(spec.people):
            number += 1
            office = f"01632 960{number:03d}" if index == 0 and spec.kind == "organisation" else ""
            contacts[spec.key, index] = Contact(
                workspace=workspace,
                client=client,
                name=person.name,
                role=person.role,
                email=f"{person.email}@{spec.domain}",
                phone=person.phone or f"07700 900{number:03d}",
                other_phones=office,
                preferred_channel=person.channel,
                notes=person.notes,
                created_at=client.created_at,
            )
    Contact.objects.bulk_create(contacts.values())

    facts: list[PersonalFact] = []
    dates: list[ImportantDate] = []
    for spec in CLIENTS:
        for index, person in enumerate(spec.people):
            contact = contacts[spec.key, index]
            for fact in person.facts:
                noted = clock.at(clock.day(-fact.noted_days_ago), "12:00")
                facts.append(
                    PersonalFact(
                        workspace=workspace,
                        contact=contact,
                        category=fact.category,
                        text=fact.text,
                        date=fact.on.resolve(clock.today) if fact.on else None,
                        follow_up_on=fact.follow_up.resolve(clock.today)
                        if fact.follow_up
                        else None,
                        created_at=max(noted, contact.created_at),
                    )
                )
            dates.extend(
                ImportantDate(
                    workspace=workspace,
                    contact=contact,
                    kind=day.kind,
                    label=day.label,
                    date=day.resolve(clock.today),
                    yearly=day.yearly,
                )
                for day in person.dates
            )
    PersonalFact.objects.bulk_create(facts)
    ImportantDate.objects.bulk_create(dates)
    return contacts


def _create_goals(workspace: Workspace, clients: dict[str, Client]) -> dict[tuple[str, int], Goal]:
    goals = {
        (spec.key, index): Goal(
            workspace=workspace,
            client=clients[spec.key],
            text=goal.text,
            priority=goal.priority,
            status=goal.status,
            created_at=clients[spec.key].created_at + dt.timedelta(minutes=index),
        )
        for spec in CLIENTS
        for index, goal in enumerate(spec.goals)
    }
    Goal.objects.bulk_create(goals.values())
    return goals


def _plan_thread(thread: Thread, spec: ClientSpec, clock: Clock) -> list[Planned]:
    """Turn a hand-written thread into interactions; "Re:" emails answer their original."""
    planned: list[Planned] = []
    for msg in thread.msgs:
        parent = None
        if msg.channel == "email" and msg.subject.startswith("Re: "):
            original = msg.subject.removeprefix("Re: ")
            parent = next(
                (
                    p
                    for p in reversed(planned)
                    if p.channel == "email" and p.subject.removeprefix("Re: ") == original
                ),
                None,
            )
        by = msg.by or (
            None if msg.direction == "inbound" and msg.channel == "email" else spec.owner
        )
        planned.append(
            Planned(
                client=spec.key,
                at=clock.at(clock.day(msg.day), msg.at),
                channel=msg.channel,
                direction=msg.direction,
                subject=msg.subject,
                body=msg.body,
                people=msg.who,
                by=by,
                kinds=msg.kinds,
                needs_reply=msg.needs_reply,
                parent=parent,
            )
        )
    # Our answer to a message is the next thing we sent, whatever the channel.
    for index, item in enumerate(planned):
        if item.direction == "inbound" and item.needs_reply:
            item.reply = next((p for p in planned[index + 1 :] if p.direction == "outbound"), None)
    return planned


def _plan_history(
    clock: Clock, specs: dict[str, ClientSpec]
) -> tuple[list[Planned], list[PlannedPromise]]:
    """Return six months of interactions, oldest first, and the promises made on calls."""
    planned: list[Planned] = []
    promises: list[PlannedPromise] = []
    for spec in CLIENTS:
        if spec.rhythm is not None:
            routine, made = RoutinePlanner(spec, clock).plan()
            planned += routine
            promises += made
    for thread in (*THREADS, *EDGE_THREADS):
        planned += _plan_thread(thread, specs[thread.client], clock)
    planned.sort(key=lambda p: (p.at, p.client))
    return planned, promises


def _create_interactions(
    workspace: Workspace,
    planned: list[Planned],
    clients: dict[str, Client],
    contacts: dict[tuple[str, int], Contact],
    users: dict[str, User],
    specs: dict[str, ClientSpec],
) -> dict[int, Interaction]:
    ids: dict[int, str] = {}
    for number, item in enumerate(planned, start=1):
        if item.channel == "email":
            domain = STUDIO_DOMAIN if item.direction == "outbound" else specs[item.client].domain
            ids[id(item)] = f"<{item.at:%Y%m%d%H%M}.{number:05d}.{item.client}@{domain}>"

    objects: dict[int, Interaction] = {}
    for item in planned:
        chain = list(_ancestors(item))
        reply_seconds = (
            int((item.reply.at - item.at).total_seconds()) if item.reply is not None else None
        )
        objects[id(item)] = Interaction(
            workspace=workspace,
            client=clients[item.client],
            channel=item.channel,
            direction=item.direction,
            occurred_at=item.at,
            subject=item.subject[:300],
            body=item.body,
            is_progress="progress" in item.kinds,
            is_problem="problem" in item.kinds,
            is_value_add="value_add" in item.kinds,
            is_personal_touch="personal_touch" in item.kinds,
            is_job_report="job_report" in item.kinds,
            message_id=ids.get(id(item), ""),
            in_reply_to=ids.get(id(chain[-1]), "") if chain else "",
            references=" ".join(ids[id(p)] for p in chain if id(p) in ids),
            # As interaction_mark_replied does: an answered message no longer needs a reply.
            needs_reply=item.needs_reply and item.reply is None,
            first_response_seconds=reply_seconds,
            # As interaction_log does: the tone of what the client wrote, subject included.
            sentiment=sentiment(f"{item.subject}\n\n{item.body}")
            if item.direction == "inbound"
            else None,
            logged_by=users[item.by] if item.by else None,
            created_at=item.at,
        )
    Interaction.objects.bulk_create(objects.values(), batch_size=500)

    answered = []
    for item in planned:
        if item.reply is not None:
            obj = objects[id(item)]
            obj.replied_by = objects[id(item.reply)]
            answered.append(obj)
    Interaction.objects.bulk_update(answered, ["replied_by"], batch_size=500)

    through = Interaction.contacts.through
    through.objects.bulk_create(
        [
            through(interaction_id=objects[id(item)].pk, contact_id=contacts[item.client, index].pk)
            for item in planned
            for index in item.people
        ],
        batch_size=1000,
    )
    return objects


def _ancestors(item: Planned) -> Iterable[Planned]:
    """Yield the emails `item` answers, oldest first."""
    chain = []
    parent = item.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return reversed(chain)


def _plan_promises(
    clock: Clock, specs: dict[str, ClientSpec], planned: list[Planned]
) -> list[PlannedPromise]:
    promises: list[PlannedPromise] = []
    by_day: dict[tuple[str, dt.date], Planned] = {}
    for item in planned:
        # The latest interaction of the day is the one a promise made that day came from.
        by_day[item.client, item.at.date()] = item
    for promise in PROMISES:
        promises += _plan_promise(promise, specs[promise.client], clock, by_day, None)
    return promises


def _plan_promise(
    promise: Promise,
    spec: ClientSpec,
    clock: Clock,
    by_day: dict[tuple[str, dt.date], Planned],
    previous: PlannedPromise | None,
) -> list[PlannedPromise]:
    made = clock.day(promise.made)
    source = by_day.get((spec.key, made))
    planned = PlannedPromise(
        client=spec.key,
        what=promise.what,
        made_at=source.at if source else clock.at(made, "12:00"),
        due=clock.day(promise.due),
        status=promise.status,
        done_at=clock.at(clock.day(promise.done), "16:30") if promise.done is not None else None,
        to=promise.to,
        by=promise.by or spec.owner,
        goal=promise.goal,
        source=source,
        renegotiated_from=previous,
    )
    if promise.then is None:
        return [planned]
    return [planned, *_plan_promise(promise.then, spec, clock, by_day, planned)]


def _create_commitments(
    workspace: Workspace,
    promises: list[PlannedPromise],
    clients: dict[str, Client],
    contacts: dict[tuple[str, int], Contact],
    goals: dict[tuple[str, int], Goal],
    users: dict[str, User],
    interactions: dict[int, Interaction],
) -> None:
    objects: dict[int, Commitment] = {}
    for promise in promises:
        objects[id(promise)] = Commitment(
            workspace=workspace,
            client=clients[promise.client],
            what=promise.what,
            promised_to=contacts.get((promise.client, promise.to))
            if promise.to is not None
            else None,
            owner=users[promise.by] if promise.by else None,
            due_on=promise.due,
            status=promise.status,
            done_at=promise.done_at,
            goal=goals.get((promise.client, promise.goal)) if promise.goal is not None else None,
            source_interaction=interactions[id(promise.source)] if promise.source else None,
            created_at=promise.made_at,
        )
    # Renegotiated promises point at the one they replaced, so those go in first.
    first = [p for p in promises if p.renegotiated_from is None]
    later = [p for p in promises if p.renegotiated_from is not None]
    Commitment.objects.bulk_create([objects[id(p)] for p in first])
    for promise in later:
        assert promise.renegotiated_from is not None
        objects[id(promise)].renegotiated_from = objects[id(promise.renegotiated_from)]
    Commitment.objects.bulk_create([objects[id(p)] for p in later])


def _store_snapshots(workspace: Workspace, today: dt.date) -> None:
    """Store a trust score per client for each week of the story, and for today."""
    real_today = workspace_today(workspace)
    days = [
        today - dt.timedelta(days=back)
        for back in range(SNAPSHOT_HISTORY_DAYS, 0, -SNAPSHOT_EVERY_DAYS)
    ]
    for day in [*days, today]:
        # A story dated ahead of the clock has no past scores beyond today to store.
        if day <= real_today:
            snapshots_store(workspace=workspace, day=day)
