"""Forms of the maturity page."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class MaturityAnswersForm(forms.Form):
    """The self-assessment questions, answered for one unit or the organization."""

    scope = forms.ChoiceField(label=_("Assess"))
    # Set by the second submit of answers that lower the stage: the warning was read.
    confirm_lower = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, scopes: list[tuple[str, str]], questions: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
        for question in questions:
            # The published wording reads in the reader's language
            # (maturity.criteria_text lists it for translation).
            self.fields[question.key] = forms.BooleanField(
                required=False, label=_(question.title), help_text=_(question.description)
            )
        self.questions = [self[q.key] for q in questions]
