"""Writes for mailbox accounts and the workspace's mailbox policy; every one is audited."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from keepwarm.accounts.access import require_manage, require_owner
from keepwarm.accounts.models import Membership, Workspace
from keepwarm.accounts.services import audit_record, changed_fields
from keepwarm.mailboxes import crypto
from keepwarm.mailboxes.models import (
    FolderRole,
    FolderState,
    MailboxAccount,
    MailboxSettings,
    Security,
)

# A host name or an IP address literal; no scheme, path, port or spaces.
HOST_RE = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$")
MAX_FOLDERS = 20
MAX_ADDRESSES = 50


def mailbox_settings_get(workspace: Workspace) -> MailboxSettings:
    """Return the workspace's mailbox policy (the defaults when never set)."""
    found = MailboxSettings.objects.filter(workspace=workspace).first()
    return found or MailboxSettings(workspace=workspace)


@transaction.atomic
def mailbox_private_hosts_set(*, membership: Membership, allow: bool) -> MailboxSettings:
    """Allow or refuse mail hosts on private, loopback and link-local addresses; owners only."""
    require_owner(membership)
    row, _ = MailboxSettings.objects.select_for_update().get_or_create(
        workspace_id=membership.workspace_id
    )
    changes = changed_fields(row, {"allow_private_hosts": allow})
    if changes:
        row.save(update_fields=list(changes))
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="mailbox_settings.update",
            obj=row,
            changes=changes,
        )
    return row


def _clean_lines(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _validate(data: dict[str, Any], errors: dict[str, str]) -> None:
    if not data["name"]:
        errors["name"] = "Give the mailbox a name, such as “Studio inbox”."
    host = data["host"]
    if not host:
        errors["host"] = "Give the mail server's host name, such as imap.example.com."
    elif not HOST_RE.match(host):
        errors["host"] = (
            "Give only the host name, such as imap.example.com: no imaps://, port or path."
        )
    if not 1 <= data["port"] <= 65535:
        errors["port"] = "Give a port from 1 to 65535 (usually 993 for TLS, 143 for STARTTLS)."
    if data["security"] not in Security.values:
        errors["security"] = "Choose how the connection is secured."
    if not data["username"]:
        errors["username"] = "Give the username you sign in to this mailbox with."
    folders = data["folders"]
    if not folders:
        errors["inbound_folders"] = "Watch at least one folder, such as INBOX."
    elif len(folders) > MAX_FOLDERS:
        errors["inbound_folders"] = f"Watch at most {MAX_FOLDERS} folders."
    elif any(len(f["name"]) > 500 or "\x00" in f["name"] for f in folders):
        errors["inbound_folders"] = "Folder names must be under 500 characters."
    addresses = data["our_addresses"]
    if not addresses:
        errors["our_addresses"] = (
            "Give at least one address of ours, such as the mailbox's own: mail from it counts "
            "as our reply."
        )
    elif len(addresses) > MAX_ADDRESSES:
        errors["our_addresses"] = f"Give at most {MAX_ADDRESSES} addresses."
    else:
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                errors["our_addresses"] = f"“{address[:60]}” is not an email address."
                break


def _data(
    *,
    name: str,
    host: str,
    port: int,
    security: str,
    username: str,
    inbound_folders: list[str],
    sent_folders: list[str],
    our_addresses: list[str],
    enabled: bool,
) -> dict[str, Any]:
    inbound = _clean_lines(inbound_folders)
    sent = [f for f in _clean_lines(sent_folders) if f not in inbound]
    return {
        "name": name.strip()[:100],
        "host": host.strip().lower().rstrip("."),
        "port": port,
        "security": security,
        "username": username.strip()[:254],
        "folders": [{"name": f, "role": FolderRole.INBOUND} for f in inbound]
        + [{"name": f, "role": FolderRole.SENT} for f in sent],
        "our_addresses": [a.lower() for a in _clean_lines(our_addresses)],
        "enabled": enabled,
    }


@transaction.atomic
def mailbox_create(
    *,
    membership: Membership,
    name: str,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str,
    inbound_folders: list[str],
    sent_folders: list[str],
    our_addresses: list[str],
    enabled: bool = True,
) -> MailboxAccount:
    """Add a mailbox to read; its password is stored encrypted. Owners and managers."""
    require_manage(membership)
    data = _data(
        name=name, host=host, port=port, security=security, username=username,
        inbound_folders=inbound_folders, sent_folders=sent_folders,
        our_addresses=our_addresses, enabled=enabled,
    )  # fmt: skip
    errors: dict[str, str] = {}
    _validate(data, errors)
    if not password:
        errors["password"] = "Give the password or app password of this mailbox."
    if errors:
        raise ValidationError(errors)
    account = MailboxAccount.objects.create(
        workspace_id=membership.workspace_id,
        password_encrypted=crypto.encrypt(password),
        created_by=membership.user,
        **data,
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="mailbox.create",
        obj=account,
        changes={k: [None, v] for k, v in data.items()} | {"password": [None, "(set)"]},
    )
    return account


@transaction.atomic
def mailbox_update(
    *,
    membership: Membership,
    account: MailboxAccount,
    name: str,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str = "",
    inbound_folders: list[str],
    sent_folders: list[str],
    our_addresses: list[str],
    enabled: bool,
) -> MailboxAccount:
    """Change a mailbox; an empty password keeps the saved one. Owners and managers."""
    require_manage(membership)
    account = MailboxAccount.objects.select_for_update().get(pk=account.pk)
    data = _data(
        name=name, host=host, port=port, security=security, username=username,
        inbound_folders=inbound_folders, sent_folders=sent_folders,
        our_addresses=our_addresses, enabled=enabled,
    )  # fmt: skip
    errors: dict[str, str] = {}
    _validate(data, errors)
    if errors:
        raise ValidationError(errors)
    changes = changed_fields(account, data)
    if password:
        account.password_encrypted = crypto.encrypt(password)
        changes["password"] = ["(set)", "(changed)"]
    if changes:
        fields = [f for f in changes if f != "password"]
        if password:
            fields.append("password_encrypted")
        account.save(update_fields=fields)
        if {"host", "port", "username"} & set(changes):
            # Another mailbox: where the old one's folders stood says nothing about it.
            FolderState.objects.filter(account=account).delete()
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="mailbox.update",
            obj=account,
            changes=changes,
        )
    return account


@transaction.atomic
def mailbox_folders_set(
    *, membership: Membership, account: MailboxAccount, inbound: list[str], sent: list[str]
) -> MailboxAccount:
    """Choose which of the server's folders to watch, and which of them hold sent mail."""
    return mailbox_update(
        membership=membership,
        account=account,
        name=account.name,
        host=account.host,
        port=account.port,
        security=account.security,
        username=account.username,
        inbound_folders=inbound,
        sent_folders=sent,
        our_addresses=account.our_addresses,
        enabled=account.enabled,
    )


@transaction.atomic
def mailbox_delete(*, membership: Membership, account: MailboxAccount) -> None:
    """Stop reading a mailbox and forget it; what it imported stays in the log."""
    require_manage(membership)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="mailbox.delete",
        obj=account,
        changes={"host": [account.host, None], "username": [account.username, None]},
    )
    account.delete()


def mailbox_sync_request(*, membership: Membership, account: MailboxAccount) -> None:
    """Ask for a sync of this mailbox now (in the worker, or at once without one)."""
    from keepwarm.mailboxes.tasks import sync_mailbox

    require_manage(membership)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="mailbox.sync",
        obj=account,
    )
    transaction.on_commit(lambda: sync_mailbox.enqueue(account.pk, membership.user_id))
