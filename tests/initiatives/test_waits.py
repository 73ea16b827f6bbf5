"""The start of an initiative's current wait is stored with it: set by the
transition that starts a wait, kept while the CoE's review goes on, cleared
when nothing is awaited, and rebuilt from the decision log on demand."""

import datetime

from django.utils import timezone

from initiatives import services as workflow
from initiatives.models import Decision, Initiative
from tests.conftest import Org, bring_to


def decision_at(initiative: Initiative, transition: str) -> datetime.datetime:
    return Decision.objects.filter(initiative=initiative, transition=transition).latest("id").at


def test_a_submission_starts_the_wait_and_the_review_continues_it(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    assert initiative.waiting_since == decision_at(initiative, "submit")
    reviewed = workflow.initiative_transition(
        actor=org.coe_member, initiative=initiative, name="start_review"
    )
    reviewed.refresh_from_db()
    assert reviewed.waiting_since == decision_at(initiative, "submit")


def test_the_coe_approval_starts_the_sponsors_wait_and_sign_off_ends_it(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor")
    initiative.refresh_from_db()
    assert initiative.waiting_since == decision_at(initiative, "approve")
    approved = workflow.initiative_transition(
        actor=org.sponsor, initiative=initiative, name="sponsor_approve"
    )
    approved.refresh_from_db()
    assert approved.waiting_since is None


def test_a_draft_and_a_running_initiative_wait_for_nothing(org: Org) -> None:
    assert bring_to(org, "draft").waiting_since is None
    active = bring_to(org, "active")
    active.refresh_from_db()
    assert active.waiting_since is None


def test_refresh_rebuilds_the_waits_from_moved_decisions(org: Org) -> None:
    waiting = bring_to(org, "in_review")
    done = bring_to(org, "approved")
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Decision.objects.filter(initiative=waiting, transition="submit").update(at=long_ago)
    Initiative.objects.filter(pk=done.pk).update(waiting_since=long_ago)
    workflow.initiative_waits_refresh()
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.waiting_since == long_ago
    assert done.waiting_since is None
