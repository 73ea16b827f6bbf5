"""Parts of an amendment that live in the apps above initiatives (impact: the
KPIs). An app registers an AmendmentPart from its `AppConfig.ready()`; the
amendment services, the API and the pages call it, so that the part is
proposed, shown and applied with the amendment's own changes: in the same
transaction, under the same review, and on approval only."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from governance.registry import Registry


@dataclass(frozen=True)
class AmendmentPart:
    """One kind of change an amendment may carry besides the initiative's fields.

    `key`: the name of its changes in a proposal (the API body's field, the
    page's form prefix).
    `clean(initiative=, data=)`: the checked changes, or ValidationError whose
    fields start with `key`; an empty result proposes nothing of this part.
    `store(amendment=, cleaned=)`: record them with the proposal.
    `apply(actor=, amendment=)`: make them, when the amendment is approved,
    inside the approval's transaction, with their audit events.
    `describe(amendment=)`: the changes against the approved values, as JSON
    rows (read from `prefetch`, the amendment's relations to prefetch).
    `page_rows(amendment=)`: the same as rows of the page's table of changes
    (field, approved value, proposed value), in the reader's language.
    `form(initiative=, data=)`: the page's form of this part (see
    impact.forms.KpiChangesForm for what it offers).
    """

    key: str
    clean: Callable[..., Any]
    store: Callable[..., None]
    apply: Callable[..., None]
    describe: Callable[..., list[dict[str, Any]]]
    page_rows: Callable[..., list[dict[str, Any]]]
    form: Callable[..., Any]
    prefetch: tuple[str, ...] = ()


amendment_parts: Registry[AmendmentPart] = Registry()


def prefetches() -> list[str]:
    """The relations every part reads when an amendment is shown."""
    return [name for part in amendment_parts for name in part.prefetch]
