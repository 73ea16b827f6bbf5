"""Committee votes: quorum and majority close the step, a recused member and
someone outside the committee are refused, the chair closes early."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committees import services
from committees.models import Case, Vote
from governance.errors import Conflict
from governance.models import AuditEvent
from initiatives.models import Initiative
from initiatives.selectors import visible_initiatives
from tests.committees.conftest import Setup, build
from tests.conftest import Org


def state(setup: Setup) -> tuple[str, str]:
    case = Case.objects.get(pk=setup.case.pk)
    return case.state, Initiative.objects.get(pk=setup.initiative.pk).state


def test_reaching_the_committee_step_opens_its_vote(setup: Setup) -> None:
    assert setup.initiative.state == "awaiting_approval"
    assert setup.case.state == "open"
    assert AuditEvent.objects.filter(event="committee.case_opened").count() == 1


def test_members_see_the_initiative_their_committee_decides(setup: Setup) -> None:
    o = setup.org
    assert visible_initiatives(user=o.sales_lead).filter(pk=setup.initiative.pk).exists()
    assert not visible_initiatives(user=o.outsider).filter(pk=setup.initiative.pk).exists()


def test_quorum_and_majority_reached_approve_the_step(setup: Setup) -> None:
    o = setup.org
    services.vote_cast(actor=o.sales_lead, case=setup.case, choice="approve", comment="Good")
    assert state(setup) == ("open", "awaiting_approval")
    services.vote_cast(actor=o.sales_sponsor, case=setup.case, choice="approve")
    assert state(setup) == ("approved", "approved")
    decision = Initiative.objects.get(pk=setup.initiative.pk).decisions.latest("at", "id")
    assert decision.transition == "committee_approve"
    assert "sales_lead: Approve — Good" in decision.comment
    assert "marketing_lead: recused" in decision.comment
    assert Case.objects.get(pk=setup.case.pk).decision == decision
    assert AuditEvent.objects.filter(event="initiative.committee_approved").count() == 1


def test_a_rejecting_majority_rejects_the_initiative(setup: Setup) -> None:
    o = setup.org
    services.vote_cast(actor=o.sales_lead, case=setup.case, choice="reject", comment="Too big")
    services.vote_cast(actor=o.sales_sponsor, case=setup.case, choice="reject", comment="No")
    assert state(setup) == ("rejected", "rejected")


def test_quorum_not_reached_keeps_the_vote_open(org: Org) -> None:
    setup = build(org, quorum=3, extra=((org.coe_member, None),))
    services.vote_cast(actor=org.sales_lead, case=setup.case, choice="approve")
    services.vote_cast(actor=org.sales_sponsor, case=setup.case, choice="approve")
    # Two of three members who may vote approved: a majority, but not the quorum.
    assert state(setup) == ("open", "awaiting_approval")
    with pytest.raises(Conflict, match="quorum"):
        services.case_close(actor=org.sales_sponsor, case=setup.case)
    services.vote_cast(actor=org.coe_member, case=setup.case, choice="abstain")
    assert state(setup) == ("approved", "approved")


def test_a_member_of_the_owning_unit_is_recused(setup: Setup) -> None:
    with pytest.raises(PermissionDenied, match="recused"):
        services.vote_cast(actor=setup.org.marketing_lead, case=setup.case, choice="approve")
    assert not Vote.objects.exists()


def test_a_recused_member_does_not_count_towards_the_majority(setup: Setup) -> None:
    # Two may vote: one approval is not more than half of them.
    services.vote_cast(actor=setup.org.sales_lead, case=setup.case, choice="approve")
    assert state(setup) == ("open", "awaiting_approval")


def test_someone_outside_the_committee_may_not_vote(setup: Setup) -> None:
    with pytest.raises(PermissionDenied, match="members"):
        services.vote_cast(actor=setup.org.coe_lead, case=setup.case, choice="approve")


def test_the_chair_closes_the_vote_early(setup: Setup) -> None:
    o = setup.org
    services.vote_cast(actor=o.sales_lead, case=setup.case, choice="approve")
    services.vote_cast(actor=o.sales_sponsor, case=setup.case, choice="abstain")
    assert state(setup) == ("open", "awaiting_approval")
    services.case_close(actor=o.sales_sponsor, case=setup.case, comment="Enough said.")
    assert state(setup) == ("approved", "approved")
    case = Case.objects.get(pk=setup.case.pk)
    assert case.closed_by_chair
    assert case.closed_by == o.sales_sponsor
    assert "Closed by the chair." in case.decision.comment


def test_the_chair_closing_a_tie_rejects(org: Org) -> None:
    setup = build(org, extra=((org.coe_member, None),))
    services.vote_cast(actor=org.sales_lead, case=setup.case, choice="approve")
    services.vote_cast(actor=org.coe_member, case=setup.case, choice="reject")
    assert state(setup) == ("open", "awaiting_approval")
    services.case_close(actor=org.sales_sponsor, case=setup.case)
    assert state(setup) == ("rejected", "rejected")


def test_only_the_chair_closes(setup: Setup) -> None:
    services.vote_cast(actor=setup.org.sales_lead, case=setup.case, choice="approve")
    with pytest.raises(PermissionDenied):
        services.case_close(actor=setup.org.sales_lead, case=setup.case)


def test_a_member_votes_once(setup: Setup) -> None:
    services.vote_cast(actor=setup.org.sales_lead, case=setup.case, choice="abstain")
    with pytest.raises(Conflict):
        services.vote_cast(actor=setup.org.sales_lead, case=setup.case, choice="approve")


def test_no_vote_after_the_close(setup: Setup) -> None:
    o = setup.org
    services.vote_cast(actor=o.sales_lead, case=setup.case, choice="approve")
    services.vote_cast(actor=o.sales_sponsor, case=setup.case, choice="approve")
    with pytest.raises(Conflict):
        services.vote_cast(actor=o.sales_sponsor, case=setup.case, choice="approve")


def test_an_unknown_choice_names_the_field(setup: Setup) -> None:
    with pytest.raises(ValidationError) as caught:
        services.vote_cast(actor=setup.org.sales_lead, case=setup.case, choice="maybe")
    assert "choice" in caught.value.message_dict


def test_every_vote_is_audited(setup: Setup) -> None:
    services.vote_cast(actor=setup.org.sales_lead, case=setup.case, choice="abstain", comment="x")
    event = AuditEvent.objects.get(event="committee.vote_cast")
    assert (event.new, event.comment) == ({"choice": "abstain"}, "x")


def test_the_committee_needs_the_coe_lead_and_a_chair_among_members(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        services.committee_create(
            actor=org.coe_member,
            name="C",
            chair=org.sales_lead,
            quorum=1,
            members=[(org.sales_lead, org.sales)],
        )
    with pytest.raises(ValidationError) as caught:
        services.committee_create(
            actor=org.coe_lead,
            name="C",
            chair=org.sponsor,
            quorum=1,
            members=[(org.sales_lead, org.sales)],
        )
    assert "chair" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.committee_create(
            actor=org.coe_lead,
            name="C",
            chair=org.sales_lead,
            quorum=2,
            members=[(org.sales_lead, org.sales)],
        )
    assert "quorum" in caught.value.message_dict
