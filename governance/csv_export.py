"""Streamed CSV downloads: rows are written as the response is sent, never
held in memory, and text that a spreadsheet would run as a formula is
neutralised (titles, comments and names are user input)."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """The value as written: text starting like a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


# Lines are sent in blocks of about this many characters: one chunk a row
# would cost more in passing chunks along than in writing them.
BLOCK = 64 * 1024


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def lines() -> Iterator[str]:
        writer.writerow(header)
        for row in rows:
            # `cell` inlined: it runs for every value of every row.
            writer.writerow(
                [
                    ("'" + value if value[:1] in _FORMULA_STARTS else value)
                    if isinstance(value, str)
                    else ("" if value is None else value)
                    for value in row
                ]
            )
            if buffer.tell() >= BLOCK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_cell(value: str | None) -> str:
    """`cell` for a column known to hold text (or nothing)."""
    if not value:
        return ""
    return "'" + value if value[0] in _FORMULA_STARTS else value


def csv_response_chunked(
    header: Sequence[str], chunks: Iterable[Sequence[Sequence[Any]]], filename: str
) -> StreamingHttpResponse:
    """`csv_response` for rows that come in chunks and whose text cells the
    caller has already passed through `text_cell`: each chunk is written by
    the csv module in one call, for exports of hundreds of thousands of rows."""
    # The csv module writes each row to a list, joined once per chunk: a fifth
    # cheaper than a StringIO's growing buffer at this size. A chunk holds
    # thousands of rows, so each is a block of its own.
    parts: list[str] = []
    writer = csv.writer(_Appender(parts))

    def lines() -> Iterator[str]:
        writer.writerow(header)
        for chunk in chunks:
            writer.writerows(chunk)
            if parts:
                yield "".join(parts)
                parts.clear()
        if parts:
            yield "".join(parts)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Appender:
    """A file for csv.writer whose writes append to a list."""

    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


def csv_response_written(
    header: Sequence[str], blocks: Iterable[str], filename: str
) -> StreamingHttpResponse:
    """A streamed CSV download of blocks of lines the caller has written as
    csv.writer would (see `writer_line`), after the header."""

    def lines() -> Iterator[str]:
        yield writer_line(header)
        yield from blocks

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def writer_line(row: Sequence[Any]) -> str:
    """One row as csv.writer writes it (quoted where it must be, "\\r\\n" at the end)."""
    parts: list[str] = []
    csv.writer(_Appender(parts)).writerow(row)
    return "".join(parts)


def quoted(text: str) -> str:
    """A cell of text as csv.writer writes it: within double quotes, its own
    doubled, where it holds a comma, a double quote or a line break; else as
    it is."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text
