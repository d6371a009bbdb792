"""The review pack as ONE self-contained HTML file (``html_pack``).

The page is ``templates/pack.html.j2``, rendered by Jinja2 with autoescape
on: every text that came from a person (titles, notes, purposes, names) is
HTML-escaped where it lands. Only two things go in unescaped, both made in
``tracker.review.pack_chart``: plotly.js, inlined once in the head, and the
chart drawn with it. There is no
CDN, no external CSS, font or image, and a Content-Security-Policy that
forbids fetching anything, so the file reads the same on a train as at a
desk. An evidence address is a link only when it is http(s). Print CSS keeps
table headings on every page and rows whole.

Money stays integer pence until it is formatted: exact (``£1,234,567.89``) in
tables, short (``£1.2m``) in the headline. New money, unphased and estimated
money are shown, and said in words, when the snapshot records them
(``tracker.review.as_said``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from tracker.core.fiscal import UNPHASED_LABEL
from tracker.core.money import format_pounds, format_short
from tracker.figures.finance_tables import COMMITTED_NOTE, TOTAL
from tracker.figures.table_cells import percent  # one decimal; a share of nothing is a dash
from tracker.review import as_said, snapshot
from tracker.review import changes as review_changes
from tracker.review.meetings import RAG, Meeting
from tracker.review.pack_chart import CHART_ID, chart_html, plotly_js, yearly_figure
from tracker.review.pack_model import ESTIMATED_NOTE, UNPHASED_NOTE, Pack, status_words, taken_words, yearly_table

__all__ = ["CHART_ID", "html_pack", "is_web_address", "plotly_js", "yearly_figure"]

TEMPLATE = "pack.html.j2"
NO_STATUS_COLOUR = "#FFFFFF"
FIRST_REVIEW = "This is the first review: there is nothing earlier to compare with."

# Nothing may be fetched: scripts and styles are inline, images only data: URIs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


# --- words for the page ------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def exact_money(pence: int) -> str:
    """Exact pounds for tables: ``£1,234,567.89``, ``-£300,000.00``."""
    return format_pounds(int(pence), always_pence=True)


def short_day(value: str | date | None) -> str:
    """``2024-01-31`` -> ``31 Jan 2024``; blank stays blank."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%b %Y}"


def long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def status_colour(status: str | None) -> str:
    rag = RAG.get(status or "")
    return rag.colour if rag else NO_STATUS_COLOUR


def is_web_address(url: str | None) -> bool:
    """Only an http(s) address becomes a link; anything else (``javascript:``) stays text."""
    return url is not None and url.lower().startswith(("https://", "http://"))


# --- tables as the template draws them ----------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    """One cell's text (escaped by the template), drawn as a status badge
    (``colour``: the words with their colour beside them, never colour alone),
    a link (``href``), a span with a class (``css``) or plain text; ``note``
    goes beneath it."""

    text: str
    note: str | None = None
    colour: str | None = None
    href: str | None = None
    css: str | None = None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    css: str = ""


@dataclass(frozen=True)
class HtmlTable:
    """A table whose first cell in each row is its row heading; ``empty`` is
    said instead when there are no rows."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = ()
    total: Row | None = None
    empty: str = "Nothing to show."


def _row(*cells: Cell | str | None, css: str = "") -> Row:
    return Row(tuple(c if isinstance(c, Cell) else Cell(_text(c)) for c in cells), css)


def status_cell(status: str | None, note: str | None = None) -> Cell:
    return Cell(status_words(status), note=note, colour=status_colour(status))


def link_cell(url: str | None) -> Cell:
    """A web address as a link only when it is http(s); anything else as text."""
    text = _text(url)
    return Cell(text, href=text if is_web_address(url) else None)


# --- sections --------------------------------------------------------------------------------


def _facts(pack: Pack) -> list[tuple[str, str]]:
    m = pack.meeting
    return [
        ("Meeting held on", long_day(m.held_on)),
        ("Figures as at", long_day(m.as_at)),
        ("Snapshot taken", f"{taken_words(m.taken_at)} by {m.taken_by}"),
        ("Compared with", pack.compared_with()),
    ]


def _headline(pack: Pack) -> list[tuple[str, str, str]]:
    h = pack.head
    variance = int(h["variance"])
    split = as_said.money_split(pack.figures)
    cards = [("Committed", pack.committed_headline(), exact_money(h["committed"]))]
    if split is not None:
        if split["new_money"] != int(h["committed"]):
            cards.append(
                (
                    "New money",
                    format_short(split["new_money"]),
                    f"{exact_money(split['new_money'])}: not announced before",
                )
            )
        if split["unphased"]:
            cards.append(
                ("Unphased", format_short(split["unphased"]), f"{exact_money(split['unphased'])}: no year stated")
            )
        if split["estimated"]:
            cards.append(
                (
                    "Estimated",
                    format_short(split["estimated"]),
                    f"{exact_money(split['estimated'])}: years by a chosen spread",
                )
            )
    return [
        *cards,
        ("Delivered", format_short(int(h["delivered"])), exact_money(h["delivered"])),
        ("% delivered", percent(h.get("pct_delivered")), "of committed"),
        ("Due to date", format_short(int(h["due_to_date"])), exact_money(h["due_to_date"])),
        (
            "Variance",
            format_short(variance),
            f"{exact_money(variance)}: delivered minus due to date"
            + (
                f"; {percent(h.get('pct_of_due_delivered'))} of what was due delivered"
                if h.get("pct_of_due_delivered") is not None
                else ""
            ),
        ),
        ("Outstanding", format_short(int(h["outstanding"])), f"{exact_money(h['outstanding'])} still to deliver"),
    ]


def _year_cell(label: str) -> Cell:
    return Cell(label, note="no year stated") if label == UNPHASED_LABEL else Cell(label)


def _yearly(figures: dict[str, Any]) -> HtmlTable | None:
    if not figures["yearly"]:
        return None
    table = yearly_table(figures)
    money = list(table.money_columns)
    columns = (Column(table.titles["financial_year"]), *(Column(table.titles[m], True) for m in money))
    rows = tuple(
        _row(_year_cell(r["financial_year"]), *(exact_money(r[m]) for m in money)) for _, r in table.body.iterrows()
    )
    t = table.total
    assert t is not None  # yearly_table always ends in its Total row
    total = _row(TOTAL, *(exact_money(t[m]) for m in money), css="total")
    return HtmlTable("Committed and delivered by financial year", columns, rows, total)


def _commitments(pack: Pack) -> HtmlTable:
    columns = (
        Column("Ref"),
        Column("Purpose"),
        Column("Recipient"),
        Column("Committed", True),
        Column("Due to date", True),
        Column("Delivered", True),
        Column("Variance", True),
        Column("Behind profile", True),
        Column("Against profile"),
        Column("How counted"),
        Column("Current status"),
    )
    rows = []
    for r in pack.figures["commitments"]:
        status = pack.current_status(r["ref"])
        qualifier = r.get("qualifier")
        committed = Cell(
            exact_money(r["committed"]), note=f"({qualifier})" if qualifier and qualifier != "exact" else None
        )
        status_note = f"assessed {short_day(status['assessed_on'])}" if status else None
        rows.append(
            _row(
                r["ref"],
                r.get("purpose"),
                r.get("recipient"),
                committed,
                exact_money(r["due_to_date"]),
                exact_money(r["delivered"]),
                exact_money(r["variance"]),
                exact_money(r["slippage"]),
                r.get("progress"),
                as_said.how_counted(r),
                status_cell(status["status"] if status else None, status_note),
            )
        )
    return HtmlTable(
        "Committed, due and delivered by commitment", columns, tuple(rows), empty="No commitments as at this date."
    )


def _milestones(figures: dict[str, Any]) -> tuple[HtmlTable, int]:
    """The milestones, overdue first (the latest first), and how many are overdue."""
    milestones = snapshot.milestones_overdue_first(figures)
    columns = (
        Column("Ref"),
        Column("Milestone"),
        Column("Commitment"),
        Column("Due on"),
        Column("Achieved on"),
        Column("State"),
        Column("How late"),
        Column("Note"),
    )
    rows = []
    for m in milestones:
        overdue = m["state"] == "overdue"
        state = Cell("Overdue", css="state-overdue") if overdue else Cell(m["state"].capitalize())
        rows.append(
            _row(
                m["ref"],
                m.get("title"),
                m.get("commitment_ref"),
                short_day(m.get("due_on")),
                short_day(m.get("achieved_on")),
                state,
                m.get("lateness"),
                m.get("achieved_note"),
                css="overdue" if overdue else "",
            )
        )
    table = HtmlTable(
        "Milestones, overdue first (the latest first)", columns, tuple(rows), empty="No milestones as at this date."
    )
    return table, sum(1 for m in milestones if m["state"] == "overdue")


def _statuses(pack: Pack) -> HtmlTable:
    columns = (
        Column("Subject"),
        Column("Status"),
        Column("Assessed on"),
        Column("Reviewer"),
        Column("Evidence"),
        Column("Note"),
    )
    rows = tuple(
        _row(
            s["subject"],
            status_cell(s.get("status")),
            short_day(s.get("assessed_on")),
            s.get("reviewer"),
            link_cell(s.get("evidence_url")),
            s.get("note"),
        )
        for s in pack.meeting.statuses()
    )
    return HtmlTable(
        "The latest status of each commitment and programme",
        columns,
        rows,
        empty="No progress status had been recorded as at this date.",
    )


def _changes(found: review_changes.Changes) -> HtmlTable:
    table = review_changes.changes_table(found)
    columns = (Column("What changed"), Column("Ref"), Column("Detail"))
    rows = tuple(_row(r.what, r.ref, r.detail) for r in table.itertuples(index=False))
    return HtmlTable("What changed", columns, rows, empty="Nothing changed since the last review.")


# --- the page ---------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tracker.review", "templates"),
        autoescape=True,  # every {{ value }} is escaped unless marked safe here
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def html_pack(meeting: Meeting, previous: Meeting | None, source: str) -> bytes:
    """The meeting's review pack as ONE self-contained HTML file (UTF-8 bytes)."""
    pack = Pack(meeting, previous, source)
    figures = pack.figures
    found = pack.changes
    milestones, overdue = _milestones(figures)
    yearly = _yearly(figures)
    document = (
        _environment()
        .get_template(TEMPLATE)
        .render(
            content_security_policy=CONTENT_SECURITY_POLICY,
            title=f"Review pack: meeting of {long_day(meeting.held_on)}",
            subtitle=meeting.title or "Digital Advisory Group",
            as_at=long_day(meeting.as_at),
            plotly_js=Markup(plotly_js()) if yearly is not None else None,
            chart=chart_html(figures) if yearly is not None else None,
            facts=_facts(pack),
            fingerprint=snapshot.fingerprint(figures),
            illustrative=pack.illustrative,
            headline=_headline(pack),
            committed_note=COMMITTED_NOTE,
            money_notes=[note.text for note in as_said.money_notes(figures)],
            split_notes=(UNPHASED_NOTE, ESTIMATED_NOTE) if as_said.has_split(figures) else (),
            unphased_bar=any(as_said.is_unphased(r) for r in figures["yearly"]),
            yearly=yearly,
            commitments=_commitments(pack),
            milestones=milestones,
            overdue=overdue,
            statuses=_statuses(pack),
            previous=previous.label if previous is not None else None,
            first_review=FIRST_REVIEW,
            movement=review_changes.movement_sentence(found),
            changes=_changes(found),
        )
    )
    return document.encode("utf-8")
