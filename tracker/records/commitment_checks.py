"""Rules of the commitments file that need the whole file, not one row:
unique refs, re-announcement and pot targets that exist and never loop,
shares that fit their pots, and rows of one announcement that agree on its
date and funder. ``tracker.records.commitment_rows`` checks each row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.files.tabular import Problem
from tracker.i18n import _

if TYPE_CHECKING:
    from tracker.records.commitment_rows import CommitmentRecord


def check_across_rows(
    records: list[CommitmentRecord],
    problems: list[Problem],
    known_refs: set[str] | frozenset[str] = frozenset(),
    ref_lines: dict[str, int] | None = None,
) -> None:
    """Rules that need the whole file: unique refs, re-announcement targets,
    and rows of one announcement agreeing on its date and funder."""
    first_line: dict[str, int] = dict(ref_lines or {})
    for rec in records:
        if rec.ref in first_line and first_line[rec.ref] != rec.line:
            problems.append(
                Problem(
                    rec.line, "ref", rec.ref, _("duplicate ref: already used on line {line}", line=first_line[rec.ref])
                )
            )
        else:
            first_line.setdefault(rec.ref, rec.line)
    by_ref = {rec.ref: rec for rec in records}
    for rec in records:
        if rec.part_of is not None and rec.part_of not in by_ref and rec.part_of not in known_refs:
            problems.append(
                Problem(
                    rec.line,
                    "part_of",
                    rec.part_of,
                    _("expected the ref of the pot: a commitment in this file or the database"),
                )
            )
    for rec in records:
        if rec.reannounces is None or rec.reannounces == ANNOUNCED_EARLIER:
            continue
        if rec.reannounces not in by_ref and rec.reannounces not in known_refs:
            problems.append(
                Problem(
                    rec.line,
                    "reannounces",
                    rec.reannounces,
                    _("expected the ref of an earlier commitment in this file or the database"),
                )
            )
            continue
        # Follow the chain within the file; a loop would count money nowhere.
        seen = {rec.ref}
        target = by_ref.get(rec.reannounces)
        while target is not None:
            if target.ref in seen:
                problems.append(Problem(rec.line, "reannounces", rec.reannounces, _("re-announcements form a loop")))
                break
            seen.add(target.ref)
            target = by_ref.get(target.reannounces) if target.reannounces else None
    check_shares(records, problems)
    announcements: dict[str, CommitmentRecord] = {}
    for rec in records:
        if rec.announcement_ref is None:
            continue
        first = announcements.setdefault(rec.announcement_ref, rec)
        if first is rec:
            continue
        if rec.announced_on != first.announced_on:
            problems.append(
                Problem(
                    rec.line,
                    "announced_on",
                    rec.announced_on.isoformat() if rec.announced_on else "",
                    _(
                        "announcement {ref} is dated {day} on line {line}",
                        ref=rec.announcement_ref,
                        day=first.announced_on.isoformat(),
                        line=first.line,
                    )
                    if first.announced_on
                    else _("announcement {ref} is undated on line {line}", ref=rec.announcement_ref, line=first.line),
                )
            )
        if rec.funder != first.funder:
            problems.append(
                Problem(
                    rec.line,
                    "funder",
                    rec.funder,
                    _(
                        "announcement {ref} is by {funder} on line {line}",
                        ref=rec.announcement_ref,
                        funder=repr(first.funder),
                        line=first.line,
                    ),
                )
            )


def check_shares(records: list[CommitmentRecord], problems: list[Problem]) -> None:
    """Shares that do not fit their pots, with the figures (pots in this file;
    a pot already recorded is checked with the database's figures when saving)."""
    if not any(rec.part_of for rec in records):
        return
    from tracker.core.projection import columns_from_records, problems_of

    for problem in problems_of(columns_from_records(records)):
        rec = records[problem.row]
        problems.append(Problem(rec.line, problem.field, rec.part_of or rec.ref, problem.expected))
