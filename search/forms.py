from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext_lazy as _

from governance import access
from governance.models import BusinessUnit
from search import selectors
from search.sources import sources


class SearchForm(forms.Form):
    """The search page's query and filters; the API reads the same form."""

    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    unit = forms.TypedChoiceField(label=_("Business unit"), coerce=int, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Everything"))]
        fields: dict[str, Any] = self.fields
        fields["kind"].choices = everything + selectors.kinds_for(user=user)
        # The units the search itself filters on (read once a request), not
        # guardian's query of them again.
        units = (
            BusinessUnit.objects.filter(pk__in=access.visible_unit_ids(user))
            .order_by("name")
            .values_list("pk", "name")
        )
        fields["unit"].choices = [("", _("Any unit")), *units]
        states: dict[str, Any] = {}
        for source in sources:
            for value, label in source.states:
                states.setdefault(value, label)
        fields["state"].choices = [("", _("Any state")), *states.items()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return cleaned


class SimilarForm(forms.Form):
    """A draft's title and summary, for the initiatives like it."""

    title = forms.CharField(max_length=200, required=False)
    summary = forms.CharField(max_length=5000, required=False)
    exclude = forms.IntegerField(min_value=1, required=False)


class DuplicateLinkForm(forms.Form):
    original = forms.IntegerField(label=_("Number of the original initiative"), min_value=1)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DuplicateMergeForm(forms.Form):
    """Which of two linked duplicates goes on; the other is closed."""

    keep = forms.TypedChoiceField(label=_("Which initiative goes on"), coerce=int)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["keep"].choices = choices
