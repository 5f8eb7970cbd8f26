"""Shared pieces of the JSON API: strict input types, errors, pagination."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator, BeforeValidator, ConfigDict, WithJsonSchema

if TYPE_CHECKING:
    from keepwarm.accounts.models import Membership

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Keeps page * page_size well inside a 64-bit OFFSET on every database.
MAX_PAGE = 10_000_000
NOT_FOUND = "Not found"

# The services name related rows by model field; the API names them by id.
API_FIELD_NAMES = {
    "client": "client_id",
    "contact": "contact_id",
    "contacts": "contact_ids",
    "owner": "owner_id",
    "referred_by": "referred_by_id",
    "promised_to": "promised_to_id",
    "goal": "goal_id",
    "source_interaction": "source_interaction_id",
    "replied_by": "reply_id",
    "reply": "reply_id",
}


def member(request: HttpRequest) -> Membership:
    """Return the membership the request's API token acts as."""
    return request.membership  # type: ignore[attr-defined,no-any-return]


# Input types -------------------------------------------------------------------------------


def _whole_number(value: Any) -> Any:
    # JSON has one number type: 3.0 is a whole number, "3" and true are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("Give a whole number.")


def _string_only(value: Any) -> Any:
    # Dates and times come as ISO 8601 text, never as Unix timestamps.
    if not isinstance(value, str):
        raise ValueError("Give the value as ISO 8601 text.")
    return value


def _in_utc(value: dt.datetime) -> dt.datetime:
    # Answers then show the moment as stored, whatever offset it was sent with.
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("That moment is out of range.") from None


_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$")


def _local_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise ValueError("Give a time of day as HH:MM, such as 16:00.")
    return dt.time.fromisoformat(value)


def _query_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("Give true or false.")


# PostgreSQL refuses NUL characters in text (pydantic itself refuses lone surrogates).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(pattern=NO_NUL)]
WholeNumber = BeforeValidator(_whole_number)
Id = Annotated[int, WholeNumber]
IsoDate = Annotated[dt.date, BeforeValidator(_string_only)]
IsoDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_string_only),
    AfterValidator(_in_utc),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
LocalTime = Annotated[
    dt.time,
    BeforeValidator(_local_time),
    WithJsonSchema({"type": "string", "pattern": _TIME_RE.pattern, "examples": ["16:00"]}),
]
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]


def _require_aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("Give a time zone offset, such as 2026-05-01T09:30:00+00:00.")
    return value


AwareDateTime = Annotated[IsoDateTime, AfterValidator(_require_aware)]


class InSchema(Schema):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _drop_null_defaults(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None:
            del prop["default"]


class PatchSchema(InSchema):
    """Base of PATCH bodies: a field left out stays as it is."""

    # A left-out field defaults to None only so exclude_unset can drop it; null itself is
    # accepted only where a field's type allows it.
    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_null_defaults)


def unset() -> Any:
    """Return the default of a PATCH field, which exclude_unset then leaves out."""
    return None


# Errors ------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


READ_ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 403: ErrorOut}


def _ninja_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        loc = [str(part) if not isinstance(part, int) else part for part in error.get("loc", ())]
        # ninja puts the body parameter's own name second ("body", "payload", "name").
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
            del loc[1]
        msg = str(error.get("msg", "Invalid value."))
        if error.get("type") == "value_error":
            msg = msg.removeprefix("Value error, ")
        elif error.get("ctx", {}).get("pattern") == NO_NUL:
            msg = "Text cannot contain NUL characters."
        out.append({"loc": loc, "msg": msg, "type": str(error.get("type", "invalid"))})
    return out


def _django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if not hasattr(exc, "error_dict"):
        return [{"loc": ["body"], "msg": m, "type": "invalid"} for m in exc.messages]
    out: list[dict[str, Any]] = []
    for field, errors in exc.message_dict.items():
        loc = ["body"] if field == NON_FIELD_ERRORS else ["body", API_FIELD_NAMES.get(field, field)]
        out.extend({"loc": loc, "msg": msg, "type": "invalid"} for msg in errors)
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    """Give every error the API can return one JSON shape."""

    def handler(status: int, body: Callable[[Any], Any]) -> Callable[..., HttpResponse]:
        def handle(request: HttpRequest, exc: Exception) -> HttpResponse:
            return api.create_response(request, {"detail": body(exc)}, status=status)

        return handle

    api.add_exception_handler(
        NinjaValidationError, handler(422, lambda exc: _ninja_errors(exc.errors))
    )
    api.add_exception_handler(DjangoValidationError, handler(422, _django_errors))
    api.add_exception_handler(Http404, handler(404, lambda exc: NOT_FOUND))
    api.add_exception_handler(
        PermissionDenied, handler(403, lambda exc: str(exc) or "You may not do this.")
    )

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # ninja answers an unreadable body with 400; to a client it is bad input like any other.
        if exc.status_code == 400:
            error = {"loc": ["body"], "msg": "Send a JSON object.", "type": "json_invalid"}
            return api.create_response(request, {"detail": [error]}, status=422)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    api.add_exception_handler(HttpError, http_error)


# Pagination --------------------------------------------------------------------------------


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, at most {MAX_PAGE_SIZE}."
    )


class PageOut(Schema):
    count: int = Field(description="Rows matching the filters, on every page.")
    next: str | None = Field(description="URL of the next page, or null on the last.")
    previous: str | None = Field(description="URL of the previous page, or null on the first.")


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _reject_unknown_query(request: HttpRequest, params: PageIn) -> None:
    # ninja drops query parameters it does not know; a mistyped filter would then quietly
    # list everything.
    unknown = sorted(set(request.GET) - set(type(params).model_fields))
    if unknown:
        raise NinjaValidationError(
            [
                {"loc": ("query", key), "msg": "Unknown parameter.", "type": "extra_forbidden"}
                for key in unknown
            ]
        )


def paginate(
    request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any], params: PageIn
) -> dict[str, Any]:
    """Return one page of `queryset` (or of a list) with its count and links either side."""
    _reject_unknown_query(request, params)
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    offset = (params.page - 1) * params.page_size
    results = list(queryset[offset : offset + params.page_size])
    last_page = max(1, math.ceil(count / params.page_size))
    return {
        "count": count,
        "next": _page_url(request, params.page + 1) if params.page < last_page else None,
        "previous": (
            _page_url(request, min(params.page - 1, last_page)) if params.page > 1 else None
        ),
        "results": results,
    }
