"""Read one raw email into plain fields, or say why it cannot be read (a pure function)."""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email.header
import email.parser
import email.utils
import hashlib
import html
import itertools
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

import nh3

# Limits that keep one hostile message from costing more than an ordinary one.
MAX_MESSAGE_BYTES = 30 * 1024 * 1024
MAX_HEADER_BYTES = 256 * 1024
# The text of an email comes before its attachments; past this nothing we keep is left.
MAX_PARSE_BYTES = 1024 * 1024
MAX_PARTS = 500
MAX_HEADER_CHARS = 2000
MAX_BODY_CHARS = 100_000
MAX_ADDRESSES = 100

# compat32 is the fast stdlib parser (about ten times policy.default with get_body here);
# we decode headers and parts ourselves, tolerantly.
_PARSER = email.parser.BytesParser(policy=policy.compat32)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]{2,}$")
_MSGID = re.compile(r"<[^<>\s]{1,900}>")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_ONE_ADDRESS = re.compile(r"^\s*(?:([^<>]*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$")
_LINE_TAGS = re.compile(r"<\s*(?:br|/li|/tr|hr)\b[^>]*>", re.I)
_BLOCK_TAGS = re.compile(r"<\s*(?:/p|/div|/h[1-6]|/blockquote|/table)\b[^>]*>", re.I)
_BOUNDARY_LINE = re.compile(rb"\n--")


@dataclass(frozen=True)
class ParsedMessage:
    """What Keepwarm keeps of one email."""

    message_id: str
    content_hash: str
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    date: dt.datetime | None
    in_reply_to: str
    references: tuple[str, ...]
    auto_submitted: str = ""
    list_id: str = ""
    precedence: str = ""
    return_path: str = ""
    content_type: str = ""
    names: dict[str, str] = field(default_factory=dict, compare=False)
    defects: tuple[str, ...] = ()
    has_message_id: bool = True


@dataclass(frozen=True)
class Quarantine:
    """A message we could not read, and why."""

    reason: str
    content_hash: str


def _clean(value: str, limit: int = MAX_HEADER_CHARS) -> str:
    """Return a header value on one line: CR, LF and other control characters become spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()[:limit]


def _codec(charset: str | None) -> str:
    """Return a codec name Python knows for this charset, falling back to UTF-8."""
    if charset:
        name = charset.strip().strip('"').lower()
        try:
            return codecs.lookup(name).name
        except (LookupError, ValueError):
            pass
    return "utf-8"


def _decode_bytes(data: bytes, charset: str | None) -> str:
    return data.decode(_codec(charset), errors="replace")


def _unsurrogate(text: str) -> str:
    """Return text whose undecodable raw bytes (kept as surrogates) are read as UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode(raw: object) -> str:
    """Return a header value decoded from RFC 2047 words and unknown charsets, on one line."""
    if raw is None:
        return ""
    if isinstance(raw, email.header.Header):
        chunks = email.header.decode_header(raw)
    else:
        text = str(raw)
        if "=?" not in text:
            return _clean(_unsurrogate(text))
        try:
            chunks = email.header.decode_header(text)
        except (ValueError, LookupError, AssertionError):
            return _clean(_unsurrogate(text))
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(_decode_bytes(chunk, charset))
        else:
            parts.append(_unsurrogate(chunk))
    return _clean("".join(parts))


def _header(msg: Message, name: str) -> str:
    return _decode(msg.get(name))


def _pairs(text: str) -> list[tuple[str, str]]:
    """Return (name, address) pairs; one plain address skips the full RFC 5322 parser."""
    if "," not in text and '"' not in text and "(" not in text:
        simple = _ONE_ADDRESS.match(text)
        if simple:
            return [(simple.group(1) or "", simple.group(2) or simple.group(3))]
    return email.utils.getaddresses([text])


def _addresses(msg: Message, name: str, names: dict[str, str]) -> tuple[str, ...]:
    values = msg.get_all(name) or []
    found: list[str] = []
    for value in values[:5]:
        for display, address in _pairs(_decode(value))[:MAX_ADDRESSES]:
            address = address.strip().lower()
            if _ADDRESS.match(address) and address not in found:
                found.append(address)
                if display and address not in names:
                    names[address] = _clean(display, 200)
    return tuple(found)


def _message_ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MSGID.findall(text)))[:100]


def _date(msg: Message) -> dt.datetime | None:
    text = _header(msg, "Date")
    if not text:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return when.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML body; nothing of its markup survives."""
    marked = _LINE_TAGS.sub("\n", _BLOCK_TAGS.sub("\n\n", markup))
    text = nh3.clean(marked, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    return html.unescape(text)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return _decode_bytes(payload, part.get_content_charset())


def _body(msg: Message) -> str:
    """Return the message text: the first text/plain part, else the first HTML part as text."""
    plain = html_part = None
    for count, part in enumerate(msg.walk()):
        if count > MAX_PARTS:
            break
        if part.is_multipart():
            continue
        disposition = str(part.get("Content-Disposition", "")).lower()
        if disposition.startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
            break
        if kind == "text/html" and html_part is None:
            html_part = part
    if plain is not None:
        text = _part_text(plain)
    elif html_part is not None:
        text = html_to_text(_part_text(html_part))
    else:
        return ""
    return _tidy(text)


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    """Return a message's (or part's) header block and its body."""
    if raw.startswith((b"\n", b"\r\n")):
        return b"", raw[1 if raw.startswith(b"\n") else 2 :]
    end = _HEADER_END.search(raw)
    if end is None:
        return raw, b""
    return raw[: end.end()], raw[end.end() :]


def _transfer_decoded(part: Message, body: bytes) -> bytes:
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "base64":
        return binascii.a2b_base64(body)
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    return body


def _fast_text(part: Message, body: bytes, depth: int, found: list[str | None]) -> bool | None:
    """Find the first text/plain (found[0]) and text/html (found[1]) parts by boundaries.

    Splitting on boundaries is done in C, so an attachment costs next to nothing, where the
    full parser visits each of its lines. Returns True when text/plain was found, None when
    the structure is unusual and the full parser should decide.
    """
    kind = part.get_content_type()
    if not kind.startswith("multipart/"):
        if str(part.get("Content-Disposition", "")).lower().startswith("attachment"):
            return False
        if kind == "text/plain" or (kind == "text/html" and found[1] is None):
            text = _decode_bytes(_transfer_decoded(part, body), part.get_content_charset())
            found[0 if kind == "text/plain" else 1] = text
            return kind == "text/plain"
        return False
    boundary = part.get_param("boundary")
    if depth > 8 or not isinstance(boundary, str) or not boundary:
        return None
    delimiter = b"--" + boundary.encode("ascii", "surrogateescape")
    starts: list[int] = []
    at = body.find(delimiter)
    while at >= 0 and len(starts) <= MAX_PARTS:
        if at == 0 or body[at - 1] == 10:
            if body.startswith(b"--", at + len(delimiter)):
                starts.append(at)
                break
            starts.append(at)
        at = body.find(delimiter, at + len(delimiter))
    if len(starts) < 2:
        return None
    for begin, end in itertools.pairwise(starts):
        line_end = body.find(b"\n", begin)
        if line_end < 0 or line_end >= end:
            continue
        chunk = body[line_end + 1 : end].removesuffix(b"\n").removesuffix(b"\r")
        head, rest = _split_head(chunk)
        inner = _PARSER.parsebytes(head, headersonly=True)
        result = _fast_text(inner, rest, depth + 1, found)
        if result is None or result:
            return result
    return False


def _fast_body(msg: Message, body: bytes) -> str | None:
    """Return the message text the quick way, or None to leave it to the full parser."""
    found: list[str | None] = [None, None]
    try:
        if _fast_text(msg, body, 0, found) is None:
            return None
    except (binascii.Error, ValueError):
        return None
    if found[0] is not None:
        text = found[0]
    elif found[1] is not None:
        text = html_to_text(found[1])
    else:
        return ""
    return _tidy(text)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _BLANK_LINES.sub("\n\n", text).strip()[:MAX_BODY_CHARS]


def _cap_structure(raw: bytes) -> tuple[bytes, list[str]]:
    """Cut oversized headers and parts so parsing costs no more than an ordinary message."""
    notes: list[str] = []
    end = _HEADER_END.search(raw, 0, MAX_HEADER_BYTES + 4)
    if end is None and len(raw) > MAX_HEADER_BYTES:
        # A header block past the limit: keep the first part of it, at a line break.
        cut = raw.rfind(b"\n", 0, MAX_HEADER_BYTES)
        rest = _HEADER_END.search(raw, MAX_HEADER_BYTES)
        body = raw[rest.end() :] if rest else b""
        raw = raw[: cut if cut > 0 else MAX_HEADER_BYTES] + b"\n\n" + body
        notes.append("headers cut at 256 KB")
    if len(raw) > MAX_PARSE_BYTES:
        cut = raw.rfind(b"\n", 0, MAX_PARSE_BYTES)
        raw = raw[: cut + 1 if cut > 0 else MAX_PARSE_BYTES]
        notes.append("read the first 1 MB")
    count = 0
    position = 0
    while True:
        found = _BOUNDARY_LINE.search(raw, position)
        if found is None:
            break
        count += 1
        if count > MAX_PARTS * 2:
            raw = raw[: found.start()] + b"\n"
            notes.append(f"parts cut at {MAX_PARTS}")
            break
        position = found.end()
    return raw, notes


_TEXT_BYTES = bytes([9, 10, 13, *range(32, 256)])


def _looks_binary(raw: bytes) -> bool:
    head = raw[:4096]
    if b"\x00" in head:
        return True
    # What is left after deleting the bytes text may hold are control bytes.
    return len(head.translate(None, _TEXT_BYTES)) > len(head) * 0.1


def content_hash_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def process_message(raw: bytes) -> ParsedMessage | Quarantine:
    """Return the message's fields, or a Quarantine saying why it cannot be read."""
    if not raw.strip():
        return Quarantine("empty message", content_hash_of(raw))
    if len(raw) > MAX_MESSAGE_BYTES:
        return Quarantine("larger than 30 MB", content_hash_of(raw[:1_000_000]))
    if _looks_binary(raw):
        return Quarantine("binary data, not an email", content_hash_of(raw))
    capped, notes = _cap_structure(raw)
    try:
        head, rest = _split_head(capped)
        msg = _PARSER.parsebytes(head, headersonly=True)
        names: dict[str, str] = {}
        from_list = _addresses(msg, "From", names)
        subject = _header(msg, "Subject")
        date = _date(msg)
        raw_id = _MSGID.search(_header(msg, "Message-ID"))
        if not (from_list or subject or date or raw_id):
            return Quarantine("no email headers", content_hash_of(raw))
        to = _addresses(msg, "To", names)
        cc = _addresses(msg, "Cc", names)
        body = _fast_body(msg, rest)
        if body is None:
            full = _PARSER.parsebytes(capped)
            body = _body(full)
            notes.extend(type(d).__name__ for d in full.defects[:5])
    except RecursionError:
        return Quarantine("parts nested too deeply", content_hash_of(raw))
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as exc:
        return Quarantine(f"unreadable MIME ({type(exc).__name__})", content_hash_of(raw))
    from_address = from_list[0] if from_list else ""
    content = "\n".join(
        [from_address, ",".join(to), ",".join(cc), subject, date.isoformat() if date else "", body]
    )
    digest = hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()
    message_id = raw_id.group(0) if raw_id else f"<{digest[:40]}@content.keepwarm.invalid>"
    in_reply_to = _message_ids(_header(msg, "In-Reply-To"))
    defects = [*notes, *(type(d).__name__ for d in msg.defects[:5])]
    return ParsedMessage(
        message_id=message_id,
        content_hash=digest,
        from_address=from_address,
        from_name=names.get(from_address, ""),
        to=to,
        cc=cc,
        subject=subject,
        body=body,
        date=date,
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_message_ids(_header(msg, "References")),
        auto_submitted=_header(msg, "Auto-Submitted").lower(),
        list_id=_header(msg, "List-Id"),
        precedence=_header(msg, "Precedence").lower(),
        return_path=_header(msg, "Return-Path"),
        content_type=msg.get_content_type(),
        names=names,
        defects=tuple(defects),
        has_message_id=raw_id is not None,
    )
