"""The criteria the registry of social accounts and the crisis playbooks give
evidence for, added to an installed set (a new installation has them from
the published file)."""

from django.db import migrations

NEW = {
    "accounts_registered": (
        2,
        "Social accounts are registered",
        "The accounts the organization runs are in the registry, each with a named owner.",
        "/social-accounts/",
    ),
    "accounts_recertified": (
        4,
        "Social accounts are recertified",
        "Every live account has been recertified by its owner within its cycle.",
        "/social-accounts/?overdue=on",
    ),
    "playbook_in_force": (
        4,
        "A crisis playbook is in force",
        "A published crisis playbook covers the unit: who is called at each severity, and the first steps.",
        "/incidents/playbooks/",
    ),
}


def add(apps, schema_editor):
    criterion = apps.get_model("maturity", "MaturityCriterion")
    for key, (stage, title, description, fix) in NEW.items():
        criterion.objects.get_or_create(
            key=key,
            defaults={
                "stage": stage,
                "kind": "evidence",
                "title": title,
                "description": description,
                "fix_url": fix,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("maturity", "MaturityCriterion").objects.filter(key__in=NEW).delete()


class Migration(migrations.Migration):
    dependencies = [("maturity", "0002_fix_links_to_pages")]

    operations = [migrations.RunPython(add, remove)]
