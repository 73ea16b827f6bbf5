from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import ApiRoute, AuditObjectType, NavItem
        from governance.signals import transition_taken
        from initiatives.api import register_detail_field
        from initiatives.models import Initiative
        from initiatives.preconditions import Precondition, submission_preconditions
        from initiatives.signals import amendment_proposed
        from policies import api, selectors, services, views

        # Submitting an initiative attests the policies in force, in the same transaction.
        transition_taken.connect(
            services.attest_on_submit, sender=Initiative, dispatch_uid="policies.attest_on_submit"
        )
        register_detail_field("attested_policies", api.AttestedPoliciesField)
        # ...and proposing an amendment too.
        amendment_proposed.connect(
            services.attest_on_amendment, dispatch_uid="policies.attest_on_amendment"
        )
        # Neither is possible before the submitter acknowledged those policies.
        submission_preconditions.register(
            "policies_acknowledged",
            Precondition(
                check=services.acknowledgments_due,
                template="policies/_attestation.html",
                note=views.attestation_note,
            ),
            order=10,
        )

        registry.urls.register("policies", path("policies/", include("policies.urls")), order=30)
        registry.navigation.register("policies", NavItem("policies:list", _("Policies")), order=30)
        registry.home_panels.register("policies_to_acknowledge", views.policies_panel, order=40)
        registry.audit_object_types.register(
            "policies.policy", AuditObjectType(_("Policy"), selectors.policy_audit_links), order=20
        )
        registry.audit_object_types.register(
            "policies.policyexception", AuditObjectType(_("Policy exception")), order=20
        )
        registry.audit_object_types.register(
            "policies.twopersonrule", AuditObjectType(_("Two-person rule")), order=20
        )
        registry.audit_values.register("policies", selectors.attested_as_read, order=20)
        registry.audit_panels.register("two_person_rule", views.two_person_rule_panel, order=10)
        registry.api_routes.register(
            "policy", ApiRoute("policies", api.PolicyViewSet, "policy"), order=40
        )
        registry.api_routes.register(
            "exception", ApiRoute("exceptions", api.PolicyExceptionViewSet, "exception"), order=50
        )
