"""The demo shows training and the approval requirements of the stage."""

from typing import Any

import pytest
from django.core.management import call_command

from initiatives.models import Initiative
from initiatives.preconditions import approval_checklist
from readiness import selectors as readiness
from training import selectors
from training.demo import CRISIS, DRAFT, SOCIAL
from training.models import Course


@pytest.mark.django_db
def test_demo_has_courses_completions_and_a_checklist_with_something_missing(
    settings: Any,
) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert set(Course.objects.values_list("title", flat=True)) == {SOCIAL, CRISIS, DRAFT}
    # The CoE has a draft to go on editing.
    assert Course.objects.get(title=DRAFT).state == "draft"
    crisis = Course.objects.get(title=CRISIS)
    missing = {u for row in selectors.coverage(course=crisis) for u in row["missing"]}
    assert missing == {"comms_lead"}
    assert readiness.kinds_in_force() == {"owner_trained"}
    checklist = approval_checklist(
        initiative=Initiative.objects.get(title="Crisis response playbook")
    )
    assert [(c.key, c.met) for c in checklist] == [("owner_trained", False)]
