""""Where to fix it" sends business users to pages, not to the API's JSON.

Only links still as published are changed: one the CoE lead set stays."""

from django.db import migrations

PAGES = {
    "listening_program": ("/api/maturity/assessments/", "/maturity/#assess-title"),
    "formal_presence": ("/api/maturity/assessments/", "/maturity/#assess-title"),
    "engagement_practices": ("/api/maturity/assessments/", "/maturity/#assess-title"),
    "initiative_proposed": ("/api/initiatives/", "/initiatives/"),
    "initiative_running": ("/api/initiatives/?state=approved", "/initiatives/?state=approved"),
    "core_policies": ("/api/policies/", "/policies/"),
    "policies_acknowledged": ("/api/policies/", "/policies/"),
    "decided_recently": ("/api/initiatives/?state=in_review", "/initiatives/?state=in_review"),
    "budget_aligned": ("/api/portfolio/", "/portfolio/"),
    "kpis_recorded": ("/api/initiatives/?state=active", "/initiatives/?state=active"),
    "sponsor_within_sla": ("/api/portfolio/", "/portfolio/"),
    "functions_beyond_marketing": ("/api/initiatives/?state=active", "/initiatives/?state=active"),
    "audiences_beyond_customers": ("/api/initiatives/?state=active", "/initiatives/?state=active"),
    "no_overdue_policy_reviews": ("/api/policies/", "/policies/"),
}


def to_pages(apps, schema_editor):
    criterion = apps.get_model("maturity", "MaturityCriterion")
    for key, (api, page) in PAGES.items():
        criterion.objects.filter(key=key, fix_url=api).update(fix_url=page)


def to_api(apps, schema_editor):
    criterion = apps.get_model("maturity", "MaturityCriterion")
    for key, (api, page) in PAGES.items():
        criterion.objects.filter(key=key, fix_url=page).update(fix_url=api)


class Migration(migrations.Migration):
    dependencies = [("maturity", "0001_initial")]

    operations = [migrations.RunPython(to_pages, to_api)]
