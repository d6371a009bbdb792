"""What an IATI activity says beside its commitment, as read from a file:
its budgets (``BudgetLine``) and the other activities it names
(``links``). Kept with the commitment (``db.models.activities``), replaced
whole when a re-import says something different, never counted as committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.core.fiscal import FinancialYear


@dataclass(frozen=True, slots=True)
class BudgetLine:
    status: str  # one of vocabulary.BUDGET_STATUSES
    period_start: date | None
    period_end: date | None
    amount_pence: int  # as given: a negative budget is kept

    @property
    def financial_year(self) -> FinancialYear | None:
        """The financial year the budget's period starts in."""
        return FinancialYear.from_date(self.period_start) if self.period_start else None


@dataclass(frozen=True, slots=True)
class ActivityExtras:
    """An activity's budgets and links, for the commitment ``commitment_ref``."""

    line: int
    commitment_ref: str
    budgets: tuple[BudgetLine, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (relation, other activity's identifier), relation in ACTIVITY_RELATIONS

    @property
    def ref(self) -> str:
        """Its row in an import's preview goes by the commitment's ref."""
        return self.commitment_ref

    def same_as(self, budgets: list[BudgetLine], links: list[tuple[str, str]]) -> bool:
        """Whether stored budgets and links say the same (in any order)."""
        return sorted(self.budgets, key=_budget_key) == sorted(budgets, key=_budget_key) and sorted(
            self.links
        ) == sorted(links)


def _budget_key(line: BudgetLine) -> tuple[str, str, str, int]:
    return (
        line.status,
        line.period_start.isoformat() if line.period_start else "",
        line.period_end.isoformat() if line.period_end else "",
        line.amount_pence,
    )
