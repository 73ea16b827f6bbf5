"""Reads of comments and attachments, always through what the user may see:
a thread or a file is visible exactly when its object is (discussion.kinds)."""

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from discussion import kinds
from discussion.models import Attachment, Comment
from governance import access
from governance.api import MAX_ID
from governance.models import OrganizationRole

UserLike = User | AnonymousUser

# At most this many people are looked up from one comment's mentions.
MAX_MENTIONS = 20
# How many of the latest comments an object's page shows; the thread page shows the rest.
LATEST = 10
THREAD_PAGE_SIZE = 25

# "@name" where the name is a user name (letters, digits and @.+-_), not part
# of an email address or a longer word; a trailing full stop ends a sentence.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")


def visible_target(*, user: UserLike, slug: str, pk: int) -> Model:
    """The object of that kind and id if the user may see it; Http404 otherwise,
    so that outsiders cannot tell what exists."""
    kind = kinds.named(slug)
    if kind is None or not 0 < pk <= MAX_ID:
        raise Http404("No such kind of object.")
    found = kind.visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("Not found.")
    return found


def may_see(*, user: UserLike, target: Model) -> bool:
    kind = kinds.of(target)
    return kind is not None and kind.visible(user).filter(pk=target.pk).exists()


def _of(target: Model) -> dict[str, Any]:
    return {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
    }


def thread(*, target: Model) -> QuerySet[Comment]:
    """The object's comments, oldest first, with their authors."""
    return Comment.objects.filter(**_of(target)).select_related("author", "removed_by")


def latest_comments(*, target: Model) -> tuple[list[Comment], int]:
    """The LATEST newest comments, oldest of them first, and how many there are in all."""
    comments = thread(target=target)
    latest = list(comments.order_by("-created_at", "-id")[:LATEST])
    count = len(latest) if len(latest) < LATEST else comments.count()
    return latest[::-1], count


def attachments_of(*, target: Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(**_of(target)).select_related("uploaded_by")


def _visible_row(user: UserLike, row: Comment | Attachment) -> Model:
    kind = kinds.for_model(row.content_type.model_class())
    if kind is None:
        raise Http404("Not found.")
    target = kind.visible(user).filter(pk=row.object_id).first()
    if target is None:
        raise Http404("Not found.")
    return target


def visible_attachment(*, user: UserLike, pk: int) -> tuple[Attachment, Model]:
    """The attachment and its object if the user may see the object; Http404 otherwise."""
    row = (
        Attachment.objects.select_related("content_type", "uploaded_by").filter(pk=pk).first()
        if 0 < pk <= MAX_ID
        else None
    )
    if row is None:
        raise Http404("Not found.")
    return row, _visible_row(user, row)


def visible_comment(*, user: UserLike, pk: int) -> tuple[Comment, Model]:
    """The comment and its object if the user may see the object; Http404 otherwise."""
    row = (
        Comment.objects.select_related("content_type", "author").filter(pk=pk).first()
        if 0 < pk <= MAX_ID
        else None
    )
    if row is None:
        raise Http404("Not found.")
    return row, _visible_row(user, row)


def mentioned_names(*, text: str) -> list[str]:
    """The user names written as @name in the text, once each, in order."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_users(*, text: str, target: Model, author: User) -> list[User]:
    """The active users mentioned in the text who may see the object, other than
    the author. Nobody else is told anything, so a mention cannot reveal the
    object to someone outside it, nor tell the author who exists."""
    names = mentioned_names(text=text)
    if not names:
        return []
    users = (
        get_user_model().objects.filter(username__in=names, is_active=True).exclude(pk=author.pk)
    )
    return [u for u in users.order_by("username") if may_see(user=u, target=target)]


def is_coe(*, user: UserLike) -> bool:
    """The CoE (its lead and members) looks after every discussion: it may remove
    any comment or attachment."""
    return bool(
        access.organization_roles(user)
        & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}
    )


def may_remove_comment(*, user: UserLike, comment: Comment) -> bool:
    return not comment.is_removed and (comment.author_id == user.pk or is_coe(user=user))


def edit_deadline(*, comment: Comment) -> datetime.datetime:
    """Until when the author may edit the comment (COMMENT_EDIT_MINUTES after posting)."""
    return comment.created_at + datetime.timedelta(minutes=settings.COMMENT_EDIT_MINUTES)


def may_edit_comment(*, user: UserLike, comment: Comment) -> bool:
    """Only the author edits a comment, and only while the window is open: the
    CoE may remove anyone's comment but never put words in their mouth."""
    return (
        not comment.is_removed
        and comment.author_id == user.pk
        and timezone.now() <= edit_deadline(comment=comment)
    )


def may_remove_attachment(*, user: UserLike, attachment: Attachment) -> bool:
    return attachment.uploaded_by_id == user.pk or is_coe(user=user)


def may_attach(*, user: UserLike, target: Model) -> bool:
    kind = kinds.of(target)
    if kind is None or kind.may_attach is None or not user.is_authenticated:
        return False
    return kind.may_attach(user, target)
