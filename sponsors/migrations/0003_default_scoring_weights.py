from decimal import Decimal

from django.db import migrations

DEFAULT_WEIGHTS = {"alignment": 3, "impact": 3, "cost": 2, "risk": 2, "effort": 1}


def create(apps, schema_editor):
    criterion = apps.get_model("sponsors", "ScoringCriterion")
    for key, weight in DEFAULT_WEIGHTS.items():
        criterion.objects.get_or_create(key=key, defaults={"weight": Decimal(weight)})


class Migration(migrations.Migration):
    dependencies = [("sponsors", "0002_delegation_scoring_notifications")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
