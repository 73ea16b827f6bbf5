"""Writes of comments and attachments. Each service does the whole act: checks
that the actor may, writes, records the audit event and tells whoever must
know, in one transaction."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from discussion import selectors, sniffing
from discussion.models import Attachment, Comment, attachment_storage, stored_name
from governance import audit, signals
from governance.errors import Conflict

MAX_COMMENT_CHARS = 10_000
MENTIONED = "comment.mentioned"
ALLOWED_TYPES_TEXT = gettext_lazy(
    "Allowed are PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), "
    "CSV and text files."
)


def _visible_or_404(actor: User, target: Model) -> None:
    if not selectors.may_see(user=actor, target=target):
        raise Http404("Not found.")


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Write a comment.")})
    if "\x00" in body:
        raise ValidationError(
            {"body": gettext("The comment contains a character that cannot be stored.")}
        )
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {
                "body": gettext("A comment can have at most %(max)d characters.")
                % {"max": MAX_COMMENT_CHARS}
            }
        )
    return body


def comment_post(*, actor: User, target: Model, body: str) -> Comment:
    """Post a comment on an object the actor may see. Everyone mentioned as
    @name who may see the object is told through `governance.signals.notify`;
    a mention of anyone else tells nobody anything.

    Raises Http404 when the actor may not see the object, ValidationError
    (naming `body`) for an empty, oversized or unstorable text."""
    body = _clean_body(body)
    with transaction.atomic():
        _visible_or_404(actor, target)
        comment = Comment.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            author=actor,
            body=body,
        )
        mentioned = selectors.mentioned_users(text=body, target=target, author=actor)
        audit.record(
            audit.Event.COMMENT_POSTED,
            actor=actor,
            obj=target,
            new={
                "comment": comment.pk,
                "body": body,
                "mentioned": [u.get_username() for u in mentioned],
            },
        )
        _tell_mentioned(actor=actor, target=target, mentioned=mentioned)
    return comment


def _tell_mentioned(*, actor: User, target: Model, mentioned: list[User]) -> None:
    if mentioned:
        signals.notify.send(
            sender=Comment,
            recipients=mentioned,
            actor=actor,
            target=target,
            event=MENTIONED,
            text=format_lazy(
                gettext_lazy("{actor} mentioned you in a comment on “{object}”."),
                actor=actor.get_username(),
                object=str(target),
            ),
        )


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    """Change a comment's text: only its author may, until COMMENT_EDIT_MINUTES
    after posting. The thread shows it as edited; the audit event keeps the old
    and the new text. Whoever the new text mentions that the old did not, and
    who may see the object, is told; nobody is told twice of one comment.

    Raises Http404 when the actor may not see its object, PermissionDenied when
    they are not its author, Conflict when it is removed or the window has
    closed, ValidationError (naming `body`) for an empty, oversized or
    unstorable text."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        target = comment.target
        if target is None:
            raise Http404("Not found.")
        _visible_or_404(actor, target)
        if comment.author_id != actor.pk:
            raise PermissionDenied(gettext("Only its author may edit a comment."))
        if comment.is_removed:
            raise Conflict(gettext("This comment has been removed."))
        if timezone.now() > selectors.edit_deadline(comment=comment):
            raise Conflict(
                gettext("A comment can be edited for %(minutes)d minutes after posting.")
                % {"minutes": settings.COMMENT_EDIT_MINUTES}
            )
        body = _clean_body(body)
        old_body = comment.body
        if body == old_body:
            return comment
        already = set(selectors.mentioned_names(text=old_body))
        mentioned = [
            user
            for user in selectors.mentioned_users(text=body, target=target, author=actor)
            if user.get_username() not in already
        ]
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        audit.record(
            audit.Event.COMMENT_EDITED,
            actor=actor,
            obj=target,
            old={"comment": comment.pk, "body": old_body},
            new={
                "comment": comment.pk,
                "body": body,
                "mentioned": [u.get_username() for u in mentioned],
            },
        )
        _tell_mentioned(actor=actor, target=target, mentioned=mentioned)
    return comment


def comment_remove(*, actor: User, comment: Comment) -> Comment:
    """Remove a comment: its author or the CoE may. The thread keeps a row
    saying who removed it and when; the text stays in the audit log only.

    Raises Http404 when the actor may not see its object, PermissionDenied when
    they may not remove it, Conflict when it is removed already."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        target = comment.target
        if target is None:
            raise Http404("Not found.")
        _visible_or_404(actor, target)
        if comment.is_removed:
            raise Conflict(gettext("This comment has been removed already."))
        if not selectors.may_remove_comment(user=actor, comment=comment):
            raise PermissionDenied(gettext("Only its author or the CoE may remove a comment."))
        old: dict[str, Any] = {
            "comment": comment.pk,
            "author": comment.author.get_username(),
            "body": comment.body,
        }
        comment.body = ""
        comment.removed_at = timezone.now()
        comment.removed_by = actor
        comment.save(update_fields=["body", "removed_at", "removed_by"])
        audit.record(audit.Event.COMMENT_REMOVED, actor=actor, obj=target, old=old)
    return comment


def max_attachment_mb() -> float:
    return settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)


def _checked_upload(upload: UploadedFile | None) -> tuple[str, str]:
    """The upload's safe name and sniffed type; ValidationError naming `file` otherwise."""
    if upload is None:
        raise ValidationError({"file": gettext("Choose a file to attach.")})
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": gettext("The file is empty.")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": gettext("The file is larger than %(max)s MB.")
                % {"max": f"{max_attachment_mb():g}"}
            }
        )
    name = sniffing.safe_name(upload.name or "")
    try:
        media_type = sniffing.checked_type(name=name, file=upload)
    except sniffing.Refused as refused:
        if str(refused) == "extension":
            message = gettext("Files of this type cannot be attached.")
        else:
            message = gettext("The file's content is not what its name says it is.")
        raise ValidationError({"file": f"{message} {ALLOWED_TYPES_TEXT}"}) from None
    return name, media_type


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attachment_add(*, actor: User, target: Model, upload: UploadedFile | None) -> Attachment:
    """Attach an uploaded file to an object. The type is read from the content
    and must be on the allow-list and match the file's extension; the size must
    be within ATTACHMENT_MAX_BYTES. The file is stored under a generated name
    in the attachment storage; the audit event keeps its name, size and digest.

    Raises Http404 when the actor may not see the object, PermissionDenied when
    they may not attach files to it, ValidationError (naming `file`) for a
    missing, empty, oversized or refused file."""
    with transaction.atomic():
        _visible_or_404(actor, target)
        if not selectors.may_attach(user=actor, target=target):
            raise PermissionDenied(gettext("You may not attach files here."))
        name, media_type = _checked_upload(upload)
        assert upload is not None
        attachment = Attachment(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            uploaded_by=actor,
            name=name,
            media_type=media_type,
            size=upload.size or 0,
            sha256=_digest(upload),
        )
        # Saved through the storage the settings name now (the field's is fixed at start-up).
        stored = attachment_storage().save(stored_name(attachment, name), upload)
        attachment.file.name = stored
        # The file is written before its row: if writing the row fails, the
        # file is removed again rather than left behind.
        try:
            attachment.save()
            audit.record(
                audit.Event.ATTACHMENT_UPLOADED,
                actor=actor,
                obj=target,
                new=attachment.described(),
            )
        except Exception:
            attachment_storage().delete(stored)
            raise
    return attachment


def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    """Remove an attachment: its uploader or the CoE may. The row goes at once,
    the stored file after commit; the audit event keeps what the file was.

    Raises Http404 when the actor may not see its object, PermissionDenied when
    they may not remove it."""
    with transaction.atomic():
        target = attachment.target
        if target is None:
            raise Http404("Not found.")
        _visible_or_404(actor, target)
        if not selectors.may_remove_attachment(user=actor, attachment=attachment):
            raise PermissionDenied(
                gettext("Only its uploader or the CoE may remove an attachment.")
            )
        described = attachment.described()
        stored = attachment.file.name
        attachment.delete()
        audit.record(audit.Event.ATTACHMENT_REMOVED, actor=actor, obj=target, old=described)
        transaction.on_commit(lambda: attachment_storage().delete(stored))
