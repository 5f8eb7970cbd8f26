"""`keepwarm export csv KIND` and `keepwarm export vcard`: a workspace's records as files."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keepwarm.clients.models import Client
from keepwarm.transfer.cli import add_workspace_arguments, workspace_from
from keepwarm.transfer.csvexport import EXPORT_KINDS, export_csv
from keepwarm.transfer.vcards import export_vcards


class Command(BaseCommand):
    help = (
        "Export a workspace: `keepwarm export csv clients|contacts|interactions|commitments` "
        "(spreadsheet-safe CSV) or `keepwarm export vcard` (people as vCards), to standard "
        "output or -o FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="{csv,vcard}")
        subcommands.required = True
        csv_parser = subcommands.add_parser("csv", help="Export one kind of record as CSV.")
        csv_parser.add_argument(
            "kind", choices=list(EXPORT_KINDS), metavar="KIND", help=", ".join(EXPORT_KINDS)
        )
        vcard_parser = subcommands.add_parser("vcard", help="Export people as vCards.")
        vcard_parser.add_argument(
            "--client", type=int, metavar="ID", help="Only this client's people."
        )
        vcard_parser.add_argument(
            "--version", dest="vcard_version", choices=["3.0", "4.0"], default="3.0"
        )
        for sub in (csv_parser, vcard_parser):
            add_workspace_arguments(sub, acting=False)
            sub.add_argument(
                "-o", "--output", metavar="FILE", help="Write here instead of standard output."
            )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_from(options.get("workspace"))
        chunks: Iterator[str]
        if options["subcommand"] == "csv":
            chunks = export_csv(options["kind"], workspace.pk, bom=bool(options["output"]))
        else:
            client = options.get("client")
            if (
                client is not None
                and not Client.objects.filter(workspace=workspace, pk=client).exists()
            ):
                raise CommandError(f"{workspace.name} has no client with the id {client}.")
            chunks = export_vcards(workspace.pk, client_id=client, version=options["vcard_version"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            self.stderr.write(f"Wrote {options['output']}.")
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            for chunk in chunks:
                stream.write(chunk)
