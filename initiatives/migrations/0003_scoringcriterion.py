"""ScoringCriterion moves here from sponsors: the scoring is the initiatives'.

Only the migration state changes; the table, its name and its rows stay as
they are. The content type follows the model, so that permissions and admin
log entries stay attached to it."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


def move_content_type(apps, schema_editor, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if content_type.objects.using(db).filter(app_label=target, model="scoringcriterion").exists():
        return
    content_type.objects.using(db).filter(app_label=source, model="scoringcriterion").update(
        app_label=target
    )


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "sponsors", "initiatives")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "initiatives", "sponsors")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("initiatives", "0002_amendments_delegated_and_pinned_decisions"),
        # The table is created, and filled with the default weights, there.
        ("sponsors", "0003_default_scoring_weights"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ScoringCriterion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                choices=[
                                    ("alignment", "Strategic alignment"),
                                    ("impact", "Expected impact"),
                                    ("cost", "Cost"),
                                    ("risk", "Risk"),
                                    ("effort", "Effort"),
                                ],
                                max_length=16,
                                unique=True,
                            ),
                        ),
                        (
                            "weight",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0"))
                                ],
                            ),
                        ),
                    ],
                    options={"ordering": ["key"], "db_table": "sponsors_scoringcriterion"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
