"""Writes to committees: setting one up, opening a vote when an initiative
reaches the committee's step, casting a vote, and closing it. Each act checks
the actor's right and writes its change and audit event in one transaction;
a closed vote becomes the initiative's decision in the same transaction.
Seating members and making a working group the owner of initiatives and
policies grant and take away the right to see them in the same way."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from committees.models import (
    Case,
    CaseState,
    Committee,
    CommitteeMember,
    OwnedInitiative,
    OwnedPolicy,
    Vote,
)
from governance import access, audit
from governance.errors import Conflict
from governance.models import BusinessUnit
from governance.signals import notify
from initiatives import routing
from initiatives import services as initiative_services
from initiatives.models import Amendment, AmendmentState, Initiative, State
from policies.models import Policy

MAX_COMMENT_CHARS = 4000


def committee_create(
    *,
    actor: User,
    name: str,
    chair: User,
    quorum: int,
    members: Iterable[tuple[User, BusinessUnit | None]],
    kind: str = Committee.Kind.STEERING,
) -> Committee:
    """Set up a committee with its members (each with the unit they come
    from); the chair must be one of them. Only who may edit the routing (the
    CoE lead) may. Raises PermissionDenied, ValidationError naming the field."""
    if access.EDIT_ROUTING not in access.organization_rights(actor):
        raise PermissionDenied(gettext("Only the CoE lead may set up committees."))
    seats = list(members)
    if len({user.pk for user, _unit in seats}) != len(seats):
        raise ValidationError({"members": gettext("Each member at most once.")})
    if Committee.objects.filter(name=name).exists():
        raise ValidationError({"name": gettext("A committee of this name exists already.")})
    if chair not in [user for user, _unit in seats]:
        raise ValidationError({"chair": gettext("The chair must be a member.")})
    if not 1 <= quorum <= len(seats):
        raise ValidationError(
            {"quorum": gettext("The quorum is between 1 and the number of members.")}
        )
    with transaction.atomic():
        committee = Committee(name=name, kind=kind, chair=chair, quorum=quorum)
        committee.full_clean()
        committee.save()
        for user, unit in seats:
            CommitteeMember.objects.create(committee=committee, user=user, business_unit=unit)
        audit.record(
            audit.Event.COMMITTEE_CREATED,
            actor=actor,
            obj=committee,
            new={
                "name": name,
                "kind": kind,
                "chair": chair.get_username(),
                "quorum": quorum,
                "members": sorted(user.get_username() for user, _unit in seats),
            },
        )
    return committee


def _require_coe_lead(actor: User) -> None:
    if access.EDIT_ROUTING not in access.organization_rights(actor):
        raise PermissionDenied(gettext("Only the CoE lead may change committees."))


# Working groups own initiatives and policies across units. Their members see
# what the group owns through a per-object right (governance.access), which
# every list, search, inbox and page reads through the apps' selectors; it is
# granted and taken away in the transaction of the change that calls for it.
# Seeing an initiative is also what sitting on a committee that votes on it
# gives, so a right is taken away only when no seat the user keeps calls for it.


def _should_see_initiative(user: User, initiative: Initiative) -> bool:
    return (
        OwnedInitiative.objects.filter(
            initiative=initiative, committee__members__user=user
        ).exists()
        or Case.objects.filter(initiative=initiative, committee__members__user=user).exists()
    )


def _should_see_policy(user: User, policy_id: int) -> bool:
    return OwnedPolicy.objects.filter(policy_id=policy_id, committee__members__user=user).exists()


def _sync_sight(*, actor: User | None, user: User, obj: Initiative | Policy) -> None:
    """Grant or take away the user's right to see the object, by whether a seat
    they hold now calls for it (audited by governance.access)."""
    if isinstance(obj, Initiative):
        wanted, codename = _should_see_initiative(user, obj), access.VIEW_INITIATIVE
    else:
        wanted, codename = _should_see_policy(user, obj.pk), access.VIEW_POLICY
    held = codename in access.object_codenames(user, obj)
    if wanted and not held:
        access.grant(role=access.Role.GROUP_MEMBER, user=user, obj=obj, actor=actor)
    elif held and not wanted:
        access.revoke(role=access.Role.GROUP_MEMBER, user=user, obj=obj, actor=actor)


def _seat_objects(committee: Committee) -> list[Initiative | Policy]:
    """What a seat on the committee lets one see: what it owns, and the
    initiatives of its open votes."""
    found: list[Initiative | Policy] = list(
        Initiative.objects.filter(owning_group__committee=committee).order_by("pk")
    )
    found += list(Policy.objects.filter(owning_group__committee=committee).order_by("pk"))
    found += list(
        Initiative.objects.filter(
            committee_cases__committee=committee, committee_cases__state=CaseState.OPEN
        )
        .exclude(owning_group__committee=committee)
        .distinct()
        .order_by("pk")
    )
    return found


def committee_member_add(
    *, actor: User, committee: Committee, user: User, business_unit: BusinessUnit | None
) -> CommitteeMember:
    """Seat the user on the committee (with the unit they come from). They see
    at once what a working group owns and the initiatives of its open votes.
    Only the CoE lead may. Raises PermissionDenied, ValidationError naming
    `user` when they sit on it already."""
    _require_coe_lead(actor)
    with transaction.atomic():
        locked = Committee.objects.select_for_update().get(pk=committee.pk)
        if locked.members.filter(user=user).exists():
            raise ValidationError({"user": gettext("This person sits on the committee already.")})
        member = CommitteeMember.objects.create(
            committee=locked, user=user, business_unit=business_unit
        )
        for obj in _seat_objects(locked):
            _sync_sight(actor=actor, user=user, obj=obj)
        audit.record(
            audit.Event.COMMITTEE_MEMBER_ADDED,
            actor=actor,
            obj=locked,
            new={
                "user": user.get_username(),
                "business_unit": business_unit.slug if business_unit else None,
            },
        )
    return member


def committee_member_remove(*, actor: User, committee: Committee, user: User) -> None:
    """Take the user's seat away: what the seat let them see is taken away at
    once, unless another seat still gives it. Only the CoE lead may. Raises
    PermissionDenied; ValidationError naming `user` for someone not on the
    committee or its chair, and when the quorum could no longer be reached."""
    _require_coe_lead(actor)
    with transaction.atomic():
        locked = Committee.objects.select_for_update().get(pk=committee.pk)
        member = locked.members.filter(user=user).first()
        if member is None:
            raise ValidationError({"user": gettext("This person does not sit on the committee.")})
        if locked.chair_id == user.pk:
            raise ValidationError({"user": gettext("The chair cannot leave the committee.")})
        if locked.members.count() - 1 < locked.quorum:
            raise ValidationError(
                {"user": gettext("Without this member the quorum could not be reached.")}
            )
        objects = _seat_objects(locked)
        objects += list(
            Initiative.objects.filter(committee_cases__committee=locked)
            .exclude(pk__in=[o.pk for o in objects if isinstance(o, Initiative)])
            .distinct()
            .order_by("pk")
        )
        member.delete()
        for obj in objects:
            _sync_sight(actor=actor, user=user, obj=obj)
        audit.record(
            audit.Event.COMMITTEE_MEMBER_REMOVED,
            actor=actor,
            obj=locked,
            old={"user": user.get_username()},
        )


def _label(obj: Initiative | Policy) -> str:
    return "initiative" if isinstance(obj, Initiative) else "policy"


def _ownership_of(obj: Initiative | Policy) -> OwnedInitiative | OwnedPolicy | None:
    if isinstance(obj, Initiative):
        return OwnedInitiative.objects.select_related("committee").filter(initiative=obj).first()
    return OwnedPolicy.objects.select_related("committee").filter(policy_id=obj.pk).first()


def _members(committee: Committee) -> list[User]:
    return [m.user for m in committee.members.select_related("user").order_by("user_id")]


def ownership_assign(
    *, actor: User, committee: Committee, obj: Initiative | Policy
) -> OwnedInitiative | OwnedPolicy:
    """Make the working group the owner of the initiative or policy (moving it
    from the group that owned it): the group's members see it from now on, the
    former group's members no longer. Only the CoE lead may. Raises
    PermissionDenied; ValidationError naming `committee` for a steering
    committee; Conflict when the group owns it already."""
    _require_coe_lead(actor)
    if committee.kind != Committee.Kind.WORKING_GROUP:
        raise ValidationError(
            {"committee": gettext("Only a working group owns initiatives and policies.")}
        )
    with transaction.atomic():
        type(obj).objects.select_for_update().filter(pk=obj.pk).get()
        before = _ownership_of(obj)
        if before is not None and before.committee_id == committee.pk:
            raise Conflict(gettext("This working group owns it already."))
        former = before.committee if before is not None else None
        if before is not None:
            before.delete()
        if isinstance(obj, Initiative):
            owned: OwnedInitiative | OwnedPolicy = OwnedInitiative.objects.create(
                committee=committee, initiative=obj
            )
        else:
            owned = OwnedPolicy.objects.create(committee=committee, policy_id=obj.pk)
        people = {u.pk: u for u in _members(committee)}
        if former is not None:
            people |= {u.pk: u for u in _members(former)}
        for _pk, user in sorted(people.items()):
            _sync_sight(actor=actor, user=user, obj=obj)
        audit.record(
            audit.Event.COMMITTEE_OWNERSHIP_ASSIGNED,
            actor=actor,
            obj=committee,
            old={"committee": former.name} if former is not None else None,
            new={_label(obj): obj.pk, "title": obj.title},
        )
    return owned


def ownership_remove(*, actor: User, obj: Initiative | Policy) -> Committee:
    """The working group no longer owns the initiative or policy: its members
    no longer see it (unless a unit or a vote lets them). Only the CoE lead
    may. Raises PermissionDenied; Conflict when no group owns it. Returns the
    former owner."""
    _require_coe_lead(actor)
    with transaction.atomic():
        type(obj).objects.select_for_update().filter(pk=obj.pk).get()
        before = _ownership_of(obj)
        if before is None:
            raise Conflict(gettext("No working group owns it."))
        committee = before.committee
        before.delete()
        for user in _members(committee):
            _sync_sight(actor=actor, user=user, obj=obj)
        audit.record(
            audit.Event.COMMITTEE_OWNERSHIP_REMOVED,
            actor=actor,
            obj=committee,
            old={_label(obj): obj.pk, "title": obj.title},
        )
    return committee


def is_recused(member: CommitteeMember, initiative: Initiative) -> bool:
    """A member whose unit owns the initiative may not vote on it."""
    return member.business_unit_id is not None and (
        member.business_unit_id == initiative.business_unit_id
    )


def on_transition(*, sender: Any, obj: Any, name: str, actor: User, **kwargs: Any) -> None:
    """An initiative that now waits for a committee's step: open its vote
    (in the transition's transaction)."""
    if isinstance(obj, Amendment):
        if obj.state == AmendmentState.AWAITING_APPROVAL:
            committee_id = routing.committee_of(obj.current_step())
            if committee_id is not None:
                case_open(
                    actor=actor,
                    initiative=obj.initiative,
                    committee_id=committee_id,
                    amendment=obj,
                )
        return
    if not isinstance(obj, Initiative) or obj.state != State.AWAITING_APPROVAL:
        return
    committee_id = routing.committee_of(obj.current_step())
    if committee_id is not None:
        case_open(actor=actor, initiative=obj, committee_id=committee_id)


def case_open(
    *,
    actor: User | None,
    initiative: Initiative,
    committee_id: int,
    amendment: Amendment | None = None,
) -> Case:
    """Open the committee's vote on the initiative (or on its `amendment`);
    its members may see the initiative from now on, and are told. Raises
    Conflict if the chain names a committee that does not exist."""
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None:
        raise Conflict(gettext("The approval chain names a committee that does not exist."))
    case = Case.objects.create(committee=committee, initiative=initiative, amendment=amendment)
    members = list(committee.members.select_related("user"))
    for member in members:
        if not access.object_codenames(member.user, initiative) & {access.VIEW_INITIATIVE}:
            access.grant(
                role=access.Role.COMMITTEE_REVIEWER, user=member.user, obj=initiative, actor=actor
            )
    audit.record(
        audit.Event.COMMITTEE_CASE_OPENED,
        actor=actor,
        obj=case,
        new={"committee": committee.name, "initiative": initiative.pk}
        | ({"amendment": amendment.pk} if amendment is not None else {}),
    )
    notify.send(
        Case,
        recipients=[m.user for m in members if not is_recused(m, initiative)],
        actor=actor,
        target=initiative,
        event="committee.vote_opened",
        text=gettext_lazy("A committee vote awaits you on an initiative."),
    )
    return case


@dataclass(frozen=True)
class Tally:
    approve: int
    reject: int
    abstain: int
    eligible: int  # members not recused

    @property
    def cast(self) -> int:
        return self.approve + self.reject + self.abstain


def tally(case: Case) -> Tally:
    members = list(case.committee.members.all())
    eligible = sum(1 for m in members if not is_recused(m, case.initiative))
    counts = {choice: 0 for choice in Vote.Choice.values}
    for choice in case.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return Tally(counts["approve"], counts["reject"], counts["abstain"], eligible)


def _member(case: Case, user: User) -> CommitteeMember:
    member = case.committee.members.filter(user=user).first()
    if member is None:
        raise PermissionDenied(gettext("Only the committee's members vote on it."))
    return member


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("committee", "initiative")
        .get(pk=case.pk)
    )


def vote_cast(*, actor: User, case: Case, choice: str, comment: str = "") -> Vote:
    """The actor's vote on the case, with a comment. The vote closes the case
    when the quorum is reached and the outcome is settled: approved once more
    than half of the members who may vote approved, rejected once half or more
    rejected (a majority to approve is then out of reach).

    Raises PermissionDenied (403) for someone outside the committee and for a
    recused member: who they are, not the state of the vote, keeps them from
    it, as separation of duties does elsewhere; ValidationError for an unknown
    choice or a long comment; Conflict (409) when the vote is closed or the
    member has voted already.
    """
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": gettext("Choose approve, reject or abstain.")})
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError({"comment": gettext("At most 4,000 characters.")})
    with transaction.atomic():
        locked = _lock(case)
        member = _member(locked, actor)
        if is_recused(member, locked.initiative):
            raise PermissionDenied(
                gettext(
                    "You are recused: your unit owns this initiative, so you may not vote on it."
                )
            )
        if locked.state != CaseState.OPEN:
            raise Conflict(gettext("This vote is closed."))
        if locked.votes.filter(voter=actor).exists():
            raise Conflict(gettext("You have voted on this already."))
        vote = Vote.objects.create(case=locked, voter=actor, choice=choice, comment=comment)
        audit.record(
            audit.Event.COMMITTEE_VOTE_CAST,
            actor=actor,
            obj=locked,
            new={"choice": choice},
            comment=comment,
        )
        counted = tally(locked)
        if counted.cast >= locked.committee.quorum:
            if counted.approve * 2 > counted.eligible:
                _close(actor=actor, case=locked, approved=True, by_chair=False, comment="")
            elif counted.reject * 2 >= counted.eligible:
                _close(actor=actor, case=locked, approved=False, by_chair=False, comment="")
    case.refresh_from_db()
    return vote


def case_close(*, actor: User, case: Case, comment: str = "") -> Case:
    """The chair closes the vote before the votes decided it: approved when
    more members approved than rejected, rejected otherwise.

    Raises PermissionDenied unless the actor chairs the committee, Conflict
    when the vote is closed or the quorum is not reached yet.
    """
    comment = comment.strip()
    with transaction.atomic():
        locked = _lock(case)
        if locked.committee.chair_id != actor.pk:
            raise PermissionDenied(gettext("Only the committee's chair may close its vote."))
        if locked.state != CaseState.OPEN:
            raise Conflict(gettext("This vote is closed."))
        counted = tally(locked)
        if counted.cast < locked.committee.quorum:
            raise Conflict(
                gettext("The quorum is not reached: %(cast)s of %(quorum)s votes.")
                % {"cast": counted.cast, "quorum": locked.committee.quorum}
            )
        _close(
            actor=actor,
            case=locked,
            approved=counted.approve > counted.reject,
            by_chair=True,
            comment=comment,
        )
    return locked


def _record_of(case: Case, counted: Tally, by_chair: bool, comment: str) -> str:
    """The decision's comment: the tally and every vote, and who was recused."""
    lines = [
        gettext("Committee %(name)s: %(approve)s approve, %(reject)s reject, %(abstain)s abstain.")
        % {
            "name": case.committee.name,
            "approve": counted.approve,
            "reject": counted.reject,
            "abstain": counted.abstain,
        }
    ]
    if by_chair:
        lines.append(gettext("Closed by the chair."))
    for vote in case.votes.select_related("voter"):
        line = f"{vote.voter.get_username()}: {vote.get_choice_display()}"
        lines.append(f"{line} — {vote.comment}" if vote.comment else line)
    for member in case.committee.members.select_related("user"):
        if is_recused(member, case.initiative):
            lines.append(gettext("%(name)s: recused") % {"name": member.user.get_username()})
    if comment:
        lines.append(comment)
    return "\n".join(lines)


def _close(*, actor: User, case: Case, approved: bool, by_chair: bool, comment: str) -> None:
    counted = tally(case)
    record = _record_of(case, counted, by_chair, comment)
    decided: Initiative | Amendment
    if case.amendment_id is not None:
        decided = initiative_services.amendment_committee_decide(
            actor=actor,
            amendment=case.amendment,  # type: ignore[arg-type]
            committee_id=case.committee_id,
            approved=approved,
            comment=record,
        )
    else:
        decided = initiative_services.initiative_committee_decide(
            actor=actor,
            initiative=case.initiative,
            committee_id=case.committee_id,
            approved=approved,
            comment=record,
        )
    case.approve() if approved else case.reject()
    case.closed_at = timezone.now()
    case.closed_by = actor
    case.closed_by_chair = by_chair
    case.decision = decided.decisions.order_by("-at", "-id").first()
    case.save()
    audit.record(
        audit.Event.COMMITTEE_CASE_CLOSED,
        actor=actor,
        obj=case,
        old={"state": CaseState.OPEN},
        new={
            "state": case.state,
            "approve": counted.approve,
            "reject": counted.reject,
            "abstain": counted.abstain,
            "closed_by_chair": by_chair,
        },
        comment=comment,
    )
