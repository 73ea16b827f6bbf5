from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.urls import include, path

        from governance import registry
        from governance.signals import notify
        from inbox import api, services, sources
        from sponsors import services as sponsor_services

        # Whatever concerns someone becomes a notification (and, where they
        # chose it, an email), in the transaction of the act that caused it.
        notify.connect(services.on_notify, dispatch_uid="inbox.notify")
        # The language a user chose follows them into every new session.
        user_logged_in.connect(services.on_login, dispatch_uid="inbox.language_on_login")
        registry.user_languages.register(
            "notification_preference", sponsor_services.languages, order=10
        )

        _forget_counts_on_changes()

        for order, (kind, source) in enumerate(sources.SOURCES.items()):
            registry.task_sources.register(kind, source, order=10 * (order + 1))
        for label, url in sources.OBJECT_URLS.items():
            registry.object_urls.register(label, url, order=10)

        registry.urls.register("inbox", path("", include("inbox.urls")), order=5)
        registry.api_urls.register(
            "my-tasks", path("api/me/tasks/", api.TasksView.as_view(), name="my-tasks"), order=14
        )
        registry.api_urls.register(
            "my-inbox-notifications",
            path("api/me/inbox/", api.NotificationsView.as_view(), name="my-inbox-notifications"),
            order=15,
        )


# Rows whose change moves no count: sessions and the log-in bookkeeping saved
# on every sign-in.
_UNRELATED_APPS = frozenset({"sessions", "axes"})


def _forget_counts_on_changes() -> None:
    """Any saved or deleted row, changed relation or bulk of audit events may
    add or remove someone's task or unread notification: each forgets the
    cached header counts."""
    from django.db.models import Model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from governance import audit

    def changed(sender: type[Model], **kwargs: object) -> None:
        if sender._meta.app_label in _UNRELATED_APPS:
            return
        from inbox.selectors import invalidate

        invalidate()

    for signal in (post_save, post_delete, m2m_changed, audit.recorded_many):
        signal.connect(changed, dispatch_uid=f"inbox-counts-{signal!r}")
