"""Today's date, which tests and demos can fix with ``TRACKER_TODAY``.

As-at figures, overdue milestones and "this financial year" all ask here, so
one environment variable moves the whole product to another day.
"""

from __future__ import annotations

import os
from datetime import date

from tracker.core.fiscal import FiscalError, parse_date


def today() -> date:
    fixed = os.environ.get("TRACKER_TODAY")
    if fixed:
        try:
            return parse_date(fixed)
        except FiscalError as err:
            raise SystemExit(f"TRACKER_TODAY {err}") from None
    return date.today()
