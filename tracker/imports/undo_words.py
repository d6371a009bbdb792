"""What an undo of an import says: the records it names, why it is refused, and what it did
(``tracker.imports.undo`` does the undo), in the language in use; a time as its refusals write it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tracker.i18n import N_, _, ngettext
from tracker.imports.saving import plural
from tracker.records.problems import Conflict

SHOWN = 50  # reasons a refusal lists before "and N more"
# A record named in a refusal, by its table: "delivery D8".
NAMED = {
    "announcements": N_("announcement {ref}"),
    "commitments": N_("commitment {ref}"),
    "deliveries": N_("delivery {ref}"),
    "milestones": N_("milestone {ref}"),
}
# A record that is no longer stored, by its table.
GONE = {
    "announcements": N_("announcement #{number} is no longer stored"),
    "commitments": N_("commitment #{number} is no longer stored"),
    "deliveries": N_("delivery #{number} is no longer stored"),
    "milestones": N_("milestone #{number} is no longer stored"),
    "organisations": N_("organisation #{number} is no longer stored"),
}
# An import's kind as an undo names it: the command's word (funding-tracker import KIND), in the language in use.
KIND_WORDS = {
    "commitments": N_("commitments"),
    "deliveries": N_("deliveries"),
    "360giving": N_("360giving"),
    "iati": N_("iati"),
}
# Why a change since refuses the undo: (what was done to it, one record or many).
SINCE = {
    ("delete", False): N_("{what} was deleted since the import, by {actor} at {moment}"),
    ("restore", False): N_("{what} was restored since the import, by {actor} at {moment}"),
    ("change", False): N_("{what} was changed since the import, by {actor} at {moment}"),
    ("delete", True): N_("{what} were deleted since the import, by {actor} at {moment}"),
    ("restore", True): N_("{what} were restored since the import, by {actor} at {moment}"),
    ("change", True): N_("{what} were changed since the import, by {actor} at {moment}"),
}


class UndoRefused(Conflict):
    """Something the import did was changed since (or hangs on it): nothing was undone."""

    def __init__(self, import_id: int, reasons: Sequence[str]):
        self.import_id = import_id
        self.reasons = list(reasons)
        shown = self.reasons[:SHOWN]
        if len(self.reasons) > SHOWN:
            shown.append(f"and {len(self.reasons) - SHOWN:,} more")
        super().__init__(
            f"import {import_id} cannot be undone: nothing was changed, because\n"
            + "\n".join(f"- {reason}" for reason in shown)
        )


@dataclass
class UndoOutcome:
    """What an undo did, counted by the word for each kind of record."""

    import_id: int
    kind: str
    file_name: str
    deleted: Counter[str] = field(default_factory=Counter)
    put_back: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        """``undid import 3 (deliveries, payments.csv): deleted 1 delivery``, in the language in use."""
        parts = []
        if self.deleted:
            parts.append(_("deleted {records}", records=_listing(self.deleted)))
        if self.put_back:
            parts.append(_("put back {records}", records=_listing(self.put_back)))
        if self.kept:
            parts.append(
                _("kept {records} it added (the deleted records still name them)", records=_listing(self.kept))
            )
        said = "; ".join(parts) or _("nothing was left to undo")
        kind = _(KIND_WORDS[self.kind]) if self.kind in KIND_WORDS else self.kind
        return _(
            "undid import {number} ({kind}, {file}): {said}",
            number=self.import_id,
            kind=kind,
            file=self.file_name,
            said=said,
        )


def _listing(counts: Counter[str]) -> str:
    return ", ".join(_counted(word, n) for word, n in counts.items())


def _counted(word: str, n: int) -> str:
    """``2 deliveries``: records of one kind an undo deleted, put back or kept."""
    count = format(n, ",")
    if word == "announcement":
        return ngettext("{count} announcement", "{count} announcements", n, count=count)
    if word == "commitment":
        return ngettext("{count} commitment", "{count} commitments", n, count=count)
    if word == "delivery":
        return ngettext("{count} delivery", "{count} deliveries", n, count=count)
    if word == "milestone":
        return ngettext("{count} milestone", "{count} milestones", n, count=count)
    if word == "organisation":
        return ngettext("{count} organisation", "{count} organisations", n, count=count)
    if word == "budget":
        return ngettext("{count} budget", "{count} budgets", n, count=count)
    if word == "activity link":
        return ngettext("{count} activity link", "{count} activity links", n, count=count)
    return f"{count} {plural(word, n)}"  # (every word an undo counts is above)


def when(moment: datetime) -> str:
    """``2026-12-08 14:03 UTC``: a time as the refusals and lists say it."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
