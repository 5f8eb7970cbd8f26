"""vCard 3.0 and 4.0 in and out: people with their emails, phones, role, client and birthday.

A card is matched to a person by its UID (through the ledger, or a UID Keepwarm exported),
then by email; ORG names the client (matched by name, created if missing; a card without
one becomes an individual client of that name). BDAY becomes the person's birthday.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import vobject
from django.core.exceptions import ValidationError
from django.db import transaction

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.clients import services as clients
from keepwarm.clients.models import Client, ClientKind, Contact, DateKind, ImportantDate
from keepwarm.transfer.models import ExternalRef
from keepwarm.transfer.results import CREATED, UNCHANGED, UPDATED, ImportResult
from keepwarm.transfer.services import ref_find, ref_remember

SOURCE = "vcard"
KINDS = (("client", "Clients"), ("contact", "People"), ("birthday", "Birthdays"))
OUR_UID = re.compile(r"^urn:keepwarm:contact:(\d+)$")
# A birthday without a year (vCard 4.0 "--0415") is kept in a leap year so 29 Feb fits.
NO_YEAR = 1904


class CardInvalid(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def _values(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name.lower(), []))


def _is_pref(line: Any) -> bool:
    types = [t.upper() for value in line.params.get("TYPE", []) for t in value.split(",")]
    return "PREF" in types or "PREF" in {k.upper() for k in line.params}


def _ordered(lines: list[Any]) -> list[str]:
    """Return the values of EMAIL or TEL lines, the preferred one first, without repeats."""
    ranked = sorted(lines, key=lambda line: not _is_pref(line))
    seen: list[str] = []
    for line in ranked:
        value = str(line.value).strip()
        if value and value.casefold() not in {s.casefold() for s in seen}:
            seen.append(value)
    return seen


def _birthday(text: str) -> dt.date | None:
    text = text.strip()
    match = re.fullmatch(r"--(\d\d)-?(\d\d)", text)
    if match:
        return dt.date(NO_YEAR, int(match[1]), int(match[2]))
    match = re.fullmatch(r"(\d{4})-?(\d\d)-?(\d\d)(T.*)?", text)
    if match:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    raise ValueError(text)


def _card_data(card: Any) -> tuple[str | None, dict[str, Any], str, dt.date | None]:
    """Return (uid, the person's fields, the client's name, birthday) of one card."""
    problems: list[tuple[str, str]] = []
    name = ""
    if "fn" in card.contents:
        name = str(card.fn.value).strip()
    if not name and "n" in card.contents:
        n = card.n.value
        name = " ".join(
            part for part in (getattr(n, "given", ""), getattr(n, "family", "")) if part
        ).strip()
    if not name:
        problems.append(("FN", "The card has no name (FN)."))
    emails = _ordered(_values(card, "email"))
    phones = _ordered(_values(card, "tel"))
    data: dict[str, Any] = {"name": name}
    if emails:
        data["email"] = emails[0]
        data["other_emails"] = "\n".join(emails[1:])
    if phones:
        data["phone"] = phones[0]
        data["other_phones"] = "\n".join(phones[1:])
    for prop in ("title", "role"):
        if prop in card.contents and str(card.contents[prop][0].value).strip():
            data["role"] = str(card.contents[prop][0].value).strip()
            break
    if "note" in card.contents:
        data["notes"] = str(card.note.value)
    org = ""
    if "org" in card.contents:
        value = card.org.value
        parts = value if isinstance(value, list) else [value]
        org = str(parts[0]).strip() if parts else ""
    birthday = None
    if "bday" in card.contents:
        try:
            birthday = _birthday(str(card.bday.value))
        except ValueError:
            problems.append(("BDAY", f"“{card.bday.value}” is not a date such as 1985-03-04."))
    uid = str(card.uid.value).strip() if "uid" in card.contents else None
    if problems:
        raise CardInvalid(problems)
    return uid or None, data, org, birthday


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    return [(f.upper(), m) for f, messages in error.message_dict.items() for m in messages]


def _find_contact(membership: Membership, uid: str | None, email: str | None) -> Contact | None:
    workspace = membership.workspace
    if uid:
        ours = OUR_UID.match(uid)
        if ours:
            found = Contact.objects.filter(workspace=workspace, pk=int(ours[1])).first()
            if found is not None:
                return found
        found = ref_find(
            workspace=workspace, source=SOURCE, kind="contact", external_id=uid, model=Contact
        )
        if found is not None:
            return found
    if email:
        return (
            Contact.objects.filter(workspace=workspace, email__iexact=email).order_by("pk").first()
        )
    return None


def _find_client(
    membership: Membership, org: str, name: str, contact: Contact | None
) -> tuple[Client, str]:
    workspace = membership.workspace
    if not org and contact is not None:
        return contact.client, UNCHANGED
    wanted = org or name
    client = Client.objects.filter(workspace=workspace, name__iexact=wanted).order_by("pk").first()
    if client is not None:
        return client, UNCHANGED
    kind = ClientKind.ORGANISATION if org else ClientKind.INDIVIDUAL
    return clients.client_create(membership=membership, name=wanted, kind=kind), CREATED


def _save_birthday(membership: Membership, contact: Contact, birthday: dt.date) -> str:
    existing = (
        ImportantDate.objects.filter(contact=contact, kind=DateKind.BIRTHDAY).order_by("pk").first()
    )
    if existing is None:
        clients.date_create(
            membership=membership, contact=contact, kind=DateKind.BIRTHDAY, date=birthday
        )
        return CREATED
    if existing.date == birthday:
        return UNCHANGED
    clients.date_update(membership=membership, day=existing, date=birthday)
    return UPDATED


def _apply_card(membership: Membership, card: Any) -> tuple[dict[tuple[str, int], str], list[str]]:
    uid, data, org, birthday = _card_data(card)
    contact = _find_contact(membership, uid, data.get("email"))
    try:
        client, client_outcome = _find_client(membership, org, data["name"], contact)
        touched = {("client", client.pk): client_outcome}
        actions = [f"Create client “{client.name}”"] if client_outcome == CREATED else []
        if contact is None:
            contact = clients.contact_create(membership=membership, client=client, **data)
            outcome = CREATED
            actions.append(f"Add {contact.name} at “{client.name}”")
        else:
            changes = {k: v for k, v in data.items() if getattr(contact, k) != v}
            if contact.client_id != client.pk:
                changes["client"] = client
            outcome = UPDATED if changes else UNCHANGED
            if changes:
                clients.contact_update(membership=membership, contact=contact, **changes)
                actions.append(f"Update {contact.name}: {', '.join(sorted(changes))}")
        touched[("contact", contact.pk)] = outcome
        if birthday is not None:
            day_outcome = _save_birthday(membership, contact, birthday)
            touched[("birthday", contact.pk)] = day_outcome
            if day_outcome != UNCHANGED:
                actions.append(f"Birthday of {contact.name}: {birthday:%d %b}")
    except ValidationError as error:
        raise CardInvalid(_problems(error)) from None
    if uid and not OUR_UID.match(uid):
        ref_remember(
            workspace=membership.workspace,
            source=SOURCE,
            kind="contact",
            external_id=uid,
            object_id=contact.pk,
        )
    return touched, actions


def read_cards(text: TextIO) -> Iterator[Any]:
    """Yield the vCards of a text stream one by one; a broken card yields its exception."""
    try:
        for component in vobject.readComponents(text, ignoreUnreadable=True):
            if component.name.upper() == "VCARD":
                yield component
    except Exception as error:  # vobject raises ParseError and plain errors alike
        yield error


RANK = {UNCHANGED: 0, UPDATED: 1, CREATED: 2}


def vcard_import(
    *,
    membership: Membership,
    cards: Iterable[Any],
    dry_run: bool = False,
    on_item: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import people from vCards, each card on its own; return what was (or would be) done."""
    require_write(membership)
    result = ImportResult(dry_run=dry_run)
    seen: dict[tuple[str, int], str] = {}

    class DryRun(Exception):
        pass

    try:
        with transaction.atomic():
            for number, card in enumerate(cards, start=1):
                result.rows += 1
                if isinstance(card, Exception):
                    result.failed_rows += 1
                    result.add_error(number, "", f"The file cannot be read from here on: {card}")
                    break
                try:
                    with transaction.atomic():
                        touched, actions = _apply_card(membership, card)
                except CardInvalid as invalid:
                    result.failed_rows += 1
                    for where, reason in invalid.problems:
                        result.add_error(number, where, reason)
                    continue
                for key, outcome in touched.items():
                    if key not in seen or RANK[outcome] > RANK[seen[key]]:
                        seen[key] = outcome
                result.add_outcome(number, actions)
                if on_item is not None:
                    on_item(result.rows)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    for (kind, _pk), outcome in seen.items():
        result.counts[(kind, outcome)] += 1
    return result


def _uid_for(contact: Contact, uids: dict[int, str]) -> str:
    return uids.get(contact.pk) or f"urn:keepwarm:contact:{contact.pk}"


def _card(contact: Contact, uid: str, birthday: dt.date | None, version: str) -> Any:
    card = vobject.vCard()
    card.add("version").value = version
    card.add("uid").value = uid
    card.add("fn").value = contact.name
    given, _, family = contact.name.rpartition(" ")
    if not given:
        given, family = family, ""
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.client.kind == ClientKind.ORGANISATION:
        card.add("org").value = [contact.client.name]
    if contact.role:
        card.add("title").value = contact.role
    for number, email in enumerate(contact.all_emails):
        line = card.add("email")
        line.value = email
        if version == "3.0":
            line.type_param = ["INTERNET", "PREF"] if number == 0 else ["INTERNET"]
        elif number == 0:
            line.params["PREF"] = ["1"]
    phones = [contact.phone, *contact.other_phones.splitlines()]
    for number, phone in enumerate(p.strip() for p in phones if p.strip()):
        line = card.add("tel")
        line.value = phone
        if version == "3.0":
            line.type_param = ["VOICE", "PREF"] if number == 0 else ["VOICE"]
        elif number == 0:
            line.params["PREF"] = ["1"]
    if birthday is not None:
        card.add("bday").value = (
            f"--{birthday:%m%d}" if birthday.year == NO_YEAR else birthday.isoformat()
        )
    if contact.notes:
        card.add("note").value = contact.notes
    return card


def export_vcards(
    workspace_id: int,
    *,
    client_id: int | None = None,
    contact_id: int | None = None,
    version: str = "3.0",
) -> Iterator[str]:
    """Yield one vCard after another for the workspace's people (or one client's, or one)."""
    people = Contact.objects.filter(workspace_id=workspace_id).select_related("client")
    if client_id is not None:
        people = people.filter(client_id=client_id)
    if contact_id is not None:
        people = people.filter(pk=contact_id)
    people = people.order_by("client__name", "name", "pk")
    for chunk in _chunks(people.iterator(chunk_size=500), 500):
        ids = [c.pk for c in chunk]
        uids = dict(
            ExternalRef.objects.filter(
                workspace_id=workspace_id, source=SOURCE, kind="contact", object_id__in=ids
            ).values_list("object_id", "external_id")
        )
        birthdays: dict[int, dt.date] = {}
        for contact_pk, day in (
            ImportantDate.objects.filter(contact_id__in=ids, kind=DateKind.BIRTHDAY)
            .order_by("-pk")
            .values_list("contact_id", "date")
        ):
            birthdays[contact_pk] = day
        for contact in chunk:
            card = _card(contact, _uid_for(contact, uids), birthdays.get(contact.pk), version)
            yield card.serialize()


def _chunks[T](items: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
