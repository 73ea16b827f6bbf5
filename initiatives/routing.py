"""Approval routing: which chain of approval steps an initiative goes through.

The CoE lead publishes the routing rules as versions (append-only, the newest
in force; `initiatives.models.RoutingRuleSet`). At submission the first rule of
the version in force whose conditions all hold gives the steps that follow the
CoE's review; the initiative keeps that chain (`Initiative.approval_chain`),
so a later version changes no decision under way. Without a matching rule the
CoE's approval is the last step.

A step is "sponsor" (a sponsor of the unit, or their delegate), "finance" (a
finance approver) or "committee:<id>" (decided by the committee's vote).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

COE = "coe"
SPONSOR = "sponsor"
FINANCE = "finance"
COMMITTEE = "committee"

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"

STEP_NAMES = {
    COE: _("CoE review"),
    SPONSOR: _("Sponsor sign-off"),
    FINANCE: _("Finance approval"),
    COMMITTEE: _("Committee vote"),
}
STEP_STATES = {PENDING: _("pending"), APPROVED: _("approved"), REJECTED: _("rejected")}


def committee_step(committee_id: int) -> str:
    return f"{COMMITTEE}:{committee_id}"


def kind_of(step: str | None) -> str | None:
    """"committee:3" -> "committee"; "sponsor" -> "sponsor"; None -> None."""
    return None if step is None else step.split(":", 1)[0]


def committee_of(step: str | None) -> int | None:
    """The committee id of a committee step, else None."""
    if step is None or kind_of(step) != COMMITTEE:
        return None
    return int(step.split(":", 1)[1])


def is_valid_step(step: Any) -> bool:
    if not isinstance(step, str):
        return False
    if step in (SPONSOR, FINANCE):
        return True
    kind, _sep, rest = step.partition(":")
    return kind == COMMITTEE and rest.isdigit()


def chain_of(steps: list[str]) -> list[dict[str, str]]:
    """A stored chain: the CoE's review, then the steps, every one pending."""
    return [{"step": step, "state": PENDING} for step in [COE, *steps]]


def next_step(chain: list[dict[str, str]], after: int = 0) -> str | None:
    """The pending step `after` places past the first pending one (0: the
    step the initiative waits for now); None when there is none."""
    pending = [entry["step"] for entry in chain if entry["state"] == PENDING]
    return pending[after] if after < len(pending) else None


@dataclass(frozen=True)
class Routed:
    steps: list[str]
    version: int | None
    rule: str


def matches(
    rule: Any,
    *,
    budget: Decimal,
    risk: str,
    channels: list[str],
    audiences: list[str],
    unit_id: int,
    sponsor_threshold: Callable[[], Decimal | None],
) -> bool:
    """Whether every condition the rule sets holds (an unset one always holds)."""
    if rule.min_budget is not None and budget < rule.min_budget:
        return False
    if rule.max_budget is not None and budget >= rule.max_budget:
        return False
    if rule.risks and risk not in rule.risks:
        return False
    if rule.channels and not {c.casefold() for c in channels} & {
        c.casefold() for c in rule.channels
    }:
        return False
    if rule.audiences and not set(audiences) & set(rule.audiences):
        return False
    if rule.units and unit_id not in rule.units:
        return False
    if rule.above_sponsor_threshold:
        threshold = sponsor_threshold()
        if threshold is None or budget <= threshold:
            return False
    return True


def resolve(
    *,
    budget: Decimal,
    risk: str,
    channels: list[str],
    audiences: list[str],
    unit_id: int,
    sponsor_threshold: Callable[[], Decimal | None],
) -> Routed:
    """The steps after the CoE's that the rules in force give these values."""
    from initiatives.models import RoutingRuleSet

    rule_set = RoutingRuleSet.objects.order_by("-version").first()
    if rule_set is None:
        return Routed([], None, "")
    for rule in rule_set.rules.order_by("position"):
        if matches(
            rule,
            budget=Decimal(budget),
            risk=risk,
            channels=channels,
            audiences=audiences,
            unit_id=unit_id,
            sponsor_threshold=sponsor_threshold,
        ):
            return Routed(list(rule.steps), rule_set.version, rule.name)
    return Routed([], rule_set.version, "")
