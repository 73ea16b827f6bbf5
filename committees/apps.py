from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Committees")

    def ready(self) -> None:
        from django.urls import include, path

        from committees import api, selectors, services, sources, views
        from governance import registry
        from governance.registry import AuditObjectType, NavItem, ObjectSection
        from governance.signals import transition_taken

        # An initiative reaching a committee's step opens the committee's vote.
        transition_taken.connect(services.on_transition, dispatch_uid="committees.open_case")
        registry.urls.register(
            "committees", path("committees/", include("committees.urls")), order=60
        )
        registry.navigation.register(
            "committees", NavItem("committees:list", _("Committees")), order=60
        )
        registry.audit_object_types.register(
            "committees.committee", AuditObjectType(_("Committee")), order=60
        )
        registry.audit_object_types.register(
            "committees.case", AuditObjectType(_("Committee vote")), order=60
        )
        registry.approval_steps.register("committees", selectors.approval_steps, order=60)
        registry.task_sources.register(sources.VOTE, sources.votes_awaiting, order=200)
        registry.object_urls.register("committees.case", sources.case_url, order=60)
        # The owning working group on the pages of initiatives and policies.
        for label in ("initiatives.initiative", "policies.policy"):
            registry.object_sections.register(
                f"owning-group:{label}", ObjectSection(label, views.owner_section), order=40
            )
        for name, pattern in api.paths():
            registry.api_urls.register(name, pattern, order=60)
