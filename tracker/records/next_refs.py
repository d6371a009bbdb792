"""The ref a new record is offered: the next free one in the pattern the data already follows.

Refs are typed by people, so the Record page fills each ref box with a
suggestion they may keep or change: announcements ``A1`` .. ``A12`` give
``A13``, commitments ``C0000001`` .. ``C0100000`` give ``C0100001`` (the
digits padded as the data pads them). The prefix is the one most refs share
(ties: the one numbered furthest, then the first alphabetically); with no
numbered refs at all, the entity's own letter (``A1``, ``C1``, ``D1``, ``M1``).
In the database (``suggested_refs``) "most refs" are the newest thousand, so
a suggestion is worked out in milliseconds whatever the size of the data.

A suggestion never equals a ref already held, deleted ones included: a
deleted record keeps its row and its ref (an admin can restore it), so a
save with that ref would be refused. It is only a suggestion: the save
checks the ref again (``tracker.records.refs.check_new_ref``), since someone
else may take it first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Engine, func, select

from db.models import Announcement, Commitment, Delivery, Milestone
from db.session import read_session
from tracker.core.limits import REF_PATTERN

DEFAULT_PREFIXES = {"announcement": "A", "commitment": "C", "delivery": "D", "milestone": "M"}
_MODELS: dict[str, type[Announcement | Commitment | Delivery | Milestone]] = {
    "announcement": Announcement,
    "commitment": Commitment,
    "delivery": Delivery,
    "milestone": Milestone,
}
_NUMBERED = re.compile(r"(.*?)([0-9]+)")  # a prefix, then the digits the ref ends with
RECENT = 1_000  # the newest refs whose pattern a suggestion follows


def suggest_refs(existing: Iterable[str], default_prefix: str, count: int = 1) -> list[str]:
    """``count`` distinct refs, none of them in ``existing``, each following
    the most common prefix of ``existing`` and numbered on from its highest
    number (``default_prefix`` when no ref ends in digits, or when the common
    prefix would make a ref too long to be one)."""
    taken = set(existing)
    counts: Counter[str] = Counter()
    highest: dict[str, int] = {}
    width: dict[str, int] = {}
    for ref in taken:
        numbered = _NUMBERED.fullmatch(ref)
        if numbered is None:
            continue
        prefix, digits = numbered.groups()
        counts[prefix] += 1
        highest[prefix] = max(highest.get(prefix, 0), int(digits))
        if len(digits) > 1 and digits.startswith("0"):  # padded: keep the width
            width[prefix] = max(width.get(prefix, 0), len(digits))
    prefixes = [min(counts, key=lambda p: (-counts[p], -highest[p], p))] if counts else []
    for prefix in [*prefixes, default_prefix]:
        found = _numbered_on(prefix, highest.get(prefix, 0) + 1, width.get(prefix, 0), taken, count)
        if found is not None:
            return found
    raise ValueError(f"no ref can be made from {default_prefix!r}")


def _numbered_on(prefix: str, number: int, width: int, taken: set[str], count: int) -> list[str] | None:
    """``count`` refs ``prefix`` + a number from ``number`` on, skipping those taken;
    None when they would not be refs (too long, or characters a ref may not hold)."""
    found: list[str] = []
    while len(found) < count:
        candidate = f"{prefix}{number:0{width}d}"
        if REF_PATTERN.fullmatch(candidate) is None:
            return None
        if candidate not in taken:
            found.append(candidate)
        number += 1
    return found


def _prefix(refs: Iterable[str]) -> str | None:
    """The prefix most of ``refs`` that end in digits share (None: none do)."""
    counts = Counter(numbered.group(1) for ref in refs if (numbered := _NUMBERED.fullmatch(ref)))
    return min(counts, key=lambda p: (-counts[p], p)) if counts else None


def suggested_refs(engine: Engine, entity: str, count: int = 1) -> list[str]:
    """``count`` refs for new records of ``entity`` (``announcement``,
    ``commitment``, ``delivery`` or ``milestone``), free among every row
    stored, deleted or not.

    Read in proportion to what is suggested, not to what is stored: the
    pattern is the one of the ``RECENT`` newest refs (the pattern in use
    now), numbered on from the highest refs holding its prefix (the longest,
    then the last in order: the highest numbers). The refs suggested are then
    looked up, and any already held skipped, so a suggestion is never a ref
    already held however the older refs were numbered."""
    model = _MODELS[entity]
    with read_session(engine) as session:
        known = set(session.scalars(select(model.ref).order_by(model.id.desc()).limit(RECENT)))
        prefix = _prefix(known)
        if prefix is not None:
            highest = (
                select(model.ref)
                .where(func.substr(model.ref, 1, len(prefix)) == prefix)
                .order_by(func.length(model.ref).desc(), model.ref.desc())
                .limit(RECENT)
            )
            known.update(session.scalars(highest))
        while True:
            found = suggest_refs(known, DEFAULT_PREFIXES[entity], count)
            held = set(session.scalars(select(model.ref).where(model.ref.in_(found))))
            if not held:
                return found
            known |= held
