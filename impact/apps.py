from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "Impact"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import AuditObjectType, ObjectSection
        from impact import amendments, api, selectors, views
        from initiatives import preconditions
        from initiatives.amendment_parts import AmendmentPart, amendment_parts

        registry.urls.register("impact", path("impact/", include("impact.urls")), order=45)
        for name, pattern in api.paths():
            registry.api_urls.register(name, pattern, order=45)
        registry.portfolio_sections.register("impact", views.portfolio_section, order=10)
        # Below an initiative's page, after related reading: its KPIs, spend and outcome.
        registry.object_sections.register(
            "impact:initiatives.initiative",
            ObjectSection("initiatives.initiative", views.initiative_section),
            order=60,
        )
        preconditions.submission_checks.register(
            "kpis_for_each_goal", selectors.kpis_for_each_goal, order=10
        )
        preconditions.completion_checks.register(
            "outcome_review_accepted", selectors.outcome_review_accepted, order=10
        )
        amendment_parts.register(
            amendments.KEY,
            AmendmentPart(
                key=amendments.KEY,
                clean=amendments.clean,
                store=amendments.store,
                apply=amendments.apply,
                describe=amendments.describe,
                page_rows=amendments.page_rows,
                form=amendments.form,
                prefetch=("kpi_changes",),
            ),
            order=10,
        )
        names: tuple[tuple[str, Any], ...] = (
            ("impact.kpi", _("KPI")),
            ("impact.measurement", _("Measurement")),
            ("impact.outcomereview", _("Outcome review")),
        )
        for label, name in names:
            registry.audit_object_types.register(label, AuditObjectType(name), order=45)
