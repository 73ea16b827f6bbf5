"""Trained staff count towards the Strategic stage: the criterion the training
evidence answers (`staff_trained`), added to the installed set once. A
criterion already there (installed by the demo, or reworded by the CoE lead)
stays as it is."""

from django.db import migrations

KEY = "staff_trained"


def add(apps, schema_editor):
    apps.get_model("maturity", "MaturityCriterion").objects.get_or_create(
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
        ("maturity", "0003_account_and_playbook_criteria"),
    ]

    operations = [migrations.RunPython(add, remove)]
