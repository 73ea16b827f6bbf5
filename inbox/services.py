"""Writes of the inbox: notifications (created by the receiver of
governance.signals.notify, in the transaction of the act they report), marking
them read, and the user's own profile (email address)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext

from governance import audit, mail, registry
from inbox import selectors
from inbox.models import Notification
from sponsors import notifications as sponsor_notifications
from sponsors.models import NotificationKind

TEXT_LENGTH = Notification._meta.get_field("text").max_length or 500

# Which email choice an event falls under (NotificationKind), by the start of its name.
MENTIONS_SUFFIX = ".mentioned"
REMINDER_PREFIX = "reminder."


def kind_of(event: str) -> str:
    """The kind of email an event is (which of the user's email choices applies)."""
    if event.endswith(MENTIONS_SUFFIX):
        return NotificationKind.MENTIONS
    if event.startswith(REMINDER_PREFIX):
        return NotificationKind.REMINDERS
    return NotificationKind.DECISIONS


def _rendered(text: Any) -> str:
    value = text() if callable(text) else text
    return str(value)[:TEXT_LENGTH]


def notifications_create(
    *,
    recipients: Iterable[User],
    actor: User | None,
    target: models.Model | None,
    event: str,
    text: str | Any | Callable[[], str],
    email: bool = True,
) -> list[Notification]:
    """One notification per recipient (each once; never the actor), its text
    rendered in the recipient's language. With `email`, also an email after
    commit to each recipient who wants email of this kind. Must run inside
    the transaction of the act it reports."""
    seen: set[int] = set() if actor is None else {actor.pk}
    people = []
    for user in recipients:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            people.append(user)
    if not people:
        return []
    languages = registry.languages_of([user.pk for user in people])
    target_type = None if target is None else ContentType.objects.get_for_model(target)
    now = timezone.now()
    rows = []
    for user in people:
        with translation.override(languages.get(user.pk, translation.get_language())):
            rendered = _rendered(text)
        rows.append(
            Notification(
                recipient=user,
                actor=actor,
                target_type=target_type,
                target_id=None if target is None else target.pk,
                event=event,
                text=rendered,
                created_at=now,
            )
        )
    created = Notification.objects.bulk_create(rows)
    # bulk_create sends no post_save: the recipients' header counts change.
    selectors.invalidate()
    if email:
        mailed = set(
            sponsor_notifications.reachable(
                User.objects.filter(pk__in=[user.pk for user in people]), kind_of(event)
            ).values_list("pk", flat=True)
        )
        for notification in created:
            if notification.recipient_id in mailed:
                link = _link(target)
                mail.outbox_add(
                    key=f"notification:{notification.pk}",
                    recipients=[notification.recipient],
                    template="notification",
                    context={"text": notification.text, "actor": actor, "link": link},
                    subject=notification.text,
                )
    return created


def _link(target: models.Model | None) -> str:
    if target is None:
        return ""
    return selectors.url_of(target._meta.label_lower, target.pk)


def on_notify(
    sender: Any,
    *,
    recipients: Iterable[User],
    actor: User | None,
    target: models.Model | None,
    event: str,
    text: Any,
    email: bool = True,
    **kwargs: Any,
) -> None:
    """Receiver of governance.signals.notify."""
    notifications_create(
        recipients=recipients, actor=actor, target=target, event=event, text=text, email=email
    )


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (again: no change).
    Raises Notification.DoesNotExist for anyone else's."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(
            pk=notification.pk, recipient_id=actor.pk
        )
        if locked.read_at is None:
            locked.read_at = timezone.now()
            locked.save(update_fields=["read_at"])
    return locked


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    with transaction.atomic():
        marked = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            # update() sends no post_save: the header's unread count changes.
            selectors.invalidate()
        return marked


def email_set(*, actor: User, email: str) -> User:
    """Change the actor's own email address (where their emails go), audited.
    Raises ValidationError (on `email`) for an invalid address or one another
    account uses."""
    email = email.strip()
    errors = []
    try:
        validate_email(email)
    except ValidationError:
        errors.append(gettext("Enter a valid email address."))
    if not errors and User.objects.filter(email__iexact=email).exclude(pk=actor.pk).exists():
        errors.append(gettext("Another account uses this address."))
    if errors:
        raise ValidationError({"email": errors})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=actor.pk)
        if locked.email != email:
            old = locked.email
            locked.email = email
            locked.save(update_fields=["email"])
            audit.record(
                audit.Event.USER_EMAIL_CHANGED,
                actor=actor,
                obj=locked,
                old={"email": old},
                new={"email": email},
            )
    actor.email = email
    return locked


# The session remembers the chosen language here until the response sets the
# language cookie (inbox.middleware), as Django's set_language view would.
SESSION_LANGUAGE = "inbox_language"


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """The language the user chose follows them into the new session."""
    if request is None or not hasattr(request, "session"):
        return
    language = registry.languages_of([user.pk]).get(user.pk)
    if language:
        request.session[SESSION_LANGUAGE] = language
