"""Which drafts look like money already recorded here: likely re-announcements.

A draft is matched against every stored commitment (not deleted) on three
things, all of which must agree:

- **purpose**: the content words of the draft's purpose and of the stored
  commitment's purpose and programme overlap: at least two shared words (one
  when either side has only one), and at least 60% of the smaller side's
  words;
- **recipient**: when both name one, their names share a word (a draft with no
  recipient, or a stored commitment without one, is not held back by it);
- **amount**: the same (a re-announcement), or between half and twice the
  stored amount (a re-announcement at a changed amount: the difference is
  said).

The best match per draft is kept: the closest purpose, then the money as
first recorded (not a later re-announcement of it), then the same amount, then
the latest announced. It is said by the stored programme's name, else its
purpose. It is a suggestion: a person links it
(``reannounces``) or not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import aliased

from db.models import Announcement, Commitment, Organisation
from db.session import read_session
from tracker.core.money import format_pounds, format_short, qualified
from tracker.extract.drafts import Draft
from tracker.extract.words import words
from tracker.i18n import _
from tracker.i18n.dates import long_date

SHARED_AT_LEAST = 0.6


@dataclass(frozen=True)
class Suggestion:
    """A stored commitment a draft likely re-announces."""

    draft: int  # the draft's index
    ref: str
    announcement_ref: str
    announced_on: date | None
    purpose: str  # the stored commitment's programme, else its purpose
    pence: int
    qualifier: str
    difference: int  # the draft's amount less the stored one: 0 for the same amount
    likeness: float

    def said(self) -> str:
        """In the reader's language: "£1m for ... was recorded on 25 October 2019 (C1)"."""
        amount = qualified(format_short(self.pence), self.qualifier)
        if self.announced_on is None:
            base = _("{amount} for {purpose} is recorded as {ref}", amount=amount, purpose=self.purpose, ref=self.ref)
        else:
            base = _(
                "{amount} for {purpose} was recorded on {day} ({ref})",
                amount=amount,
                purpose=self.purpose,
                day=long_date(self.announced_on),
                ref=self.ref,
            )
        if self.difference > 0:
            return _("{recorded}: {change} more now", recorded=base, change=format_pounds(self.difference))
        if self.difference < 0:
            return _("{recorded}: {change} less now", recorded=base, change=format_pounds(-self.difference))
        return base


# Words for kinds of body, not which one: "Cardiff Council" and "Newport Council" are not the same.
_BODIES = words(
    "council councils county borough city association trust board university college group limited ltd service "
    "services authority authorities partnership society foundation company centre department"
)


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in ("of", "the", "and", "for")).upper()


def names_agree(one: str | None, other: str | None) -> bool:
    """Two organisations' names that may be the same body: unknown on either side, a shared word, or one the
    other's initials ("WLGA", "Welsh Local Government Association")."""
    if not one or not other:
        return True
    which_one, which_other = words(one) - _BODIES, words(other) - _BODIES
    if which_one & which_other:
        return True
    acronyms = set(re.findall(r"\b[A-Z]{2,}\b", f"{one} {other}"))
    if acronyms & {_initials(one), _initials(other)}:
        return True
    if not which_one or not which_other:  # "councils" and "Welsh councils": only the kind of body is said
        return bool(words(one) & words(other))
    return False


def _likeness(draft: frozenset[str], stored: frozenset[str]) -> float:
    if not draft or not stored:
        return 0.0
    shared = len(draft & stored)
    if shared < min(2, len(draft), len(stored)):
        return 0.0
    return shared / min(len(draft), len(stored))


def likely_reannouncements(engine: Engine, drafts: Sequence[Draft]) -> dict[int, Suggestion]:
    """For each draft that matches a stored commitment, the best match (keyed by the draft's index)."""
    wanted = {index: words(draft.purpose) for index, draft in enumerate(drafts)}
    wanted = {index: found for index, found in wanted.items() if found}
    if not wanted:
        return {}
    every_word = frozenset().union(*wanted.values())
    recipient = aliased(Organisation)
    query = (
        select(
            Commitment.ref,
            Announcement.ref,
            Announcement.announced_on,
            Commitment.purpose,
            Commitment.programme,
            recipient.name,
            Commitment.amount_pence,
            Commitment.qualifier,
            Commitment.reannounces_id,
        )
        .join(Announcement, Commitment.announcement_id == Announcement.id)
        .outerjoin(recipient, Commitment.recipient_id == recipient.id)
        .where(
            Commitment.deleted_at.is_(None),
            Announcement.deleted_at.is_(None),
            # only amounts a draft could re-announce: half to twice its own (the index keeps this quick)
            or_(*(Commitment.amount_pence.between((drafts[i].pence + 1) // 2, drafts[i].pence * 2) for i in wanted)),
        )
    )
    best: dict[int, tuple[tuple[float, int, int, date], Suggestion]] = {}
    with read_session(engine) as session:
        for (
            ref,
            announcement_ref,
            announced_on,
            purpose,
            programme,
            recipient_name,
            pence,
            qualifier,
            restates,
        ) in session.execute(query).yield_per(5_000):
            stored = words(purpose) | words(programme)
            if not stored & every_word:
                continue
            for index, draft_words in wanted.items():
                draft = drafts[index]
                likeness = _likeness(draft_words, stored)
                if likeness < SHARED_AT_LEAST:
                    continue
                if not names_agree(draft.recipient, recipient_name):
                    continue
                if not (pence // 2 <= draft.pence <= pence * 2):
                    continue
                difference = draft.pence - pence
                # the closest words first; then the money as first recorded (not a later re-announcement of it)
                rank = (likeness, int(restates is None), int(difference == 0), announced_on or date.min)
                if index not in best or rank > best[index][0]:
                    best[index] = (
                        rank,
                        Suggestion(
                            index,
                            ref,
                            announcement_ref,
                            announced_on,
                            programme or purpose,
                            pence,
                            qualifier,
                            difference,
                            likeness,
                        ),
                    )
    return {index: suggestion for index, (_rank, suggestion) in best.items()}
