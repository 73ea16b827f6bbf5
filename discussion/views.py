"""The discussion's pages: an object's whole thread, its attachments with the
upload form, the download, the author's edit of a comment, and the removals.
An object's own page shows the latest comments and the attachments through
the `discussion` template tag.

A refused comment or upload re-renders its form with the message and the
text kept (400); nothing here answers with a JSON page."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from discussion import kinds, selectors, services
from discussion.forms import AttachmentForm, CommentForm
from discussion.models import Attachment, attachment_storage
from discussion.rendering import render_comment
from governance.errors import Conflict
from governance.requests import signed_in_user


def _kind_of(target: Model) -> kinds.Kind:
    kind = kinds.of(target)
    assert kind is not None
    return kind


def shown_comments(comments: Any) -> list[dict[str, Any]]:
    return [
        {"comment": c, "html": "" if c.is_removed else render_comment(c.body)} for c in comments
    ]


def thread_context(
    request: HttpRequest, target: Model, *, form: CommentForm | None = None
) -> dict[str, Any]:
    """What an object's page needs to show its latest comments and attachments."""
    user = signed_in_user(request)
    kind = _kind_of(target)
    latest, count = selectors.latest_comments(target=target)
    context: dict[str, Any] = {
        "target": target,
        "kind": kind.slug,
        "comments": shown_comments(latest),
        "comment_count": count,
        "more_comments": count > len(latest),
        "comment_form": form or CommentForm(),
        "removable": {c.pk for c in latest if selectors.may_remove_comment(user=user, comment=c)},
        "editable": {c.pk for c in latest if selectors.may_edit_comment(user=user, comment=c)},
        "takes_attachments": kind.may_attach is not None,
    }
    if kind.may_attach is not None:
        context |= attachments_context(request, target)
    return context


def attachments_context(
    request: HttpRequest, target: Model, *, form: AttachmentForm | None = None
) -> dict[str, Any]:
    user = signed_in_user(request)
    attachments = list(selectors.attachments_of(target=target))
    return {
        "attachments": attachments,
        "attachments_removable": {
            a.pk for a in attachments if selectors.may_remove_attachment(user=user, attachment=a)
        },
        "may_attach": selectors.may_attach(user=user, target=target),
        "attachment_form": form or AttachmentForm(),
    }


def _back_to(target: Model, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{_kind_of(target).url(target)}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The whole thread, page by page, oldest first, and the form to add to it."""
    user = signed_in_user(request)
    target = selectors.visible_target(user=user, slug=slug, pk=pk)
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_post(actor=user, target=target, body=form.cleaned_data["body"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your comment is posted."))
                return _back_to(target, "discussion")
        status = 400
    page = Paginator(selectors.thread(target=target), selectors.THREAD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "target": target,
        "kind": slug,
        "target_url": _kind_of(target).url(target),
        "page": page,
        "comments": shown_comments(page.object_list),
        "removable": {
            c.pk for c in page.object_list if selectors.may_remove_comment(user=user, comment=c)
        },
        "editable": {
            c.pk for c in page.object_list if selectors.may_edit_comment(user=user, comment=c)
        },
        "comment_form": form,
    }
    return render(request, "discussion/comment_list.html", context, status=status)


def _add_errors(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's form to change their comment's text while the window is
    open. Someone else gets 403; a removed comment or a closed window 409 with
    the reason; a refused text re-renders the form with it (400)."""
    user = signed_in_user(request)
    comment, target = selectors.visible_comment(user=user, pk=pk)
    if comment.author_id != user.pk:
        raise PermissionDenied(_("Only its author may edit a comment."))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    form.fields["body"].label = _("Your comment")
    status = 200
    refusal = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_edit(actor=user, comment=comment, body=form.cleaned_data["body"])
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as conflict:
                refusal = str(conflict)
            else:
                messages.success(request, _("Your comment is changed."))
                return _back_to(target, f"comment-{comment.pk}")
        status = 409 if refusal else 400
    elif not selectors.may_edit_comment(user=user, comment=comment):
        refusal = (
            _("This comment has been removed.")
            if comment.is_removed
            else _("A comment can be edited for %(minutes)d minutes after posting.")
            % {"minutes": settings.COMMENT_EDIT_MINUTES}
        )
        status = 409
    context = {
        "target": target,
        "target_url": _kind_of(target).url(target),
        "comment": comment,
        "form": form,
        "refusal": refusal,
        "deadline": selectors.edit_deadline(comment=comment),
    }
    return render(request, "discussion/comment_form.html", context, status=status)


@login_required
@require_POST
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    comment, target = selectors.visible_comment(user=user, pk=pk)
    try:
        services.comment_remove(actor=user, comment=comment)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("The comment is removed; the thread says so."))
    return _back_to(target, "discussion")


@login_required
@require_http_methods(["GET", "POST"])
def attachment_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An object's attachments and the upload form. A refused file re-renders
    the form with the reason."""
    user = signed_in_user(request)
    target = selectors.visible_target(user=user, slug=slug, pk=pk)
    if _kind_of(target).may_attach is None:
        raise PermissionDenied
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    actor=user, target=target, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is attached.") % {"name": attachment.name})
                return _back_to(target, "attachments")
        status = 400
    context = {
        "target": target,
        "kind": slug,
        "target_url": _kind_of(target).url(target),
        **attachments_context(request, target, form=form),
    }
    return render(request, "discussion/attachment_list.html", context, status=status)


def file_response(attachment: Attachment) -> FileResponse:
    """The file as a download, never shown inline: the browser is told its
    sniffed type and not to guess another, and not to keep a copy."""
    response = FileResponse(
        attachment_storage().open(attachment.file.name, "rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment, _target = selectors.visible_attachment(user=signed_in_user(request), pk=pk)
    return file_response(attachment)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    attachment, target = selectors.visible_attachment(user=user, pk=pk)
    name = attachment.name
    services.attachment_remove(actor=user, attachment=attachment)
    messages.success(request, _("“%(name)s” is removed.") % {"name": name})
    return _back_to(target, "attachments")
