"""The transition machinery every state machine shares.

A state machine declares its transitions on its model with django-fsm, each
with `custom=rule(...)`: which rights may take it, whether a comment is
required, whether separation of duties applies. The model says only what
differs from one state machine to the next, in `transition_rights(user)`:
where a user's rights on one of its objects come from, who separation of
duties bars, and how a refusal reads. Everything else lives here, once: the
answer to "may this user take this transition?" (`authorize`) and the
transitions a user may take now (`available_transitions`, what the API's
`.../transitions/` returns).

Separation of duties is declared the same way: a transition names the bars
that apply to it (`rule(DECIDE, barred=[AUTHORS, COE_APPROVER])`), and the
model's `Rights` says who each bar holds on this object and how its refusal
reads.

A request that decides and then shows what is left builds the object's
`Rights` once and passes it along, so that the user's rights are read once.

Taking a transition is the same act in every service, and `begin` starts it
inside the service's `transaction.atomic()`, on the locked row: the actor's
right (PermissionDenied, 403, with the reason), the current state
(TransitionNotAllowed, 409), a required comment (ValidationError, 400), in
that order. The `Act` it returns takes the transition, stamps the history row
and records the audit event with the state it came from and the one it reached;
what differs (a published version, a notification) stays in the service.
"""

import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed, can_proceed

from governance import audit, history

UserLike = User | AnonymousUser


# The bars of separation of duties a transition may name (`rule(barred=...)`);
# each state machine's `Rights` says who they hold on its objects.
AUTHORS = "authors"  # who proposed, submitted, wrote or edited what is decided
COE_APPROVER = "coe_approver"  # who approved it for the CoE, in this review cycle
REQUESTER = "requester"  # who asked for it, or benefits from it


@dataclass(frozen=True)
class Rule:
    """Who may take a transition: anyone holding one of `rights` on the object
    (what a right means, unit-wide, per object or organization-wide, is up to
    the object's `Rights`), unless separation of duties bars them."""

    rights: frozenset[str]
    comment_required: bool = False
    # Separation of duties: the bars (named by the object's `Rights.bars`: the
    # authors of what is decided, whoever approved it for the CoE...) whose
    # people may not take this transition, in their own right or as a delegate.
    barred: tuple[str, ...] = ()


def rule(
    *rights: str, comment_required: bool = False, barred: Collection[str] = ()
) -> dict[str, Any]:
    """The `custom` argument of a transition:
    `@transition(..., custom=rule(DECIDE, barred=[AUTHORS]))`."""
    return {
        "rule": Rule(
            rights=frozenset(rights), comment_required=comment_required, barred=tuple(barred)
        )
    }


@functools.cache
def rules(model: type[Model], field: str = "state") -> dict[str, Rule]:
    """Every transition of the model's state machine, by name, with its rule."""
    state_field = model._meta.get_field(field)
    return {
        t.name: t.custom["rule"]
        for t in state_field.get_all_transitions(model)  # type: ignore[union-attr]
    }


@dataclass(frozen=True)
class Available:
    """A transition the user may take now, as the API lists it."""

    name: str
    target: str
    comment_required: bool


@dataclass(frozen=True)
class Held:
    """Rights read from one source. `on_behalf_of` names the person whose rights
    they are when the user holds them as a delegate (a sponsor's sign-off)."""

    codenames: frozenset[str]
    on_behalf_of: User | None = None


class Source:
    """One place a user's rights on an object come from: read at most once, and
    only when a transition asks for a right it can give (`gives`; None: any)."""

    def __init__(
        self, read: Callable[[], Held | frozenset[str]], gives: Collection[str] | None = None
    ) -> None:
        self._read = read
        self.gives = None if gives is None else frozenset(gives)
        self._held: Held | None = None

    def may_give(self, wanted: frozenset[str]) -> bool:
        return self.gives is None or bool(self.gives & wanted)

    def held(self) -> Held:
        if self._held is None:
            held = self._read()
            self._held = held if isinstance(held, Held) else Held(frozenset(held))
        return self._held


@dataclass(frozen=True)
class Authorization:
    """The answer for one user, one object and one transition, whatever the
    current state. `reason` (translated) says why not; `on_behalf_of` names the
    sponsor a delegate acts for (None when the user acts in their own right)."""

    user_id: Any
    object_key: tuple[str, Any]
    name: str
    reason: str | None = None
    on_behalf_of: User | None = None

    @property
    def allowed(self) -> bool:
        return self.reason is None

    def is_for(self, user: UserLike, obj: Model, name: str) -> bool:
        """Whether this is the answer for exactly this act (a service that is
        handed an answer checks it was given for what it is asked to do)."""
        return (self.user_id, self.object_key, self.name) == (user.pk, _key(obj), name)


def _key(obj: Model) -> tuple[str, Any]:
    return (obj._meta.label_lower, obj.pk)


class Bar:
    """One rule of separation of duties on one object: the people it keeps from
    the transitions that name it (read at decision time, at most once), and
    the refusal, which names the rule."""

    def __init__(self, read: Callable[[], Collection[Any]], reason: str | Promise) -> None:
        self._read = read
        self.reason = reason
        self._user_ids: frozenset[Any] | None = None

    def user_ids(self) -> frozenset[Any]:
        if self._user_ids is None:
            self._user_ids = frozenset(self._read())
        return self._user_ids


class Rights:
    """What one user holds on one object, to decide its transitions: where their
    rights come from (read lazily, each source at most once), the bars of
    separation of duties by name, and how a refusal reads (lazily translated;
    `refused` takes `%(action)s`). A state machine builds one in its model's
    `transition_rights`."""

    def __init__(
        self,
        user: UserLike,
        obj: Model,
        *sources: Source,
        bars: Mapping[str, Bar] | None = None,
        refused: str | Promise,
    ) -> None:
        self.user, self.obj, self.sources = user, obj, sources
        self.bars = dict(bars or {})
        self.refused = refused

    def holding(self, wanted: frozenset[str]) -> Held | None:
        """The first source that gives the user one of the wanted rights."""
        if not self.user.is_authenticated or not self.user.is_active:
            return None
        for source in self.sources:
            if source.may_give(wanted):
                held = source.held()
                if held.codenames & wanted:
                    return held
        return None

    def has(self, codename: str) -> bool:
        return self.holding(frozenset({codename})) is not None

    def authorize(self, name: str) -> Authorization:
        """May the user take transition `name`, by their rights (not by the state)?
        Separation of duties is read now, at decision time: a delegation or a
        role given earlier opens no way around it."""
        rule_ = rules(type(self.obj))[name]
        answer = functools.partial(Authorization, self.user.pk, _key(self.obj), name)
        held = self.holding(rule_.rights)
        if held is None:
            return answer(str(self.refused) % {"action": name.replace("_", " ")})
        if barring := separation_of_duties_bars(self, held, rule_):
            return answer(str(barring.reason))
        return answer(on_behalf_of=held.on_behalf_of)


def separation_of_duties_bars(rights: Rights, held: Held, rule_: Rule) -> Bar | None:
    """The first bar of the rule that keeps the user from the decision: the one
    place that says who counts as deciding (the user, and the sponsor they
    stand in for as a delegate)."""
    deciders = {rights.user.pk}
    if held.on_behalf_of is not None:
        deciders.add(held.on_behalf_of.pk)
    for name in rule_.barred:
        bar = rights.bars[name]
        if deciders & bar.user_ids():
            return bar
    return None


@runtime_checkable
class Guarded(Protocol):
    """A model whose state machine the shared machinery decides on."""

    def transition_rights(self, user: UserLike) -> Rights: ...


def rights_of(user: UserLike, obj: Guarded) -> Rights:
    return obj.transition_rights(user)


def authorize(user: UserLike, obj: Guarded, name: str) -> Authorization:
    """May the user take transition `name` on the object, by their rights?"""
    return rights_of(user, obj).authorize(name)


def target_of(obj: Any, transition: Any) -> str:
    """Where the transition leads from here; a computed target (django-fsm's
    RETURN_VALUE) is the model's to say, in `computed_target(name)`."""
    if isinstance(transition.target, str):
        return str(transition.target)
    return str(obj.computed_target(transition.name))


def available_transitions(
    user: UserLike, obj: Guarded, rights: Rights | None = None
) -> list[Available]:
    """The transitions the user may take now, given the state and their rights.
    Pass the `Rights` already built for this user and object to read nothing again."""
    rights = rights if rights is not None else rights_of(user, obj)
    result = []
    for transition in obj.get_available_state_transitions():  # type: ignore[attr-defined]
        rule_: Rule = transition.custom["rule"]
        if rights.authorize(transition.name).allowed:
            result.append(
                Available(transition.name, target_of(obj, transition), rule_.comment_required)
            )
    return result


def barred_reasons(user: UserLike, obj: Guarded, rights: Rights | None = None) -> list[str]:
    """Why the user may not take transitions the state allows and their rights
    would give them: the refusals of separation of duties, each once. A page
    shows them where the buttons would be, so that nobody wonders."""
    rights = rights if rights is not None else rights_of(user, obj)
    reasons: list[str] = []
    for transition in obj.get_available_state_transitions():  # type: ignore[attr-defined]
        rule_: Rule = transition.custom["rule"]
        answer = rights.authorize(transition.name)
        held = rights.holding(rule_.rights) is not None
        if not answer.allowed and held and answer.reason not in reasons:
            reasons.append(str(answer.reason))
    return reasons


# Taking a transition: the steps every service shares.

COMMENT_REQUIRED = gettext_lazy("A comment is required for this transition.")


def permitted(
    actor: User, obj: Guarded, name: str, given: Authorization | None = None
) -> Authorization:
    """The one permission decision of the act: the answer the caller already
    obtained for exactly this act in this request, or a fresh one. Raises
    PermissionDenied with the answer's reason, ValueError for an answer given
    for another act."""
    if given is not None and not given.is_for(actor, obj, name):  # type: ignore[arg-type]
        raise ValueError("The authorization was given for another act.")
    authorization = given if given is not None else authorize(actor, obj, name)
    if not authorization.allowed:
        raise PermissionDenied(authorization.reason)
    return authorization


def require_state(obj: Any, name: str, refused: str | Promise) -> None:
    """TransitionNotAllowed (409) unless the current state allows transition
    `name`; `refused` may name `%(action)s` and `%(state)s`."""
    method = getattr(obj, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            str(refused)
            % {"action": name.replace("_", " "), "state": obj.get_state_display().lower()},
            object=obj,
            method=method,
        )


@dataclass
class Act:
    """One transition taken by one actor (None: the system) on one locked
    object, once `begin` has checked it: the comment as given (stripped), the
    answer of the permission check (None when the service decided the right
    itself, or for the system), and the state it starts from."""

    actor: User | None
    obj: Any
    name: str
    comment: str
    authorization: Authorization | None
    source: str

    def take(self, *args: Any) -> None:
        """Call the django-fsm transition (the state changes; nothing is saved)."""
        getattr(self.obj, self.name)(*args)

    def stamp(self) -> None:
        """Who and why for the history row the next save writes: the
        transition, with the comment (cut to the column's length)."""
        reason = f"{self.name}: {self.comment}" if self.comment else self.name
        if self.actor is None:
            self.obj._change_reason = history.fitted(reason)  # the system: no user on the row
        else:
            history.stamp(self.obj, self.actor, reason)

    def record(
        self,
        event: audit.Event,
        *,
        old: Mapping[str, Any] | None = None,
        new: Mapping[str, Any] | None = None,
        comment: str | None = None,
    ) -> None:
        """The audit event of the act: the state it came from and the one it
        reached, with what else the service names, and the comment (the act's
        unless another is given)."""
        audit.record(
            event,
            actor=self.actor,
            obj=self.obj,
            old={"state": self.source} | dict(old or {}),
            new={"state": self.obj.state} | dict(new or {}),
            comment=self.comment if comment is None else comment,
        )


def begin(
    actor: User | None,
    obj: Any,
    name: str,
    *,
    refused: str | Promise,
    comment: str = "",
    authorized: bool = False,
    given: Authorization | None = None,
    comment_missing: str | Promise = COMMENT_REQUIRED,
    comment_field: str = "comment",
) -> Act:
    """Check that `actor` may take transition `name` on `obj` now, in the
    order every service answers: their right by the model's rules
    (PermissionDenied; skipped for the system, actor None, and when the
    service has decided the right itself, `authorized`; `given`: the answer
    the caller already obtained for exactly this act, see `permitted`), the
    current state (TransitionNotAllowed with `refused`), a comment where the
    rule requires one (ValidationError with `comment_missing` on
    `comment_field`, the name the caller gave the comment). Call it on the
    locked row, inside the service's transaction."""
    authorization = None
    if actor is not None and not authorized:
        authorization = permitted(actor, obj, name, given)
    require_state(obj, name, refused)
    comment = comment.strip()
    if isinstance(obj, Guarded) and rules(type(obj))[name].comment_required and not comment:
        raise ValidationError({comment_field: str(comment_missing)})
    return Act(actor, obj, name, comment, authorization, obj.state)
