"""The database keeps the tallies of the initiatives (UnitTally, GoalTally) in
the statement that changes what they count, on both databases, and this
migration fills them from the initiatives already there.

What counts: an initiative's unit, state, budget and its stored `aligned` and
`has_goal` flags (in the unit's tally), and its goal links (in the goals'
tallies). Triggers see every path that writes those (a service's save, a bulk
create, a queryset update, the links Django adds and removes), which is why
the tallies are kept here and not by the services. An update that changes
none of those columns (the wait, the score, the title...) does not fire them.

- PostgreSQL: the triggers first take the advisory lock that serializes the
  audit chain's writers (governance.audit._CHAIN_LOCK). Every transaction that
  changes an initiative records an audit event anyway, under that lock; taking
  it before a tally row means that no two transactions ever wait for each
  other's tally rows, whatever order they touch them in (no deadlock), and a
  decision waits on nothing it did not wait on before.
- SQLite: the database's one write lock serializes writers already. A removal
  only decrements (Django's flush deletes the tallies and the initiatives in
  any order, and must leave both empty).

A restore from pg_dump or SQLite's .dump loads the data before it creates
the triggers, so tallies are restored, not counted twice."""

from django.db import migrations

CHAIN_LOCK = 0x61756469  # governance.audit._CHAIN_LOCK

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION initiatives_tally(r initiatives_initiative, sign integer, with_goals boolean)
RETURNS void AS $$
BEGIN
    INSERT INTO initiatives_unittally AS t
        (business_unit_id, state, initiatives, budget, aligned_budget, without_goal)
    VALUES (
        r.business_unit_id, r.state, sign, sign * r.budget,
        CASE WHEN r.aligned THEN sign * r.budget ELSE 0 END,
        CASE WHEN r.has_goal THEN 0 ELSE sign END
    )
    ON CONFLICT (business_unit_id, state) DO UPDATE SET
        initiatives = t.initiatives + EXCLUDED.initiatives,
        budget = t.budget + EXCLUDED.budget,
        aligned_budget = t.aligned_budget + EXCLUDED.aligned_budget,
        without_goal = t.without_goal + EXCLUDED.without_goal;
    IF with_goals THEN
        INSERT INTO initiatives_goaltally AS t (goal_id, business_unit_id, state, initiatives, budget)
        SELECT l.strategicgoal_id, r.business_unit_id, r.state, sign, sign * r.budget
        FROM initiatives_initiative_goals l WHERE l.initiative_id = r.id
        ORDER BY l.strategicgoal_id
        ON CONFLICT (goal_id, business_unit_id, state) DO UPDATE SET
            initiatives = t.initiatives + EXCLUDED.initiatives,
            budget = t.budget + EXCLUDED.budget;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION initiatives_initiative_tally() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    IF TG_OP = 'INSERT' THEN
        PERFORM initiatives_tally(NEW, 1, true);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM initiatives_tally(OLD, -1, true);
    ELSE
        -- The goals' tallies move only with the unit, the state or the budget.
        PERFORM initiatives_tally(OLD, -1,
            (OLD.business_unit_id, OLD.state, OLD.budget)
            IS DISTINCT FROM (NEW.business_unit_id, NEW.state, NEW.budget));
        PERFORM initiatives_tally(NEW, 1,
            (OLD.business_unit_id, OLD.state, OLD.budget)
            IS DISTINCT FROM (NEW.business_unit_id, NEW.state, NEW.budget));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION initiatives_goal_link_tally() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        -- Nothing when the initiative is already gone: its own removal counted its links.
        UPDATE initiatives_goaltally t
        SET initiatives = t.initiatives - 1, budget = t.budget - i.budget
        FROM initiatives_initiative i
        WHERE i.id = OLD.initiative_id AND t.goal_id = OLD.strategicgoal_id
            AND t.business_unit_id = i.business_unit_id AND t.state = i.state;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO initiatives_goaltally AS t (goal_id, business_unit_id, state, initiatives, budget)
        SELECT NEW.strategicgoal_id, i.business_unit_id, i.state, 1, i.budget
        FROM initiatives_initiative i WHERE i.id = NEW.initiative_id
        ON CONFLICT (goal_id, business_unit_id, state) DO UPDATE SET
            initiatives = t.initiatives + EXCLUDED.initiatives,
            budget = t.budget + EXCLUDED.budget;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER initiatives_initiative_tally
    AFTER INSERT OR DELETE ON initiatives_initiative
    FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_tally();
CREATE TRIGGER initiatives_initiative_tally_update
    AFTER UPDATE ON initiatives_initiative FOR EACH ROW
    WHEN ((OLD.business_unit_id, OLD.state, OLD.budget, OLD.aligned, OLD.has_goal)
        IS DISTINCT FROM (NEW.business_unit_id, NEW.state, NEW.budget, NEW.aligned, NEW.has_goal))
    EXECUTE FUNCTION initiatives_initiative_tally();
CREATE TRIGGER initiatives_goal_link_tally
    AFTER INSERT OR UPDATE OR DELETE ON initiatives_initiative_goals
    FOR EACH ROW EXECUTE FUNCTION initiatives_goal_link_tally();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS initiatives_goal_link_tally ON initiatives_initiative_goals;
DROP TRIGGER IF EXISTS initiatives_initiative_tally_update ON initiatives_initiative;
DROP TRIGGER IF EXISTS initiatives_initiative_tally ON initiatives_initiative;
DROP FUNCTION IF EXISTS initiatives_goal_link_tally();
DROP FUNCTION IF EXISTS initiatives_initiative_tally();
DROP FUNCTION IF EXISTS initiatives_tally(initiatives_initiative, integer, boolean);
"""


def _sqlite_add(row: str) -> str:
    """The statements that count initiative `row` (NEW) in."""
    return f"""
    INSERT OR IGNORE INTO initiatives_unittally
        (business_unit_id, state, initiatives, budget, aligned_budget, without_goal)
        VALUES ({row}.business_unit_id, {row}.state, 0, 0, 0, 0);
    UPDATE initiatives_unittally SET
        initiatives = initiatives + 1,
        budget = budget + {row}.budget,
        aligned_budget = aligned_budget + CASE WHEN {row}.aligned THEN {row}.budget ELSE 0 END,
        without_goal = without_goal + CASE WHEN {row}.has_goal THEN 0 ELSE 1 END
        WHERE business_unit_id = {row}.business_unit_id AND state = {row}.state;
    INSERT OR IGNORE INTO initiatives_goaltally
        (goal_id, business_unit_id, state, initiatives, budget)
        SELECT strategicgoal_id, {row}.business_unit_id, {row}.state, 0, 0
        FROM initiatives_initiative_goals WHERE initiative_id = {row}.id;
    UPDATE initiatives_goaltally SET
        initiatives = initiatives + 1, budget = budget + {row}.budget
        WHERE business_unit_id = {row}.business_unit_id AND state = {row}.state
        AND goal_id IN (
            SELECT strategicgoal_id FROM initiatives_initiative_goals
            WHERE initiative_id = {row}.id
        );"""


def _sqlite_remove(row: str) -> str:
    """The statements that count initiative `row` (OLD) out."""
    return f"""
    UPDATE initiatives_unittally SET
        initiatives = initiatives - 1,
        budget = budget - {row}.budget,
        aligned_budget = aligned_budget - CASE WHEN {row}.aligned THEN {row}.budget ELSE 0 END,
        without_goal = without_goal - CASE WHEN {row}.has_goal THEN 0 ELSE 1 END
        WHERE business_unit_id = {row}.business_unit_id AND state = {row}.state;
    UPDATE initiatives_goaltally SET
        initiatives = initiatives - 1, budget = budget - {row}.budget
        WHERE business_unit_id = {row}.business_unit_id AND state = {row}.state
        AND goal_id IN (
            SELECT strategicgoal_id FROM initiatives_initiative_goals
            WHERE initiative_id = {row}.id
        );"""


_LINK_ADD = """
    INSERT OR IGNORE INTO initiatives_goaltally
        (goal_id, business_unit_id, state, initiatives, budget)
        SELECT NEW.strategicgoal_id, business_unit_id, state, 0, 0
        FROM initiatives_initiative WHERE id = NEW.initiative_id;
    UPDATE initiatives_goaltally SET
        initiatives = initiatives + 1,
        budget = budget + (SELECT budget FROM initiatives_initiative WHERE id = NEW.initiative_id)
        WHERE goal_id = NEW.strategicgoal_id AND (business_unit_id, state) = (
            SELECT business_unit_id, state FROM initiatives_initiative WHERE id = NEW.initiative_id
        );"""

_LINK_REMOVE = """
    UPDATE initiatives_goaltally SET
        initiatives = initiatives - 1,
        budget = budget - (SELECT budget FROM initiatives_initiative WHERE id = OLD.initiative_id)
        WHERE goal_id = OLD.strategicgoal_id AND (business_unit_id, state) = (
            SELECT business_unit_id, state FROM initiatives_initiative WHERE id = OLD.initiative_id
        );"""

_TALLIED = ("business_unit_id", "state", "budget", "aligned", "has_goal")

SQLITE_FORWARD = [
    f"""CREATE TRIGGER initiatives_initiative_tally_insert
    AFTER INSERT ON initiatives_initiative BEGIN {_sqlite_add("NEW")} END""",
    f"""CREATE TRIGGER initiatives_initiative_tally_delete
    AFTER DELETE ON initiatives_initiative BEGIN {_sqlite_remove("OLD")} END""",
    f"""CREATE TRIGGER initiatives_initiative_tally_update
    AFTER UPDATE OF {", ".join(_TALLIED)} ON initiatives_initiative
    WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _TALLIED)}
    BEGIN {_sqlite_remove("OLD")} {_sqlite_add("NEW")} END""",
    f"""CREATE TRIGGER initiatives_goal_link_tally_insert
    AFTER INSERT ON initiatives_initiative_goals BEGIN {_LINK_ADD} END""",
    f"""CREATE TRIGGER initiatives_goal_link_tally_delete
    AFTER DELETE ON initiatives_initiative_goals BEGIN {_LINK_REMOVE} END""",
    f"""CREATE TRIGGER initiatives_goal_link_tally_update
    AFTER UPDATE ON initiatives_initiative_goals BEGIN {_LINK_REMOVE} {_LINK_ADD} END""",
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "initiatives_initiative_tally_insert",
        "initiatives_initiative_tally_delete",
        "initiatives_initiative_tally_update",
        "initiatives_goal_link_tally_insert",
        "initiatives_goal_link_tally_delete",
        "initiatives_goal_link_tally_update",
    )
]

# The tallies of the initiatives already there, counted once (both databases).
FILL = [
    """INSERT INTO initiatives_unittally
        (business_unit_id, state, initiatives, budget, aligned_budget, without_goal)
    SELECT business_unit_id, state, COUNT(*), SUM(budget),
        SUM(CASE WHEN aligned THEN budget ELSE 0 END),
        SUM(CASE WHEN has_goal THEN 0 ELSE 1 END)
    FROM initiatives_initiative GROUP BY business_unit_id, state""",
    """INSERT INTO initiatives_goaltally (goal_id, business_unit_id, state, initiatives, budget)
    SELECT l.strategicgoal_id, i.business_unit_id, i.state, COUNT(*), SUM(i.budget)
    FROM initiatives_initiative i
    JOIN initiatives_initiative_goals l ON l.initiative_id = i.id
    GROUP BY l.strategicgoal_id, i.business_unit_id, i.state""",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})", params=None)
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)
    else:
        raise NotImplementedError(f"No tally triggers for {vendor}.")
    for statement in FILL:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, params=None)
    for table in ("initiatives_unittally", "initiatives_goaltally"):
        schema_editor.execute(f"DELETE FROM {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0010_tallies"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
