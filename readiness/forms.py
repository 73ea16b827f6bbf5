from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maturity.models import MaturityStage
from readiness.selectors import Row

NEVER = ""


class StageRequirementsForm(forms.Form):
    """One choice per registered kind: the stage it applies from, or never."""

    def __init__(self, *args: Any, rows: list[Row], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NEVER, _("At no stage")), *MaturityStage.choices]
        for row in rows:
            self.fields[row.key] = forms.TypedChoiceField(
                label=row.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=row.from_stage or NEVER,
            )
