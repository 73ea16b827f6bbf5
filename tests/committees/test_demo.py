"""The demo shows the cost tiers, a committee vote in progress and a working
group that owns a policy and an initiative across units."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from committees.models import Case, Committee, OwnedInitiative, OwnedPolicy
from initiatives.models import RoutingRuleSet
from initiatives.selectors import visible_initiatives
from policies.selectors import visible_policies


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


@pytest.mark.django_db
def test_demo_has_a_working_group_that_owns_across_units(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    group = Committee.objects.get(kind=Committee.Kind.WORKING_GROUP)
    units = set(group.members.values_list("business_unit__name", flat=True))
    assert units == {"Human Resources", "Communications", "Product Development"}
    policy = OwnedPolicy.objects.get(committee=group).policy
    initiative = OwnedInitiative.objects.get(committee=group).initiative
    comms = User.objects.get(username="comms_lead")
    # Communications is neither the initiative's unit nor one the policy applies to.
    assert visible_policies(user=comms).filter(pk=policy.pk).exists()
    assert visible_initiatives(user=comms).filter(pk=initiative.pk).exists()
    assert (
        not visible_initiatives(user=User.objects.get(username="sales_lead"))
        .filter(pk=initiative.pk)
        .exists()
    )
