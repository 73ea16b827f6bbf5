"""`{% load discussion %}{% discussion obj %}` on any object's page: its latest
comments with the form to add one and, where the kind takes them, its
attachments with the upload form."""

from django import template
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from discussion import views

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion(context: template.Context, target: Model) -> SafeString:
    request = context["request"]
    return render_to_string(
        "discussion/_discussion.html", views.thread_context(request, target), request=request
    )
