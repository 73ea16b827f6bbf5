"""ScoringCriterion now belongs to initiatives (initiatives 0003): drop it from
this app's state only; the table stays, under its old name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sponsors", "0003_default_scoring_weights"),
        ("initiatives", "0003_scoringcriterion"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ScoringCriterion")],
            database_operations=[],
        ),
    ]
