from django import forms
from django.utils.translation import gettext_lazy as _

from committees import services
from committees.models import Vote


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.Choice.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
