"""Build the benchmark's data set through the product's services and bulk paths.

At --scale 1: 50 business units, 1,013 users with roles granted as the product
grants them, 100,013 initiatives (one unit holds only 10), about 1.24 goal
links each, a chained and checkpointed audit log of about 288,000 events, and
a policy with 2,000 versions. Smaller scales shrink everything but the units.

    python bench/seed.py --scale 0.05
"""

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

common.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from governance import access, audit, audit_verify  # noqa: E402
from governance import services as org  # noqa: E402
from governance.models import Membership, OrganizationRole  # noqa: E402
from initiatives import scoring  # noqa: E402
from initiatives import services as workflow  # noqa: E402
from initiatives.models import Decision, Initiative, State  # noqa: E402
from policies import services as policy_services  # noqa: E402
from sponsors import services as sponsor_services  # noqa: E402

User = get_user_model()
UNITS = 50
TINY_UNIT_INITIATIVES = 10
# What share of the initiatives is in each state.
STATES = [
    (State.DRAFT, 20),
    (State.SUBMITTED, 8),
    (State.IN_REVIEW, 8),
    (State.CHANGES_REQUESTED, 4),
    (State.AWAITING_SPONSOR, 5),
    (State.APPROVED, 10),
    (State.ACTIVE, 28),
    (State.PAUSED, 5),
    (State.COMPLETED, 7),
    (State.REJECTED, 3),
    (State.WITHDRAWN, 2),
]
# The audit event of the last transition that brought an initiative to its state.
ARRIVED = {
    State.SUBMITTED: audit.Event.INITIATIVE_SUBMITTED,
    State.IN_REVIEW: audit.Event.INITIATIVE_REVIEW_STARTED,
    State.CHANGES_REQUESTED: audit.Event.INITIATIVE_CHANGES_REQUESTED,
    State.AWAITING_SPONSOR: audit.Event.INITIATIVE_APPROVED,
    State.APPROVED: audit.Event.INITIATIVE_APPROVED,
    State.ACTIVE: audit.Event.INITIATIVE_LAUNCHED,
    State.PAUSED: audit.Event.INITIATIVE_PAUSED,
    State.COMPLETED: audit.Event.INITIATIVE_COMPLETED,
    State.REJECTED: audit.Event.INITIATIVE_REJECTED,
    State.WITHDRAWN: audit.Event.INITIATIVE_WITHDRAWN,
}
PASSWORD_HASH = "!"  # the bench signs in with force_login


def log(message: str, started: float) -> None:
    print(f"  {time.perf_counter() - started:7.1f}s  {message}", flush=True)


def reset() -> None:
    """An empty schema, migrated."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def make_users(count: int) -> list:
    users = [
        User(username=f"user{n:04d}", email=f"user{n:04d}@example.org", password=PASSWORD_HASH)
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    return list(User.objects.order_by("id"))


def seed(scale: float) -> None:
    started = time.perf_counter()
    rng = random.Random(11)
    reset()
    log("migrated", started)
    n_users = max(120, round(1013 * scale))
    n_initiatives = max(500, round(100_013 * scale))
    n_versions = max(20, round(2000 * scale))

    users = make_users(n_users)
    lead, auditor, *rest = users
    coe_members = rest[:5]
    sponsors = rest[5:30]
    staff = rest[30:]
    org.organization_role_grant(actor=None, user=lead, role=OrganizationRole.Role.COE_LEAD)
    org.organization_role_grant(actor=lead, user=auditor, role=OrganizationRole.Role.AUDITOR)
    for user in coe_members:
        org.organization_role_grant(actor=lead, user=user, role=OrganizationRole.Role.COE_MEMBER)
    units = [
        org.business_unit_create(actor=lead, name=f"Unit {n:02d}", kind="marketing")
        for n in range(UNITS)
    ]
    tiny = units[-1]
    goals = [org.goal_create(actor=lead, title=f"Goal {n:02d}") for n in range(20)]
    goals += [org.goal_create(actor=lead, title="Retired goal", active=False)]
    log(f"{len(users)} users, {UNITS} units, {len(goals)} goals", started)

    # Sponsors: each of 25 oversees two units; the bench's sponsor oversees five.
    for n, user in enumerate(sponsors):
        sponsor = sponsor_services.sponsor_set(
            actor=lead, user=user, approval_threshold=Decimal(50_000)
        )
        mine = [units[(2 * n) % (UNITS - 1)], units[(2 * n + 1) % (UNITS - 1)]]
        if n == 0:
            mine += units[2:5]
        for unit in mine:
            sponsor_services.sponsorship_add(actor=lead, sponsor=sponsor, business_unit=unit)
    # Staff: members of one unit (some of two), a lead in each; the tiny unit
    # has one member of its own, the bench's small caller.
    members: dict[int, list] = {u.pk: [] for u in units}
    for n, user in enumerate(staff):
        unit = units[n % (UNITS - 1)] if n else tiny
        role = Membership.Role.LEAD if n < UNITS else Membership.Role.MEMBER
        org.membership_set(actor=lead, user=user, business_unit=unit, role=role)
        members[unit.pk].append(user)
        if n % 7 == 3:
            other = units[(n + 1) % (UNITS - 1)]
            org.membership_set(actor=lead, user=user, business_unit=other, role=role)
    log(f"roles granted through the services ({len(staff)} staff)", started)

    # Initiatives, in bulk: the tiny unit has ten, the others share the rest.
    weights = [share for _, share in STATES]
    now = timezone.now()
    rows = []
    for n in range(n_initiatives):
        unit = tiny if n < TINY_UNIT_INITIATIVES else units[n % (UNITS - 1)]
        owner = rng.choice(members[unit.pk])
        state = rng.choices([s for s, _ in STATES], weights)[0]
        rows.append(
            Initiative(
                title=f"Initiative {n:06d}",
                summary="A social initiative of the unit.",
                business_unit=unit,
                owner=owner,
                audiences=["customers"],
                functions=["marketing"],
                channels=["LinkedIn"],
                budget=Decimal(rng.randrange(0, 200_000)),
                risk=rng.choice(["low", "medium", "high"]),
                expected_impact=rng.randint(1, 5),
                effort=rng.randint(1, 5),
                state=state,
            )
        )
    with transaction.atomic():
        Initiative.objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            # Spread creation over three years (bulk_create stamps them all now).
            cursor.execute(
                "UPDATE initiatives_initiative SET created_at = %s - (id %% 1095) * interval"
                " '1 day' - (id %% 977) * interval '1 minute', updated_at = %s",
                [now, now],
            )
    log(f"{n_initiatives} initiatives", started)

    links = []
    through = Initiative.goals.through
    active_goals = goals[:-1]
    for initiative_id in Initiative.objects.values_list("id", flat=True):
        pick = rng.random()
        count = 0 if pick < 0.10 else 1 if pick < 0.66 else 2
        if rng.random() < 0.02:
            links.append(through(initiative_id=initiative_id, strategicgoal_id=goals[-1].pk))
            continue
        for goal in rng.sample(active_goals, count):
            links.append(through(initiative_id=initiative_id, strategicgoal_id=goal.pk))
    through.objects.bulk_create(links, batch_size=5000)
    # The priority scores, as the services would have stored them.
    scoring.scores_refresh()
    log(f"{len(links)} goal links, scores", started)

    # The decisions that start the waits (submission, and the CoE's approval
    # for those awaiting a sponsor), between 0 and 30 days ago.
    decisions = []
    for pk, state, owner_id in Initiative.objects.filter(
        state__in=[State.SUBMITTED, State.IN_REVIEW, State.AWAITING_SPONSOR]
    ).values_list("pk", "state", "owner_id"):
        decisions.append(
            Decision(
                initiative_id=pk,
                transition="submit",
                source=State.DRAFT,
                target=State.SUBMITTED,
                actor_id=owner_id,
            )
        )
        if state == State.AWAITING_SPONSOR:
            decisions.append(
                Decision(
                    initiative_id=pk,
                    transition="approve",
                    source=State.IN_REVIEW,
                    target=State.AWAITING_SPONSOR,
                    actor_id=lead.pk,
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE initiatives_decision d SET at = %s - (d.initiative_id %% 31) * interval"
            " '1 day' - (d.id %% 600) * interval '1 minute'",
            [now],
        )
    # The waits those decisions start, as the transition service would have kept them.
    workflow.initiative_waits_refresh()
    log(f"{len(decisions)} decisions", started)

    # The owner's right on each initiative, granted as the product grants it,
    # and the audit events of each initiative's creation and last transition.
    with transaction.atomic():
        for owner_id in Initiative.objects.order_by().values_list("owner_id", flat=True).distinct():
            owner = User.objects.get(pk=owner_id)
            access.grant_many(
                role=access.Role.OWNER,
                user=owner,
                objects=Initiative.objects.filter(owner_id=owner_id).order_by("pk"),
                actor=owner,
            )
        log("owner rights granted", started)
        batch = []
        for initiative in Initiative.objects.order_by("pk").iterator(chunk_size=5000):
            batch.append(
                {
                    "event": audit.Event.INITIATIVE_CREATED,
                    "obj": initiative,
                    "new": {"title": initiative.title, "state": State.DRAFT},
                }
            )
            if initiative.state in ARRIVED:
                batch.append(
                    {
                        "event": ARRIVED[initiative.state],
                        "obj": initiative,
                        "new": {"state": initiative.state},
                    }
                )
            if len(batch) >= 20_000:
                audit.record_many(batch, actor=lead)
                batch = []
        audit.record_many(batch, actor=lead)
    log("initiative audit events", started)

    # A CoE member writes each version and the lead publishes it: whoever
    # wrote a version may not publish it (the two-person rule).
    author = coe_members[0]
    policy = policy_services.policy_create(
        actor=author, title="Social media policy", category="social_media", body="Version 1"
    )
    for n in range(n_versions):
        if n:
            policy = policy_services.policy_transition(actor=author, policy=policy, name="revise")
            policy = policy_services.policy_update(
                actor=author,
                policy=policy,
                changes={"body": f"Version {n + 1}"},
                change_reason="Yearly review",
            )
        policy = policy_services.policy_transition(actor=author, policy=policy, name="submit")
        policy = policy_services.policy_transition(actor=lead, policy=policy, name="publish")
    log(f"a policy with {n_versions} versions", started)

    # An auditor's run of verify_audit, as an organization that uses the log
    # has had: the audit page shows its result.
    audit_verify.verification_record(audit_verify.verify())
    log("the chain verified and the result recorded", started)

    # As autovacuum would leave it: statistics for the planner, and the
    # visibility map that lets a count read the index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts = {
        "initiatives": Initiative.objects.count(),
        "users": User.objects.count(),
        "audit events": audit.AuditEvent.objects.count(),
        "goal links": through.objects.count(),
    }
    log(f"done: {counts}", started)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 builds 100,013 initiatives")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL.")
    seed(arguments.scale)
