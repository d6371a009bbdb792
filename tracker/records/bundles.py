"""A commitment with the deliveries that came with it in the same row of an
open-data file (a 360Giving grant's amount disbursed, an IATI activity's
disbursements and expenditure), and for an IATI activity its budgets and
links (``extras``).

A row parser returns a ``Bundle`` where one row holds more than a
commitment; ``tracker.imports.reading`` keeps the commitment with the file's
other commitments and the deliveries beside them, and the import saves the
deliveries once the commitments they belong to are saved, in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.files.tabular import Problem
from tracker.records.activity_rows import ActivityExtras
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord


@dataclass(frozen=True, slots=True)
class Bundle:
    commitment: CommitmentRecord
    deliveries: tuple[DeliveryRecord, ...] = ()
    notes: tuple[Problem, ...] = ()  # said, but no reason to refuse the file
    extras: ActivityExtras | None = None
