"""Several people taking the same transition at the same moment: exactly one
wins and the others get a conflict, on PostgreSQL and on the SQLite demo."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from initiatives import services
from initiatives.models import Decision, Initiative
from tests.conftest import bring_to, build_org

WORKERS = 6


def race(initiative: Initiative, actors: list[Any], name: str, comment: str = "") -> list[str]:
    """Start every actor's transition at once; return each one's outcome."""
    barrier = threading.Barrier(len(actors))
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(actor: Any) -> None:
        stale = Initiative.objects.get(pk=initiative.pk)
        barrier.wait()
        try:
            services.initiative_transition(
                actor=actor, initiative=stale, name=name, comment=comment
            )
            outcome = "won"
        except (TransitionNotAllowed, ConcurrentTransition):
            outcome = "conflict"
        except Exception as exc:
            outcome = f"error: {exc!r}"
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=work, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_simultaneous_reviews_wins() -> None:
    org = build_org()
    initiative = bring_to(org, "submitted")

    outcomes = race(initiative, [org.coe_member] * WORKERS, "start_review")

    assert sorted(outcomes) == ["conflict"] * (WORKERS - 1) + ["won"], outcomes
    assert Initiative.objects.get(pk=initiative.pk).state == "in_review"
    assert Decision.objects.filter(initiative=initiative, transition="start_review").count() == 1


@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_cannot_both_land() -> None:
    org = build_org()
    initiative = bring_to(org, "in_review")
    barrier_actors = [org.coe_lead, org.coe_member]
    names = {org.coe_lead.pk: "approve", org.coe_member.pk: "request_changes"}
    outcomes: list[str] = []
    barrier = threading.Barrier(len(barrier_actors))

    def work(actor: Any) -> None:
        stale = Initiative.objects.get(pk=initiative.pk)
        barrier.wait()
        try:
            services.initiative_transition(
                actor=actor, initiative=stale, name=names[actor.pk], comment="now"
            )
            outcomes.append("won")
        except (TransitionNotAllowed, ConcurrentTransition):
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in barrier_actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict", "won"]
    assert (
        Decision.objects.filter(initiative=initiative)
        .exclude(transition__in=["submit", "start_review"])
        .count()
        == 1
    )


def test_the_losing_request_gets_409_through_the_api(org: Any) -> None:
    from tests.conftest import api_client

    initiative = bring_to(org, "submitted")
    first = api_client(org.coe_member).post(
        f"/api/initiatives/{initiative.pk}/transitions/start_review/", {}, format="json"
    )
    second = api_client(org.coe_lead).post(
        f"/api/initiatives/{initiative.pk}/transitions/start_review/", {}, format="json"
    )
    assert (first.status_code, second.status_code) == (200, 409)
