"""How services write django-simple-history rows: one row per change, naming
who made it and why, with many-to-many relations recorded in that same row."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.db.models.signals import post_save

# simple-history's history_change_reason column.
REASON_LENGTH = 100


def stamp(obj: Model, actor: User, reason: str) -> None:
    """Who and why, for the history row the next save writes. The reason is
    cut to what its column holds (100 characters): the decision and the audit
    event keep the whole comment, and PostgreSQL refuses a longer value."""
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = fitted(reason)  # type: ignore[attr-defined]


def fitted(reason: str) -> str:
    """The reason as its column holds it: cut to REASON_LENGTH, with an ellipsis."""
    if len(reason) > REASON_LENGTH:
        return reason[: REASON_LENGTH - 1] + "…"
    return reason


@contextmanager
def paused(obj: Model) -> Iterator[None]:
    """Write no history row for saves and relation changes inside the block."""
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]


def set_relation(obj: Model, name: str, values: Iterable[Any]) -> None:
    """Change a many-to-many relation without a row of its own: the save that
    follows writes the row, with the relation as it is then."""
    with paused(obj):
        getattr(obj, name).set(values)


def create(obj: Model, relations: dict[str, Iterable[Any]]) -> None:
    """Save a new object and its many-to-many relations, then write the one
    creation row, so that it shows the object as it was created."""
    with paused(obj):
        obj.save()
        for name, values in relations.items():
            getattr(obj, name).set(values)
    post_save.send(
        sender=type(obj),
        instance=obj,
        created=True,
        update_fields=None,
        raw=False,
        using=obj._state.db,
    )
