"""What every page's header shows of the inbox: how many tasks wait for the
user and how many notifications they have not read; both counted in one
query, and only when the page shows them."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from inbox import selectors


def inbox(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = SimpleLazyObject(lambda: selectors.header_counts(user=user))
    return {
        "inbox_task_count": SimpleLazyObject(lambda: counts[0]),
        "inbox_unread_count": SimpleLazyObject(lambda: counts[1]),
    }
