"""Library entries built through the services with the personas of
tests/conftest.py: a unit member proposes, the CoE member publishes."""

from typing import Any

from knowledge import services
from knowledge.models import Audience, Entry, Kind
from tests.conftest import Org


def entry_of(o: Org, *, by: str = "marketing_member", publish: bool = True, **fields: Any) -> Entry:
    values: dict[str, Any] = {
        "title": "Influencer disclosure rules",
        "kind": Kind.REGULATION,
        "body": "## Disclose\n\nEvery paid post says so.\n",
        "tags": "Influencer, Disclosure",
    } | fields
    entry = services.entry_propose(actor=o.people[by], **values)
    if publish:
        entry = services.entry_publish(actor=o.coe_member, entry=entry)
    return entry


def for_marketing(o: Org, **fields: Any) -> Entry:
    """A published entry only Marketing (and the CoE and auditors) may read."""
    values: dict[str, Any] = {
        "title": "Marketing benchmark",
        "audience": Audience.UNITS,
        "audience_units": [o.marketing],
    } | fields
    return entry_of(o, **values)
