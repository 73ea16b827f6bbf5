"""The start of each initiative's current wait, stored and indexed (it was read
from the decision log row by row), filled here from that log."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

COE_STATES = ["submitted", "in_review"]
AWAITING_SPONSOR = "awaiting_sponsor"


def fill(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    Decision = apps.get_model("initiatives", "Decision")
    latest = Decision.objects.filter(
        initiative=OuterRef("pk"), amendment__isnull=True
    ).order_by("-at", "-id")
    Initiative.objects.filter(state__in=COE_STATES).update(
        waiting_since=Subquery(latest.filter(transition="submit").values("at")[:1])
    )
    Initiative.objects.filter(state=AWAITING_SPONSOR).update(
        waiting_since=Subquery(latest.filter(target=AWAITING_SPONSOR).values("at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0004_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="waiting_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(("waiting_since__isnull", False)),
                fields=["waiting_since", "id"],
                name="initiative_waiting",
            ),
        ),
    ]
