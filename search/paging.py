"""A page of search results and their total without a COUNT of the matches
again: the total is a window count over the same matches the page is ranked
among.

On PostgreSQL the window runs over narrow rows: the matches are ranked in a
subquery that reads only the ordering's columns (rank, date, id), and the
page's whole rows are then read by their ids. A window over the whole rows
(body, stored vector: about 650 bytes each) kept every match in a tuplestore
that spilled to disk past a few thousand matches, and took longer than the
ranking itself."""

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window

TOTAL = "search_total"


class WindowCountPaginator(Paginator):
    """A Paginator of an ordered queryset that reads a page's rows with the
    number of all rows (COUNT(*) OVER ()); a page past the end falls back to a
    COUNT. Two queries a page on PostgreSQL (the ranked ids with the total,
    then the rows), one elsewhere."""

    object_list: QuerySet[Any]

    def page(self, number: Any) -> Page[Any]:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows, total = self._rows(bottom, self.per_page)
        if rows:
            self.__dict__["count"] = total
            return Page(rows, number, self)
        if number == 1:
            self.__dict__["count"] = 0
            return Page(rows, number, self)
        # Past the last page: the count says where the last page is.
        return super().page(number)

    def _rows(self, bottom: int, size: int) -> tuple[list[Any], int]:
        ordering = self.object_list.query.order_by
        if connections[self.object_list.db].vendor == "postgresql" and all(
            isinstance(field, str) for field in ordering
        ):
            return self._ranked_rows(bottom, size)
        rows = list(
            self.object_list.annotate(**{TOTAL: Window(Count("pk"))})[bottom : bottom + size]
        )
        return rows, getattr(rows[0], TOTAL) if rows else 0

    def _ranked_rows(self, bottom: int, size: int) -> tuple[list[Any], int]:
        """The page's ids and the total (`ranked_page_sql`), then the rows of
        those ids, in that order."""
        queryset = self.object_list
        sql, params = ranked_page_sql(queryset, bottom=bottom, size=size)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if not found:
            return [], 0
        ids = [pk for pk, _total in found]
        by_id = {row.pk: row for row in _rows_of(queryset, ids)}
        return [by_id[pk] for pk in ids if pk in by_id], found[0][1]


def _rows_of(queryset: QuerySet[Any], ids: list[Any]) -> QuerySet[Any]:
    """The rows of these ids with the queryset's fields (its deferred ones
    left out), by primary key alone: the ids were read under its conditions,
    which would only be evaluated again (and a subquery of them with it)."""
    rows = queryset.model._default_manager.filter(pk__in=ids)
    names, deferred = queryset.query.deferred_loading
    if not names:
        return rows
    return rows.defer(*names) if deferred else rows.only(*names)


def ranked_page_sql(
    queryset: QuerySet[Any], *, bottom: int, size: int
) -> tuple[str, tuple[Any, ...]]:
    """PostgreSQL: the ids of a page of the queryset ordered by field names,
    each with the number of all its rows, read from the ordering's columns
    alone. `OFFSET 0`
    keeps PostgreSQL from merging the subquery into the outer query, which
    would carry the whole rows through the window again."""
    ordering = [str(field) for field in queryset.query.order_by]
    names = [field.removeprefix("-") for field in ordering]
    if "pk" not in names:
        names.append("pk")
        ordering.append("pk")
    quote = connections[queryset.db].ops.quote_name
    narrow, params = queryset.order_by().values(*names).query.sql_with_params()
    order = ", ".join(
        f"{quote(field.removeprefix('-'))} {'DESC' if field.startswith('-') else 'ASC'}"
        for field in ordering
    )
    sql = (
        f"SELECT {quote('pk')}, COUNT(*) OVER () FROM ({narrow} OFFSET 0) AS ranked "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return sql, (*params, size, bottom)
