"""Bar charts drawn on the server as inline SVG: no JavaScript, nothing fetched.

Bars are laid out in percentages of the chart's width, so one drawing fits a
phone and a desktop alike and its text keeps its size. The geometry is kept as
plain strings: a template must not localize "62.5" into "62,5"."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from governance import money

ROW_HEIGHT = 46
LABEL_OFFSET = 16
BAR_OFFSET = 24
BAR_HEIGHT = 14
MAX_LABEL = 26


@dataclass(frozen=True)
class Bar:
    label: str
    # The label as drawn: long names are shortened; `label` stays whole for the description.
    short_label: str
    value: Decimal
    shown: str
    width: str
    label_y: str
    bar_y: str
    muted: bool = False


# One bar as drawn. Written here with format_html rather than in a template
# loop: the portfolio draws some 170 bars, and their template lookups cost
# more than every figure on the page.
_BAR = (
    '<g class="chart-row{}">\n'
    '    <text class="chart-label" x="0" y="{}">{}</text>\n'
    '    <text class="chart-value" x="100%" y="{}" text-anchor="end">{}</text>\n'
    '    <rect class="chart-track" x="0" y="{}" width="100%" height="14" rx="3"></rect>\n'
    '    <rect class="chart-bar" x="0" y="{}" width="{}%" height="14" rx="3"></rect>\n'
    "  </g>\n  "
)


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    description: str
    bars: list[Bar]
    height: str

    def bars_html(self) -> SafeString:
        """The bars' SVG groups, every text escaped."""
        return format_html_join(
            "",
            _BAR,
            (
                (
                    " chart-row-muted" if bar.muted else "",
                    bar.label_y,
                    bar.short_label,
                    bar.label_y,
                    bar.shown,
                    bar.bar_y,
                    bar.bar_y,
                    bar.width,
                )
                for bar in self.bars
            ),
        )


def amount(value: Decimal | int | float) -> str:
    """A figure in the reader's format, whole units with grouping."""
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(key: str, title: str, rows: Iterable[tuple[str, Decimal, bool]]) -> BarChart:
    """A horizontal bar chart of (label, budget, muted) rows, scaled to the
    largest budget; each budget is shown with its currency."""
    rows = list(rows)
    largest = max((value for _label, value, _muted in rows), default=Decimal(0))
    bars = []
    for index, (label, value, muted) in enumerate(rows):
        share = float(value / largest * 100) if largest > 0 else 0.0
        top = index * ROW_HEIGHT
        bars.append(
            Bar(
                label=label,
                short_label=_short(label),
                value=value,
                shown=money.amount(value),
                width=f"{share:.2f}",
                label_y=str(top + LABEL_OFFSET),
                bar_y=str(top + BAR_OFFSET),
                muted=muted,
            )
        )
    description = "; ".join(
        _("%(label)s: %(value)s") % {"label": bar.label, "value": bar.shown} for bar in bars
    )
    return BarChart(key, title, description, bars, str(max(len(bars), 1) * ROW_HEIGHT))


def percent(share: Decimal | float | None) -> str:
    """A share (0..1) as a percentage in the reader's format; a dash when there is none."""
    if share is None:
        return "—"
    number = formats.number_format(
        Decimal(str(share)) * 100, decimal_pos=1, use_l10n=True, force_grouping=True
    )
    return _("%(number)s%%") % {"number": number}
