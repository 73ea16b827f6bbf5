"""Keeping the documents in step with their objects. The apps below save their
objects in their services; a post_save receiver here writes the object's
document in the same transaction, so a search never finds a change that rolled
back. A document that shows another object's fields (an amendment's shows its
initiative's title) is written anew when that object is saved with other
values of them (a source's `follows`). `manage.py search_reindex` rebuilds
every document (after bulk updates that bypass save(), and after a restore)."""

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save

from search import text
from search.models import Document
from search.sources import Follow, Source, source_for, sources


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def vector() -> Any:
    """Title (weight A) and body (B) under each language's configuration: an
    object does not say which language it is written in, and a reader may
    search in another, so every language's stems are indexed."""
    parts = [
        SearchVector("title", config=language, weight="A")
        + SearchVector("body", config=language, weight="B")
        for language in text.LANGUAGES
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined + part
    return combined


def _fields(source: Source, obj: Any) -> dict[str, Any]:
    found = source.text(obj)
    return {
        "unit_id": found.unit_id,
        "state": found.state,
        "date": found.date,
        "title": found.title[:255],
        "body": found.body,
        "stems": text.stems_text(found.title, found.body),
    }


def document_save(*, source: Source, obj: Any) -> None:
    """Write the object's document (create or replace), its vector included on PostgreSQL."""
    document, _created = Document.objects.update_or_create(
        kind=source.kind, object_id=obj.pk, defaults=_fields(source, obj)
    )
    if uses_postgres():
        Document.objects.filter(pk=document.pk).update(vector=vector())


def documents_rebuild(*, kinds: Iterable[str] = (), batch: int = 2000) -> int:
    """Write every document of the given kinds (every kind by default) anew;
    returns how many were written."""
    wanted = set(kinds)
    written = 0
    for source in sources:
        if wanted and source.kind not in wanted:
            continue
        with transaction.atomic():
            Document.objects.filter(kind=source.kind).delete()
            rows: list[Document] = []
            for obj in source.indexed().iterator(chunk_size=batch):
                rows.append(Document(kind=source.kind, object_id=obj.pk, **_fields(source, obj)))
                if len(rows) >= batch:
                    Document.objects.bulk_create(rows)
                    written += len(rows)
                    rows = []
            Document.objects.bulk_create(rows)
            written += len(rows)
            if uses_postgres():
                Document.objects.filter(kind=source.kind).update(vector=vector())
    return written


def _on_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    source = source_for(sender)
    if source is None or raw:
        return
    document_save(source=source, obj=instance)


def _on_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    source = source_for(sender)
    if source is not None:
        Document.objects.filter(kind=source.kind, object_id=instance.pk).delete()


# Where a followed object keeps the values its dependents' documents were
# written with (as loaded or last saved), so that a save compares without a query.
_SHOWN = "_search_shown"
_UNKNOWN = object()


def _shown(instance: Model, fields: tuple[str, ...]) -> tuple[Any, ...]:
    # From the instance's own values: a deferred field is not read here.
    return tuple(instance.__dict__.get(field, _UNKNOWN) for field in fields)


def _follower(source: Source, follow: Follow) -> tuple[Any, Any]:
    key = f"{_SHOWN}_{source.kind}"

    def on_init(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        setattr(instance, key, _shown(instance, follow.fields))

    def on_save(
        sender: type[Model],
        instance: Model,
        created: bool = False,
        raw: bool = False,
        **kwargs: Any,
    ) -> None:
        now = _shown(instance, follow.fields)
        before = getattr(instance, key, None)
        setattr(instance, key, now)
        if raw or created or before == now:
            return
        for obj in follow.objects(instance):
            document_save(source=source, obj=obj)

    return on_init, on_save


# The receivers of the follows, held here: signals keep weak references.
_followers: list[tuple[Any, Any]] = []


def connect() -> None:
    for source in sources:
        uid = f"search.index.{source.kind}"
        post_save.connect(_on_save, sender=source.model, dispatch_uid=uid)
        post_delete.connect(_on_delete, sender=source.model, dispatch_uid=uid)
        for follow in source.follows:
            on_init, on_save = _follower(source, follow)
            _followers.append((on_init, on_save))
            follow_uid = f"{uid}.follows.{follow.model._meta.label_lower}"
            post_init.connect(on_init, sender=follow.model, dispatch_uid=follow_uid)
            post_save.connect(on_save, sender=follow.model, dispatch_uid=follow_uid)
