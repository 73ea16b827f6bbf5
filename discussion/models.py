"""Comments and attachments on the objects that carry a discussion (an
initiative, an amendment, a policy, a policy exception; see discussion.kinds).

Both point at their object through a content type and an id, so that one
table serves every kind. Only a comment's author may change its text, for a
short while after posting (COMMENT_EDIT_MINUTES); the thread says it was
edited and the audit log keeps every earlier text. A removed comment keeps its
row, marked removed and emptied, so the thread shows that something was
removed and by whom; its text stays in the audit log. A removed attachment's
row and file go, and its audit events keep its name, size and digest."""

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone


class Comment(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # When its author last changed the text (within COMMENT_EDIT_MINUTES);
    # every earlier text stays in the audit log.
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments_removed",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at", "id"],
                name="comment_thread",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


def attachment_storage() -> Storage:
    """The storage named by ATTACHMENT_STORAGE_ALIAS: local files by default,
    a private S3-compatible bucket in production (governance.settings)."""
    return storages[settings.ATTACHMENT_STORAGE_ALIAS]


def stored_name(instance: "Attachment", filename: str) -> str:
    """A name nobody chose: the uploader's file name is kept only as metadata,
    so it can neither traverse paths nor replace another file."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(storage=attachment_storage, upload_to=stored_name, max_length=255)
    # The uploader's file name, sanitized: what the download is called.
    name = models.CharField(max_length=255)
    # The type sniffed from the content (discussion.sniffing), not the one the browser claimed.
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at", "id"],
                name="attachment_list",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def described(self) -> dict[str, Any]:
        """What the audit log keeps of the file."""
        return {
            "attachment": self.pk,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
        }
