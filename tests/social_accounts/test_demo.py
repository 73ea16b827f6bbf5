"""The demo shows the registry in every state, a playbook in two versions and incidents."""

from typing import Any

import pytest
from django.core.management import call_command

from incidents.models import Incident, Playbook
from social_accounts import selectors
from social_accounts.models import SocialAccount


@pytest.mark.django_db
def test_demo_has_accounts_playbook_and_incidents(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    states = set(SocialAccount.objects.values_list("state", flat=True))
    assert states == {"requested", "approved", "active", "dormant", "retired"}
    assert [str(a) for a in selectors.overdue_accounts().filter(state="active")] == [
        "LinkedIn acme-corp"
    ]
    playbook = Playbook.objects.get()
    assert (playbook.state, playbook.version) == ("published", 2)
    open_incident = Incident.objects.get(state="open")
    assert set(open_incident.responders.values_list("username", flat=True)) == {
        "coe_lead",
        "comms_lead",
        "coe_analyst",
    }
    assert SocialAccount.objects.get(handle="@acme_help").paused
    assert Incident.objects.filter(state="closed").count() == 1
