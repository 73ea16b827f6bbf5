"""The one audit reader: the filters and the CSV export shared by the audit page
and the API, so that both select the same events for the same query and every
export has the same columns.

`since` and `until` take a day or an ISO 8601 moment. A day means the whole
day in the current time zone: `since` from its first moment, `until` through
its last one. A moment is taken as given, `until` excluding it.
"""

import datetime
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, Q, QuerySet, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from governance.audit import object_label
from governance.audit_display import event_choices, type_name
from governance.csv_export import csv_response_written, quoted, text_cell, writer_line
from governance.forms import DateInput, PlainSelect
from governance.models import AuditCheckpoint, AuditEvent, AuditVerification

CSV_COLUMNS = [
    "seq",
    "id",
    "at",
    "event",
    "actor",
    "object_type",
    "object_id",
    "object_repr",
    "old",
    "new",
    "comment",
    "prev_hash",
    "hash",
]
# Rows are read from the database in chunks of this size as the response is sent.
EXPORT_CHUNK_SIZE = 1000

Moment = datetime.date | datetime.datetime


def events() -> QuerySet[AuditEvent]:
    """Every event, in the order of the chain."""
    return AuditEvent.objects.select_related("actor").order_by("seq")


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True)


# The columns of CSV_COLUMNS as read from the database, for export's tuples:
# `old` and `new` as the stored text, written out by _json_text.
_EXPORTED = (
    "seq",
    "id",
    "at",
    "event",
    "actor__username",
    "object_type",
    "object_id",
    "object_repr",
    "old_text",
    "new_text",
    "comment",
    "prev_hash",
    "hash",
)


_encode = json.JSONEncoder(sort_keys=True).encode
_decode = json.JSONDecoder().decode
# A key as the database writes it when no text of the value is escaped.
_KEY = re.compile(r'"([^"]*)": ')


def _json_text(stored: str | None) -> str:
    """`_json` of a value read as its stored text (PostgreSQL's `jsonb::text`,
    or the text SQLite holds). That text is `_json`'s already when it is plain
    ASCII with nothing escaped, no number Python would write with an exponent
    (below 0.0001: "0.0000..."), and its keys come in sorted order (PostgreSQL
    writes shorter keys first; Python sorts them as text): most events' values
    are, and are written as read, without decoding. Any other is decoded and
    encoded again."""
    if stored is None:
        return ""
    if (
        stored.isascii()
        and "\\" not in stored
        and "\x7f" not in stored
        and "0.0000" not in stored
        and _sorted(_KEY.findall(stored))
    ):
        return stored
    return _reencoded(stored)


def _sorted(keys: list[str]) -> bool:
    # Keys of one object are distinct, so in order when the whole list is.
    return keys == sorted(keys)


@lru_cache(maxsize=4096)
def _reencoded(stored: str) -> str:
    """`_json` of a stored text. Many events carry the same values (a right
    granted to a user), so the recent ones are remembered; the bound keeps
    memory flat however long the log."""
    return _encode(_decode(stored))


# PostgreSQL writes the time as Python's isoformat() of the UTC moment would
# (microseconds only when there are some), sparing a parse and a format a row.
_PG_ISO_AT = (
    "to_char(governance_auditevent.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN date_part('microseconds', governance_auditevent.at)::bigint %% 1000000 = 0"
    " THEN '' ELSE to_char(governance_auditevent.at AT TIME ZONE 'UTC', '.US') END"
    " || '+00:00'"
)


def _iso(at: datetime.datetime | str) -> str:
    return at if isinstance(at, str) else at.isoformat()


def _chunks(values: QuerySet[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a values_list query, EXPORT_CHUNK_SIZE at a time. On
    PostgreSQL straight from a server-side cursor, as psycopg reads them:
    every column is already text or a number, so Django's per-row conversion
    would only cost time."""
    connection = connections[values.db]
    if connection.vendor != "postgresql":
        rows = values.iterator(chunk_size=EXPORT_CHUNK_SIZE)
        while chunk := list(islice(rows, EXPORT_CHUNK_SIZE)):
            yield chunk
        return
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:
        return  # a query that selects nothing (an invalid filter)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(EXPORT_CHUNK_SIZE):
            yield chunk


def export(selected: QuerySet[AuditEvent], filename: str) -> StreamingHttpResponse:
    """The events as a streamed CSV download, in the order of the chain: read
    as tuples (a server-side cursor on PostgreSQL), never as model instances."""
    columns: list[str] = list(_EXPORTED)
    selected = selected.order_by("seq").annotate(
        old_text=Cast("old", TextField()), new_text=Cast("new", TextField())
    )
    if connections[selected.db].vendor == "postgresql":
        selected = selected.annotate(at_text=RawSQL(_PG_ISO_AT, ()))
        columns[columns.index("at")] = "at_text"
    values = selected.values_list(*columns)
    blocks = (_written(chunk) for chunk in _chunks(values))
    return csv_response_written(CSV_COLUMNS, blocks, filename)


# A row's text cells (event, actor, object type, id and name, comment, the
# hashes) joined after a comma each: csv.writer writes them as they are, and
# text_cell leaves them alone, when the joined text holds no comma but the
# eight joins, no double quote or line break (which csv.writer would quote) and
# none of the starts a spreadsheet would run after a join. (Checked with `in`,
# a fast scan each: one regular expression for all of them took longer than
# the rest of the row.)
_TEXT_JOINS = 8


def _written(chunk: list[tuple[Any, ...]]) -> str:
    """A chunk of exported rows as CSV text, exactly as csv.writer writes the
    cells of CSV_COLUMNS. Most rows need no quoting but in their JSON values
    and have nothing to neutralise: those are written directly, a line each,
    for exports of hundreds of thousands of rows (csv.writer reads each
    character of each cell); any other row goes through csv.writer."""
    lines = []
    for (
        seq,
        pk,
        at,
        event,
        actor,
        object_type,
        object_id,
        object_repr,
        old,
        new,
        comment,
        prev_hash,
        hash_,
    ) in chunk:
        if actor is None:
            actor = ""
        old, new = _json_text(old), _json_text(new)
        # The line's text before and after the JSON values, checked as one.
        before = f",{event},{actor},{object_type},{object_id},{object_repr}"
        after = f",{comment},{prev_hash},{hash_}"
        texts = before + after
        if (
            texts.count(",") == _TEXT_JOINS
            and '"' not in texts
            and "\r" not in texts
            and "\n" not in texts
            and ",=" not in texts
            and ",+" not in texts
            and ",-" not in texts
            and ",@" not in texts
            and ",\t" not in texts
            # An object or an array (or nothing): never a start to neutralise.
            and old[:1] in "{["
            and new[:1] in "{["
        ):
            lines.append(f"{seq},{pk},{_iso(at)}{before},{quoted(old)},{quoted(new)}{after}\r\n")
        else:
            lines.append(
                writer_line(
                    (
                        seq,
                        pk,
                        _iso(at),
                        event,
                        text_cell(actor),
                        text_cell(object_type),
                        text_cell(object_id),
                        text_cell(object_repr),
                        text_cell(old),
                        text_cell(new),
                        text_cell(comment),
                        prev_hash,
                        hash_,
                    )
                )
            )
    return "".join(lines)


class DayOrMomentField(forms.Field):
    """A day (as the date picker sends it) or an ISO 8601 moment."""

    widget = DateInput
    default_error_messages = {"invalid": forms.DateField.default_error_messages["invalid"]}

    def to_python(self, value: Any) -> Moment | None:
        if value in self.empty_values:
            return None
        try:
            return forms.DateField().to_python(value)
        except forms.ValidationError:
            pass
        try:
            return IsoDateTimeField().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _start(value: Moment) -> datetime.datetime:
    """The first moment a `since` value covers."""
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(
        value, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def _end(value: Moment) -> datetime.datetime:
    """The moment an `until` value stops before: a day includes itself."""
    if isinstance(value, datetime.datetime):
        return value
    return _start(value + datetime.timedelta(days=1))


class DayOrMomentFilter(django_filters.Filter):
    field_class = DayOrMomentField


class AuditFilterForm(forms.Form):
    """Checks that the range of a query is not reversed."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and _end(until) <= _start(since):
            self.add_error("until", _("The end of the range is before its start."))
        return data


def _audited_model(model: type[Model]) -> bool:
    """A model whose objects the audit log names: the project's own (not their
    history or per-object permission tables) and the user."""
    meta = model._meta
    if meta.label_lower == "auth.user":
        return True
    name = meta.model_name or ""
    return (
        not meta.app_config.name.startswith(("django.", "guardian", "simple_history", "rest_"))
        and not name.startswith("historical")
        and not name.endswith("objectpermission")
        and not meta.auto_created
    )


@cache
def _audited_types() -> list[str]:
    return sorted({object_label(m) for m in apps.get_models() if _audited_model(m)})  # type: ignore[arg-type]


def _object_types() -> list[tuple[str, Any]]:
    """The object types offered, from the installed models: reading them from
    the log would scan every event on every view."""
    named = sorted(((t, type_name(t)) for t in _audited_types()), key=lambda c: str(c[1]))
    return [("", _("All types")), *named]


def _event_names() -> list[tuple[str, Any]]:
    return [("", _("All events")), *event_choices()]


class AuditEventFilter(django_filters.FilterSet):
    """The audit log's filters; every one is optional. An object type or event
    name that matches nothing selects nothing."""

    # Choices are offered on the page, but any text is accepted: the types
    # offered are those in the log, and an API caller may ask for any.
    object_type = django_filters.CharFilter(
        label=_("Object type"),
        widget=PlainSelect(choices=CallableChoiceIterator(_object_types), fixed=True),
    )
    object_id = django_filters.CharFilter(widget=forms.HiddenInput)
    actor = django_filters.CharFilter(
        method="filter_actor", label=_("Actor (user name)"), max_length=150
    )
    event = django_filters.CharFilter(
        label=_("Event"),
        widget=PlainSelect(choices=CallableChoiceIterator(_event_names), fixed=True),
    )
    since = DayOrMomentFilter(method="filter_since", label=_("From"))
    until = DayOrMomentFilter(method="filter_until", label=_("Until"))

    class Meta:
        model = AuditEvent
        fields = ["object_type", "object_id", "actor", "event", "since", "until"]
        form = AuditFilterForm

    def filter_actor(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        """A user name, or a user id."""
        value = value.strip()
        condition = Q(actor__username=value)
        # A number that fits a user id; a longer one would overflow the column.
        if value.isdigit() and len(value) < 19:
            condition |= Q(actor_id=int(value))
        return queryset.filter(condition)

    def filter_since(
        self, queryset: QuerySet[AuditEvent], name: str, value: Moment
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(at__gte=_start(value))

    def filter_until(
        self, queryset: QuerySet[AuditEvent], name: str, value: Moment
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(at__lt=_end(value))


def filtered(
    data: Any, queryset: QuerySet[AuditEvent] | None = None
) -> tuple[AuditEventFilter, QuerySet[AuditEvent]]:
    """The filters bound to a query (None when there is none) and the events
    they select; an invalid query selects nothing, its errors are on the form."""
    filterset = AuditEventFilter(data or None, queryset=events() if queryset is None else queryset)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, filterset.queryset.none()
    return filterset, filterset.qs


def actors_since(*, obj: Model, events: Collection[str], since: str | None = None) -> set[Any]:
    """Who recorded any of `events` on the object: all of them, or only those
    after the object's latest `since` event (separation of duties asks who
    wrote what is being decided)."""
    on_object = AuditEvent.objects.filter(object_type=object_label(obj), object_id=str(obj.pk))
    wanted = on_object.filter(event__in=events)
    if since is not None:
        last = on_object.filter(event=since).order_by("-seq").values_list("seq", flat=True)[:1]
        if last_seq := list(last):
            wanted = wanted.filter(seq__gt=last_seq[0])
    return set(wanted.exclude(actor=None).values_list("actor_id", flat=True))


@dataclass(frozen=True)
class Checkpoint:
    """What the audit page says of the newest signed checkpoint."""

    number: int
    at: datetime.datetime
    count: int


@dataclass(frozen=True)
class ChainStatus:
    verification: AuditVerification | None
    checkpoint: Checkpoint | None


def chain_status() -> ChainStatus:
    """The newest verification of the chain and the newest signed checkpoint,
    in one query once the chain has been verified (the newest checkpoint's
    figures read along with the verification)."""
    newest = AuditCheckpoint.objects.order_by("-number")
    figures = ("number", "at", "count")
    verification = (
        AuditVerification.objects.order_by("-at", "-id")
        .annotate(
            **{f"newest_checkpoint_{name}": Subquery(newest.values(name)[:1]) for name in figures}
        )
        .first()
    )
    if verification is None:
        found = newest.values_list(*figures).first()
        return ChainStatus(None, Checkpoint(*found) if found else None)
    number = verification.newest_checkpoint_number  # type: ignore[attr-defined]
    checkpoint = (
        None
        if number is None
        else Checkpoint(
            number,
            verification.newest_checkpoint_at,  # type: ignore[attr-defined]
            verification.newest_checkpoint_count,  # type: ignore[attr-defined]
        )
    )
    return ChainStatus(verification, checkpoint)
