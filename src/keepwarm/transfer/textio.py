"""Reading uploaded text whatever its encoding, and writing CSV cells spreadsheets cannot run."""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO

CHUNK = 64 * 1024

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Return the cell with a leading quote when a spreadsheet would read it as a formula.

    A value that already starts with quotes before a formula character gets one more, so that
    `restore` gives back exactly what was exported.
    """
    if value.startswith(FORMULA_STARTS) or (
        value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo `neutralise`: drop the quote a spreadsheet-safe export put before a formula."""
    if value.startswith("'") and value[1:].lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def detect_encoding(stream: BinaryIO) -> str:
    """Return the encoding of a seekable byte stream: a BOM's, else UTF-8 if valid, else cp1252.

    Reads the stream once in chunks (memory stays flat) and seeks back to the start.
    """
    start = stream.read(4)
    stream.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8"


def open_text(stream: BinaryIO) -> io.TextIOWrapper:
    """Wrap a seekable byte stream as text in its detected encoding, newlines untouched."""
    encoding = detect_encoding(stream)
    # cp1252 leaves five bytes undefined; a stray one must not stop the import.
    errors = "replace" if encoding == "cp1252" else "strict"
    return io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")  # type: ignore[arg-type]


def sniff_delimiter(header_line: str) -> str:
    """Return the delimiter a header line uses: the most frequent of , ; tab | outside quotes."""
    counts = dict.fromkeys(",;\t|", 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","
