"""Words, stems and highlighted excerpts, the same on every database.

PostgreSQL stems with its own dictionaries ('english', 'german', 'italian');
elsewhere the Snowball stemmers of the same three languages stand in, so that
"approvals" finds "approve" on SQLite too."""

import functools
import html
import re
from functools import cache

import snowballstemmer
from django.utils.safestring import SafeString, mark_safe

LANGUAGES = ("english", "german", "italian")
WORD = re.compile(r"\w+", re.UNICODE)
# What a query may hold: no more words than this are searched.
MAX_WORDS = 12


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text)]


@functools.lru_cache(maxsize=50_000)
def _stems(word: str) -> frozenset[str]:
    return frozenset(_stemmer(language).stemWord(word) for language in LANGUAGES)


def stems_of(word: str) -> set[str]:
    """The word's stems in the three languages (one to three of them). The
    stemmers are plain Python: a page's words repeat, so their stems are kept."""
    return set(_stems(word))


def stems_text(*texts: str) -> str:
    """Every stem of every word, each between spaces, for `contains` lookups."""
    found: set[str] = set()
    for text in texts:
        for word in words(text):
            found |= stems_of(word)
    return " " + " ".join(sorted(found)) + " " if found else ""


def query_stems(query: str) -> list[set[str]]:
    """For each word of the query (at most MAX_WORDS), its stems: a document
    matches when it holds one stem of every word."""
    return [stems_of(word) for word in words(query)[:MAX_WORDS]]


def highlight(text: str, query: str, *, width: int = 30) -> SafeString:
    """An escaped excerpt of the text around its first word that matches the
    query, each matching word in <mark>; the beginning of the text when none
    matches. Words match by their stems, as the search does."""
    wanted = set().union(*query_stems(query)) if query.strip() else set()
    tokens = re.split(r"(\w+)", text)

    def matches(i: int) -> bool:
        return i % 2 == 1 and not _stems(tokens[i].lower()).isdisjoint(wanted)

    # Only the words up to the first match and those shown are stemmed.
    first = next((i for i in range(1, len(tokens), 2) if matches(i)), None)
    # Tokens alternate separators and words: `width` words either side.
    start = max(0, (first or 1) - 2 * (width // 3))
    end = (first or 1) + 2 * width
    parts = []
    for i in range(start, min(end, len(tokens))):
        escaped = html.escape(tokens[i])
        parts.append(f"<mark>{escaped}</mark>" if first is not None and matches(i) else escaped)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return mark_safe(prefix + "".join(parts).strip() + suffix)
