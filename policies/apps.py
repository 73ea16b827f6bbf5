from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies"

    def ready(self) -> None:
        from governance.signals import transition_taken
        from initiatives.api import register_detail_field
        from initiatives.models import Initiative
        from policies import services
        from policies.api import AttestedPoliciesField

        transition_taken.connect(
            services.attest_on_submit, sender=Initiative, dispatch_uid="policies.attest_on_submit"
        )
        register_detail_field("attested_policies", AttestedPoliciesField)
