"""Forms of the organization's pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.audit import Event


class DateInput(forms.DateInput):
    """The browser's date picker; the value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(forms.Form):
    """Filters of the audit log; every field is optional."""

    object_type = forms.ChoiceField(required=False, label=_("Object type"))
    actor = forms.CharField(required=False, max_length=150, label=_("Actor (user name)"))
    event = forms.ChoiceField(required=False, label=_("Event"))
    since = forms.DateField(required=False, label=_("From"), widget=DateInput())
    until = forms.DateField(required=False, label=_("Until"), widget=DateInput())

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All types"))] + [(t, t) for t in object_types]
        self.fields["event"].choices = [("", _("All events"))] + [(e.value, e.value) for e in Event]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range is before its start."))
        return data
