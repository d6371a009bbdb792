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

The pack is written in the language in use when it is asked for: every word
of it goes through ``tracker.i18n`` (the template calls the same ``_`` and
``ngettext``, and its messages are extracted with the code's), dates are
said in that language and the document's ``lang`` follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

import tracker.i18n
from tracker.core.fiscal import UNPHASED_LABEL
from tracker.core.languages import ENGLISH
from tracker.core.money import format_pounds, format_short
from tracker.figures.finance_tables import COMMITTED_NOTE, TOTAL
from tracker.figures.real_terms import Prices
from tracker.figures.table_cells import percent  # one decimal; a share of nothing is a dash
from tracker.i18n import _
from tracker.i18n.dates import long_date, short_date
from tracker.review import as_said, snapshot
from tracker.review import changes as review_changes
from tracker.review.meetings import RAG, Meeting, subject_words
from tracker.review.pack_chart import CHART_ID, chart_html, plotly_js, yearly_figure
from tracker.review.pack_model import (
    CHANGE_TITLES,
    COMMITMENT_TITLES,
    ESTIMATED_NOTE,
    MILESTONE_TITLES,
    STATUS_TITLES,
    UNPHASED_NOTE,
    Pack,
    status_words,
    taken_words,
    yearly_table,
)
from tracker.review.pack_real_terms import year_on_year_table

__all__ = ["CHART_ID", "html_pack", "is_web_address", "plotly_js", "yearly_figure"]

TEMPLATE = "pack.html.j2"
NO_STATUS_COLOUR = "#FFFFFF"
# The document's language as its ``lang`` says it: British English, or Welsh.
DOCUMENT_LANGUAGE = {ENGLISH: "en-GB"}

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
    """``2024-01-31`` -> ``31 Jan 2024`` (``31 Ion 2024``); blank stays blank."""
    if not value:
        return ""
    return short_date(date.fromisoformat(value) if isinstance(value, str) else value)


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
    empty: str = ""


def _columns(titles: dict[str, str], *names: str, numeric: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """The columns ``names`` with their headings (the workbook's, ``tracker.review.pack_model``) in the
    language in use; ``numeric`` ones right-aligned."""
    return tuple(Column(_(titles[name]), name in numeric) for name in names)


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
        (_("Meeting held on"), long_date(m.held_on)),
        (_("Figures as at"), long_date(m.as_at)),
        (_("Snapshot taken"), _("{moment} by {name}", moment=taken_words(m.taken_at), name=m.taken_by)),
        (_("Compared with"), pack.compared_with()),
    ]


def _headline(pack: Pack) -> list[tuple[str, str, str]]:
    h = pack.head
    variance = int(h["variance"])
    split = as_said.money_split(pack.figures)
    cards = [(_("Committed"), pack.committed_headline(), exact_money(h["committed"]))]
    if split is not None:
        if split["new_money"] != int(h["committed"]):
            cards.append(
                (
                    _("New money"),
                    format_short(split["new_money"]),
                    _("{amount}: not announced before", amount=exact_money(split["new_money"])),
                )
            )
        if split["unphased"]:
            cards.append(
                (
                    _("Unphased"),
                    format_short(split["unphased"]),
                    _("{amount}: no year stated", amount=exact_money(split["unphased"])),
                )
            )
        if split["estimated"]:
            cards.append(
                (
                    _("Estimated"),
                    format_short(split["estimated"]),
                    _("{amount}: years by a chosen spread", amount=exact_money(split["estimated"])),
                )
            )
    if h.get("pct_of_due_delivered") is None:
        against = _("{amount}: delivered minus due to date", amount=exact_money(variance))
    else:
        against = _(
            "{amount}: delivered minus due to date; {share} of what was due delivered",
            amount=exact_money(variance),
            share=percent(h.get("pct_of_due_delivered")),
        )
    return [
        *cards,
        (_("Delivered"), format_short(int(h["delivered"])), exact_money(h["delivered"])),
        (_("% delivered"), percent(h.get("pct_delivered")), _("of committed")),
        (_("Due to date"), format_short(int(h["due_to_date"])), exact_money(h["due_to_date"])),
        (_("Variance"), format_short(variance), against),
        (
            _("Outstanding"),
            format_short(int(h["outstanding"])),
            _("{amount} still to deliver", amount=exact_money(h["outstanding"])),
        ),
    ]


def _year_cell(label: str) -> Cell:
    """A financial year as it reads in every language (``2020-21``), or the unphased row, in words."""
    return Cell(_("unphased"), note=_("no year stated")) if label == UNPHASED_LABEL else Cell(label)


def _yearly(figures: dict[str, Any]) -> HtmlTable | None:
    if not figures["yearly"]:
        return None
    table = yearly_table(figures)
    money = list(table.money_columns)
    columns = (Column(table.titles["financial_year"]), *(Column(table.titles[m], True) for m in money))
    rows = tuple(
        _row(_year_cell(r["financial_year"]), *(exact_money(r[m]) for m in money)) for _i, r in table.body.iterrows()
    )
    t = table.total
    assert t is not None  # yearly_table always ends in its Total row
    total = _row(_(TOTAL), *(exact_money(t[m]) for m in money), css="total")
    return HtmlTable(_("Committed and delivered by financial year"), columns, rows, total)


def _commitments(pack: Pack) -> HtmlTable:
    columns = _columns(
        COMMITMENT_TITLES,
        "ref",
        "purpose",
        "recipient",
        "committed",
        "due_to_date",
        "delivered",
        "variance",
        "slippage",
        "progress",
        "how_counted",
        "status",
        numeric=("committed", "due_to_date", "delivered", "variance", "slippage"),
    )
    rows = []
    for r in pack.figures["commitments"]:
        status = pack.current_status(r["ref"])
        qualifier = r.get("qualifier")
        committed = Cell(
            exact_money(r["committed"]), note=f"({qualifier})" if qualifier and qualifier != "exact" else None
        )
        status_note = _("assessed {day}", day=short_day(status["assessed_on"])) if status else None
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
                snapshot.progress_words(r),
                as_said.how_counted(r),
                status_cell(status["status"] if status else None, status_note),
            )
        )
    return HtmlTable(
        _("Committed, due and delivered by commitment"),
        columns,
        tuple(rows),
        empty=_("No commitments as at this date."),
    )


def _milestones(figures: dict[str, Any]) -> tuple[HtmlTable, int]:
    """The milestones, overdue first (the latest first), and how many are overdue."""
    milestones = snapshot.milestones_overdue_first(figures)
    columns = _columns(
        MILESTONE_TITLES,
        "ref",
        "title",
        "commitment_ref",
        "due_on",
        "achieved_on",
        "state",
        "lateness",
        "achieved_note",
    )
    rows = []
    for m in milestones:
        overdue = m["state"] == "overdue"
        words = snapshot.state_words(m["state"])
        state = Cell(words[:1].upper() + words[1:], css="state-overdue" if overdue else None)
        rows.append(
            _row(
                m["ref"],
                m.get("title"),
                m.get("commitment_ref"),
                short_day(m.get("due_on")),
                short_day(m.get("achieved_on")),
                state,
                snapshot.lateness_words(m),
                m.get("achieved_note"),
                css="overdue" if overdue else "",
            )
        )
    table = HtmlTable(
        _("Milestones, overdue first (the latest first)"),
        columns,
        tuple(rows),
        empty=_("No milestones as at this date."),
    )
    return table, sum(1 for m in milestones if m["state"] == "overdue")


def _statuses(pack: Pack) -> HtmlTable:
    columns = _columns(STATUS_TITLES, "subject", "status", "assessed_on", "reviewer", "evidence_url", "note")
    rows = tuple(
        _row(
            subject_words(s["subject"]),
            status_cell(s.get("status")),
            short_day(s.get("assessed_on")),
            s.get("reviewer"),
            link_cell(s.get("evidence_url")),
            s.get("note"),
        )
        for s in pack.meeting.statuses()
    )
    return HtmlTable(
        _("The latest status of each commitment and programme"),
        columns,
        rows,
        empty=_("No progress status had been recorded as at this date."),
    )


def _changes(found: review_changes.Changes) -> HtmlTable:
    table = review_changes.changes_table(found)
    columns = _columns(CHANGE_TITLES, "what", "ref", "detail")
    rows = tuple(_row(r.what, r.ref, r.detail) for r in table.itertuples(index=False))
    return HtmlTable(_("What changed"), columns, rows, empty=_("Nothing changed since the last review."))


# --- the page ---------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("tracker.review", "templates"),
        autoescape=True,  # every {{ value }} is escaped unless marked safe here
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The template says its words with the code's own functions, in the language in use when it is rendered.
    environment.globals.update(_=tracker.i18n._, ngettext=tracker.i18n.ngettext)
    return environment


def _year_on_year(figures: dict[str, Any], prices: Prices | None) -> HtmlTable | None:
    """Year on year in cash and real terms (``tracker.review.pack_real_terms``); None without prices or years."""
    table = year_on_year_table(figures, prices) if prices is not None else None
    if table is None:
        return None
    money = list(table.money_columns)
    columns = (Column(table.titles["label"]), *(Column(table.titles[m], True) for m in money))
    rows = tuple(
        _row(Cell(r["label"]), *("" if pd.isna(r[m]) else exact_money(int(r[m])) for m in money))
        for _i, r in table.frame.iterrows()
    )
    return HtmlTable(table.notes[0], columns, rows)


def html_pack(meeting: Meeting, previous: Meeting | None, source: str, prices: Prices | None = None) -> bytes:
    """The meeting's review pack as ONE self-contained HTML file (UTF-8 bytes); with ``prices`` (real
    terms: ``tracker.review.pack_real_terms.pack_prices``), its years in cash and real terms too."""
    pack = Pack(meeting, previous, source)
    figures = pack.figures
    found = pack.changes
    milestones, overdue = _milestones(figures)
    yearly = _yearly(figures)
    language = tracker.i18n.current()
    document = (
        _environment()
        .get_template(TEMPLATE)
        .render(
            language=DOCUMENT_LANGUAGE.get(language, language),
            content_security_policy=CONTENT_SECURITY_POLICY,
            title=_("Review pack: meeting of {day}", day=long_date(meeting.held_on)),
            subtitle=meeting.title or _("Digital Advisory Group"),
            as_at=long_date(meeting.as_at),
            plotly_js=Markup(plotly_js()) if yearly is not None else None,
            chart=chart_html(figures) if yearly is not None else None,
            facts=_facts(pack),
            fingerprint=snapshot.fingerprint(figures),
            illustrative=pack.illustrative,
            headline=_headline(pack),
            committed_note=_(COMMITTED_NOTE),
            money_notes=[note.text for note in as_said.money_notes(figures)],
            split_notes=(_(UNPHASED_NOTE), _(ESTIMATED_NOTE)) if as_said.has_split(figures) else (),
            unphased_bar=any(as_said.is_unphased(r) for r in figures["yearly"]),
            yearly=yearly,
            year_on_year=_year_on_year(figures, prices),
            commitments=_commitments(pack),
            milestones=milestones,
            overdue=overdue,
            statuses=_statuses(pack),
            previous=previous.label if previous is not None else None,
            first_review=_(review_changes.FIRST_REVIEW),
            movement=review_changes.movement_sentence(found),
            new_money_since=pack.new_money_since(),
            changes=_changes(found),
        )
    )
    return document.encode("utf-8")
