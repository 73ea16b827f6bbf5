"""The demo shows the cost tiers and a committee vote in progress."""

from typing import Any

import pytest
from django.core.management import call_command

from committees.models import Case
from initiatives.models import RoutingRuleSet


@pytest.mark.django_db
def test_demo_has_a_committee_vote_in_progress(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    case = Case.objects.get()
    assert case.state == "open"
    assert case.initiative.title == "Care community forum"
    assert [(v.voter.username, v.choice) for v in case.votes.all()] == [("cmo", "approve")]
    assert case.initiative.state == "awaiting_approval"
    assert RoutingRuleSet.objects.order_by("-version").first().version == 2
