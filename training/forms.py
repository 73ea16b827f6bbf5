"""Forms of the training pages."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit
from policies.models import Policy
from training.models import Audience, Course


def parse_questions(text: str) -> list[dict[str, Any]]:
    """Questions written one block each: a line starting with "?" asks, lines
    starting with "*" (correct) or "-" (wrong) are its choices."""
    questions: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        marker, rest = line[0], line[1:].strip()
        if marker == "?":
            questions.append({"text": rest, "choices": []})
        elif marker in "*-" and questions:
            questions[-1]["choices"].append({"text": rest, "correct": marker == "*"})
        else:
            raise ValidationError(
                _('Line %(n)s: start with "?" for a question, "*" or "-" for a choice.'),
                params={"n": number},
            )
    return questions


def questions_as_text(questions: list[dict[str, Any]]) -> str:
    """The questions written as parse_questions reads them, to edit them again."""
    lines = []
    for question in questions:
        lines.append(f"? {question['text']}")
        lines.extend(f"{'*' if c['correct'] else '-'} {c['text']}" for c in question["choices"])
    return "\n".join(lines)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 10}))
    policy = forms.ModelChoiceField(
        label=_("Policy"),
        queryset=Policy.objects.order_by("title"),
        required=False,
        help_text=_("The policy the course teaches, if any."),
    )
    retrain_on_policy_version = forms.BooleanField(
        label=_("A new version of the policy requires retraining"), required=False
    )
    audience = forms.ChoiceField(label=_("Required of"), choices=Audience.choices)
    business_units = forms.ModelMultipleChoiceField(
        label=_("Business units"),
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every unit."),
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (percent of answers right)"), min_value=0, max_value=100, initial=80
    )
    questions = forms.CharField(
        label=_("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            'One line "? question" per question, then one line per choice: '
            '"* " for a right answer, "- " for a wrong one.'
        ),
    )

    def clean_questions(self) -> list[dict[str, Any]]:
        return parse_questions(self.cleaned_data.get("questions") or "")


class AttemptForm(forms.Form):
    """One radio group per question of the course."""

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in course.questions.prefetch_related("choices"):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(c.pk, c.text) for c in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}
