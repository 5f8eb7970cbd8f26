"""`keepwarm init`: create the first workspace and its owner."""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from keepwarm.accounts.models import User
from keepwarm.accounts.selectors import has_any_user, is_valid_time_zone
from keepwarm.accounts.services import workspace_create_first

ALREADY_SET_UP = (
    "Keepwarm is already set up: it has at least one account. To add people, sign in as "
    "an owner and invite them from the Team page."
)


class Command(BaseCommand):
    help = (
        "Create the first workspace and its owner. Works only while nobody has an account; "
        "after that, invite people from the Team page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="The workspace's name, usually your business.")
        parser.add_argument("--email", help="The owner's email address, used to sign in.")
        parser.add_argument("--name", default=None, help="The owner's name.")
        parser.add_argument(
            "--password",
            help="The owner's password. Prefer the prompt: a flag can end up in shell history.",
        )
        parser.add_argument(
            "--time-zone",
            default=None,
            help=f"The workspace's time zone (default {settings.TIME_ZONE}).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt; fail if something required is missing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._migrate_if_needed()
        if has_any_user():
            raise CommandError(ALREADY_SET_UP)
        interactive: bool = options["interactive"]
        workspace = options["workspace"]
        email = options["email"]
        name = options["name"]
        password = options["password"]
        time_zone = options["time_zone"] or settings.TIME_ZONE
        if not is_valid_time_zone(time_zone):
            raise CommandError(f"Unknown time zone {time_zone!r}. Use a name like Europe/Paris.")
        if not interactive:
            missing = [
                flag
                for flag, value in (
                    ("--workspace", workspace),
                    ("--email", email),
                    ("--password", password),
                )
                if not value
            ]
            if missing:
                raise CommandError(f"With --no-input, also give {', '.join(missing)}.")
        else:
            workspace = workspace or self._ask("Workspace name (your business)", required=True)
            email = email or self._ask_email()
            if name is None:
                name = self._ask("Your name (optional)", required=False)
            password = password or self._ask_password(email, name or "")
        try:
            membership = workspace_create_first(
                name=workspace,
                email=email,
                password=password,
                owner_name=name or "",
                time_zone=time_zone,
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the workspace “{membership.workspace.name}” with "
                f"{membership.user.email} as its owner."
            )
        )
        self.stdout.write(f"Sign in at {settings.SITE_URL}/login/")

    def _migrate_if_needed(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Setting up the database…")
            call_command("migrate", interactive=False, verbosity=0)

    def _ask(self, label: str, *, required: bool) -> str:
        while True:
            value = input(f"{label}: ").strip()
            if value or not required:
                return value
            self.stderr.write("This is required.")

    def _ask_email(self) -> str:
        while True:
            email = self._ask("Your email address", required=True).lower()
            try:
                validate_email(email)
            except ValidationError:
                self.stderr.write("Enter an email address, such as name@example.com.")
                continue
            return email

    def _ask_password(self, email: str, name: str) -> str:
        while True:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password again: ") != password:
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                password_validation.validate_password(password, User(email=email, name=name))
            except ValidationError as exc:
                for message in exc.messages:
                    self.stderr.write(message)
                continue
            return password


def _describe(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    labels = {
        "name": "Workspace",
        "email": "Email",
        "password": "Password",
        "time_zone": "Time zone",
    }
    lines = []
    for field, errors in exc.error_dict.items():
        label = labels.get(field)
        for error in errors:
            text = " ".join(error.messages)
            lines.append(f"{label}: {text}" if label else text)
    return "\n".join(lines)
