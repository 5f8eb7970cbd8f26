"""Writes for the client record. Every function checks the member may write and audits."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from keepwarm.accounts.models import Membership
from keepwarm.accounts.records import (
    check_fields,
    check_same_workspace,
    record_create,
    record_delete,
    record_update,
)
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import (
    Client,
    Contact,
    Goal,
    ImportantDate,
    PersonalFact,
    Resource,
    ResourceTag,
    TagKind,
)

CLIENT_FIELDS = (
    "name", "kind", "status", "industry", "website", "notes", "owner",
    "response_target_hours", "check_in_every_days", "report_cadence", "report_weekday",
    "report_time", "report_time_zone", "report_auto_send_no_change", "plain_language_target",
    "annual_value", "referred_by", "referred_by_contact",
)  # fmt: skip
CONTACT_FIELDS = (
    "name", "role", "email", "other_emails", "phone", "other_phones", "preferred_channel", "notes",
    "receives_reports",
)  # fmt: skip
FACT_FIELDS = ("category", "text", "date", "follow_up_on")
DATE_FIELDS = ("kind", "label", "date", "yearly")
GOAL_FIELDS = ("text", "priority", "status")


def _check_client_links(
    membership: Membership, data: dict[str, Any], client: Client | None
) -> None:
    person = data.get("referred_by_contact")
    check_same_workspace(
        membership.workspace,
        owner=data.get("owner"),
        referred_by=data.get("referred_by"),
        referred_by_contact=person,
    )
    if person is not None:
        # The person's client is the referrer; naming only the person is enough.
        if data.get("referred_by") is None:
            data["referred_by"] = person.client
        elif data["referred_by"].pk != person.client_id:
            raise ValidationError(
                {"referred_by_contact": f"Choose someone who works at {data['referred_by']}."}
            )
    if client is not None and data.get("referred_by") == client:
        raise ValidationError({"referred_by": "A client cannot refer themselves."})
    zone = data.get("report_time_zone")
    if zone is not None and zone not in zoneinfo.available_timezones():
        raise ValidationError(
            {"report_time_zone": "Choose a time zone from the list, such as Europe/London."}
        )


@transaction.atomic
def client_create(*, membership: Membership, **data: Any) -> Client:
    """Create a client; reply and check-in targets not given take the workspace's defaults."""
    check_fields(data, CLIENT_FIELDS)
    workspace = membership.workspace
    for field, default in (
        ("response_target_hours", workspace.default_response_target_hours),
        ("check_in_every_days", workspace.default_check_in_every_days),
    ):
        if data.get(field) is None:
            data[field] = default
    _check_client_links(membership, data, None)
    return record_create(membership=membership, model=Client, action="client.create", data=data)


@transaction.atomic
def client_update(*, membership: Membership, client: Client, **data: Any) -> Client:
    """Change a client's details."""
    check_fields(data, CLIENT_FIELDS)
    _check_client_links(membership, data, client)
    return record_update(membership=membership, obj=client, action="client.update", data=data)


@transaction.atomic
def client_delete(*, membership: Membership, client: Client) -> None:
    """Delete a client with everything recorded about them."""
    record_delete(membership=membership, obj=client, action="client.delete")


@transaction.atomic
def contact_create(*, membership: Membership, client: Client, **data: Any) -> Contact:
    """Add a person to a client."""
    check_fields(data, CONTACT_FIELDS)
    check_same_workspace(membership.workspace, client=client)
    return record_create(
        membership=membership,
        model=Contact,
        action="contact.create",
        data={"client": client, **data},
    )


@transaction.atomic
def contact_update(*, membership: Membership, contact: Contact, **data: Any) -> Contact:
    """Change a person's details (or move them to another client)."""
    check_fields(data, (*CONTACT_FIELDS, "client"))
    check_same_workspace(membership.workspace, client=data.get("client"))
    return record_update(membership=membership, obj=contact, action="contact.update", data=data)


@transaction.atomic
def contact_delete(*, membership: Membership, contact: Contact) -> None:
    """Delete a person with their personal facts and dates."""
    record_delete(membership=membership, obj=contact, action="contact.delete")


@transaction.atomic
def fact_create(*, membership: Membership, contact: Contact, **data: Any) -> PersonalFact:
    """Remember something about a person."""
    check_fields(data, FACT_FIELDS)
    check_same_workspace(membership.workspace, contact=contact)
    return record_create(
        membership=membership,
        model=PersonalFact,
        action="personal_fact.create",
        data={"contact": contact, **data},
    )


@transaction.atomic
def fact_update(*, membership: Membership, fact: PersonalFact, **data: Any) -> PersonalFact:
    """Change a personal fact."""
    check_fields(data, FACT_FIELDS)
    return record_update(membership=membership, obj=fact, action="personal_fact.update", data=data)


@transaction.atomic
def fact_delete(*, membership: Membership, fact: PersonalFact) -> None:
    """Forget a personal fact."""
    record_delete(membership=membership, obj=fact, action="personal_fact.delete")


@transaction.atomic
def date_create(*, membership: Membership, contact: Contact, **data: Any) -> ImportantDate:
    """Add an important date for a person."""
    check_fields(data, DATE_FIELDS)
    check_same_workspace(membership.workspace, contact=contact)
    return record_create(
        membership=membership,
        model=ImportantDate,
        action="important_date.create",
        data={"contact": contact, **data},
    )


@transaction.atomic
def date_update(*, membership: Membership, day: ImportantDate, **data: Any) -> ImportantDate:
    """Change an important date."""
    check_fields(data, DATE_FIELDS)
    return record_update(membership=membership, obj=day, action="important_date.update", data=data)


@transaction.atomic
def date_delete(*, membership: Membership, day: ImportantDate) -> None:
    """Delete an important date."""
    record_delete(membership=membership, obj=day, action="important_date.delete")


@transaction.atomic
def goal_create(*, membership: Membership, client: Client, **data: Any) -> Goal:
    """Record one of the client's goals."""
    check_fields(data, GOAL_FIELDS)
    check_same_workspace(membership.workspace, client=client)
    return record_create(
        membership=membership, model=Goal, action="goal.create", data={"client": client, **data}
    )


@transaction.atomic
def goal_update(*, membership: Membership, goal: Goal, **data: Any) -> Goal:
    """Change a goal's text, priority or status."""
    check_fields(data, GOAL_FIELDS)
    return record_update(membership=membership, obj=goal, action="goal.update", data=data)


@transaction.atomic
def goal_delete(*, membership: Membership, goal: Goal) -> None:
    """Delete a goal."""
    record_delete(membership=membership, obj=goal, action="goal.delete")


# Referrals ---------------------------------------------------------------------------------


@transaction.atomic
def referral_mark_thanked(*, membership: Membership, client: Client, at: dt.datetime) -> Client:
    """Record that whoever referred `client` has been thanked for it."""
    if client.referred_by_id is None:
        raise ValidationError("Nobody is recorded as having referred this client.")
    return record_update(
        membership=membership,
        obj=client,
        action="client.referral_thanked",
        data={"referral_thanked_at": at},
    )


@transaction.atomic
def referral_mark_asked(*, membership: Membership, client: Client, at: dt.datetime) -> Client:
    """Record that we asked `client` whether they know someone we could help."""
    return record_update(
        membership=membership,
        obj=client,
        action="client.referral_asked",
        data={"referral_asked_at": at},
    )


# Resources ---------------------------------------------------------------------------------

RESOURCE_FIELDS = ("title", "url", "note")
MAX_TAGS = 12


def tag_list(text: str | Iterable[str]) -> list[str]:
    """Return tags from "Dental,  online reviews" (or a list): lower case, unique, in order."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    names: list[str] = []
    for part in parts:
        name = re.sub(r"\s+", " ", part).strip().lower()
        if name and name not in names:
            names.append(name)
    return names


def _check_resource(data: dict[str, Any], industries: list[str], topics: list[str]) -> None:
    errors: dict[str, str] = {}
    if not (data.get("url") or "").strip() and not (data.get("note") or "").strip():
        errors["url"] = "Give a link, or write the note to share, or both."
    for field, names in (("industries", industries), ("topics", topics)):
        if len(names) > MAX_TAGS:
            errors[field] = f"Use at most {MAX_TAGS} tags here."
        elif any(len(name) > 60 for name in names):
            errors[field] = "Keep each tag under 60 characters."
    if errors:
        raise ValidationError(errors)


def _set_tags(
    membership: Membership, resource: Resource, industries: list[str], topics: list[str]
) -> dict[str, list[list[str]]]:
    before = {kind: resource.tag_names(kind) for kind in TagKind.values}
    ResourceTag.objects.filter(resource=resource).delete()
    ResourceTag.objects.bulk_create(
        ResourceTag(workspace=membership.workspace, resource=resource, kind=kind, name=name)
        for kind, names in ((TagKind.INDUSTRY, industries), (TagKind.TOPIC, topics))
        for name in names
    )
    after = {TagKind.INDUSTRY.value: sorted(industries), TagKind.TOPIC.value: sorted(topics)}
    return {kind: [before[kind], after[kind]] for kind in after if before[kind] != after[kind]}


@transaction.atomic
def resource_create(
    *,
    membership: Membership,
    industries: str | Iterable[str] = (),
    topics: str | Iterable[str] = (),
    **data: Any,
) -> Resource:
    """Add a link or note to the library, tagged by the industries and topics it suits."""
    check_fields(data, RESOURCE_FIELDS)
    industry_tags, topic_tags = tag_list(industries), tag_list(topics)
    _check_resource(data, industry_tags, topic_tags)
    resource = record_create(
        membership=membership,
        model=Resource,
        action="resource.create",
        data={"added_by": membership.user, **data},
    )
    changes = _set_tags(membership, resource, industry_tags, topic_tags)
    if changes:
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="resource.tags",
            obj=resource,
            changes=changes,
        )
    return resource


@transaction.atomic
def resource_update(
    *,
    membership: Membership,
    resource: Resource,
    industries: str | Iterable[str] = (),
    topics: str | Iterable[str] = (),
    **data: Any,
) -> Resource:
    """Change a resource's title, link, note or tags."""
    check_fields(data, RESOURCE_FIELDS)
    industry_tags, topic_tags = tag_list(industries), tag_list(topics)
    merged = {"url": resource.url, "note": resource.note, **data}
    _check_resource(merged, industry_tags, topic_tags)
    record_update(membership=membership, obj=resource, action="resource.update", data=data)
    changes = _set_tags(membership, resource, industry_tags, topic_tags)
    if changes:
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="resource.tags",
            obj=resource,
            changes=changes,
        )
    return resource


@transaction.atomic
def resource_delete(*, membership: Membership, resource: Resource) -> None:
    """Delete a resource from the library, with the record of whom it was shared with."""
    record_delete(membership=membership, obj=resource, action="resource.delete")
