"""`{{ initiative.budget|money }}`: an amount with its currency, in the reader's
format (governance.money); `|money:2` shows the cents."""

from decimal import Decimal

from django import template

from governance import money as formatting

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None, decimals: int = 0) -> str:
    return formatting.amount(value, decimals=int(decimals))
