"""Reads of initiatives, always through what the user may see."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django_fsm import Transition

from governance import access
from initiatives.models import Decision, Initiative, Rule

UserLike = AbstractBaseUser | AnonymousUser

# Every transition of the initiative, by name, with its rule.
TRANSITIONS: dict[str, Rule] = {
    t.name: t.custom["rule"]
    for t in Initiative._meta.get_field("state").get_all_transitions(Initiative)  # type: ignore[attr-defined]
}


@dataclass(frozen=True)
class Available:
    name: str
    target: str
    comment_required: bool


def visible_initiatives(user: UserLike) -> QuerySet[Initiative]:
    """The initiatives the user may see: those of units they may see."""
    return (
        Initiative.objects.filter(business_unit__in=access.visible_units(user))
        .select_related("business_unit", "owner")
        .prefetch_related("goals")
    )


def refusal(user: UserLike, initiative: Initiative, name: str) -> str | None:
    """Why the user may not take the transition, whatever the state; None if they may."""
    rule = TRANSITIONS[name]
    allowed = bool(rule.unit_perms & access.unit_codenames(user, initiative.business_unit_id))
    if not allowed and rule.owner_may:
        allowed = access.OWN in access.object_codenames(user, initiative)
    if not allowed:
        return f"You may not {name.replace('_', ' ')} this initiative."
    if rule.owner_barred and initiative.owner_id == user.pk:
        return "Separation of duties: nobody decides on an initiative they own."
    return None


def transition_target(initiative: Initiative, transition: Transition) -> str:
    return transition.target if isinstance(transition.target, str) else initiative.approval_target()


def available_transitions(user: UserLike, initiative: Initiative) -> list[Available]:
    """The transitions the user may take now, given the state and their rights."""
    unit_perms = access.unit_codenames(user, initiative.business_unit_id)
    own_perms: frozenset[str] | None = None
    result = []
    for transition in initiative.get_available_state_transitions():  # type: ignore[attr-defined]
        rule: Rule = transition.custom["rule"]
        if rule.owner_barred and initiative.owner_id == user.pk:
            continue
        allowed = bool(rule.unit_perms & unit_perms)
        if not allowed and rule.owner_may:
            if own_perms is None:
                own_perms = access.object_codenames(user, initiative)
            allowed = access.OWN in own_perms
        if allowed:
            result.append(
                Available(
                    transition.name,
                    transition_target(initiative, transition),
                    rule.comment_required,
                )
            )
    return result


def decisions_of(initiative: Initiative) -> QuerySet[Decision]:
    return initiative.decisions.select_related("actor").order_by("at", "id")
