"""Trained staff as a criterion of the Strategic stage: the maturity
assessment reads its evidence from training (training.evidence)."""

from django.db import migrations

KEY = "staff_trained"


def install(apps, schema_editor):
    criterion = apps.get_model("maturity", "MaturityCriterion")
    criterion.objects.get_or_create(
        key=KEY,
        defaults={
            "stage": 5,
            "kind": "evidence",
            "title": "Staff trained",
            "description": (
                "Every member of the unit's staff has completed the courses required of them, "
                "and at least one course is published."
            ),
            "fix_url": "/training/",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("maturity", "MaturityCriterion").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("maturity", "0002_fix_links_to_pages"),
    ]

    operations = [migrations.RunPython(install, remove)]
