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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
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
    """ "committee:3" -> "committee"; "sponsor" -> "sponsor"; None -> None."""
    return None if step is None else step.split(":", 1)[0]


def committee_of(step: str | None) -> int | None:
    """The committee id of a committee step, else None."""
    if step is None or kind_of(step) != COMMITTEE:
        return None
    return int(step.split(":", 1)[1])


def step_choices() -> list[tuple[str, Any]]:
    """Every step a rule may name, with its label: the built-in ones and those
    the apps provide (governance.registry.approval_steps)."""
    from governance import registry

    choices: list[tuple[str, Any]] = [
        (SPONSOR, STEP_NAMES[SPONSOR]),
        (FINANCE, STEP_NAMES[FINANCE]),
    ]
    for provider in registry.approval_steps:
        choices.extend(provider())
    return choices


RULE_FIELDS = (
    "name",
    "min_budget",
    "max_budget",
    "above_sponsor_threshold",
    "risks",
    "channels",
    "audiences",
    "units",
    "steps",
)


def clean_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules of a new version, checked: known keys and values, a budget
    range that is not empty, known steps, each at most once. Raises
    ValidationError naming the field as `rules.<n>.<field>` (n from 1)."""
    from initiatives.models import Audience, Risk

    errors: dict[str, str] = {}
    cleaned = []
    valid_steps = {value for value, _label in step_choices()}
    for n, rule in enumerate(rules, start=1):
        where = f"rules.{n}."
        if not isinstance(rule, dict):
            errors[f"rules.{n}"] = gettext("Expected a rule.")
            continue
        for key in set(rule) - set(RULE_FIELDS):
            errors[where + key] = gettext("Unknown condition.")
        name = str(rule.get("name", "")).strip()
        if not name or len(name) > 200:
            errors[where + "name"] = gettext("Name the rule (at most 200 characters).")
        budgets: dict[str, Decimal | None] = {}
        for key in ("min_budget", "max_budget"):
            value = rule.get(key)
            amount: Decimal | None = None
            try:
                amount = None if value in (None, "") else Decimal(str(value))
            except ArithmeticError:
                errors[where + key] = gettext("Expected an amount.")
            if amount is not None and not Decimal(0) <= amount < Decimal(10**12):
                errors[where + key] = gettext("Expected an amount.")
            budgets[key] = amount
        low, high = budgets.get("min_budget"), budgets.get("max_budget")
        if low is not None and high is not None and high <= low:
            errors[where + "max_budget"] = gettext("The upper bound is above the lower one.")
        lists = {}
        for key, allowed in (
            ("risks", set(Risk.values)),
            ("audiences", set(Audience.values)),
            ("channels", None),
            ("units", None),
            ("steps", valid_steps),
        ):
            value = rule.get(key, [])
            if not isinstance(value, list):
                errors[where + key] = gettext("Expected a list.")
                continue
            if key == "units" and not all(isinstance(v, int) for v in value):
                errors[where + key] = gettext("Expected unit ids.")
            elif key == "channels" and not all(isinstance(v, str) and v.strip() for v in value):
                errors[where + key] = gettext("Expected channel names.")
            elif allowed is not None and set(value) - allowed:
                errors[where + key] = gettext("Unknown value(s): %(values)s.") % {
                    "values": ", ".join(sorted(map(str, set(value) - allowed)))
                }
            elif len(set(value)) != len(value):
                errors[where + key] = gettext("Each value at most once.")
            lists[key] = value
        cleaned.append(
            {
                "name": name,
                "min_budget": low,
                "max_budget": high,
                "above_sponsor_threshold": bool(rule.get("above_sponsor_threshold", False)),
            }
            | lists
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def chain_of(steps: list[str]) -> list[dict[str, str]]:
    """A stored chain: the CoE's review, then the steps, every one pending."""
    return [{"step": step, "state": PENDING} for step in [COE, *steps]]


def next_step(chain: list[dict[str, str]], after: int = 0) -> str | None:
    """The pending step `after` places past the first pending one (0: the
    step the initiative waits for now); None when there is none."""
    pending = [entry["step"] for entry in chain if entry["state"] == PENDING]
    return pending[after] if after < len(pending) else None


@dataclass(frozen=True)
class BuiltInRule:
    """A rule as the data migration's version 1 writes it."""

    name: str
    steps: tuple[str, ...]
    risks: tuple[str, ...] = ()
    above_sponsor_threshold: bool = False
    min_budget: Decimal | None = None
    max_budget: Decimal | None = None
    channels: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    units: tuple[int, ...] = ()


# Migration 0006 writes these as version 1 of the rules: a change here would
# give a new database another version 1 than the existing ones have, so the
# rules change by a published version, never here.
BUILT_IN = (
    BuiltInRule(name="High risk", risks=("high",), steps=("sponsor",)),
    BuiltInRule(
        name="Above the sponsor's threshold", above_sponsor_threshold=True, steps=("sponsor",)
    ),
)


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
    # Before any version exists (a database emptied by a flush, not migrated
    # afresh), the built-in rules apply: the same as version 1.
    version = None if rule_set is None else rule_set.version
    rules: Iterable[Any] = BUILT_IN if rule_set is None else rule_set.rules.order_by("position")
    for rule in rules:
        if matches(
            rule,
            budget=Decimal(budget),
            risk=risk,
            channels=channels,
            audiences=audiences,
            unit_id=unit_id,
            sponsor_threshold=sponsor_threshold,
        ):
            return Routed(list(rule.steps), version, str(rule.name))
    return Routed([], version, "")
