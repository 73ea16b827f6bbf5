"""The account's state machine edge by edge: every transition from every
state, allowed where the table says and refused (409) everywhere else; and
who may take each allowed edge."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from governance import audit
from governance.models import AuditEvent
from social_accounts import services
from social_accounts.selectors import TRANSITIONS

from .conftest import STATES, account_in

# Each allowed edge: (from, transition) -> to.
EDGES = {
    ("requested", "approve"): "approved",
    ("requested", "reject"): "rejected",
    ("approved", "activate"): "active",
    ("approved", "retire"): "retired",
    ("active", "mark_dormant"): "dormant",
    ("active", "retire"): "retired",
    ("dormant", "reactivate"): "active",
    ("dormant", "retire"): "retired",
}
# Who may take each transition (of the marketing personas and the CoE).
MAY = {
    "approve": {"coe_lead"},
    "reject": {"coe_lead"},
    "activate": {"coe_lead", "marketing_lead", "marketing_member"},
    "mark_dormant": {"coe_lead"},
    "reactivate": {"coe_lead", "marketing_lead", "marketing_member"},
    "retire": {"coe_lead", "marketing_lead"},
}
PEOPLE = (
    "coe_lead",
    "coe_member",
    "auditor",
    "sponsor",
    "marketing_lead",
    "marketing_member",
    "sales_lead",
    "outsider",
)


def test_the_table_covers_every_transition() -> None:
    assert {name for _, name in EDGES} == set(TRANSITIONS) == set(MAY)


@pytest.mark.parametrize(("source", "name"), list(EDGES))
def test_allowed_edge_moves_the_account_and_is_audited(org, source, name) -> None:
    account = account_in(org, source)
    actor = org.coe_lead
    account = services.account_transition(actor=actor, account=account, name=name, comment="why")
    assert account.state == EDGES[(source, name)]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.event == services.TRANSITION_EVENTS[name]
    assert event.old == {"state": source}
    assert event.new == {"state": account.state}


@pytest.mark.parametrize(
    ("source", "name"),
    [(s, n) for s in STATES for n in TRANSITIONS if (s, n) not in EDGES],
)
def test_forbidden_edge_is_refused_and_changes_nothing(org, source, name) -> None:
    account = account_in(org, source)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        services.account_transition(actor=org.coe_lead, account=account, name=name, comment="x")
    account.refresh_from_db()
    assert account.state == source
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("source", "name"), list(EDGES))
@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_right_people_take_each_edge(org, source, name, who) -> None:
    account = account_in(org, source)
    if who in MAY[name]:
        account = services.account_transition(
            actor=org.people[who], account=account, name=name, comment="ok"
        )
        assert account.state == EDGES[(source, name)]
    else:
        with pytest.raises(PermissionDenied):
            services.account_transition(
                actor=org.people[who], account=account, name=name, comment="ok"
            )


@pytest.mark.parametrize("name", ["reject", "retire"])
def test_rejecting_or_retiring_needs_a_comment(org, name) -> None:
    account = account_in(org, "requested" if name == "reject" else "active")
    with pytest.raises(ValidationError) as error:
        services.account_transition(actor=org.coe_lead, account=account, name=name, comment=" ")
    assert "comment" in error.value.message_dict


def test_activation_starts_the_recertification_cycle(org, settings) -> None:
    settings.ACCOUNT_RECERTIFY_MONTHS = 3
    account = account_in(org, "active")
    assert account.last_recertified_at is not None
    assert account.recertification_due is not None
    months = (account.recertification_due.year - account.last_recertified_at.year) * 12 + (
        account.recertification_due.month - account.last_recertified_at.month
    )
    assert months == 3


def test_the_system_marks_dormant_without_an_actor(org) -> None:
    account = account_in(org, "active")
    account = services.account_transition(actor=None, account=account, name="mark_dormant")
    assert account.state == "dormant"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.event == audit.Event.SOCIAL_ACCOUNT_MARKED_DORMANT
    assert event.actor is None
