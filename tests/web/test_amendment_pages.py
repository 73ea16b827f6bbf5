"""Amendments in the pages: the initiative's page shows a pending amendment
with its changes against the approved version, a unit lead proposes one from
a form prefilled with the current values, and the CoE decides it from the
page, with a comment on every decision."""

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from initiatives import services
from initiatives.models import Amendment, Decision, Initiative
from tests.conftest import Org, bring_to, signed_in
from tests.policies.conftest import policy_in


def amend_url(initiative: Initiative) -> str:
    return reverse("initiatives:amend", args=[initiative.pk])


def decide_url(amendment: Amendment, name: str) -> str:
    return reverse("initiatives:amendment-transition", args=[amendment.pk, name])


def detail_url(initiative: Initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.pk])


def amendment_of(org: Org, initiative: Initiative, **changes: Any) -> Amendment:
    return services.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes=changes or {"budget": Decimal(80000), "channels": ["TikTok"]},
        reason="The campaign grew.",
    )


def form_data(initiative: Initiative, **changes: Any) -> dict[str, Any]:
    """What the prefilled form posts back, with `changes` typed over it."""
    data: dict[str, Any] = {
        "summary": initiative.summary,
        "goals": [g.pk for g in initiative.goals.all()],
        "audiences": initiative.audiences,
        "channels": ", ".join(initiative.channels),
        "budget": str(initiative.budget),
        "risk": initiative.risk,
        "kpis": initiative.kpis,
        "start_date": "",
        "end_date": "",
        "reason": "The campaign grew.",
    }
    return data | changes


def test_the_initiative_page_shows_a_pending_amendment_against_the_approved_version(
    org: Org,
) -> None:
    initiative = bring_to(org, "active", budget=Decimal(1000))
    amendment_of(org, initiative)
    page = signed_in(org.auditor).get(detail_url(initiative)).content.decode()
    assert "Amendment under review" in page
    assert "The campaign grew." in page
    # Field by field: the approved value struck out, the proposed one inserted.
    assert "<del>€1,000.00</del>" in page
    assert "<ins>€80,000.00</ins>" in page
    assert "<del>—</del>" in page
    assert "<ins>TikTok</ins>" in page
    # The auditor decides nothing.
    assert "There is nothing for you to decide on this amendment now." in page


def test_the_diff_names_goals_and_choices_as_people_read_them(org: Org) -> None:
    initiative = bring_to(org, "approved")
    amendment_of(org, initiative, risk="medium", goals=[])
    page = signed_in(org.coe_lead).get(detail_url(initiative)).content.decode()
    assert "<del>Low</del>" in page
    assert "<ins>Medium</ins>" in page
    assert "<del>Grow brand awareness</del>" in page


def test_the_unit_lead_is_offered_an_amendment_only_where_one_is_possible(org: Org) -> None:
    approved = bring_to(org, "approved")
    draft = bring_to(org, "draft")
    lead = signed_in(org.marketing_lead)
    assert amend_url(approved) in lead.get(detail_url(approved)).content.decode()
    assert amend_url(draft) not in lead.get(detail_url(draft)).content.decode()
    assert (
        amend_url(approved)
        not in signed_in(org.coe_lead).get(detail_url(approved)).content.decode()
    )
    amendment_of(org, approved)
    assert amend_url(approved) not in lead.get(detail_url(approved)).content.decode()


def test_the_form_is_prefilled_with_the_current_values(org: Org) -> None:
    initiative = bring_to(org, "active", channels=["Instagram", "LinkedIn"])
    page = signed_in(org.marketing_lead).get(amend_url(initiative)).content.decode()
    assert 'value="Instagram, LinkedIn"' in page
    assert "Reach new customers." in page
    assert 'value="1,000.00"' in page or 'value="1000.00"' in page


def test_a_unit_lead_proposes_only_what_changes(org: Org) -> None:
    initiative = bring_to(org, "active", budget=Decimal(1000))
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative), form_data(initiative, budget="5000", channels="TikTok")
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(initiative)
    amendment = Amendment.objects.get(initiative=initiative)
    assert set(amendment.changes) == {"budget", "channels"}
    assert Decimal(amendment.changes["budget"]) == Decimal(5000)
    assert amendment.changes["channels"] == ["TikTok"]
    assert amendment.reason == "The campaign grew."
    # Nothing changes before it is approved.
    assert Initiative.objects.get(pk=initiative.pk).budget == Decimal(1000)


def test_a_proposal_without_a_reason_is_400_naming_the_field(org: Org) -> None:
    initiative = bring_to(org, "approved")
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative), form_data(initiative, budget="5000", reason="")
    )
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert not Amendment.objects.exists()


def test_a_proposal_that_changes_nothing_is_400_and_says_so(org: Org) -> None:
    initiative = bring_to(org, "approved")
    response = signed_in(org.marketing_lead).post(amend_url(initiative), form_data(initiative))
    assert response.status_code == 400
    assert "Name at least one change." in response.content.decode()


def test_a_bad_value_is_400_at_its_field_with_the_text_kept(org: Org) -> None:
    initiative = bring_to(org, "approved")
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative),
        form_data(initiative, start_date="2026-05-01", end_date="2026-04-01", reason="Longer."),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_end_date_error"' in page
    assert "Longer." in page


def test_an_outsider_gets_404_and_a_unit_member_403(org: Org) -> None:
    initiative = bring_to(org, "approved")
    assert signed_in(org.outsider).get(amend_url(initiative)).status_code == 404
    assert signed_in(org.marketing_member).get(amend_url(initiative)).status_code == 403
    response = signed_in(org.marketing_member).post(
        amend_url(initiative), form_data(initiative, budget="5000")
    )
    assert response.status_code == 403
    assert not Amendment.objects.exists()


def test_an_initiative_that_cannot_be_amended_is_a_message(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    response = signed_in(org.marketing_lead).get(amend_url(initiative), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(initiative)
    assert "An initiative that is in review cannot be amended." in response.content.decode()


def test_a_second_amendment_while_one_is_pending_is_409_as_a_message(org: Org) -> None:
    initiative = bring_to(org, "approved")
    lead = signed_in(org.marketing_lead)
    page = lead.get(amend_url(initiative))
    assert page.status_code == 200
    amendment_of(org, initiative)  # someone else was quicker
    response = lead.post(amend_url(initiative), form_data(initiative, budget="5000"))
    assert response.status_code == 409
    assert "already has an amendment under review" in response.content.decode()
    assert Amendment.objects.count() == 1


def test_policies_to_acknowledge_first_are_a_message_with_the_input_kept(org: Org) -> None:
    initiative = bring_to(org, "approved")
    policy_in(org, "published", title="Social media conduct")
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative), form_data(initiative, budget="5000", reason="Grew fast.")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Social media conduct" in page
    assert "Grew fast." in page
    assert not Amendment.objects.exists()


def test_the_coe_reviews_and_approves_an_amendment_from_the_page(org: Org) -> None:
    initiative = bring_to(org, "active", budget=Decimal(1000))
    amendment = amendment_of(org, initiative, budget=Decimal(2000))
    page = signed_in(org.coe_member).get(detail_url(initiative)).content.decode()
    assert decide_url(amendment, "start_review") in page
    signed_in(org.coe_member).post(decide_url(amendment, "start_review"), {"comment": "Looking"})
    response = signed_in(org.coe_lead).post(
        decide_url(amendment, "approve"), {"comment": "Fits the plan."}, follow=True
    )
    assert "Amendment approved; the initiative now reads as amended." in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).budget == Decimal(2000)
    decision = Decision.objects.get(amendment=amendment, transition="approve")
    assert decision.comment == "Fits the plan."
    # The comment is in the decisions timeline, marked as the amendment's.
    assert "Amendment: Approve" in response.content.decode()
    assert "Fits the plan." in response.content.decode()


def test_rejecting_an_amendment_without_a_comment_is_refused_with_a_message(org: Org) -> None:
    initiative = bring_to(org, "approved")
    amendment = amendment_of(org, initiative)
    services.amendment_transition(actor=org.coe_member, amendment=amendment, name="start_review")
    lead = signed_in(org.coe_lead)
    page = lead.get(detail_url(initiative)).content.decode()
    assert 'id="comment-amendment-reject"' in page
    response = lead.post(decide_url(amendment, "reject"), {"confirm": "on"}, follow=True)
    assert "Reject: A comment is required for this decision." in response.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).state == "in_review"
    lead.post(decide_url(amendment, "reject"), {"comment": "Not now.", "confirm": "on"})
    assert Amendment.objects.get(pk=amendment.pk).state == "rejected"


def test_the_proposer_may_not_review_their_amendment(org: Org) -> None:
    initiative = bring_to(org, "approved")
    amendment = amendment_of(org, initiative)
    response = signed_in(org.marketing_lead).post(decide_url(amendment, "start_review"))
    assert response.status_code == 403
    assert Amendment.objects.get(pk=amendment.pk).state == "submitted"


@pytest.mark.parametrize("name", ["start_review", "no_such_thing"])
def test_an_outsider_or_an_unknown_decision_gets_404(org: Org, name: str) -> None:
    initiative = bring_to(org, "approved")
    amendment = amendment_of(org, initiative)
    assert signed_in(org.outsider).post(decide_url(amendment, "start_review")).status_code == 404
    if name == "no_such_thing":
        assert signed_in(org.coe_member).post(decide_url(amendment, name)).status_code == 404


def test_a_decision_the_state_no_longer_allows_is_a_message(org: Org) -> None:
    initiative = bring_to(org, "approved")
    amendment = amendment_of(org, initiative)
    response = signed_in(org.coe_lead).post(
        decide_url(amendment, "approve"), {"comment": ""}, follow=True
    )
    assert response.status_code == 200
    assert "This action is no longer possible: the amendment is now submitted." in (
        response.content.decode()
    )
    assert Amendment.objects.get(pk=amendment.pk).state == "submitted"


def test_every_decision_button_has_a_comment_box_saying_whether_it_is_required(
    org: Org,
) -> None:
    initiative = bring_to(org, "in_review")
    page = signed_in(org.coe_lead).get(detail_url(initiative)).content.decode()
    for name in ("approve", "reject", "request_changes"):
        assert f'id="comment-{name}"' in page
    assert page.count("(optional)") >= 1
    assert page.count("(required)") >= 2
    response = signed_in(org.coe_lead).post(
        reverse("initiatives:transition", args=[initiative.pk, "approve"]),
        {"comment": "Well argued."},
        follow=True,
    )
    assert Decision.objects.get(initiative=initiative, transition="approve").comment == (
        "Well argued."
    )
    assert "Well argued." in response.content.decode()


def test_the_demo_shows_its_pending_amendment_on_the_initiative_page(
    db: None, settings: Any
) -> None:
    settings.DEBUG = True  # the demo is seeded in development only
    call_command("seed_demo", verbosity=0)
    initiative = Initiative.objects.get(title="Employer brand stories")
    analyst = get_user_model().objects.get(username="coe_analyst")
    page = signed_in(analyst).get(detail_url(initiative)).content.decode()
    assert "Amendment under review" in page
    assert "<ins>Instagram, LinkedIn, TikTok</ins>" in page
    amendment = Amendment.objects.get(initiative=initiative)
    assert decide_url(amendment, "start_review") in page
