from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Organization and governance"

    def ready(self) -> None:
        from celery.signals import (
            task_failure,
            task_postrun,
            task_prerun,
            task_retry,
            task_success,
        )
        from django.core.signals import request_finished

        from governance import (
            access,
            checks,  # noqa: F401  (registers the system checks)
            observability,
            pages,
            registry,
            signals,  # audits logins and logouts
        )
        from governance.fsm import historical_fields_stop_listening
        from governance.registry import ApiRoute, AuditObjectType, NavItem
        from governance.viewsets import (
            AuditEventViewSet,
            BusinessUnitViewSet,
            StrategicGoalViewSet,
        )

        historical_fields_stop_listening()

        # Transitions taken and tasks run, for the Prometheus metrics.
        signals.transition_taken.connect(
            observability.on_transition_taken, dispatch_uid="governance.count_transitions"
        )
        request_finished.connect(
            observability.on_request_finished, dispatch_uid="governance.request_id_cleared"
        )
        task_prerun.connect(observability.on_task_prerun, dispatch_uid="governance.task_id")
        task_postrun.connect(observability.on_task_postrun, dispatch_uid="governance.task_id_clear")
        task_success.connect(observability.on_task_success, dispatch_uid="governance.task_ok")
        task_failure.connect(observability.on_task_failure, dispatch_uid="governance.task_failed")
        task_retry.connect(observability.on_task_retry, dispatch_uid="governance.task_retried")

        # The apps place their entries between these by order (see their ready()).
        registry.navigation.register("home", NavItem("home", _("Home")), order=0)
        registry.navigation.register(
            "audit-log",
            NavItem(
                "audit-log",
                _("Audit log"),
                lambda *, user: access.is_auditor_or_coe_lead(user),
            ),
            order=50,
        )
        registry.navigation.register(
            "admin",
            NavItem("admin:index", _("Administration"), lambda *, user: user.is_staff),
            order=60,
        )
        registry.home_panels.register("audit", pages.auditor_panel, order=50)
        for label, name in [
            ("governance.businessunit", _("Business unit")),
            ("governance.strategicgoal", _("Strategic goal")),
            ("governance.membership", _("Unit membership")),
            ("governance.organizationrole", _("Organization role")),
            ("auth.user", _("User")),
        ]:
            registry.audit_object_types.register(label, AuditObjectType(name), order=0)
        for order, route in [
            (10, ApiRoute("business-units", BusinessUnitViewSet, "business-unit")),
            (20, ApiRoute("goals", StrategicGoalViewSet, "goal")),
            (60, ApiRoute("audit/events", AuditEventViewSet, "audit-event")),
        ]:
            registry.api_routes.register(route.basename, route, order=order)
