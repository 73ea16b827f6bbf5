"""Which objects carry a discussion, who sees them and where their page is.

Each kind is registered once (discussion.apps) with the selector that answers
"what may this user see", so a thread, an attachment list and a download are
visible exactly when the object is, through the same reads its own pages use.
Another app's model joins by registering a kind here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet

UserLike = User | AnonymousUser


@dataclass(frozen=True)
class Kind:
    # The kind's name in URLs: /api/<slug>/<id>/comments/.
    slug: str
    model: type[Model]
    # The objects of the model the user may see.
    visible: Callable[[UserLike], QuerySet[Any]]
    # The page that shows the object (and its thread).
    url: Callable[[Any], str]
    # Whether the user may attach files to the object; None: the kind takes no attachments.
    may_attach: Callable[[User, Any], bool] | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.slug] = kind
    return kind


def named(slug: str) -> Kind | None:
    return _KINDS.get(slug)


def of(obj: Model) -> Kind | None:
    return for_model(type(obj))


def for_model(model: type[Model] | None) -> Kind | None:
    for kind in _KINDS.values():
        if model is not None and issubclass(model, kind.model):
            return kind
    return None


def slugs() -> list[str]:
    return sorted(_KINDS)


def with_attachments() -> list[str]:
    return sorted(slug for slug, kind in _KINDS.items() if kind.may_attach is not None)
