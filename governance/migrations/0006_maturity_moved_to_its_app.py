"""The maturity models now belong to the maturity app (maturity 0001): drop
them from this app's state only; the tables stay, under their old names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_maturity_criteria"),
        ("maturity", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MaturityAssessment"),
                migrations.DeleteModel(name="MaturityCriterion"),
            ],
            database_operations=[],
        ),
    ]
