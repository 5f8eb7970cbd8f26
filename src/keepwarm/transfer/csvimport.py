"""CSV import of clients and the people there: one row is a client, or a person at a client.

Rows are read one at a time from the stream, each applied in its own savepoint through the
clients services (validated and audited), and committed in batches. A row that fails is
reported with its reason and leaves nothing behind; the rest goes on. A dry run does the
same inside one transaction that is rolled back, so its counts are exactly what an import
would do.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership, User
from keepwarm.clients import services as clients
from keepwarm.clients.models import (
    Client,
    ClientKind,
    ClientStatus,
    Contact,
    PreferredChannel,
)
from keepwarm.transfer.fields import FIELDS, IGNORE
from keepwarm.transfer.results import CREATED, UNCHANGED, UPDATED, ImportResult
from keepwarm.transfer.services import ref_find, ref_remember
from keepwarm.transfer.textio import open_text, restore, sniff_delimiter

BATCH_ROWS = 100
MAX_CELL = 16 * 1024 * 1024
SOURCE = "csv"
KINDS = (("client", "Clients"), ("contact", "People"))

CHOICES: dict[str, Any] = {
    "client.kind": ClientKind,
    "client.status": ClientStatus,
    "contact.preferred_channel": PreferredChannel,
}
WHOLE_NUMBERS = {"client.response_target_hours", "client.check_in_every_days"}
MULTILINE = {"client.notes", "contact.notes"}
TRUE_WORDS = {"yes", "y", "true", "1", "x", "on"}
FALSE_WORDS = {"no", "n", "false", "0", "off"}


@dataclass
class CsvFile:
    headers: list[str]
    rows: Iterator[list[str]]
    text: io.TextIOWrapper


def csv_open(stream: BinaryIO) -> CsvFile:
    """Open a CSV byte stream: detect its encoding and delimiter, read its header row."""
    # A long note is one cell; the csv module's default limit (128 KB) would refuse it.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    text = open_text(stream)
    delimiter = sniff_delimiter(text.readline())
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        headers = []
    return CsvFile(headers, reader, text)


def source_for(program: str) -> str:
    """Return the ledger source of a CSV's external ids: "csv", or "csv:<program>"."""
    name = " ".join(program.casefold().split())[:70]
    return f"{SOURCE}:{name}" if name else SOURCE


class RowInvalid(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class _Run:
    """One import's state: the workspace's records indexed once, instead of a search per row.

    The indexes only learn a row's new records after the row is saved, and the cached
    objects are dropped whenever a row fails (its savepoint undid what they hold).
    """

    membership: Membership
    labels: dict[str, str]  # field key -> the column header that fills it
    result: ImportResult
    source: str = SOURCE
    members: dict[str, User] = field(default_factory=dict)
    seen: dict[tuple[str, int], str] = field(default_factory=dict)
    client_names: dict[str, int] = field(default_factory=dict)  # casefolded name -> pk
    emails: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # -> (pk, client)
    people_names: dict[tuple[int, str], int] = field(default_factory=dict)
    clients: dict[int, Client] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    pending: list[tuple[str, Any]] = field(default_factory=list)

    def label(self, key: str) -> str:
        return self.labels.get(key) or FIELDS[key].label

    def load(self) -> None:
        workspace_id = self.membership.workspace_id
        for pk, name in (
            Client.objects.filter(workspace_id=workspace_id)
            .order_by("-pk")
            .values_list("pk", "name")
        ):
            self.client_names[name.casefold()] = pk
        people = Contact.objects.filter(workspace_id=workspace_id).order_by("pk")
        for pk, client_id, name, email in people.values_list("pk", "client_id", "name", "email"):
            self._learn_contact(pk, client_id, name, email)

    def _learn_contact(self, pk: int, client_id: int, name: str, email: str) -> None:
        if email:
            found = self.emails.setdefault(email.casefold(), [])
            if (pk, client_id) not in found:
                found.append((pk, client_id))
        self.people_names.setdefault((client_id, name.casefold()), pk)

    def client(self, pk: int) -> Client | None:
        if pk not in self.clients:
            found = Client.objects.filter(workspace_id=self.membership.workspace_id, pk=pk).first()
            if found is None:
                return None
            self.clients[pk] = found
        return self.clients[pk]

    def contact(self, pk: int) -> Contact | None:
        if pk not in self.contacts:
            found = Contact.objects.filter(workspace_id=self.membership.workspace_id, pk=pk).first()
            if found is None:
                return None
            self.contacts[pk] = found
        return self.contacts[pk]

    def saved(self) -> None:
        """Let the indexes learn what the row that just succeeded created or changed."""
        for kind, obj in self.pending:
            if kind == "client":
                self.client_names.setdefault(obj.name.casefold(), obj.pk)
                self.clients[obj.pk] = obj
            else:
                self._learn_contact(obj.pk, obj.client_id, obj.name, obj.email)
                self.contacts[obj.pk] = obj
        self.pending.clear()

    def failed(self) -> None:
        self.pending.clear()
        self.clients.clear()
        self.contacts.clear()


def _split(value: str, separators: str) -> str:
    parts = [p.strip() for p in re.split(f"[{separators}]", value)]
    return "\n".join(p for p in parts if p)


def _convert(run: _Run, key: str, value: str, problems: list[tuple[str, str]]) -> Any:
    """Return a cell as the value its field takes, or note a problem in words."""
    if key in CHOICES:
        choices = CHOICES[key]
        for choice_value, choice_label in choices.choices:
            if value.casefold() in (choice_value.casefold(), str(choice_label).casefold()):
                return choice_value
        words = ", ".join(str(label) for _, label in choices.choices)
        problems.append((run.label(key), f"“{value}” is not one of: {words}."))
    elif key in WHOLE_NUMBERS:
        if value.isdigit() and int(value) > 0:
            return int(value)
        problems.append((run.label(key), f"“{value}” is not a whole number above 0."))
    elif key == "client.annual_value":
        try:
            amount = Decimal(value.replace(" ", ""))
        except InvalidOperation:
            amount = None
        if amount is not None and amount.is_finite() and amount >= 0:
            return amount
        problems.append((run.label(key), f"“{value}” is not an amount such as 1200.50."))
    elif key == "contact.receives_reports":
        if value.casefold() in TRUE_WORDS:
            return True
        if value.casefold() in FALSE_WORDS:
            return False
        problems.append((run.label(key), f"“{value}” is not yes or no."))
    elif key == "client.owner":
        user = run.members.get(value.casefold())
        if user is not None:
            return user
        problems.append((run.label(key), f"Nobody in this workspace has the email “{value}”."))
    elif key == "contact.other_emails":
        return _split(value, ";,\n")
    elif key == "contact.other_phones":
        return _split(value, ";\n")
    else:
        return value
    return None


def _row_values(row: list[str], mapping: list[str]) -> dict[str, str]:
    values = {}
    for key, cell in zip(mapping, row, strict=False):
        if key == IGNORE:
            continue
        cell = restore(cell)
        if key not in MULTILINE:
            cell = cell.strip()
        if cell:
            values[key] = cell
    return values


def _parse(run: _Run, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    problems: list[tuple[str, str]] = []
    data: dict[str, dict[str, Any]] = {"client": {}, "contact": {}}
    for key, value in values.items():
        spec = FIELDS[key]
        if spec.name in ("id", "external_id", "first_name", "last_name"):
            continue
        data[spec.kind][spec.name] = _convert(run, key, value, problems)
    if "name" not in data["contact"]:
        name = " ".join(
            values[k] for k in ("contact.first_name", "contact.last_name") if k in values
        )
        if name:
            data["contact"]["name"] = name
    for key in ("client.id", "contact.id"):
        if key in values and not values[key].isdigit():
            problems.append((run.label(key), f"“{values[key]}” is not a Keepwarm id (a number)."))
    if problems:
        raise RowInvalid(problems)
    return data["client"], data["contact"]


def _by_id[M: (Client, Contact)](run: _Run, model: type[M], values: dict[str, str]) -> M | None:
    kind = "client" if model is Client else "contact"
    fetch = run.client if model is Client else run.contact
    if f"{kind}.id" in values:
        found = fetch(int(values[f"{kind}.id"]))
        if found is not None:
            return found  # type: ignore[return-value]
    if f"{kind}.external_id" in values:
        return ref_find(
            workspace=run.membership.workspace,
            source=run.source,
            kind=kind,
            external_id=values[f"{kind}.external_id"],
            model=model,
        )
    return None


def _changes(obj: Client | Contact, data: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, value in data.items():
        if name in ("owner", "client"):
            current = getattr(obj, f"{name}_id")
            if current != (value.pk if value is not None else None):
                changes[name] = value
        elif getattr(obj, name) != value:
            changes[name] = value
    return changes


def _service_problems(run: _Run, kind: str, error: ValidationError) -> list[tuple[str, str]]:
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    problems: list[tuple[str, str]] = []
    for name, messages in error.message_dict.items():
        key = f"{kind}.{name}"
        where = run.label(key) if key in FIELDS else ""
        problems.extend((where, message) for message in messages)
    return problems


def _client_for_row(
    run: _Run, values: dict[str, str], data: dict[str, Any], contact: Contact | None
) -> tuple[Client, str, list[str]]:
    membership = run.membership
    client = _by_id(run, Client, values)
    name = data.get("name")
    if client is None and name and name.casefold() in run.client_names:
        client = run.client(run.client_names[name.casefold()])
        if client is not None and client.name.casefold() == name.casefold():
            data = {k: v for k, v in data.items() if k != "name"}
    if client is None and not name and contact is not None:
        client = contact.client
    if client is None:
        if not name:
            raise RowInvalid(
                [(run.label("client.name"), "Give the client's name: no client matches this row.")]
            )
        try:
            client = clients.client_create(membership=membership, **data)
        except ValidationError as error:
            raise RowInvalid(_service_problems(run, "client", error)) from None
        run.pending.append(("client", client))
        return client, CREATED, [f"Create client “{client.name}”"]
    changes = _changes(client, data)
    if not changes:
        return client, UNCHANGED, []
    try:
        clients.client_update(membership=membership, client=client, **changes)
    except ValidationError as error:
        raise RowInvalid(_service_problems(run, "client", error)) from None
    run.pending.append(("client", client))
    return (
        client,
        UPDATED,
        [f"Update client “{client.name}”: {', '.join(_words(changes, 'client'))}"],
    )


def _words(changes: dict[str, Any], kind: str) -> list[str]:
    return [
        FIELDS[f"{kind}.{name}"].label if f"{kind}.{name}" in FIELDS else name for name in changes
    ]


def _contact_match(run: _Run, client: Client, data: dict[str, Any]) -> Contact | None:
    email = data.get("email")
    if email:
        found = run.emails.get(email.casefold(), [])
        here = [pk for pk, client_id in found if client_id == client.pk]
        chosen = here[0] if here else found[0][0] if found else None
        return run.contact(chosen) if chosen is not None else None
    name = data.get("name")
    if name and (client.pk, name.casefold()) in run.people_names:
        return run.contact(run.people_names[(client.pk, name.casefold())])
    return None


def _contact_for_row(
    run: _Run, client: Client, contact: Contact | None, data: dict[str, Any]
) -> tuple[Contact, str, list[str]]:
    membership = run.membership
    if contact is None:
        contact = _contact_match(run, client, data)
    if contact is None:
        if not data.get("name"):
            raise RowInvalid(
                [(run.label("contact.name"), "Give the person's name: nobody matches this row.")]
            )
        try:
            contact = clients.contact_create(membership=membership, client=client, **data)
        except ValidationError as error:
            raise RowInvalid(_service_problems(run, "contact", error)) from None
        run.pending.append(("contact", contact))
        return contact, CREATED, [f"Add {contact.name} at “{client.name}”"]
    if contact.name.casefold() == str(data.get("name", "")).casefold():
        data = {k: v for k, v in data.items() if k != "name"}
    changes = _changes(contact, {**data, "client": client})
    if not changes:
        return contact, UNCHANGED, []
    try:
        clients.contact_update(membership=membership, contact=contact, **changes)
    except ValidationError as error:
        raise RowInvalid(_service_problems(run, "contact", error)) from None
    run.pending.append(("contact", contact))
    return contact, UPDATED, [f"Update {contact.name}: {', '.join(_words(changes, 'contact'))}"]


def _apply_row(run: _Run, values: dict[str, str]) -> tuple[dict[tuple[str, int], str], list[str]]:
    client_data, contact_data = _parse(run, values)
    has_person = bool(contact_data) or "contact.id" in values or "contact.external_id" in values
    contact = _by_id(run, Contact, values) if has_person else None
    client, client_outcome, actions = _client_for_row(run, values, client_data, contact)
    touched = {("client", client.pk): client_outcome}
    workspace = run.membership.workspace
    if "client.external_id" in values:
        ref_remember(
            workspace=workspace,
            source=run.source,
            kind="client",
            external_id=values["client.external_id"],
            object_id=client.pk,
        )
    if has_person:
        contact, contact_outcome, more = _contact_for_row(run, client, contact, contact_data)
        touched[("contact", contact.pk)] = contact_outcome
        actions += more
        if "contact.external_id" in values:
            ref_remember(
                workspace=workspace,
                source=run.source,
                kind="contact",
                external_id=values["contact.external_id"],
                object_id=contact.pk,
            )
    return touched, actions


class _DryRun(Exception):
    pass


RANK = {UNCHANGED: 0, UPDATED: 1, CREATED: 2}


def csv_import(
    *,
    membership: Membership,
    rows: Iterator[list[str]],
    mapping: list[str],
    headers: list[str],
    dry_run: bool = False,
    on_row: Callable[[int], None] | None = None,
    program: str = "",
) -> ImportResult:
    """Import clients and people row by row; return what was (or would be) done and why not.

    External ids are remembered per `program` (such as "hubspot"), so that two programs'
    id 1 stay two records; without one they share the plain CSV namespace.
    """
    require_write(membership)
    labels = {key: header for key, header in zip(mapping, headers, strict=False) if key}
    result = ImportResult(dry_run=dry_run)
    run = _Run(membership=membership, labels=labels, result=result, source=source_for(program))
    run.members = {
        u.email.casefold(): u
        for u in User.objects.filter(memberships__workspace_id=membership.workspace_id)
    }
    run.load()
    try:
        with transaction.atomic():
            _import_rows(run, rows, mapping, on_row, batch=not dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    for (kind, _pk), outcome in run.seen.items():
        result.counts[(kind, outcome)] += 1
    return result


def _import_rows(
    run: _Run,
    rows: Iterator[list[str]],
    mapping: list[str],
    on_row: Callable[[int], None] | None,
    *,
    batch: bool,
) -> None:
    result = run.result
    number = 1  # the header is row 1, as a spreadsheet numbers it
    readable = _readable(rows, run)
    while True:
        done_in_batch = 0
        with transaction.atomic():
            for row in readable:
                number += 1
                done_in_batch += 1
                if not any(cell.strip() for cell in row):
                    continue
                result.rows += 1
                _one_row(run, number, row, mapping)
                if on_row is not None:
                    on_row(result.rows)
                if batch and done_in_batch >= BATCH_ROWS:
                    break
            else:
                return


def _readable(rows: Iterator[list[str]], run: _Run) -> Iterator[list[str]]:
    """Yield rows until the file cannot be read any further, which is reported, not raised."""
    number = 1
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except (csv.Error, UnicodeError) as error:
            run.result.failed_rows += 1
            run.result.add_error(number, "", f"The file cannot be read from here on: {error}")
            return
        yield row


def _one_row(run: _Run, number: int, row: list[str], mapping: list[str]) -> None:
    result = run.result
    values = _row_values(row, mapping)
    try:
        with transaction.atomic():
            touched, actions = _apply_row(run, values)
    except RowInvalid as invalid:
        run.failed()
        result.failed_rows += 1
        for where, reason in invalid.problems:
            result.add_error(number, where, reason)
        return
    run.saved()
    for key, outcome in touched.items():
        before = run.seen.get(key)
        if before is None or RANK[outcome] > RANK[before]:
            run.seen[key] = outcome
    result.add_outcome(number, actions)
