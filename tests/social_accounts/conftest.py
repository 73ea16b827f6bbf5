"""Accounts in each state, built through the services. Marketing's accounts
are owned by `marketing_member`, backed up by `marketing_lead`."""

from typing import Any

from social_accounts import services
from social_accounts.models import SocialAccount
from tests.conftest import Org

# The path that brings a new request to each state, with who takes each step.
PATHS: dict[str, list[tuple[str, str]]] = {
    "requested": [],
    "approved": [("approve", "coe_lead")],
    "rejected": [("reject", "coe_lead")],
    "active": [("approve", "coe_lead"), ("activate", "marketing_member")],
    "dormant": [
        ("approve", "coe_lead"),
        ("activate", "marketing_member"),
        ("mark_dormant", "coe_lead"),
    ],
    "retired": [("approve", "coe_lead"), ("retire", "marketing_lead")],
}
STATES = tuple(PATHS)


def request_account(o: Org, *, handle: str = "@acme", **fields: Any) -> SocialAccount:
    values: dict[str, Any] = {
        "business_unit": o.marketing,
        "channel": "instagram",
        "handle": handle,
        "owner": o.marketing_member,
        "backup_owner": o.marketing_lead,
        "purpose": "Product launches.",
    } | fields
    return services.account_request(actor=o.marketing_lead, **values)


def account_in(o: Org, state: str, *, handle: str = "@acme", **fields: Any) -> SocialAccount:
    account = request_account(o, handle=handle, **fields)
    for name, who in PATHS[state]:
        account = services.account_transition(
            actor=o.people[who], account=account, name=name, comment="noted"
        )
    assert account.state == state
    return account
