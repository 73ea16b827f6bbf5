"""A page of search results and their total in one query: the total is a
window count over the same matches the page is ranked among, so a page costs
the ranked query alone, not that query and a COUNT of it again."""

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "search_total"


class WindowCountPaginator(Paginator):
    """A Paginator of a queryset that reads a page's rows with the number of
    all rows (COUNT(*) OVER ()); a page past the end falls back to a COUNT."""

    object_list: QuerySet[Any]

    def page(self, number: Any) -> Page[Any]:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{TOTAL: Window(Count("pk"))})[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL)
            return Page(rows, number, self)
        if number == 1:
            self.__dict__["count"] = 0
            return Page(rows, number, self)
        # Past the last page: the count says where the last page is.
        return super().page(number)
