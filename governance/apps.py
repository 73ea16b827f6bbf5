from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Organization and governance"

    def ready(self) -> None:
        from governance import (
            checks,  # noqa: F401  (registers the system checks)
            signals,  # noqa: F401  (audits logins and logouts)
        )
