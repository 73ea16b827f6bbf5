"""KPI changes carried by an amendment: once an initiative is submitted its
KPIs are added, changed (name, unit, baseline, target, due date) or retired
only through an amendment, reviewed like the rest of it. Registered with
initiatives.amendment_parts from ImpactConfig.ready(): the amendment
services check and store the changes with the proposal, and apply them in
the approval's transaction; a rejected or withdrawn amendment applies
nothing.

The proposal's shape (the API's `kpi_changes`, a list):
  {"action": "add", "goal": 3, "name": ..., "unit": ..., "baseline": ...,
   "target": ..., "due_on": ..., "direction": "higher" | "lower"}
  {"action": "change", "kpi": 5, "target": ..., ...any of CHANGEABLE}
  {"action": "retire", "kpi": 7}
"""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance import audit
from governance.models import StrategicGoal
from impact.models import Direction, Kpi, KpiChange, KpiChangeAction
from impact.services import kpi_problems, kpi_values
from initiatives.models import Amendment, Initiative

KEY = "kpi_changes"
# What a change may set on a KPI in use; its goal and direction stay.
CHANGEABLE = ("name", "unit", "baseline", "target", "due_on")
ADD_FIELDS = ("goal", "name", "unit", "baseline", "target", "due_on", "direction")

LABELS = {
    "goal": _("Strategic goal"),
    "name": _("Name"),
    "unit": _("Unit of measure"),
    "baseline": _("Baseline"),
    "target": _("Target"),
    "due_on": _("Due date"),
    "direction": _("Direction"),
}

_PARSERS: dict[str, forms.Field] = {
    "name": forms.CharField(max_length=120),
    "unit": forms.CharField(max_length=40),
    "baseline": forms.DecimalField(max_digits=18, decimal_places=4),
    "target": forms.DecimalField(max_digits=18, decimal_places=4),
    "due_on": forms.DateField(input_formats=["%Y-%m-%d"]),
    "direction": forms.ChoiceField(choices=Direction.choices),
    "goal": forms.IntegerField(),
}


def _resulting_goal_ids(initiative: Initiative, changes: dict[str, Any]) -> set[int]:
    """The goals the initiative serves once the amendment applies."""
    if "goals" in changes:
        return {g if isinstance(g, int) else g.pk for g in changes["goals"]}
    return set(initiative.goals.values_list("pk", flat=True))


def _parse(item: dict[str, Any], names: tuple[str, ...], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in names:
        if name not in item:
            continue
        try:
            values[name] = _PARSERS[name].clean(item[name])
        except ValidationError as error:
            errors[f"{where}.{name}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return values


def _checked(kpi: Kpi, goal_ids: set[int], where: str) -> None:
    problems = kpi_problems(kpi, goal_ids)
    if problems:
        raise ValidationError({f"{where}.{field}": msg for field, msg in problems.items()})


def clean(*, initiative: Initiative, changes: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    """The proposed KPI changes, checked against the initiative's KPIs in use
    and the goals it serves once amended; those that change nothing are
    dropped. Raises ValidationError naming `kpi_changes.<n>.<field>`."""
    if data in (None, []):
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValidationError({KEY: gettext("Expected a list of KPI changes.")})
    in_use = {
        kpi.pk: kpi for kpi in Kpi.objects.filter(initiative=initiative, retired_at__isnull=True)
    }
    goal_ids = _resulting_goal_ids(initiative, changes)
    seen: set[int] = set()
    cleaned: list[dict[str, Any]] = []
    for n, item in enumerate(data):
        where = f"{KEY}.{n}"
        action = item.get("action")
        allowed = {"action", "kpi"} | set(
            ADD_FIELDS if action == KpiChangeAction.ADD else CHANGEABLE
        )
        if action not in KpiChangeAction.values:
            raise ValidationError({f"{where}.action": gettext("Add, change or retire.")})
        if unknown := sorted(set(item) - allowed):
            raise ValidationError(
                {f"{where}.{f}": gettext("This field cannot be changed.") for f in unknown}
            )
        if action == KpiChangeAction.ADD:
            missing = [f for f in ADD_FIELDS if f != "direction" and item.get(f) in (None, "")]
            if missing:
                raise ValidationError(
                    {f"{where}.{f}": gettext("This field is required.") for f in missing}
                )
            values = _parse(item, ADD_FIELDS, where)
            kpi = Kpi(
                initiative=initiative,
                goal_id=values["goal"],
                direction=values.get("direction") or Direction.HIGHER,
                **{f: values[f] for f in CHANGEABLE},
            )
            kpi.name, kpi.unit = kpi.name.strip(), kpi.unit.strip()
            _checked(kpi, goal_ids, where)
            cleaned.append({"action": action, "kpi": None, "old": {}, "values": kpi_values(kpi)})
            continue
        current = in_use.get(item.get("kpi"))
        if current is None:
            raise ValidationError(
                {f"{where}.kpi": gettext("Choose a KPI of the initiative in use.")}
            )
        if current.pk in seen:
            raise ValidationError({f"{where}.kpi": gettext("Each KPI is changed once.")})
        seen.add(current.pk)
        before = kpi_values(current)
        if action == KpiChangeAction.RETIRE:
            cleaned.append({"action": action, "kpi": current, "old": before, "values": {}})
            continue
        values = _parse(item, CHANGEABLE, where)
        trial = Kpi.objects.get(pk=current.pk)
        for name, value in values.items():
            setattr(trial, name, value.strip() if isinstance(value, str) else value)
        _checked(trial, goal_ids | {trial.goal_id}, where)
        after = kpi_values(trial)
        changed = sorted(k for k in after if after[k] != before[k])
        if changed:
            cleaned.append(
                {
                    "action": action,
                    "kpi": current,
                    "old": {k: before[k] for k in changed},
                    "values": {k: after[k] for k in changed},
                }
            )
    return cleaned


def store(*, amendment: Amendment, cleaned: list[dict[str, Any]]) -> None:
    """Record the checked changes with the proposal, in its transaction."""
    KpiChange.objects.bulk_create(
        KpiChange(
            amendment=amendment,
            position=n,
            action=change["action"],
            kpi=change["kpi"],
            old=change["old"] | ({"name": change["kpi"].name} if change["kpi"] else {}),
            values=change["values"],
        )
        for n, change in enumerate(cleaned)
    )


def _set(kpi: Kpi, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "goal":
            kpi.goal_id = value
        elif name in ("baseline", "target"):
            setattr(kpi, name, Decimal(value))
        elif name == "due_on":
            kpi.due_on = datetime.date.fromisoformat(value)
        else:
            setattr(kpi, name, value)


def apply(*, actor: User, amendment: Amendment) -> None:
    """Make an approved amendment's KPI changes, inside the approval's
    transaction (the initiative is locked), each with its audit event naming
    the amendment. Raises ValidationError if a change no longer holds (the
    amendment's goals left a KPI without its goal)."""
    comment = f"amendment {amendment.pk}"
    goal_ids = set(amendment.initiative.goals.values_list("pk", flat=True))
    for change in KpiChange.objects.filter(amendment=amendment).order_by("position"):
        where = f"{KEY}.{change.position}"
        if change.action == KpiChangeAction.ADD:
            kpi = Kpi(initiative=amendment.initiative, created_by=amendment.proposed_by)
            _set(kpi, change.values)
            _checked(kpi, goal_ids, where)
            kpi.save()
            change.kpi = kpi
            change.save(update_fields=["kpi"])
            audit.record(
                audit.Event.KPI_CREATED,
                actor=actor,
                obj=kpi,
                new=kpi_values(kpi) | {"amendment": amendment.pk},
                comment=comment,
            )
            continue
        # A change or a retirement names its KPI from the proposal on.
        assert change.kpi_id is not None
        kpi = Kpi.objects.select_for_update().get(pk=change.kpi_id)
        if change.action == KpiChangeAction.RETIRE:
            kpi.retired_at = timezone.now()
            kpi.save(update_fields=["retired_at"])
            audit.record(
                audit.Event.KPI_RETIRED,
                actor=actor,
                obj=kpi,
                old=kpi_values(kpi),
                new={"retired_at": kpi.retired_at, "amendment": amendment.pk},
                comment=comment,
            )
            continue
        before = kpi_values(kpi)
        _set(kpi, change.values)
        _checked(kpi, goal_ids | {kpi.goal_id}, where)
        kpi.save()
        after = kpi_values(kpi)
        changed = sorted(k for k in after if after[k] != before[k])
        audit.record(
            audit.Event.KPI_UPDATED,
            actor=actor,
            obj=kpi,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed} | {"amendment": amendment.pk},
            comment=comment,
        )


def describe(*, amendment: Amendment) -> list[dict[str, Any]]:
    """The KPI changes against the approved values, for the API: per change,
    the action, the KPI (none yet for one to add), and field by field the
    approved value and the proposed one. Reads the prefetched changes."""
    rows = []
    for change in amendment.kpi_changes.all():
        rows.append(
            {
                "action": change.action,
                "kpi": change.kpi_id,
                "name": change.old.get("name") or change.values.get("name", ""),
                "fields": [
                    {
                        "field": f,
                        "old": change.old.get(f) if change.action == "change" else None,
                        "new": value,
                    }
                    for f, value in sorted(change.values.items())
                ],
            }
        )
    return rows


def _show(field: str, value: Any, goal_names: dict[int, str]) -> str:
    if value in (None, ""):
        return "—"
    if field == "goal":
        return str(goal_names.get(value, value))
    if field == "direction":
        return str(dict(Direction.choices).get(value, value))
    if field in ("baseline", "target"):
        return str(formats.localize(Decimal(value), use_l10n=True))
    if field == "due_on":
        return str(formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT"))
    return str(value)


def page_rows(*, amendment: Amendment) -> list[dict[str, Any]]:
    """The KPI changes as rows of the amendment's table on the initiative's
    page (field, approved value, proposed value), in the reader's language."""
    rows: list[dict[str, Any]] = []
    changes = list(amendment.kpi_changes.all())
    goal_ids = {c.values["goal"] for c in changes if "goal" in c.values}
    goal_names = dict(StrategicGoal.objects.filter(pk__in=goal_ids).values_list("pk", "title"))
    for change in changes:
        name = change.old.get("name") or change.values.get("name", "")
        if change.action == KpiChangeAction.RETIRE:
            rows.append(
                {
                    "field": gettext("KPI “%(name)s”") % {"name": name},
                    "old": gettext("In use"),
                    "new": gettext("Retired (its measurements stay)"),
                }
            )
            continue
        if change.action == KpiChangeAction.ADD:
            shown = "\n".join(
                f"{LABELS[f]}: {_show(f, change.values.get(f), goal_names)}" for f in ADD_FIELDS
            )
            rows.append({"field": gettext("New KPI"), "old": "—", "new": shown})
            continue
        for f in CHANGEABLE:
            if f in change.values:
                rows.append(
                    {
                        "field": gettext("KPI “%(name)s”: %(field)s")
                        % {"name": name, "field": LABELS[f]},
                        "old": _show(f, change.old.get(f), goal_names),
                        "new": _show(f, change.values[f], goal_names),
                    }
                )
    return rows


class KpiChangesForm(forms.Form):
    """The KPI part of the amendment page: each KPI in use with its values
    prefilled (changed ones are proposed) and a box to retire it, and one new
    KPI (proposed when named)."""

    template = "impact/_amendment_kpis.html"

    def __init__(self, data: Any = None, *, initiative: Initiative) -> None:
        super().__init__(data, prefix="kpi")
        self.initiative = initiative
        self.kpis = list(
            Kpi.objects.filter(initiative=initiative, retired_at__isnull=True).order_by("id")
        )
        self.groups: list[dict[str, Any]] = []
        for kpi in self.kpis:
            names = []
            for f in CHANGEABLE:
                key = f"{kpi.pk}_{f}"
                # Left empty, a value stays as it is.
                self.fields[key] = _field(f, required=False, initial=getattr(kpi, f))
                names.append(key)
            retire = f"{kpi.pk}_retire"
            self.fields[retire] = forms.BooleanField(
                required=False, label=_("Retire this KPI (its measurements stay)")
            )
            self.groups.append({"kpi": kpi, "names": [*names, retire]})
        goals = forms.ModelChoiceField(
            queryset=initiative.goals.order_by("title"), required=False, label=LABELS["goal"]
        )
        self.fields["new_goal"] = goals
        for f in ("name", "unit", "baseline", "target", "due_on"):
            self.fields[f"new_{f}"] = _field(f, required=False)
        self.fields["new_direction"] = forms.ChoiceField(
            choices=Direction.choices, required=False, label=LABELS["direction"]
        )
        self.new_names = [f"new_{f}" for f in ADD_FIELDS]
        # Where the service's errors go: the n-th proposed change's fields.
        self.error_prefixes: list[str] = []

    def groups_bound(self) -> list[dict[str, Any]]:
        return [{"kpi": g["kpi"], "fields": [self[n] for n in g["names"]]} for g in self.groups]

    def new_fields(self) -> list[Any]:
        return [self[n] for n in self.new_names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_name"):
            for f in ADD_FIELDS:
                if f != "direction" and data.get(f"new_{f}") in (None, ""):
                    self.add_error(f"new_{f}", gettext("This field is required."))
        return data

    def changes(self) -> list[dict[str, Any]]:
        """The proposed changes, in the API's shape."""
        out: list[dict[str, Any]] = []
        self.error_prefixes = []
        data = self.cleaned_data
        for kpi in self.kpis:
            if data.get(f"{kpi.pk}_retire"):
                out.append({"action": "retire", "kpi": kpi.pk})
                self.error_prefixes.append(f"{kpi.pk}_")
                continue
            item: dict[str, Any] = {"action": "change", "kpi": kpi.pk}
            for f in CHANGEABLE:
                value = data.get(f"{kpi.pk}_{f}")
                if value not in (None, "") and value != getattr(kpi, f):
                    item[f] = value.isoformat() if isinstance(value, datetime.date) else value
            if len(item) > 2:
                out.append(item)
                self.error_prefixes.append(f"{kpi.pk}_")
        if data.get("new_name"):
            new = {"action": "add", "goal": data["new_goal"].pk}
            for f in ("name", "unit", "baseline", "target"):
                new[f] = data[f"new_{f}"]
            new["due_on"] = data["new_due_on"].isoformat()
            new["direction"] = data.get("new_direction") or Direction.HIGHER
            out.append(new)
            self.error_prefixes.append("new_")
        return out

    def add_service_errors(self, error: ValidationError) -> bool:
        """Show the service's errors on the KPI changes on their fields;
        whether there were any."""
        found = False
        if not hasattr(error, "error_dict"):
            return found
        for key, messages in error.message_dict.items():
            if not key.startswith(f"{KEY}."):
                continue
            found = True
            parts = key.split(".")
            field = None
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self.error_prefixes):
                name = self.error_prefixes[int(parts[1])] + parts[2]
                field = name if name in self.fields else None
            self.add_error(field, messages)
        return found


def _field(name: str, *, required: bool, initial: Any = None) -> forms.Field:
    label = LABELS[name]
    if name in ("baseline", "target"):
        return forms.DecimalField(
            label=label, max_digits=18, decimal_places=4, required=required, initial=initial
        )
    if name == "due_on":
        return forms.DateField(
            label=label,
            required=required,
            initial=initial,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    return forms.CharField(
        label=label,
        max_length=120 if name == "name" else 40,
        required=required,
        initial=initial,
    )


def form(*, initiative: Initiative, data: Any = None) -> KpiChangesForm:
    return KpiChangesForm(data, initiative=initiative)
