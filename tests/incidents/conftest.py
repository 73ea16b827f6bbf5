"""A published crisis playbook for Marketing that names different people at
each severity, and an active Marketing account to declare incidents on."""

from typing import Any

import pytest

from incidents import services
from incidents.models import Playbook
from tests.conftest import Org, make_user
from tests.social_accounts.conftest import account_in


def publish(o: Org, **fields: Any) -> Playbook:
    values: dict[str, Any] = {
        "title": "Social crisis",
        "body": "1. Pause scheduled posts.\n2. Call the duty contact.",
        "business_units": [o.marketing],
        "contacts": [
            {"severity": "low", "role": "", "person": o.marketing_lead, "backup": None},
            {
                "severity": "high",
                "role": "coe_lead",
                "person": o.people["duty"],
                "backup": o.people["duty_backup"],
            },
            {"severity": "critical", "role": "sponsor", "person": None, "backup": None},
        ],
    } | fields
    playbook = services.playbook_create(actor=o.coe_member, **values)
    services.playbook_transition(actor=o.coe_member, playbook=playbook, name="submit")
    return services.playbook_transition(actor=o.coe_lead, playbook=playbook, name="publish")


@pytest.fixture
def crisis(org: Org) -> Org:
    org.people["duty"] = make_user("duty")
    org.people["duty_backup"] = make_user("duty_backup")
    publish(org)
    org.people["account"] = account_in(org, "active")  # type: ignore[assignment]
    return org
