"""The routing rules' page: the version in force with its rules in order, the
earlier versions, and, for the CoE lead, a new version to publish (the rules
as JSON, checked by the same service the API calls)."""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from governance import access
from governance.requests import signed_in_user
from initiatives import routing, selectors, services
from initiatives.models import RoutingRule


class RulesForm(forms.Form):
    rules = forms.CharField(
        label=gettext_lazy("Rules (JSON, in order: the first that matches wins)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
    note = forms.CharField(label=gettext_lazy("What changes, and why"), required=False)

    def clean_rules(self) -> list[dict[str, Any]]:
        try:
            value = json.loads(self.cleaned_data["rules"])
        except ValueError as error:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error}) from None
        if not isinstance(value, list):
            raise forms.ValidationError(_("Expected a list of rules."))
        return value


def as_data(rule: RoutingRule) -> dict[str, Any]:
    return {field: getattr(rule, field) for field in routing.RULE_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def routing_rules(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    may_edit = access.EDIT_ROUTING in access.organization_rights(user)
    current = selectors.routing_rules_in_force()
    rules = list(current.rules.all()) if current else []
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the CoE lead may change the routing rules."))
        form = RulesForm(request.POST)
        if form.is_valid():
            try:
                rule_set = services.routing_rules_publish(
                    actor=user, rules=form.cleaned_data["rules"], note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error("rules", f"{field}: {' '.join(problems)}")
            else:
                messages.success(
                    request, _("Version %(version)s is in force.") % {"version": rule_set.version}
                )
                return HttpResponseRedirect(reverse("initiatives:routing"))
        status = 400
    else:
        form = RulesForm(
            initial={
                "rules": json.dumps(
                    [as_data(rule) for rule in rules], indent=2, cls=DjangoJSONEncoder
                )
            }
        )
    steps = dict(routing.step_choices())
    units = dict(selectors.unit_names())
    return render(
        request,
        "initiatives/routing_rules.html",
        {
            "current": current,
            "rules": [
                (
                    rule,
                    [steps.get(step, step) for step in rule.steps],
                    [units.get(unit, str(unit)) for unit in rule.units],
                )
                for rule in rules
            ],
            "versions": selectors.routing_versions()[:20],
            "may_edit": may_edit,
            "form": form if may_edit else None,
            "step_choices": routing.step_choices(),
        },
        status=status,
    )
