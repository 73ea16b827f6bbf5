"""Moving the maturity models out of governance, and the scoring weights out of
sponsors, keeps every row of an existing database."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from initiatives.models import ScoringCriterion
from maturity.models import MaturityAssessment, MaturityCriterion

# The last migrations before the moves.
BEFORE = [
    ("governance", "0005_maturity_criteria"),
    ("sponsors", "0003_default_scoring_weights"),
    ("initiatives", "0002_amendments_delegated_and_pinned_decisions"),
    ("maturity", None),
]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_every_row_and_content_type() -> None:
    executor = migrate(BEFORE)
    old = executor.loader.project_state([t for t in BEFORE if t[1] is not None]).apps
    content_type = old.get_model("contenttypes", "ContentType")
    user = old.get_model("auth", "User").objects.create(username="lead")
    unit = old.get_model("governance", "BusinessUnit").objects.create(
        name="Marketing", slug="marketing"
    )
    criterion_model = old.get_model("governance", "MaturityCriterion")
    criterion_model.objects.create(
        key="custom_check", stage=2, kind="self", title="A custom question", description="?"
    )
    criteria = sorted(criterion_model.objects.values_list("id", "key", "stage", "title"))
    assessment_model = old.get_model("governance", "MaturityAssessment")
    for business_unit in (unit, None):
        assessment_model.objects.create(
            business_unit=business_unit,
            assessed_by=user,
            answers={"listening_program": True},
            results=[{"key": "listening_program", "stage": 1, "met": True, "detail": "Yes."}],
            stage=1,
        )
    assessments = sorted(
        assessment_model.objects.values_list(
            "id", "business_unit_id", "assessed_by_id", "at", "answers", "results", "stage"
        ),
        key=lambda row: row[0],
    )
    weight_model = old.get_model("sponsors", "ScoringCriterion")
    # An earlier transactional test may have emptied the table the migration filled.
    for key, weight in {
        "alignment": 3,
        "impact": 3,
        "cost": "4.50",
        "risk": 2,
        "effort": 1,
    }.items():
        weight_model.objects.update_or_create(key=key, defaults={"weight": Decimal(weight)})
    weights = sorted(weight_model.objects.values_list("id", "key", "weight"))
    content_types = {
        model: content_type.objects.get_or_create(app_label=app, model=model)[0].pk
        for app, model in [
            ("governance", "maturitycriterion"),
            ("governance", "maturityassessment"),
            ("sponsors", "scoringcriterion"),
        ]
    }
    assert criteria
    assert len(assessments) == 2
    assert len(weights) == 5

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    # Later migrations add criteria of their own (maturity 0003: accounts,
    # playbooks; 0004: business impact; training 0002: trained staff).
    added_later = (
        "accounts_registered",
        "accounts_recertified",
        "playbook_in_force",
        "business_impact",
        "staff_trained",
    )
    kept = MaturityCriterion.objects.exclude(key__in=added_later)
    assert sorted(kept.values_list("id", "key", "stage", "title")) == criteria
    assert (
        sorted(
            MaturityAssessment.objects.values_list(
                "id", "business_unit_id", "assessed_by_id", "at", "answers", "results", "stage"
            ),
            key=lambda row: row[0],
        )
        == assessments
    )
    assert sorted(ScoringCriterion.objects.values_list("id", "key", "weight")) == weights
    # Permissions and admin log entries point at content types by id: the same rows.
    assert (
        ContentType.objects.get_for_model(MaturityCriterion).pk
        == (content_types["maturitycriterion"])
    )
    assert (
        ContentType.objects.get_for_model(MaturityAssessment).pk
        == (content_types["maturityassessment"])
    )
    assert (
        ContentType.objects.get_for_model(ScoringCriterion).pk
        == (content_types["scoringcriterion"])
    )
