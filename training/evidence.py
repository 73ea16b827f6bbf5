"""Maturity evidence from training: the staff have completed the courses
required of them. The check is registered with the maturity assessment; the
criterion (Strategic stage) is installed by training's data migration 0002,
and `install_criterion()` puts it back where the table was emptied (a flushed
test database)."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext, gettext_noop

from governance.models import Membership
from maturity.models import MaturityCriterion
from maturity.selectors import Evidence, Facts, Scope, evidence
from training.models import Audience, Course, CourseState
from training.selectors import current_completions

KEY = "staff_trained"
STAGE = 5
# The criterion's wording, as installed, for translation (pages read it through gettext).
TITLE = gettext_noop("Staff trained")
DESCRIPTION = gettext_noop(
    "Every member of the unit's staff has completed the courses required of them, "
    "and at least one course is published."
)
FIX_URL = "/training/"


def install_criterion() -> MaturityCriterion:
    """Add the criterion to the assessment, once (as migration 0002 does)."""
    criterion, _created = MaturityCriterion.objects.get_or_create(
        key=KEY,
        defaults={
            "stage": STAGE,
            "kind": MaturityCriterion.Kind.EVIDENCE,
            "title": TITLE,
            "description": DESCRIPTION,
            "fix_url": FIX_URL,
        },
    )
    return criterion


class _Training:
    """What the evidence reads, for every unit at once, in three queries."""

    def __init__(self) -> None:
        self.courses: list[tuple[int, str, set[int]]] = []
        for course in Course.objects.filter(state=CourseState.PUBLISHED).prefetch_related(
            "business_units"
        ):
            units = {u.pk for u in course.business_units.all()}
            self.courses.append((course.pk, course.audience, units))
        self.done: dict[int, set[int]] = defaultdict(set)
        for user_id, course_id in current_completions().values_list("user_id", "course_id"):
            self.done[user_id].add(course_id)
        self.staff: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for unit_id, user_id, role in Membership.objects.values_list(
            "business_unit_id", "user_id", "role"
        ):
            self.staff[unit_id].append((user_id, role))

    def required(self, unit_id: int, role: str) -> set[int]:
        return {
            pk
            for pk, audience, units in self.courses
            if (not units or unit_id in units)
            and (audience == Audience.STAFF or role == Membership.Role.LEAD)
        }


def _known(facts: Facts) -> _Training:
    found: Any = getattr(facts, "_training", None)
    if found is None:
        found = _Training()
        facts._training = found  # type: ignore[attr-defined]
    return found


@evidence(key=KEY)
def staff_trained(scope: Scope) -> Evidence:
    known = _known(scope.known)
    if not known.courses:
        return Evidence(False, gettext("No course is published."))
    total = trained = 0
    for unit_id in scope.unit_ids:
        for user_id, role in known.staff.get(unit_id, []):
            total += 1
            trained += known.required(unit_id, role) <= known.done[user_id]
    if total == 0:
        return Evidence(False, gettext("No staff in scope."))
    return Evidence(
        trained == total,
        gettext("%(trained)d of %(total)d staff completed every course required of them.")
        % {"trained": trained, "total": total},
    )
