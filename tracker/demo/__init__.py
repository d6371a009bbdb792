"""The demo dataset: real Welsh local-government digital funding announcements.

Curated from a list of published Welsh local-government digital funding
announcements into the project's own formats (each row keeps its source):

- ``announcements.csv``: six dated announcements with their sources and the
  words quoted; one (September 2025) carries no money.
- ``commitments.csv``: the money. The 2019 "over £1m" is a floor; the June
  2020 £1m fund re-announces it, so it is counted once. Expected committed
  totals: 2020-21 £1,500,000; 2021-22 £5,400,000; 2022-23 £6,400,000.
- ``milestones.csv``: the Chief Digital Officer in post (due 2020-04-01,
  achieved late November 2020) and the interim CDO in 2025.
- ``deliveries.csv``: ILLUSTRATIVE payments. No payment or outturn figures
  were published; every row is marked ``illustrative=yes`` and the dashboard
  says so wherever delivery figures appear.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.records.permissions import Actor

DEMO_FOLDER = Path(__file__).resolve().parent


def load_demo(engine=None, *, actor: Actor):
    """Load the demo into ``engine`` (None: the configured database) as
    ``actor``; running it again changes nothing. See tracker.demo.loader."""
    from tracker.demo.loader import load_dataset

    return load_dataset(DEMO_FOLDER, engine=engine, actor=actor)
