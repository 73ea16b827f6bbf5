"""The audit log becomes a hash chain: every event gets its position (`seq`),
the previous event's hash and its own. Events written before are chained in
the order they were written."""

import django.utils.timezone
from django.db import migrations, models


def chain_existing_events(apps, schema_editor):
    from governance.audit import legacy_hash as compute_hash

    AuditEvent = apps.get_model("governance", "AuditEvent")
    prev_hash = ""
    for seq, event in enumerate(AuditEvent.objects.order_by("id").iterator(), start=1):
        event.seq = seq
        event.prev_hash = prev_hash
        event.hash = compute_hash(event)
        event.save(update_fields=["seq", "prev_hash", "hash"])
        prev_hash = event.hash


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["seq"]},
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
    ]
