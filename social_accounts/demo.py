"""The demo's registry of social accounts (`seed_demo`): accounts of every
unit in each state, one request waiting for the CoE lead, one approved
account waiting for its owner, one overdue recertification, one dormant
account, and an initiative whose channel text the CoE can match."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from governance.models import BusinessUnit
from initiatives.models import Initiative
from social_accounts import selectors, services
from social_accounts.models import SocialAccount

# unit, channel, handle, owner, backup, purpose, initiatives, path of (transition, actor)
ACCOUNTS: tuple[tuple[Any, ...], ...] = (
    ("Marketing", "instagram", "@acme", "marketing_lead", "comms_lead",
     "The brand's main feed: launches, creators, campaigns.", ["Creator partnerships"],
     [("approve", "coe_lead"), ("activate", "marketing_lead")]),
    ("Marketing", "tiktok", "@acme", "marketing_lead", None,
     "Short videos for younger audiences.", [], []),
    ("Communications", "x", "@acme_news", "comms_lead", "marketing_lead",
     "Press statements and news.", ["Crisis response playbook"],
     [("approve", "coe_lead"), ("activate", "comms_lead")]),
    ("Communications", "linkedin", "acme-corp", "comms_lead", "coe_analyst",
     "The company page.", ["Executive voices on LinkedIn"],
     [("approve", "coe_lead"), ("activate", "comms_lead")]),
    ("Customer Care", "x", "@acme_help", "care_lead", "comms_lead",
     "Answers to customers within the hour.", ["Social customer care desk"],
     [("approve", "coe_lead"), ("activate", "care_lead")]),
    ("Customer Care", "facebook", "Acme Help", "care_lead", None,
     "The old help page, kept for searches.", [],
     [("approve", "coe_lead"), ("activate", "care_lead")]),
    ("Human Resources", "instagram", "@acme_careers", "hr_lead", "chro",
     "Life at Acme.", ["Employer brand stories"],
     [("approve", "coe_lead"), ("activate", "hr_lead")]),
    ("Human Resources", "tiktok", "@acme_jobs", "hr_lead", None,
     "Graduate recruiting.", ["Graduate recruiting on TikTok"], [("approve", "coe_lead")]),
    ("Sales", "linkedin", "acme-sales", "sales_lead", None,
     "A showcase page, replaced by the company page.", [],
     [("approve", "coe_lead"), ("activate", "sales_lead"),
      ("retire", "sales_lead")]),
)  # fmt: skip
OVERDUE = ("linkedin", "acme-corp")
DORMANT = ("facebook", "Acme Help")


def seed_accounts(user: Callable[[str], User]) -> None:
    """Once: the registry as described above."""
    if SocialAccount.objects.exists():
        return
    for unit_name, channel, handle, owner, backup, purpose, titles, path in ACCOUNTS:
        unit = BusinessUnit.objects.get(name=unit_name)
        lead = {
            "Marketing": "marketing_lead",
            "Communications": "comms_lead",
            "Customer Care": "care_lead",
            "Human Resources": "hr_lead",
            "Sales": "sales_lead",
        }[unit_name]
        account = services.account_request(
            actor=user(lead),
            business_unit=unit,
            channel=channel,
            handle=handle,
            owner=user(owner),
            backup_owner=user(backup) if backup else None,
            purpose=purpose,
            initiatives=Initiative.objects.filter(title__in=titles, business_unit=unit),
        )
        for name, actor in path:
            account = services.account_transition(
                actor=user(actor),
                account=account,
                name=name,
                comment="Replaced by the company page." if name == "retire" else "",
            )
        if (channel, handle) in (OVERDUE, DORMANT):
            # Made up: recertified long ago, so the demo shows an overdue account
            # and, one unused for longer still, a dormant one.
            days = 200 if (channel, handle) == OVERDUE else 400
            then = timezone.now() - datetime.timedelta(days=days)
            SocialAccount.objects.filter(pk=account.pk).update(
                last_recertified_at=then,
                recertification_due=selectors.recertification_due_from(then.date()),
            )
    services.accounts_mark_dormant(today=timezone.localdate())
