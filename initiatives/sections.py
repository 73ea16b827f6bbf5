"""Sections that apps above show on an initiative's page (the registered
social accounts it uses), registered from their AppConfig.ready(). Each
section is a partial template and a function of (request, initiative) giving
its context; the page renders them in order, after the details."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from governance.registry import Registry


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]


detail_sections: Registry[Section] = Registry()


def rendered_sections(request: HttpRequest, initiative: Any) -> list[tuple[str, dict[str, Any]]]:
    """Each section's template and context for the initiative's page."""
    return [(s.template, s.context(request, initiative)) for s in detail_sections]
