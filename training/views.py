"""The training pages: the courses (each person's required ones first), a
course with its questions and, for the CoE and auditors, its coverage per
unit; the CoE writes courses, the CoE lead publishes and retires them."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from governance.errors import Conflict, UnknownAction
from governance.requests import signed_in_user
from policies.rendering import render_markdown
from training import selectors, services
from training.forms import AttemptForm, CourseForm, questions_as_text
from training.models import Course, CourseState

PAGE_SIZE = 25


def _visible_or_404(request: HttpRequest, pk: int) -> Course:
    course = (
        selectors.visible_courses(user=request.user).select_related("policy").filter(pk=pk).first()
    )
    if course is None:
        raise Http404
    return course


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    courses = selectors.with_my_status(
        courses=selectors.visible_courses(user=user).select_related("policy"), user=user
    ).order_by("title", "pk")
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    due = list(selectors.courses_due(user=user).order_by("title"))
    context = {
        "page": page,
        "due": due,
        "may_author": selectors.may_author(user=user),
    }
    return render(request, "training/course_list.html", context)


def _detail_context(
    request: HttpRequest, course: Course, form: AttemptForm | None
) -> dict[str, Any]:
    user = signed_in_user(request)
    attempts = list(selectors.my_attempts(course=course, user=user)[:5])
    completed = selectors.courses_required(user=user).filter(pk=course.pk).exists() and not (
        selectors.courses_due(user=user).filter(pk=course.pk).exists()
    )
    published = course.state == CourseState.PUBLISHED
    return {
        "course": course,
        "body_html": render_markdown(course.body),
        "form": (form or AttemptForm(course=course)) if published else None,
        "attempts": attempts,
        "completed": completed,
        "coverage": selectors.coverage(course=course) if selectors.sees_all(user=user) else None,
        "may_edit": course.state == CourseState.DRAFT and selectors.may_author(user=user),
        "transitions": [
            name
            for name, allowed in (
                ("publish", course.state in (CourseState.DRAFT, CourseState.PUBLISHED)),
                ("retire", published),
            )
            if allowed and selectors.may_publish(user=user)
        ],
    }


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _visible_or_404(request, pk)
    return render(request, "training/course_detail.html", _detail_context(request, course, None))


@login_required
@require_POST
def course_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the questions: passed or failed is recorded either way."""
    course = _visible_or_404(request, pk)
    form = AttemptForm(request.POST, course=course)
    if not form.is_valid():
        context = _detail_context(request, course, form)
        return render(request, "training/course_detail.html", context, status=400)
    try:
        attempt = services.attempt_submit(
            actor=signed_in_user(request), course=course, answers=form.answers()
        )
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if attempt.passed:
            messages.success(
                request, _("Passed with %(score)s %%. Well done.") % {"score": attempt.score}
            )
        else:
            messages.error(
                request,
                _("Not passed: %(score)s %%, the pass mark is %(mark)s %%. Read again and retry.")
                % {"score": attempt.score, "mark": course.pass_mark},
            )
    return HttpResponseRedirect(reverse("training:detail", args=[course.pk]))


@login_required
@require_POST
def course_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    course = _visible_or_404(request, pk)
    try:
        services.course_transition(actor=signed_in_user(request), course=course, name=name)
    except UnknownAction as error:
        raise Http404 from error
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The course is now %(state)s.")
            % {"state": Course.objects.get(pk=course.pk).get_state_display().lower()},
        )
    return HttpResponseRedirect(reverse("training:detail", args=[course.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_author(user=request.user):
        raise PermissionDenied
    form = CourseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                course = services.course_create(actor=signed_in_user(request), **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The course was created as a draft."))
                return HttpResponseRedirect(reverse("training:detail", args=[course.pk]))
    return render(request, "training/course_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft course (the CoE): 404 for who cannot see it, 403 for who
    may not write courses, 409 once it is published or retired."""
    course = _visible_or_404(request, pk)
    if not selectors.may_author(user=request.user):
        raise PermissionDenied
    if course.state != CourseState.DRAFT:
        messages.error(
            request,
            _("Only a draft course can be edited; this one is %(state)s.")
            % {"state": course.get_state_display().lower()},
        )
        context = _detail_context(request, course, None)
        return render(request, "training/course_detail.html", context, status=409)
    initial = {
        "title": course.title,
        "body": course.body,
        "policy": course.policy,
        "retrain_on_policy_version": course.retrain_on_policy_version,
        "audience": course.audience,
        "business_units": list(course.business_units.all()),
        "pass_mark": course.pass_mark,
        "questions": questions_as_text(selectors.questions_of(course=course)),
    }
    form = CourseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.course_update(
                    actor=signed_in_user(request), course=course, changes=form.cleaned_data
                )
            except Conflict as conflict:
                messages.error(request, str(conflict))
                return HttpResponseRedirect(reverse("training:detail", args=[course.pk]))
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The course was saved."))
                return HttpResponseRedirect(reverse("training:detail", args=[course.pk]))
    context = {"form": form, "course": course}
    return render(request, "training/course_form.html", context, status=status)
