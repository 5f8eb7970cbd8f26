"""The Keepwarm fields a CSV column can fill, their headers, and guessing them from a header."""

from __future__ import annotations

import re
from dataclasses import dataclass

IGNORE = ""


@dataclass(frozen=True)
class Field:
    key: str  # "client.name": the object, then its field (or a helper such as first_name)
    label: str  # the header our exports write, and the name the mapping screen shows
    aliases: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]


CLIENT_FIELDS = (
    Field("client.id", "Client id", ("keepwarm client id",)),
    Field("client.external_id", "Client external id", ("company id", "account id")),
    Field(
        "client.name",
        "Client name",
        ("client", "company", "company name", "organisation", "organization", "firma", "account",
         "account name", "business", "customer"),
    ),
    Field("client.kind", "Client type", ("type", "client kind")),
    Field("client.status", "Client status", ("status",)),
    Field("client.industry", "Industry", ("sector", "client industry")),
    Field("client.website", "Website", ("web", "url", "company website", "client website")),
    Field("client.notes", "Client notes", ("company notes",)),
    Field("client.owner", "Owner email", ("owner", "account owner", "client owner")),
    Field("client.response_target_hours", "Reply within hours", ("response target hours",)),
    Field("client.check_in_every_days", "Check in every days", ("check in days",)),
    Field("client.annual_value", "Annual value", ("revenue", "yearly value")),
)  # fmt: skip

CONTACT_FIELDS = (
    Field("contact.id", "Contact id", ("keepwarm contact id",)),
    Field("contact.external_id", "Contact external id", ("person id",)),
    Field("contact.name", "Contact name", ("name", "full name", "person", "contact")),
    Field("contact.first_name", "First name", ("given name", "firstname", "forename")),
    Field("contact.last_name", "Last name", ("family name", "surname", "lastname")),
    Field("contact.role", "Role", ("title", "job title", "position", "contact role")),
    Field(
        "contact.email",
        "Email",
        ("e mail", "email address", "e mail address", "mail", "contact email", "email 1"),
    ),
    Field("contact.other_emails", "Other emails", ("email 2", "secondary email")),
    Field(
        "contact.phone",
        "Phone",
        ("telephone", "phone number", "mobile", "mobile phone", "tel", "contact phone",
         "phone 1"),
    ),
    Field("contact.other_phones", "Other phones", ("phone 2", "secondary phone")),
    Field("contact.preferred_channel", "Preferred channel", ("prefers",)),
    Field("contact.notes", "Contact notes", ("notes", "note", "comments")),
    Field("contact.receives_reports", "Receives reports", ("gets reports",)),
)  # fmt: skip

FIELDS = {f.key: f for f in (*CLIENT_FIELDS, *CONTACT_FIELDS)}

# Columns whose names say nothing about the object: a file without person columns means the
# client's, not a person's.
CLIENT_IF_NO_PERSON = {
    "contact.name": "client.name",
    "contact.notes": "client.notes",
    "contact.external_id": "client.external_id",
}
PERSON_KEYS_THAT_DECIDE = {
    "contact.email", "contact.phone", "contact.role", "contact.first_name", "contact.last_name",
    "contact.other_emails", "contact.other_phones", "contact.id",
}  # fmt: skip


def normalise_header(header: str) -> str:
    """Return a header in a comparable form: lower case words, no punctuation."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.casefold()).split())


_LOOKUP: dict[str, str] = {}
for _field in FIELDS.values():
    for _name in (_field.key, _field.label, *_field.aliases):
        _LOOKUP.setdefault(normalise_header(_name), _field.key)
_LOOKUP["id"] = "contact.external_id"
_LOOKUP["external id"] = "contact.external_id"


def guess_mapping(headers: list[str]) -> list[str]:
    """Return the Keepwarm field for each header (IGNORE when unsure); no field is used twice."""
    guessed = [_LOOKUP.get(normalise_header(h), IGNORE) for h in headers]
    has_person = any(key in PERSON_KEYS_THAT_DECIDE for key in guessed)
    used: set[str] = set()
    mapping = []
    for key in guessed:
        if not has_person and key in CLIENT_IF_NO_PERSON:
            target = CLIENT_IF_NO_PERSON[key]
            key = target if target not in guessed else key
        if key in used:
            key = IGNORE
        if key:
            used.add(key)
        mapping.append(key)
    return mapping


def parse_map_option(text: str, headers: list[str]) -> dict[int, str]:
    """Parse `--map "Company=client.name,E-mail=contact.email"` into {column index: field}.

    Raise ValueError with a sentence when a column or a field is unknown.
    """
    chosen: dict[int, str] = {}
    by_name = {h.strip().casefold(): i for i, h in reversed(list(enumerate(headers)))}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, key = part.rpartition("=")
        if not sep or not column.strip():
            raise ValueError(f"“{part}” is not COLUMN=FIELD.")
        index = by_name.get(column.strip().casefold())
        if index is None:
            raise ValueError(
                f"The file has no column “{column.strip()}”; its columns are: "
                + ", ".join(headers)
                + "."
            )
        key = key.strip()
        if key.casefold() == "ignore":
            key = IGNORE
        elif key not in FIELDS:
            raise ValueError(f"“{key}” is not a Keepwarm field; use one of: {', '.join(FIELDS)}.")
        chosen[index] = key
    return chosen


def check_mapping(mapping: list[str]) -> list[str]:
    """Return what is wrong with a mapping, in sentences (empty when it can be imported)."""
    problems = []
    seen: dict[str, int] = {}
    for key in mapping:
        if key:
            seen[key] = seen.get(key, 0) + 1
    for key, count in seen.items():
        if count > 1:
            problems.append(f"Only one column can fill “{FIELDS[key].label}”; {count} do.")
    client_keys = {"client.id", "client.external_id", "client.name"}
    if not client_keys & seen.keys() and not {"contact.id", "contact.email"} & seen.keys():
        problems.append("Choose the column that holds the client's name.")
    return problems
