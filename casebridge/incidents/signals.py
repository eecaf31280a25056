"""What other apps hear about incidents, so incidents need not know them (violence proposes a
SIRM for an incident that meets its rule)."""

from django.dispatch import Signal

# Sent with ``incidents`` (a list) inside the transaction that records them: a receiver's writes
# stand or fall with the incidents.
incidents_recorded = Signal()
