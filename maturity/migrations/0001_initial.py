"""MaturityCriterion and MaturityAssessment move here from governance.

Only the migration state changes: the tables keep their names (governance_*)
and their rows. The content types follow the models, so that permissions and
admin log entries stay attached to them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("maturitycriterion", "maturityassessment")


def move_content_types(apps, schema_editor, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if content_type.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "governance", "maturity")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "maturity", "governance")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables are created, and the published criteria loaded, there.
        ("governance", "0005_maturity_criteria"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MaturityCriterion",
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
                        ("key", models.SlugField(max_length=64, unique=True)),
                        (
                            "stage",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "Planning"),
                                    (2, "Presence"),
                                    (3, "Engagement"),
                                    (4, "Formalized"),
                                    (5, "Strategic"),
                                    (6, "Converged"),
                                ]
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("evidence", "Evidence from the tool"),
                                    ("self", "Self-assessment"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("description", models.TextField()),
                        (
                            "fix_url",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="where to fix it"
                            ),
                        ),
                        ("active", models.BooleanField(default=True)),
                    ],
                    options={
                        "verbose_name_plural": "maturity criteria",
                        "ordering": ["stage", "id"],
                        "db_table": "governance_maturitycriterion",
                    },
                ),
                migrations.CreateModel(
                    name="MaturityAssessment",
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
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("answers", models.JSONField(default=dict)),
                        ("results", models.JSONField(default=list)),
                        ("stage", models.PositiveSmallIntegerField(default=0)),
                        (
                            "assessed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="maturity_assessments",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "business_unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="maturity_assessments",
                                to="governance.businessunit",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-at", "-id"],
                        "db_table": "governance_maturityassessment",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
