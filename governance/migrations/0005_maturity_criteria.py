import json
from pathlib import Path

from django.db import migrations

# The published criteria moved to the maturity app with its models.
CRITERIA = Path(__file__).resolve().parent.parent.parent / "maturity" / "data" / "maturity_criteria.json"


def load(apps, schema_editor):
    criterion = apps.get_model("governance", "MaturityCriterion")
    for row in json.loads(CRITERIA.read_text()):
        criterion.objects.update_or_create(
            key=row["key"],
            defaults={
                "stage": row["stage"],
                "kind": row["kind"],
                "title": row["title"],
                "description": row["description"],
                "fix_url": row["fix"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_maturity")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
