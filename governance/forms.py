"""Forms of the organization's pages."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


class DateInput(forms.DateInput):
    """The browser's date picker; the value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlainSelect(forms.Select):
    """A single-choice select written directly rather than through the form
    renderer's templates, which cost a template render per option: for long
    lists of choices (the audit page's event names and object types).

    `fixed`: the choices never change while the process runs (they come from
    the code, not the database), so each language's escaped options are
    written once and reused: the audit page offers some 200 of them."""

    def __init__(self, *args: Any, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed = fixed
        # Shared by the copies each form makes of its widgets.
        self.written: dict[str, list[tuple[str, str, str]]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> "PlainSelect":
        copied = super().__deepcopy__(memo)
        copied.written = self.written
        return copied

    def use_required_attribute(self, initial: Any) -> bool:
        # Select's answer reads every choice; an optional field needs no answer.
        return self.is_required and super().use_required_attribute(initial)

    def _options(self) -> list[tuple[str, str, str]]:
        """Each choice as its value, and its value and label escaped."""
        if self.fixed and (found := self.written.get(get_language())) is not None:
            return found
        options: list[tuple[str, str, str]] = [
            (str(choice), conditional_escape(choice), conditional_escape(str(label)))
            for choice, label in self.choices
        ]
        if self.fixed:
            self.written[get_language()] = options
        return options

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        # Every part was escaped by _options.
        options = mark_safe(
            "".join(
                f'<option value="{value_html}"{" selected" if choice == chosen else ""}>'
                f"{label_html}</option>"
                for choice, value_html, label_html in self._options()
            )
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)
