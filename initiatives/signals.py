"""Signals of initiatives, for the apps above them.

`governance.signals.transition_taken` is sent for every transition of an
initiative or an amendment; this module holds what only initiatives know."""

from django.dispatch import Signal

# Sent inside the transaction that records a proposed amendment; sender is
# Amendment. Arguments: amendment, actor.
amendment_proposed = Signal()
