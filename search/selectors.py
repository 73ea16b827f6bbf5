"""Reads of search: ranked hits among what the user may see, the audit events
an auditor finds, and the initiatives most like a draft."""

import datetime
import functools
import operator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from governance import access
from governance.models import AuditEvent, BusinessUnit
from initiatives.models import Initiative
from search import text
from search.indexing import uses_postgres
from search.models import Document, DuplicateLink
from search.sources import Source, sources

UserLike = User | AnonymousUser

# The kind of audit events: not documents (the log is the core's, append-only,
# and names every object in its events), searched in the log itself and only
# when asked for, so that they do not bury the objects they are about.
AUDIT = "audit"


def kinds_for(*, user: UserLike) -> list[tuple[str, Any]]:
    """The kinds the user may search, as (kind, label) choices."""
    from django.utils.translation import gettext_lazy as _

    found = [(source.kind, source.label) for source in sources]
    if access.is_auditor_or_coe_lead(user):
        found.append((AUDIT, _("Audit events")))
    return found


def _visible_of(source: Source, user: UserLike) -> Q:
    if source.sees_all is not None and source.sees_all(user):
        return Q(kind=source.kind)
    if source.visible_documents is not None:
        return Q(kind=source.kind) & source.visible_documents(user)
    return Q(kind=source.kind, object_id__in=source.visible_ids(user))


def _visible(*, user: UserLike, wanted: list[Source]) -> Q:
    """Documents of objects the user may see, as each kind's list decides: by
    its selector's condition on the documents' own columns where the source
    states it so, else by the ids its list's selector returns."""
    conditions = [_visible_of(source, user) for source in wanted]
    return functools.reduce(operator.or_, conditions, Q(pk__in=[]))


def full_text_query(query: str) -> SearchQuery:
    """The query as people type it (quotes, `or`, `-`), in the three languages."""
    parts = [
        SearchQuery(query, config=language, search_type="websearch") for language in text.LANGUAGES
    ]
    return functools.reduce(operator.or_, parts)


def stems_condition(query: str, *, field: str = "stems") -> Q:
    """Every word of the query, by one of its stems (the fallback without PostgreSQL)."""
    conditions = [
        functools.reduce(operator.or_, [Q(**{f"{field}__contains": f" {stem} "}) for stem in stems])
        for stems in text.query_stems(query)
    ]
    return functools.reduce(operator.and_, conditions, Q())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search(
    *,
    user: UserLike,
    query: str,
    kind: str = "",
    unit: int | None = None,
    state: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Document]:
    """The documents matching the query that the user may see, best first.

    On PostgreSQL: full-text search with stemming in English, German and
    Italian, ranked by SearchRank over the stored vector (title weighs more).
    Elsewhere: every word by one of its stems, newest first."""
    if not text.words(query):
        return Document.objects.none()
    wanted = [source for source in sources if not kind or source.kind == kind]
    documents = Document.objects.filter(_visible(user=user, wanted=wanted))
    if unit:
        documents = documents.filter(unit_id=unit)
    if state:
        documents = documents.filter(state=state)
    if since:
        documents = documents.filter(date__gte=_start_of(since))
    if until:
        documents = documents.filter(date__lt=_start_of(until + datetime.timedelta(days=1)))
    if uses_postgres():
        searched = full_text_query(query)
        return (
            documents.filter(vector=searched)
            .annotate(rank=SearchRank(F("vector"), searched))
            .order_by("-rank", "-date", "-pk")
            .defer("stems", "vector")
        )
    return documents.filter(stems_condition(query)).order_by("-date", "-pk").defer("stems")


def search_audit(
    *,
    user: UserLike,
    query: str,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events naming the query's words (by one of each word's stems) in
    their object, event or comment, newest first; none for whoever may not read
    the audit page."""
    if not access.is_auditor_or_coe_lead(user) or not text.words(query):
        return AuditEvent.objects.none()
    conditions = [
        functools.reduce(
            operator.or_,
            [
                Q(object_repr__icontains=stem)
                | Q(comment__icontains=stem)
                | Q(event__icontains=stem)
                for stem in stems
            ],
        )
        for stems in text.query_stems(query)
    ]
    events = AuditEvent.objects.filter(functools.reduce(operator.and_, conditions))
    if since:
        events = events.filter(at__gte=_start_of(since))
    if until:
        events = events.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    return events.select_related("actor").order_by("-seq")


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: Any
    object_id: int
    title: str
    url: str
    excerpt: SafeString
    state: str
    unit: str
    date: datetime.datetime


def _excerpt(document: Document, query: str) -> SafeString:
    """The body around its first match; the title where the body has none."""
    shown = text.highlight(document.body, query) if document.body else None
    if shown is None or "<mark>" not in shown:
        return text.highlight(document.title, query)
    return shown


def hits(*, documents: list[Document], query: str) -> list[Hit]:
    """The page's documents as shown: link, highlighted excerpt, unit. A query
    per kind for the links where a kind needs one, and one for the units."""
    by_kind: dict[str, list[int]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document.object_id)
    urls: dict[tuple[str, int], str] = {}
    labels: dict[str, Any] = {}
    for source in sources:
        labels[source.kind] = source.label
        if source.kind in by_kind:
            for pk, url in source.urls(by_kind[source.kind]).items():
                urls[source.kind, pk] = url
    unit_ids = {document.unit_id for document in documents if document.unit_id}
    units = dict(BusinessUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    return [
        Hit(
            kind=document.kind,
            kind_label=labels.get(document.kind, document.kind),
            object_id=document.object_id,
            title=document.title,
            url=urls.get((document.kind, document.object_id), ""),
            excerpt=_excerpt(document, query),
            state=document.state,
            unit=units.get(document.unit_id, "") if document.unit_id else "",
            date=document.date,
        )
        for document in documents
    ]


# Duplicates at intake

SIMILAR_LIMIT = 5
# Below this score an initiative is not offered as a possible duplicate.
SIMILAR_THRESHOLD = 0.25
# How many candidates the database proposes for scoring.
CANDIDATES = 50


@dataclass(frozen=True)
class Similar:
    """An existing initiative like the draft: everything the user may see of
    it, or only its title where they may not see the initiative."""

    object_id: int
    title: str
    score: float
    visible: bool
    url: str = ""
    unit: str = ""
    state: str = ""


def _significant(words_: list[str]) -> list[str]:
    return [word for word in words_ if len(word) > 2][: text.MAX_WORDS]


def _stem_set(value: str) -> set[str]:
    found: set[str] = set()
    for word in _significant(text.words(value)):
        found |= text.stems_of(word)
    return found


def _overlap(wanted: set[str], found: set[str]) -> float:
    if not wanted or not found:
        return 0.0
    return len(wanted & found) / len(wanted | found)


def _candidates(*, title: str, summary: str) -> QuerySet[Document]:
    documents = Document.objects.filter(kind="initiative")
    title_words = _significant(text.words(title))
    if uses_postgres():
        from django.contrib.postgres.search import TrigramSimilarity

        condition = Q(title__trigram_similar=title)
        if title_words:
            any_word = " | ".join(title_words)
            searched = functools.reduce(
                operator.or_,
                [SearchQuery(any_word, config=lang, search_type="raw") for lang in text.LANGUAGES],
            )
            condition |= Q(vector=searched)
        return (
            documents.filter(condition)
            .annotate(similarity=TrigramSimilarity("title", title))
            .order_by("-similarity", "-date")
        )
    stems = set().union(*(text.stems_of(word) for word in title_words)) if title_words else set()
    if not stems:
        return documents.none()
    return documents.filter(
        functools.reduce(operator.or_, [Q(stems__contains=f" {stem} ") for stem in stems])
    ).order_by("-date")


def similar_initiatives(
    *, user: UserLike, title: str, summary: str = "", exclude: int | None = None
) -> list[Similar]:
    """The existing initiatives, in any unit, most like a draft's title and
    summary, best first. Those the user may not see come with their title
    alone. Costs a fixed number of queries."""
    if not _significant(text.words(title)):
        return []
    candidates = _candidates(title=title, summary=summary)
    if exclude:
        candidates = candidates.exclude(object_id=exclude)
    rows = list(candidates.values("object_id", "title", "body", "state", "unit_id")[:CANDIDATES])
    title_stems, summary_stems = _stem_set(title), _stem_set(summary)
    scored = []
    for row in rows:
        score = _overlap(title_stems, _stem_set(row["title"]))
        if summary_stems:
            body_stems = _stem_set(f"{row['title']} {row['body']}")
            score = 0.7 * score + 0.3 * _overlap(summary_stems, body_stems)
        if score >= SIMILAR_THRESHOLD:
            scored.append((score, row))
    scored.sort(key=lambda item: (-item[0], -item[1]["object_id"]))
    best = scored[:SIMILAR_LIMIT]
    ids = [row["object_id"] for _score, row in best]
    visible = set(
        Initiative.objects.filter(pk__in=ids)
        .filter(pk__in=sources_visible_initiatives(user))
        .values_list("pk", flat=True)
    )
    unit_ids = {row["unit_id"] for _score, row in best if row["object_id"] in visible}
    units = dict(BusinessUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    found = []
    for score, row in best:
        if row["object_id"] in visible:
            found.append(
                Similar(
                    object_id=row["object_id"],
                    title=row["title"],
                    score=round(score, 2),
                    visible=True,
                    url=reverse("initiatives:detail", args=[row["object_id"]]),
                    unit=units.get(row["unit_id"] or 0, ""),
                    state=row["state"],
                )
            )
        else:
            found.append(
                Similar(object_id=0, title=row["title"], score=round(score, 2), visible=False)
            )
    return found


def sources_visible_initiatives(user: UserLike) -> QuerySet[Any]:
    source = sources.get("initiative")
    assert source is not None
    return source.visible_ids(user)


def duplicate_links(*, initiative: Initiative, user: UserLike) -> dict[str, Any]:
    """What the initiative's page shows: the initiative it duplicates, if any,
    and those linked as duplicates of it, each with whether the user may see
    it (the page names the others by title alone); those merged into it (their
    review goes on here) apart."""
    link = DuplicateLink.objects.filter(duplicate=initiative).select_related("original").first()
    duplicates = list(
        DuplicateLink.objects.filter(original=initiative)
        .select_related("duplicate")
        .order_by("linked_at")
    )
    ids = [item.duplicate_id for item in duplicates] + ([link.original_id] if link else [])
    visible = set(
        Initiative.objects.filter(pk__in=ids)
        .filter(pk__in=sources_visible_initiatives(user))
        .values_list("pk", flat=True)
    )
    return {
        "link": link,
        "link_visible": link is not None and link.original_id in visible,
        "duplicates": [
            (item, item.duplicate_id in visible) for item in duplicates if item.merged_at is None
        ],
        "merged_from": [
            (item, item.duplicate_id in visible) for item in duplicates if item.merged_at
        ],
    }
