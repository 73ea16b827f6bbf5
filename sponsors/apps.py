from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "sponsors"
    verbose_name = "Executive sponsors"

    def ready(self) -> None:
        from governance.signals import transition_taken
        from initiatives.models import Amendment, Initiative
        from initiatives.signals import amendment_proposed
        from sponsors import notifications

        # Whoever must act next hears of it by email, sent after commit.
        for model in (Initiative, Amendment):
            transition_taken.connect(
                notifications.on_transition_taken,
                sender=model,
                dispatch_uid=f"sponsors.notify_{model._meta.model_name}",
            )
        amendment_proposed.connect(
            notifications.on_amendment_proposed,
            sender=Amendment,
            dispatch_uid="sponsors.notify_amendment_proposed",
        )
