"""Training: courses the CoE writes (a text, optional questions with a pass
mark), tied to a policy and to the staff who must take them, and every
attempt at a course version, passed or failed.

A completion is a passed attempt. It is current while the course is at the
version it was taken at and, for a course that asks for retraining on a new
version of its policy, while the policy is at the version it was taken under."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from governance.models import BusinessUnit
from policies.models import Policy


class CourseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Audience(models.TextChoices):
    """Whom, in the course's units, the course is required of."""

    STAFF = "staff", _("All staff of the units")
    LEADS = "leads", _("Unit leads")


class Course(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField("Text (Markdown)")
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.STAFF)
    # None means every business unit.
    business_units = models.ManyToManyField(BusinessUnit, blank=True, related_name="courses")
    # The share of questions to answer right, in percent; 0 with no questions.
    pass_mark = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # A new published version of the policy makes earlier completions outdated.
    retrain_on_policy_version = models.BooleanField(default=False)
    # The number of the last published version; 0 until the first publish.
    version = models.PositiveIntegerField(default=0)
    state = FSMField(
        default=CourseState.DRAFT, choices=CourseState.choices, protected=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[business_units], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    # The state machine. Each method only changes this object's fields.

    @transition(
        field=state, source=[CourseState.DRAFT, CourseState.PUBLISHED], target=CourseState.PUBLISHED
    )
    def publish(self) -> None:
        """Publish (again): a new version, after which earlier completions are outdated."""
        self.version += 1

    @transition(field=state, source=CourseState.PUBLISHED, target=CourseState.RETIRED)
    def retire(self) -> None:
        pass


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "id"]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """One person's attempt at one version of a course, passed or failed."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
    course_version = models.PositiveIntegerField()
    # The version of the course's policy when the attempt was made, if it has one.
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_attempts"
    )
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    # The choice ids given, by question id.
    answers = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "course", "passed"], name="attempt_user_course")]

    def __str__(self) -> str:
        outcome = "passed" if self.passed else "failed"
        return f"{self.user} {outcome} {self.course} v{self.course_version}"
