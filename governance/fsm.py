"""django-fsm's state fields, made cheap to render in migrations.

Every state field listens to `class_prepared` for every model (to collect its
model's transition methods), and so does every copy of it in the historical
models that migrations render: each rendered state adds a listener per state
field, and each model prepared afterwards calls them all. Migrating an empty
database called about 3.4 million of them and spent half its time there.
Historical models have no methods, so their fields have no transitions to
collect: those copies stop listening as soon as they join their model."""

from typing import Any

from django.db.models.signals import class_prepared
from django_fsm import FSMFieldMixin

# Django builds the historical models of a migration state in this module.
HISTORICAL_MODULE = "__fake__"

_contribute_to_class = FSMFieldMixin.contribute_to_class


def _contribute_without_listening(self: Any, cls: Any, name: str, **kwargs: Any) -> None:
    _contribute_to_class(self, cls, name, **kwargs)
    if cls.__module__ == HISTORICAL_MODULE:
        class_prepared.disconnect(self._collect_transitions)


def historical_fields_stop_listening() -> None:
    """Installed once, from the core's ready()."""
    FSMFieldMixin.contribute_to_class = _contribute_without_listening
