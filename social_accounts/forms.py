"""Forms of the social account pages."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit
from initiatives.models import Initiative
from policies.models import Policy
from social_accounts.models import Channel, State


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        form = cast(forms.Form, self)
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)


def _active_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("username")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{obj.get_username()} ({name})" if name else obj.get_username()


CHANNEL_CHOICES = [(value, label) for value, label in Channel.choices]


class AccountForm(ServiceErrorsMixin, forms.Form):
    """Request an account, or edit one (without its unit and owners, which
    only a reassignment changes)."""

    business_unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.none(), label=_("Business unit")
    )
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, label=_("Channel"))
    handle = forms.CharField(
        max_length=200, label=_("Handle"), help_text=_("The handle or the page's name.")
    )
    url = forms.URLField(required=False, label=_("Address"), assume_scheme="https")
    owner = UserChoice(queryset=User.objects.none(), label=_("Owner"))
    backup_owner = UserChoice(queryset=User.objects.none(), required=False, label=_("Backup owner"))
    purpose = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    initiatives = forms.ModelMultipleChoiceField(
        queryset=Initiative.objects.none(),
        required=False,
        label=_("Initiatives that use it"),
        widget=forms.CheckboxSelectMultiple,
    )
    policies = forms.ModelMultipleChoiceField(
        queryset=Policy.objects.none(),
        required=False,
        label=_("Policies that apply"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[BusinessUnit] | None,
        initiatives: QuerySet[Initiative] | None,
        policies: QuerySet[Policy],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            # Editing: the unit and the owners stay as they are here.
            for name in ("business_unit", "owner", "backup_owner", "initiatives"):
                del self.fields[name]
        else:
            cast(forms.ModelChoiceField, self.fields["business_unit"]).queryset = units
            cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _active_users()
            cast(forms.ModelChoiceField, self.fields["backup_owner"]).queryset = _active_users()
            cast(forms.ModelChoiceField, self.fields["initiatives"]).queryset = (
                initiatives if initiatives is not None else Initiative.objects.none()
            )
        cast(forms.ModelChoiceField, self.fields["policies"]).queryset = policies


class ReassignForm(ServiceErrorsMixin, forms.Form):
    owner = UserChoice(queryset=User.objects.none(), label=_("New owner"))
    backup_owner = UserChoice(
        queryset=User.objects.none(), required=False, label=_("New backup owner")
    )
    comment = forms.CharField(required=False, max_length=5000, label=_("Comment"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _active_users()
        cast(forms.ModelChoiceField, self.fields["backup_owner"]).queryset = _active_users()


class LinkForm(ServiceErrorsMixin, forms.Form):
    initiatives = forms.ModelMultipleChoiceField(
        queryset=Initiative.objects.none(),
        required=False,
        label=_("Initiatives that use it"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, initiatives: QuerySet[Initiative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["initiatives"]).queryset = initiatives


class CommentForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STATE_CHOICES = [("", _("All states")), *State.choices]


class AccountFilterForm(forms.Form):
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False, label=_("State"))
    channel = forms.ChoiceField(
        choices=[("", _("All channels")), *CHANNEL_CHOICES], required=False, label=_("Channel")
    )
    overdue = forms.BooleanField(required=False, label=_("Recertification overdue"))
