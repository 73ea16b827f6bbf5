"""The comment and upload forms of the discussion pages. They only collect
input; what is allowed is the services' answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from discussion import services, sniffing


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.MAX_COMMENT_CHARS,
        help_text=_("Markdown works. Write @ and a user name to notify someone who can see this."),
        error_messages={"required": _("Write a comment.")},
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to attach."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG, Word, Excel, PowerPoint, CSV or text; at most %(max)s MB."
        ) % {"max": f"{services.max_attachment_mb():g}"}
        self.fields["file"].widget.attrs["accept"] = ",".join(sniffing.ALLOWED)
