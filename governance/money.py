"""Amounts of money as the reader expects them: the currency of the
organization (settings.CURRENCY) placed and spelled as the reader's language
does it ("€60,000" in English, "60.000 €" in German and Italian)."""

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from django.conf import settings
from django.utils.translation import get_language, to_locale


@lru_cache(maxsize=32)
def _pattern(locale_name: str, decimals: int) -> tuple[Locale, NumberPattern]:
    locale = Locale.parse(locale_name)
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    pattern.frac_prec = (decimals, decimals)
    return locale, pattern


def amount(value: Decimal | int | float | None, *, decimals: int = 0) -> str:
    """`value` in the organization's currency, in the active language's format,
    with `decimals` digits after the separator; a dash when there is none."""
    if value is None or value == "":
        return "—"
    locale, pattern = _pattern(to_locale(get_language() or settings.LANGUAGE_CODE), decimals)
    return str(
        pattern.apply(
            Decimal(str(value)), locale, currency=settings.CURRENCY, currency_digits=False
        )
    )
