from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit, StrategicGoal
from initiatives import selectors as initiative_selectors
from initiatives.models import Initiative
from knowledge import selectors
from knowledge.models import Audience, Entry, Kind, Language
from policies import selectors as policy_selectors
from policies.models import Policy

# Initiatives offered for linking: the newest the user can see. (A search
# field replaces this list once the library has one.)
INITIATIVE_CHOICES = 200


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Markdown: **bold**, *italic*, lists, links and tables."),
    )
    source_url = forms.URLField(
        label=_("Source link"), max_length=500, required=False, assume_scheme="https"
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    review_on = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("After this date the entry shows as possibly out of date."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units it concerns"),
        queryset=BusinessUnit.objects.none(),
        required=False,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it concerns"), queryset=StrategicGoal.objects.none(), required=False
    )
    audience = forms.ChoiceField(
        label=_("Who may read it"), choices=Audience.choices, widget=forms.RadioSelect
    )
    audience_units = forms.ModelMultipleChoiceField(
        label=_("Visible to these units"),
        queryset=BusinessUnit.objects.none(),
        required=False,
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("Related policies"),
        queryset=Policy.objects.none(),
        required=False,
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Related initiatives"),
        queryset=Initiative.objects.none(),
        required=False,
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related entries"),
        queryset=Entry.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, user: User, entry: Entry | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = BusinessUnit.objects.order_by("name")
        fields: Any = self.fields
        fields["units"].queryset = units
        fields["audience_units"].queryset = units
        fields["goals"].queryset = StrategicGoal.objects.filter(active=True).order_by("title")
        fields["policies"].queryset = policy_selectors.visible_policies(user=user).order_by("title")
        initiative_ids = list(
            initiative_selectors.visible_initiatives(user=user)
            .order_by("-id")
            .values_list("pk", flat=True)[:INITIATIVE_CHOICES]
        )
        if entry is not None:
            initiative_ids += list(entry.initiatives.values_list("pk", flat=True))
        fields["initiatives"].queryset = (
            initiative_selectors.visible_initiatives(user=user)
            .filter(pk__in=initiative_ids)
            .order_by("title")
        )
        related = selectors.visible_entries(user=user).order_by("title")
        if entry is not None:
            related = related.exclude(pk=entry.pk)
        fields["related"].queryset = related

    @classmethod
    def initial_for(cls, entry: Entry) -> dict[str, Any]:
        return {
            "title": entry.title,
            "kind": entry.kind,
            "language": entry.language,
            "summary": entry.summary,
            "body": entry.body,
            "source_url": entry.source_url,
            "tags": ", ".join(entry.tag_list()),
            "review_on": entry.review_on,
            "audience": entry.audience,
            "units": list(entry.units.all()),
            "goals": list(entry.goals.all()),
            "audience_units": list(entry.audience_units.all()),
            "policies": list(entry.policies.all()),
            "initiatives": list(entry.initiatives.all()),
            "related": list(entry.related.all()),
        }
