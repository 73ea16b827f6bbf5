"""The priority score, stored and indexed (lists and the portfolio computed it
for every row they read), filled here with the weights in force, and with it
whether each initiative serves an active goal and any goal; and the indexes of
what awaits a decision, by wait and by score. The formula
is written out as initiatives.scoring has it today, so that this migration
keeps meaning what it meant when it ran."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, Exists, F, FloatField, OuterRef, Value, When
from django.db.models.functions import Cast, Coalesce, Least

PENDING = ("submitted", "in_review", "awaiting_sponsor")


def fill(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    StrategicGoal = apps.get_model("governance", "StrategicGoal")
    ScoringCriterion = apps.get_model("initiatives", "ScoringCriterion")
    active_goal = StrategicGoal.objects.filter(initiatives=OuterRef("pk"), active=True)
    any_goal = Initiative.goals.through.objects.filter(initiative_id=OuterRef("pk"))
    flags = {"aligned": Exists(active_goal), "has_goal": Exists(any_goal)}
    w = {key: float(weight) for key, weight in ScoringCriterion.objects.values_list("key", "weight")}
    total = sum(w.values())
    if total <= 0:
        # Every score is 0, the column's default. One UPDATE of each row: a
        # second one in this transaction would leave PostgreSQL foreign-key
        # checks pending, which the indexes below cannot be built with.
        Initiative.objects.update(**flags)
        return
    reference = float(settings.SCORING_COST_REFERENCE)
    criteria = {
        "alignment": Case(
            When(Exists(active_goal), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        ),
        "impact": (Cast(F("expected_impact"), FloatField()) - 1.0) / 4.0,
        "cost": 1.0 - Least(Cast(F("budget"), FloatField()) / reference, Value(1.0)),
        "risk": Case(
            When(risk="low", then=Value(1.0)),
            When(risk="medium", then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        ),
        "effort": (5.0 - Cast(F("effort"), FloatField())) / 4.0,
    }
    weighted = sum(
        (Value(w.get(key, 0.0)) * expression for key, expression in criteria.items()),
        start=Value(0.0),
    )
    score = models.ExpressionWrapper(weighted * 100.0 / total, output_field=FloatField())
    Initiative.objects.update(score=score, **flags)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0008_audit_guard_everywhere"),
        ("initiatives", "0006_routing"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="score",
            field=models.FloatField(default=0.0, editable=False),
        ),
        migrations.AddField(
            model_name="initiative",
            name="aligned",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="initiative",
            name="has_goal",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["business_unit", "-score", "-id"], name="initiative_unit_score"
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(fields=["-score", "-id"], name="initiative_score"),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                Coalesce("waiting_since", "created_at"),
                F("id"),
                condition=models.Q(state__in=PENDING),
                name="initiative_pending_wait",
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(state__in=PENDING),
                fields=["-score", "id"],
                include=("state", "business_unit", "owner"),
                name="initiative_pending_score",
            ),
        ),
    ]
