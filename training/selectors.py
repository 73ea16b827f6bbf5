"""Reads of training: which courses a person must take and whether they have,
coverage per unit, and the inbox's "training due" tasks."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext

from governance import access
from governance.models import BusinessUnit, Membership
from governance.registry import UserLike
from initiatives.models import Initiative
from initiatives.preconditions import Unmet
from training.models import Attempt, Audience, Course, CourseState

COURSE = "training.course"
DUE = "training.due"


def may_author(*, user: UserLike) -> bool:
    """The CoE writes courses (the right that drafts policies)."""
    return access.EDIT_POLICIES in access.organization_rights(user)


def may_publish(*, user: UserLike) -> bool:
    """The CoE lead publishes and retires them (the right that publishes policies)."""
    return access.PUBLISH_POLICIES in access.organization_rights(user)


def sees_all(*, user: UserLike) -> bool:
    """The CoE and auditors see drafts, retired courses and coverage."""
    return access.VIEW_ALL_POLICIES in access.organization_rights(user)


def visible_courses(*, user: UserLike) -> QuerySet[Course]:
    """Published courses for everyone signed in; every course for the CoE and auditors."""
    if not user.is_authenticated:
        return Course.objects.none()
    if sees_all(user=user):
        return Course.objects.all()
    return Course.objects.filter(state=CourseState.PUBLISHED)


def current_completions() -> QuerySet[Attempt]:
    """Passed attempts that still count: at the course's version and, where the
    course retrains on a new policy version, at the policy's version."""
    return Attempt.objects.filter(passed=True, course_version=F("course__version")).filter(
        Q(course__retrain_on_policy_version=False)
        | Q(course__policy__isnull=True)
        | Q(policy_version__gte=F("course__policy__version"))
    )


def courses_required(*, user: User, unit_id: int | None = None) -> QuerySet[Course]:
    """The published courses required of the user in their units (in one unit
    if given), by their role there: one query with the memberships as
    subqueries, so that the inbox unites it with the other task sources."""
    memberships = Membership.objects.filter(user_id=user.pk)
    if unit_id is not None:
        memberships = memberships.filter(business_unit_id=unit_id)
    leads = memberships.filter(role=Membership.Role.LEAD)
    units_of = Course.business_units.through.objects.filter(course_id=OuterRef("pk"))
    everywhere = ~Exists(units_of)

    def applies(staff: QuerySet[Membership]) -> Q:
        in_units = Exists(units_of.filter(businessunit_id__in=staff.values("business_unit_id")))
        return Q(everywhere, Exists(staff)) | Q(in_units)

    return Course.objects.filter(state=CourseState.PUBLISHED).filter(
        Q(audience=Audience.STAFF) & applies(memberships)
        | Q(audience=Audience.LEADS) & applies(leads)
    )


def courses_due(*, user: User, unit_id: int | None = None) -> QuerySet[Course]:
    """Required courses the user has no current completion of."""
    done = current_completions().filter(user_id=user.pk).values("course_id")
    return courses_required(user=user, unit_id=unit_id).exclude(pk__in=done)


def with_my_status(*, courses: QuerySet[Course], user: User) -> QuerySet[Course]:
    """Each course with `completed` (a current completion of the user's)."""
    return courses.annotate(
        completed=Exists(current_completions().filter(user_id=user.pk, course_id=OuterRef("pk")))
    )


def my_attempts(*, course: Course, user: User) -> QuerySet[Attempt]:
    return Attempt.objects.filter(course=course, user=user).order_by("-at", "-id")


def questions_of(*, course: Course) -> list[dict[str, Any]]:
    """The course's questions as the services take them: each a `text` and
    `choices`, each choice a `text` and whether it is `correct` (for its
    editors only: the right answers are never shown to those who take it)."""
    return [
        {
            "text": q.text,
            "choices": [{"text": c.text, "correct": c.correct} for c in q.choices.all()],
        }
        for q in course.questions.prefetch_related("choices")
    ]


def is_current(*, attempt: Attempt) -> bool:
    return current_completions().filter(pk=attempt.pk).exists()


def owner_trained(*, initiative: Initiative) -> Unmet | None:
    """An approval requirement: the initiative's owner completed every course
    required of them in the initiative's unit (current completions)."""
    due = list(
        courses_due(user=initiative.owner, unit_id=initiative.business_unit_id)
        .order_by("title")
        .values_list("title", flat=True)
    )
    if not due:
        return None
    return Unmet(
        gettext("%(owner)s has not completed the training: %(courses)s.")
        % {"owner": initiative.owner.get_username(), "courses": ", ".join(due)},
        data={"courses": due},
    )


def coverage(*, course: Course) -> list[dict[str, Any]]:
    """Per business unit the course applies to: which of the staff it is
    required of have a current completion, which an outdated one only, which none."""
    named = list(course.business_units.order_by("name"))
    units = named or list(BusinessUnit.objects.order_by("name"))
    memberships = Membership.objects.filter(business_unit__in=units).select_related("user")
    if course.audience == Audience.LEADS:
        memberships = memberships.filter(role=Membership.Role.LEAD)
    current = set(current_completions().filter(course=course).values_list("user_id", flat=True))
    passed = set(
        Attempt.objects.filter(course=course, passed=True).values_list("user_id", flat=True)
    )
    staff: dict[int, list[User]] = {}
    for membership in memberships.order_by("user__username"):
        staff.setdefault(membership.business_unit_id, []).append(membership.user)
    result = []
    for unit in units:
        row: dict[str, Any] = {
            "business_unit": unit.pk,
            "business_unit_name": unit.name,
            "completed": [],
            "outdated": [],
            "missing": [],
        }
        for user in staff.get(unit.pk, []):
            if user.pk in current:
                row["completed"].append(user.get_username())
            elif user.pk in passed:
                row["outdated"].append(user.get_username())
            else:
                row["missing"].append(user.get_username())
        result.append(row)
    return result


def training_due(*, user: User) -> QuerySet[Any]:
    """The inbox's task source: courses due, waiting since their publication."""
    return (
        courses_due(user=user)
        .order_by()
        .values(
            kind=Value(DUE, output_field=CharField()),
            object_id=Cast(F("pk"), IntegerField()),
            label=Cast(F("title"), CharField()),
            unit_name=Cast(Value(None), CharField()),
            since=Cast(Coalesce(F("updated_at"), F("created_at")), DateTimeField()),
            on_behalf_of=Cast(Value(None), CharField()),
            due_on=Cast(Value(None), DateField()),
            link_model=Value(COURSE, output_field=CharField()),
            link_id=Cast(F("pk"), IntegerField()),
        )
    )


def audit_links(*, user: UserLike, ids: list[str]) -> dict[str, str]:
    from django.urls import reverse

    wanted = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): reverse("training:detail", args=[pk])
        for pk in visible_courses(user=user).filter(pk__in=wanted).values_list("pk", flat=True)
    }
