"""The routing rules' page: the version in force with its rules in order, the
earlier versions, and, for the CoE lead, a form to publish a new version: the
rules in order, each with its conditions and its chain of steps, added,
removed and reordered on the page, checked by the same service the API calls."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance import access
from governance.requests import signed_in_user
from initiatives import routing, selectors, services
from initiatives.forms_routing import NoteForm, RuleFormSet, initial_of

PREFIX = "rules"


def _with_one_more_rule(data: QueryDict) -> QueryDict:
    """The posted form with a blank rule added at the end."""
    more = data.copy()
    total = f"{PREFIX}-TOTAL_FORMS"
    try:
        more[total] = str(int(data.get(total, "0")) + 1)
    except ValueError:
        more[total] = "1"
    return more


@login_required
@require_http_methods(["GET", "POST"])
def routing_rules(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    may_edit = access.EDIT_ROUTING in access.organization_rights(user)
    current = selectors.routing_rules_in_force()
    # With no version published, the built-in rules are in force: shown, and
    # the form starts from them.
    rules: list[Any] = list(current.rules.all()) if current else list(routing.BUILT_IN)
    units = selectors.unit_names()
    step_choices = routing.step_choices()
    options: dict[str, Any] = {"prefix": PREFIX, "units": units, "steps": step_choices}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the CoE lead may change the routing rules."))
        note = NoteForm(request.POST)
        if "add_rule" in request.POST:
            # Another blank rule to fill in; nothing is published yet.
            formset = RuleFormSet(_with_one_more_rule(request.POST), **options)
            return _render(request, current, rules, formset, note, may_edit, status)
        formset = RuleFormSet(request.POST, **options)
        if formset.is_valid() and note.is_valid():
            kept = formset.rules()
            try:
                rule_set = services.routing_rules_publish(
                    actor=user, rules=[rule for _form, rule in kept], note=note.cleaned_data["note"]
                )
            except ValidationError as error:
                formset.show_errors(error, [form for form, _rule in kept])
            else:
                messages.success(
                    request, _("Version %(version)s is in force.") % {"version": rule_set.version}
                )
                return HttpResponseRedirect(reverse("initiatives:routing"))
        status = 400
    else:
        note = NoteForm()
        formset = RuleFormSet(initial=[initial_of(rule) for rule in rules], **options)
        if not rules:
            formset.extra = 1  # a blank rule to start from
    return _render(request, current, rules, formset, note, may_edit, status)


def _render(
    request: HttpRequest,
    current: Any,
    rules: list[Any],
    formset: Any,
    note: NoteForm,
    may_edit: bool,
    status: int,
) -> HttpResponse:
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
            "formset": formset if may_edit else None,
            "note": note,
        },
        status=status,
    )
