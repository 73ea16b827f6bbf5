"""Maturity evidence reads the outcome results: the Strategic stage gains
"Visible business impact" (`business_impact`), added to an installed set once,
and "KPIs recorded" now asks for KPI records with measurements, so its
published description is reworded where the CoE lead has not reworded it."""

from django.db import migrations

KEY = "business_impact"
KPIS = "kpis_recorded"
OLD_KPIS = "Every active initiative has its KPIs recorded."
NEW_KPIS = "Every active initiative has KPIs, and each of them has at least one measurement recorded."


def add(apps, schema_editor):
    criterion = apps.get_model("maturity", "MaturityCriterion")
    criterion.objects.get_or_create(
        key=KEY,
        defaults={
            "stage": 5,
            "kind": "evidence",
            "title": "Visible business impact",
            "description": (
                "At least half of the initiatives completed in the last 365 days closed with an "
                "outcome review the CoE accepted in which a KPI was met or partly met."
            ),
            "fix_url": "/portfolio/#impact",
        },
    )
    criterion.objects.filter(key=KPIS, description=OLD_KPIS).update(description=NEW_KPIS)


def remove(apps, schema_editor):
    criterion = apps.get_model("maturity", "MaturityCriterion")
    criterion.objects.filter(key=KEY).delete()
    criterion.objects.filter(key=KPIS, description=NEW_KPIS).update(description=OLD_KPIS)


class Migration(migrations.Migration):
    dependencies = [("maturity", "0003_account_and_playbook_criteria")]

    operations = [migrations.RunPython(add, remove)]
