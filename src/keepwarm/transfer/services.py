"""Writes of the transfer app itself: the outside-id ledger and uploads awaiting import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership, Workspace
from keepwarm.transfer.models import ExternalRef, ImportUpload

# An upload nobody finished importing is forgotten after this long.
UPLOAD_LIFETIME = dt.timedelta(days=1)


def max_upload_bytes() -> int:
    return int(getattr(settings, "KEEPWARM_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def ref_find[M: models.Model](
    *, workspace: Workspace, source: str, kind: str, external_id: str, model: type[M]
) -> M | None:
    """Return the record another program's id points at in this workspace, if it still exists."""
    ref = ExternalRef.objects.filter(
        workspace=workspace, source=source, kind=kind, external_id=external_id
    ).first()
    if ref is None:
        return None
    return model._default_manager.filter(workspace=workspace, pk=ref.object_id).first()


def ref_remember(
    *, workspace: Workspace, source: str, kind: str, external_id: str, object_id: int
) -> None:
    """Record (or repoint) which record another program's id stands for."""
    ExternalRef.objects.update_or_create(
        workspace=workspace,
        source=source,
        kind=kind,
        external_id=external_id,
        defaults={"object_id": object_id},
    )


@transaction.atomic
def upload_create(
    *, membership: Membership, source: str, upload: UploadedFile, program: str = ""
) -> ImportUpload:
    """Keep an uploaded file until it is imported; refuse one over the size limit."""
    require_write(membership)
    limit = max_upload_bytes()
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            {
                "file": f"The file is {size / 1_048_576:.1f} MB; the most Keepwarm takes is "
                f"{limit / 1_048_576:.0f} MB. Split it into smaller files."
            }
        )
    if size == 0:
        raise ValidationError({"file": "The file is empty. Choose another."})
    uploads_forget_stale(now=timezone.now(), workspace=membership.workspace)
    content = b"".join(upload.chunks())
    return ImportUpload.objects.create(
        workspace=membership.workspace,
        source=source,
        filename=(upload.name or "upload")[:255],
        content=content,
        size=len(content),
        mapping={"program": program.strip()} if program.strip() else {},
        created_by=membership.user,
    )


def uploads_forget_stale(*, now: dt.datetime, workspace: Workspace | None = None) -> int:
    """Delete uploads nobody finished importing within a day; return how many went."""
    stale = ImportUpload.objects.filter(created_at__lt=now - UPLOAD_LIFETIME)
    if workspace is not None:
        stale = stale.filter(workspace=workspace)
    deleted, _ = stale.delete()
    return deleted


@transaction.atomic
def upload_save_mapping(
    *, membership: Membership, upload: ImportUpload, mapping: list[str]
) -> None:
    """Remember the columns chosen for an upload, so a mistake never loses them."""
    require_write(membership)
    saved = upload.mapping if isinstance(upload.mapping, dict) else {}
    upload.mapping = {**saved, "columns": mapping}
    upload.save(update_fields=["mapping"])


@transaction.atomic
def upload_delete(*, membership: Membership, upload: ImportUpload) -> None:
    """Forget an upload (once imported, or when the member gives up on it)."""
    require_write(membership)
    upload.delete()
