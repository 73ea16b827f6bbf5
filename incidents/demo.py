"""The demo's crisis playbook and incidents (`seed_demo`): a playbook in its
second version (so that its history and changes show), an open incident on
Customer Care's X account that calls the CoE lead, and a closed one with its
review."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User

from incidents import services
from incidents.models import Playbook
from social_accounts.models import SocialAccount

STEPS_V1 = """1. Stop scheduled posts on the affected accounts.
2. Call the contacts for the severity.
3. Agree on a holding statement with Communications within the hour."""

STEPS_V2 = """1. Stop scheduled posts on the affected accounts.
2. Call the contacts for the severity; if they do not answer within 15 minutes, call their backup.
3. Agree on a holding statement with Communications within 30 minutes.
4. Record every decision on the incident's timeline."""


def _contacts(user: Callable[[str], User]) -> list[dict[str, Any]]:
    return [
        {"severity": "low", "role": "account_owners", "person": None, "backup": None},
        {"severity": "medium", "role": "unit_lead", "person": None, "backup": user("comms_lead")},
        {
            "severity": "high",
            "role": "coe_lead",
            "person": user("comms_lead"),
            "backup": user("coe_analyst"),
        },
        {"severity": "critical", "role": "sponsor", "person": user("coe_lead"), "backup": None},
    ]


def seed_incidents(user: Callable[[str], User]) -> None:
    """Once: the playbook in two versions, one open and one closed incident."""
    if Playbook.objects.exists():
        return
    analyst, lead = user("coe_analyst"), user("coe_lead")
    playbook = services.playbook_create(
        actor=analyst, title="Social media crisis", body=STEPS_V1, contacts=_contacts(user)
    )
    for name, actor in (("submit", analyst), ("publish", lead), ("revise", analyst)):
        services.playbook_transition(actor=actor, playbook=playbook, name=name)
    services.playbook_update(actor=analyst, playbook=playbook, body=STEPS_V2)
    for name, actor in (("submit", analyst), ("publish", lead)):
        services.playbook_transition(actor=actor, playbook=playbook, name=name)

    care = SocialAccount.objects.filter(handle="@acme_help").first()
    brand = SocialAccount.objects.filter(handle="@acme", channel="instagram").first()
    if brand is not None:
        closed = services.incident_declare(
            actor=user("marketing_lead"),
            accounts=[brand],
            severity="low",
            title="Spam comments under the launch post",
        )
        services.incident_post(
            actor=user("marketing_lead"), incident=closed, kind="decision", text="Hide and report."
        )
        services.incident_close(
            actor=lead,
            incident=closed,
            review="Removed within the hour; the comment filter now holds the spam words.",
        )
    if care is not None:
        open_incident = services.incident_declare(
            actor=user("care_lead"),
            accounts=[care],
            severity="high",
            title="Complaint thread going viral",
            description="A delayed-refund complaint has 2,000 reposts and is growing.",
        )
        services.incident_post(
            actor=user("comms_lead"),
            incident=open_incident,
            kind="update",
            text="Holding statement drafted; waiting for the CoE lead.",
        )
