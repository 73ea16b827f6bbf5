from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Approval requirements by stage"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import ACTIONS, AuditObjectType, NavItem, ObjectSection
        from initiatives.preconditions import (
            Requirement,
            approval_requirements,
            requirements_in_force,
        )
        from readiness import accounts, api, demo, selectors, views

        # The kinds the CoE lead set for the organization's stage are in force.
        requirements_in_force.register("stage", selectors.kinds_in_force, order=10)
        # The requirement that reads the social account registry.
        approval_requirements.register(
            "accounts_registered",
            Requirement(
                key="accounts_registered",
                label=_(
                    "Every account the initiative uses is registered with an owner and a backup"
                ),
                check=accounts.accounts_registered,
            ),
            order=30,
        )
        # On an initiative's page, before the approve buttons: what approval requires.
        registry.object_sections.register(
            "approval-checklist:initiatives.initiative",
            ObjectSection("initiatives.initiative", views.approval_checklist_section, ACTIONS),
            order=10,
        )
        registry.audit_object_types.register(
            "readiness.stagerequirement",
            AuditObjectType(_("Approval requirements by stage")),
            order=85,
        )
        registry.demo_seeders.register("readiness", demo.seed_readiness, order=20)
        registry.urls.register("readiness", path("readiness/", include("readiness.urls")), order=85)
        registry.navigation.register(
            "readiness",
            NavItem("readiness:requirements", _("Requirements"), selectors.may_read_page),
            order=85,
        )
        registry.api_urls.register(
            "api-readiness",
            path(
                "api/readiness/requirements/",
                api.StageRequirementsView.as_view(),
                name="api-readiness",
            ),
            order=85,
        )
