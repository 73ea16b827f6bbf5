from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = "Maturity"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import NavItem
        from maturity import api

        registry.urls.register("maturity", path("maturity/", include("maturity.urls")), order=20)
        registry.navigation.register("maturity", NavItem("maturity", _("Maturity")), order=20)
        for order, name, route, view in [
            (50, "api-maturity", "api/maturity/", api.MaturityView.as_view()),
            (
                51,
                "api-maturity-unit",
                "api/maturity/business-units/<int:pk>/",
                api.MaturityUnitView.as_view(),
            ),
            (
                52,
                "api-maturity-assessments",
                "api/maturity/assessments/",
                api.MaturityAssessmentView.as_view(),
            ),
            (
                53,
                "api-maturity-history",
                "api/maturity/history/",
                api.MaturityHistoryView.as_view(),
            ),
        ]:
            registry.api_urls.register(name, path(route, view, name=name), order=order)
        _invalidate_on_changes()


def _invalidate_on_changes() -> None:
    """Every model a stage is computed from forgets the cached overview when it
    changes (saved, deleted, or its goals or units changed)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from governance.models import BusinessUnit, Membership, OrganizationRole, StrategicGoal
    from impact.models import Kpi, KpiResult, Measurement, OutcomeReview
    from initiatives.models import Decision, Initiative
    from maturity.models import MaturityAssessment, MaturityCriterion
    from policies.models import Acknowledgment, Policy, PolicyVersion
    from sponsors.models import Sponsorship

    def changed(**kwargs: object) -> None:
        from maturity.selectors import invalidate

        invalidate()

    for model in (
        BusinessUnit,
        Membership,
        OrganizationRole,
        StrategicGoal,
        Initiative,
        Decision,
        MaturityAssessment,
        MaturityCriterion,
        Policy,
        PolicyVersion,
        Acknowledgment,
        Sponsorship,
        Kpi,
        Measurement,
        OutcomeReview,
        KpiResult,
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                changed, sender=model, dispatch_uid=f"maturity-{model.__name__}-{signal!r}"
            )
    for relation in (Initiative.goals.through, Policy.business_units.through):
        m2m_changed.connect(changed, sender=relation, dispatch_uid=f"maturity-{relation.__name__}")
