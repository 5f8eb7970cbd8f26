"""Import and export pages: upload, choose columns, check the dry run, import; download files."""

from __future__ import annotations

import io
import itertools
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keepwarm.accounts.access import require_write
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients.access import get_client_for_member, get_contact_for_member
from keepwarm.clients.forms import apply_service_errors
from keepwarm.transfer import calendars, csvimport, vcards
from keepwarm.transfer.access import get_upload_for_member
from keepwarm.transfer.csvexport import EXPORT_KINDS, export_csv, export_filename
from keepwarm.transfer.fields import FIELDS, guess_mapping
from keepwarm.transfer.forms import MappingForm, UploadForm
from keepwarm.transfer.models import ImportUpload, Source
from keepwarm.transfer.results import ImportResult
from keepwarm.transfer.services import (
    max_upload_bytes,
    upload_create,
    upload_delete,
    upload_save_mapping,
)
from keepwarm.transfer.textio import open_text, restore
from keepwarm.transfer.vcards import export_vcards

SAMPLE_ROWS = 5
KINDS = {Source.CSV: csvimport.KINDS, Source.VCARD: vcards.KINDS, Source.ICS: calendars.KINDS}
ITEM = {Source.CSV: "row", Source.VCARD: "card", Source.ICS: "event"}


def _home(
    request: MemberRequest, form: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    can_write = request.membership.can_write
    return render(
        request,
        "transfer/home.html",
        {
            "form": form or (UploadForm() if can_write else None),
            "can_write": can_write,
            "export_kinds": EXPORT_KINDS,
            "max_mb": max_upload_bytes() // 1_048_576,
            "fields": FIELDS.values(),
        },
        status=status,
    )


@require_GET
@member_required
def transfer_home(request: MemberRequest) -> HttpResponse:
    """Show the import form (to members who may write) and the export downloads (to all)."""
    return _home(request)


@require_POST
@member_required
def transfer_upload(request: MemberRequest) -> HttpResponse:
    """Keep an uploaded file and go on to its columns (CSV) or straight to the dry run."""
    require_write(request.membership)
    limit = max_upload_bytes()
    # Refuse a file far over the limit before its body is read and stored.
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:
        form = UploadForm.refused(
            f"The file is over {limit / 1_048_576:.0f} MB, the most Keepwarm takes. "
            "Split it into smaller files, or import it with `keepwarm import`."
        )
        return _home(request, form, status=400)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _home(request, form, status=400)
    try:
        upload = upload_create(
            membership=request.membership,
            source=form.cleaned_data["source"],
            upload=form.cleaned_data["file"],
            program=form.cleaned_data["program"],
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return _home(request, form, status=400)
    if upload.source == Source.CSV:
        return HttpResponseRedirect(reverse("transfer_columns", args=[upload.pk]))
    return HttpResponseRedirect(reverse("transfer_review", args=[upload.pk]))


def _stream(upload: ImportUpload) -> io.BytesIO:
    return io.BytesIO(bytes(upload.content))


def max_web_items() -> int:
    return int(getattr(settings, "KEEPWARM_IMPORT_MAX_ROWS", 2000))


def _items_in(upload: ImportUpload) -> int:
    """Return how many rows, cards or meetings an upload holds (counted, not imported)."""
    if upload.source == Source.CSV:
        return sum(1 for row in csvimport.csv_open(_stream(upload)).rows if any(row))
    if upload.source == Source.VCARD:
        return bytes(upload.content).upper().count(b"BEGIN:VCARD")
    events = calendars.read_events(bytes(upload.content))
    return sum(1 for _ in calendars.expand(events, now=timezone.now()))


def _too_big(request: MemberRequest, upload: ImportUpload) -> HttpResponse | None:
    """Refuse, in words, a file too long to import while the page waits."""
    count, limit = _items_in(upload), max_web_items()
    if count <= limit:
        return None
    item = ITEM[Source(upload.source)]
    return _unreadable(
        request,
        upload,
        f"it holds {count:,} {item}s; the web page imports at most {limit:,}. Split the file, "
        f"or import it on the server with `keepwarm import {upload.source} FILE`.",
    )


def _csv_header_and_samples(upload: ImportUpload) -> tuple[list[str], list[list[str]]]:
    opened = csvimport.csv_open(_stream(upload))
    samples = [[restore(c) for c in row] for row in itertools.islice(opened.rows, SAMPLE_ROWS)]
    return opened.headers, samples


def _saved_mapping(upload: ImportUpload, headers: list[str]) -> list[str]:
    saved = upload.mapping.get("columns") if isinstance(upload.mapping, dict) else None
    if isinstance(saved, list) and len(saved) == len(headers):
        return [key if key in FIELDS else "" for key in saved]
    return guess_mapping(headers)


@require_http_methods(["GET", "POST"])
@member_required
def transfer_columns(request: MemberRequest, upload_id: int) -> HttpResponse:
    """Choose which Keepwarm field each column fills, guessed from the headers."""
    upload = get_upload_for_member(request.membership, upload_id)
    if upload.source != Source.CSV:
        raise Http404("Not found")
    try:
        headers, samples = _csv_header_and_samples(upload)
    except (csvimport.csv.Error, UnicodeError) as error:
        return _unreadable(request, upload, str(error))
    if not headers:
        return _unreadable(request, upload, "The file has no header row.")
    refused = _too_big(request, upload)
    if refused is not None:
        return refused
    if request.method == "POST":
        form = MappingForm(request.POST, headers=headers, samples=samples)
        if form.is_valid():
            upload_save_mapping(
                membership=request.membership, upload=upload, mapping=form.mapping()
            )
            return HttpResponseRedirect(reverse("transfer_review", args=[upload.pk]))
        status = 400
    else:
        mapping = _saved_mapping(upload, headers)
        form = MappingForm(
            initial={f"column_{i}": key for i, key in enumerate(mapping)},
            headers=headers,
            samples=samples,
        )
        status = 200
    return render(
        request,
        "transfer/columns.html",
        {"upload": upload, "form": form, "rows": samples},
        status=status,
    )


def _unreadable(request: MemberRequest, upload: ImportUpload, reason: str) -> HttpResponse:
    return render(
        request, "transfer/unreadable.html", {"upload": upload, "reason": reason}, status=400
    )


def _run(request: MemberRequest, upload: ImportUpload, *, dry_run: bool) -> ImportResult:
    membership = request.membership
    if upload.source == Source.CSV:
        opened = csvimport.csv_open(_stream(upload))
        return csvimport.csv_import(
            membership=membership,
            rows=opened.rows,
            mapping=_saved_mapping(upload, opened.headers),
            headers=opened.headers,
            dry_run=dry_run,
            program=str(upload.mapping.get("program", ""))
            if isinstance(upload.mapping, dict)
            else "",
        )
    if upload.source == Source.VCARD:
        text = open_text(_stream(upload))
        return vcards.vcard_import(
            membership=membership, cards=vcards.read_cards(text), dry_run=dry_run
        )
    return calendars.ics_import(
        membership=membership,
        events=calendars.read_events(bytes(upload.content)),
        dry_run=dry_run,
    )


def _report_context(upload: ImportUpload, result: ImportResult) -> dict[str, Any]:
    return {
        "upload": upload,
        "result": result,
        "summary": result.summary_lines(KINDS[Source(upload.source)]),
        "item": ITEM[Source(upload.source)],
        "importable": result.rows - result.failed_rows - result.skipped_count,
    }


@require_GET
@member_required
def transfer_review(request: MemberRequest, upload_id: int) -> HttpResponse:
    """Show the dry run: what would be created, updated or left, and every row's problem."""
    upload = get_upload_for_member(request.membership, upload_id)
    try:
        refused = _too_big(request, upload)
        if refused is not None:
            return refused
        result = _run(request, upload, dry_run=True)
    except (ValueError, UnicodeError, csvimport.csv.Error) as error:
        return _unreadable(request, upload, str(error))
    return render(request, "transfer/review.html", _report_context(upload, result))


@require_POST
@member_required
def transfer_run(request: MemberRequest, upload_id: int) -> HttpResponse:
    """Import the upload for real, forget the file, and say what was done."""
    upload = get_upload_for_member(request.membership, upload_id)
    try:
        refused = _too_big(request, upload)
        if refused is not None:
            return refused
        result = _run(request, upload, dry_run=False)
    except (ValueError, UnicodeError, csvimport.csv.Error) as error:
        return _unreadable(request, upload, str(error))
    context = _report_context(upload, result)
    upload_delete(membership=request.membership, upload=upload)
    return render(request, "transfer/done.html", context)


@require_POST
@member_required
def transfer_cancel(request: MemberRequest, upload_id: int) -> HttpResponse:
    """Forget an upload without importing it."""
    upload = get_upload_for_member(request.membership, upload_id)
    upload_delete(membership=request.membership, upload=upload)
    return HttpResponseRedirect(reverse("transfer_home"))


def _download(chunks: Any, filename: str, content_type: str) -> HttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # member_required is typed for plain responses; a streamed one behaves the same to it.
    return cast(HttpResponse, response)


@require_GET
@member_required
def transfer_export_csv(request: MemberRequest) -> HttpResponse:
    """Download one kind of record of the workspace as spreadsheet-safe CSV."""
    kind = request.GET.get("kind", "")
    if kind not in EXPORT_KINDS:
        raise Http404("Not found")
    workspace = request.membership.workspace
    return _download(
        export_csv(kind, workspace.pk),
        export_filename(kind, workspace.name, timezone.localdate()),
        "text/csv; charset=utf-8",
    )


@require_GET
@member_required
def transfer_export_vcard(request: MemberRequest) -> HttpResponse:
    """Download everyone in the workspace as vCards."""
    workspace_id = request.membership.workspace_id
    return _download(
        export_vcards(workspace_id),
        f"keepwarm-people-{timezone.localdate().isoformat()}.vcf",
        "text/vcard; charset=utf-8",
    )


@require_GET
@member_required
def client_vcards(request: MemberRequest, client_id: int) -> HttpResponse:
    """Download the people of one client as vCards."""
    client = get_client_for_member(request.membership, client_id)
    return _download(
        export_vcards(request.membership.workspace_id, client_id=client.pk),
        f"keepwarm-client-{client.pk}-people.vcf",
        "text/vcard; charset=utf-8",
    )


@require_GET
@member_required
def contact_vcard(request: MemberRequest, contact_id: int) -> HttpResponse:
    """Download one person as a vCard."""
    contact = get_contact_for_member(request.membership, contact_id)
    return _download(
        export_vcards(request.membership.workspace_id, contact_id=contact.pk),
        f"keepwarm-contact-{contact.pk}.vcf",
        "text/vcard; charset=utf-8",
    )
