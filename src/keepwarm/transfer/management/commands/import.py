"""`keepwarm import csv|vcard|ics|mail`: bring clients, people, meetings and email in.

Each subcommand is a parser and a handler below; add one by writing both and registering it
in SUBCOMMANDS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from keepwarm.mail.cli import HELP as MAIL_HELP
from keepwarm.mail.cli import add_mail, handle_mail
from keepwarm.transfer import calendars, csvimport, vcards
from keepwarm.transfer.cli import (
    add_workspace_arguments,
    console_for,
    membership_from,
    print_result,
    progress_bar,
)
from keepwarm.transfer.fields import FIELDS, check_mapping, guess_mapping, parse_map_option
from keepwarm.transfer.textio import open_text


def _file(path: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file {path}.")
    return file


def add_csv(parser: CommandParser) -> None:
    parser.add_argument("file", metavar="FILE", help="A CSV file with a header row.")
    parser.add_argument(
        "--map",
        metavar="COLUMN=FIELD,...",
        default="",
        help='Say which column fills which field, e.g. "Company=client.name,E-mail=contact.email" '
        "(or COLUMN=ignore); other columns are guessed from their header. Fields: "
        + ", ".join(FIELDS),
    )
    parser.add_argument(
        "--program",
        metavar="NAME",
        default="",
        help="The program the file comes from (such as hubspot): its external ids are kept "
        "apart from another program's.",
    )


def handle_csv(console: Console, options: dict[str, Any]) -> None:
    membership = membership_from(options)
    file = _file(options["file"])
    with file.open("rb") as stream:
        opened = csvimport.csv_open(stream)
        mapping = guess_mapping(opened.headers)
        try:
            for index, key in parse_map_option(options["map"], opened.headers).items():
                mapping[index] = key
        except ValueError as error:
            raise CommandError(str(error)) from None
        problems = check_mapping(mapping)
        if problems:
            raise CommandError(" ".join(problems) + " Use --map COLUMN=FIELD.")
        for header, key in zip(opened.headers, mapping, strict=False):
            target = FIELDS[key].label if key else "ignored"
            console.print(f"  {header or '(no header)'} → {target}", soft_wrap=True)
        size = file.stat().st_size
        with progress_bar(console, f"Importing {file.name}", size) as advance:
            result = csvimport.csv_import(
                membership=membership,
                rows=opened.rows,
                mapping=mapping,
                headers=opened.headers,
                dry_run=options["dry_run"],
                on_row=lambda _n: advance(stream.tell()),
                program=options["program"],
            )
    print_result(console, result, csvimport.KINDS, "row")


def add_vcard(parser: CommandParser) -> None:
    parser.add_argument("file", metavar="FILE", help="A .vcf file with one or more vCards.")


def handle_vcard(console: Console, options: dict[str, Any]) -> None:
    membership = membership_from(options)
    file = _file(options["file"])
    with file.open("rb") as stream:
        text = open_text(stream)
        with progress_bar(console, f"Importing {file.name}", None) as advance:
            result = vcards.vcard_import(
                membership=membership,
                cards=vcards.read_cards(text),
                dry_run=options["dry_run"],
                on_item=advance,
            )
    print_result(console, result, vcards.KINDS, "card")


def add_ics(parser: CommandParser) -> None:
    parser.add_argument("file", metavar="FILE", help="An .ics calendar file.")


def handle_ics(console: Console, options: dict[str, Any]) -> None:
    membership = membership_from(options)
    file = _file(options["file"])
    try:
        events = list(calendars.read_events(file.read_bytes()))
    except ValueError as error:
        raise CommandError(str(error)) from None
    with progress_bar(console, f"Importing {file.name}", None) as advance:
        result = calendars.ics_import(
            membership=membership,
            events=iter(events),
            dry_run=options["dry_run"],
            on_item=advance,
        )
    print_result(console, result, calendars.KINDS, "event")


Adder = Callable[[CommandParser], None]
Handler = Callable[[Console, dict[str, Any]], None]
SUBCOMMANDS: dict[str, tuple[str, Adder, Handler]] = {
    "csv": ("Import clients and the people there from a CSV file.", add_csv, handle_csv),
    "vcard": ("Import people from vCards (3.0 or 4.0).", add_vcard, handle_vcard),
    "ics": ("Import meetings from a calendar file (ICS).", add_ics, handle_ics),
    "mail": (MAIL_HELP, add_mail, handle_mail),
}


class Command(BaseCommand):
    help = (
        "Import from other programs: `keepwarm import csv FILE` (clients and people), "
        "`keepwarm import vcard FILE` (people), `keepwarm import ics FILE` (meetings), "
        "`keepwarm import mail PATH...` (.eml files, folders of them, .mbox files). "
        "Importing the same file again updates what it imported instead of adding it twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", metavar="{" + ",".join(SUBCOMMANDS) + "}"
        )
        subcommands.required = True
        for name, (text, add, _handle) in SUBCOMMANDS.items():
            sub = subcommands.add_parser(name, help=text, description=text)
            add(sub)
            add_workspace_arguments(sub)
            sub.add_argument(
                "--dry-run",
                action="store_true",
                help="Show what would be created, updated or refused, and save nothing.",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        _text, _add, run = SUBCOMMANDS[options["subcommand"]]
        run(console_for(self, options), options)
