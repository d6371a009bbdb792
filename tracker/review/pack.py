"""The review pack: one meeting's frozen figures as files a reviewer can read
on paper or offline.

* ``html_pack(meeting, previous, source)``: ONE self-contained HTML file.
  plotly.js is inlined once in the head; there is no CDN, no external CSS,
  font or image, and a Content-Security-Policy that forbids fetching
  anything, so the file reads the same on a train as at a desk. Every text
  that came from a person (titles, notes, purposes, names) is HTML-escaped.
  Print CSS keeps table headings on every page and rows whole.
* ``xlsx_pack(meeting, previous, source)``: the same tables as a workbook
  (``tracker.formats.exports.to_xlsx_bytes``: money as numbers in £ format,
  bold frozen headings, text neutralised for Excel) with an About sheet.
* ``write_pack(engine, held_on, out_dir)``: writes
  ``review-pack-YYYY-MM-DD.html`` and ``.xlsx``, opening the meeting first
  (figures as at its own date) when none was held on that date.

Everything here reads the meeting's snapshot (``tracker.review``), never the
live data, so a pack written today for last year's meeting shows what that
meeting saw. Money stays integer pence until it is formatted: exact
(``£1,234,567.89``) in tables, short (``£1.2m``) in the headline.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tracker.review import meetings as review
from tracker.figures.chart_style import OKABE_ITO, pound_axis_ticks
from tracker.figures.delivery import qualified
from tracker.files.exports import to_xlsx_bytes
from tracker.core.money import format_pounds, format_short
from tracker.review.meetings import RAG, Meeting, status_label
from tracker.figures.finance_tables import COMMITTED_NOTE, ILLUSTRATIVE_NOTE, TOTAL, Table

NO_STATUS_COLOUR = "#FFFFFF"
FIRST_REVIEW = "This is the first review: there is nothing earlier to compare with."
CHART_ID = "chart-committed-delivered"

# Nothing may be fetched: scripts and styles are inline, images only data: URIs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


# --- small formatting helpers ------------------------------------------------------------


def _e(value: object) -> str:
    """Text for HTML: escaped, quotes too (it may land in an attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def _money(pence: int) -> str:
    """Exact pounds for tables: ``£1,234,567.89``, ``-£300,000.00``."""
    return format_pounds(int(pence), always_pence=True)


def _pct(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.1%}"


def _day(value: str | date | None) -> str:
    """``2024-01-31`` -> ``31 Jan 2024``; blank stays blank."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%b %Y}"


def _long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _taken(moment: datetime) -> str:
    """When a snapshot was taken, in UTC, said so."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def _iso_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _status_colour(status: str | None) -> str:
    rag = RAG.get(status or "")
    return rag.colour if rag else NO_STATUS_COLOUR


def _status_words(status: str | None) -> str:
    """``At risk (amber)``; an unknown word is shown as it is, never dropped."""
    if status and status not in RAG:
        return status
    return status_label(status)


# --- what the pack says, shared by HTML and XLSX ----------------------------------------


@dataclass(frozen=True)
class _Pack:
    meeting: Meeting
    previous: Meeting | None
    source: str

    @property
    def figures(self) -> dict[str, Any]:
        return self.meeting.figures

    @property
    def head(self) -> dict[str, Any]:
        return self.figures["headline"]

    @property
    def illustrative(self) -> str | None:
        count = int(self.head.get("illustrative_deliveries") or 0)
        if count <= 0:
            return None
        total = len(self.figures.get("deliveries", []))
        return f"{ILLUSTRATIVE_NOTE} ({count} of {total} deliveries in these figures are illustrative.)"

    @property
    def changes(self) -> review.Changes:
        return review.changes(self.previous.figures if self.previous else None, self.figures)

    def current_status(self, ref: str) -> dict[str, Any] | None:
        for row in self.meeting.statuses():
            if row.get("commitment_ref") == ref:
                return row
        return None

    def committed_headline(self) -> str:
        return qualified(format_short(int(self.head["committed"])), self.head.get("qualifier") or "exact")

    def compared_with(self) -> str:
        if self.previous is None:
            return "nothing: this is the first review"
        return f"the meeting of {self.previous.label}"

    def about(self) -> dict[str, str]:
        m = self.meeting
        about = {
            "Review pack": "Digital Advisory Group review pack",
            "Meeting held on": m.held_on.isoformat(),
            "Meeting title": m.title or "(none)",
            "Figures as at": m.as_at.isoformat(),
            "Snapshot taken at": _taken(m.taken_at),
            "Snapshot taken by": m.taken_by,
            "Compared with": self.compared_with(),
            "Source": self.source,
            "Snapshot fingerprint (SHA-256)": review.fingerprint(self.figures),
            "Money": "Pounds sterling, exact to the penny. " + COMMITTED_NOTE,
            "Variance": "By year: delivered minus committed. By commitment and in the headline: "
                        "delivered minus what was due to date. Negative means behind.",
            "Financial years": "UK financial years, 1 April to 31 March (2020-21 is 1 April 2020 to 31 March 2021).",
        }
        if self.illustrative:
            about["Illustrative"] = self.illustrative
        return about


# --- tables (machine columns, int64 pence), shared by both formats -----------------------


def _int64(values: Iterable[int]) -> np.ndarray:
    return np.asarray([int(v) for v in values], dtype=np.int64)


def _objects(values: Iterable[Any]) -> pd.Series:
    return pd.Series(list(values), dtype=object)


YEARLY_TITLES = {"financial_year": "Financial year", "committed": "Committed", "delivered": "Delivered",
                 "variance": "Variance"}


def yearly_table(figures: dict[str, Any]) -> Table:
    """Committed and delivered by financial year, as ``funding-tracker totals``
    gives them for the as-at date, with a Total row."""
    rows = figures["yearly"]
    frame = pd.DataFrame({
        "financial_year": _objects(r["financial_year"] for r in rows),
        **{m: _int64(r[m] for r in rows) for m in ("committed", "delivered", "variance")},
    }, columns=list(YEARLY_TITLES))
    total = {"financial_year": TOTAL, **{m: int(frame[m].sum()) for m in ("committed", "delivered", "variance")}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.astype({m: "int64" for m in ("committed", "delivered", "variance")})
    return Table(name="review-yearly", title="Committed and delivered", frame=frame, titles=YEARLY_TITLES,
                 money_columns=("committed", "delivered", "variance"), total_row=True,
                 notes=(COMMITTED_NOTE, "Variance is delivered minus committed: negative means behind."))


COMMITMENT_TITLES = {
    "ref": "Ref", "purpose": "Purpose", "recipient": "Recipient", "programme": "Programme",
    "qualifier": "Qualifier", "committed": "Committed", "due_to_date": "Due to date", "delivered": "Delivered",
    "variance": "Variance", "outstanding": "Outstanding", "slippage": "Slippage", "progress": "Against profile",
    "status": "Current status", "status_assessed_on": "Status assessed on",
}
_COMMITMENT_MONEY = ("committed", "due_to_date", "delivered", "variance", "outstanding", "slippage")


def commitments_table(pack: _Pack) -> Table:
    rows = pack.figures["commitments"]
    statuses = [pack.current_status(r["ref"]) for r in rows]
    frame = pd.DataFrame({
        "ref": _objects(r["ref"] for r in rows),
        "purpose": _objects(r.get("purpose") or "" for r in rows),
        "recipient": _objects(r.get("recipient") or "" for r in rows),
        "programme": _objects(r.get("programme") or "" for r in rows),
        "qualifier": _objects(r.get("qualifier") or "" for r in rows),
        **{m: _int64(r[m] for r in rows) for m in _COMMITMENT_MONEY},
        "progress": _objects(r.get("progress") or "" for r in rows),
        "status": _objects(_status_words(s["status"] if s else None) for s in statuses),
        "status_assessed_on": _objects(_iso_date(s["assessed_on"]) if s else None for s in statuses),
    }, columns=list(COMMITMENT_TITLES))
    return Table(name="review-commitments", title="By commitment", frame=frame, titles=COMMITMENT_TITLES,
                 money_columns=_COMMITMENT_MONEY,
                 notes=("Variance is delivered minus what was due to date; slippage is what is behind, never "
                        "below zero.",))


MILESTONE_TITLES = {
    "ref": "Ref", "title": "Milestone", "commitment_ref": "Commitment", "due_on": "Due on",
    "achieved_on": "Achieved on", "state": "State", "days_late": "Days late", "lateness": "How late",
    "achieved_note": "Note",
}


def milestones_table(figures: dict[str, Any]) -> Table:
    rows = review.milestones_overdue_first(figures)
    frame = pd.DataFrame({
        "ref": _objects(r["ref"] for r in rows),
        "title": _objects(r.get("title") or "" for r in rows),
        "commitment_ref": _objects(r.get("commitment_ref") or "" for r in rows),
        "due_on": _objects(_iso_date(r.get("due_on")) for r in rows),
        "achieved_on": _objects(_iso_date(r.get("achieved_on")) for r in rows),
        "state": _objects(r.get("state") or "" for r in rows),
        "days_late": _int64(r.get("days_late") or 0 for r in rows),
        "lateness": _objects(r.get("lateness") or "" for r in rows),
        "achieved_note": _objects(r.get("achieved_note") or "" for r in rows),
    }, columns=list(MILESTONE_TITLES))
    return Table(name="review-milestones", title="Milestones", frame=frame, titles=MILESTONE_TITLES,
                 notes=("Overdue first (the latest first), then due, achieved late, achieved and undated.",))


STATUS_TITLES = {
    "subject": "Subject", "status": "Status", "assessed_on": "Assessed on", "reviewer": "Reviewer",
    "evidence_url": "Evidence", "note": "Note",
}


def statuses_table(rows: list[dict[str, Any]]) -> Table:
    frame = pd.DataFrame({
        "subject": _objects(r["subject"] for r in rows),
        "status": _objects(_status_words(r.get("status")) for r in rows),
        "assessed_on": _objects(_iso_date(r.get("assessed_on")) for r in rows),
        "reviewer": _objects(r.get("reviewer") or "" for r in rows),
        "evidence_url": _objects(r.get("evidence_url") or "" for r in rows),
        "note": _objects(r.get("note") or "" for r in rows),
    }, columns=list(STATUS_TITLES))
    return Table(name="review-statuses", title="Statuses", frame=frame, titles=STATUS_TITLES,
                 notes=("The latest status of each commitment or programme assessed on or before the as-at date, "
                        "then any given at the meeting itself.",))


CHANGE_TITLES = {"what": "What changed", "ref": "Ref", "detail": "Detail"}


def changes_table(found: review.Changes) -> Table:
    table = review.changes_table(found)
    frame = pd.DataFrame({c: _objects("" if v is None else str(v) for v in table[c]) for c in review.CHANGE_COLUMNS},
                         columns=list(CHANGE_TITLES))
    return Table(name="review-changes", title="Changes since last review", frame=frame, titles=CHANGE_TITLES,
                 notes=(review.movement_sentence(found),))


# --- HTML --------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1b1b1b; --muted: #505050; --rule: #b1b4b6; --head: #f3f2f1; --warn: #fff4d6; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       margin: 2rem auto; max-width: 75rem; padding: 0 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; }
.subtitle { font-size: 1.1rem; color: var(--muted); margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 1rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.warning { border: 3px solid #E69F00; background: var(--warn); padding: .7rem 1rem; margin: 1rem 0;
           font-weight: 600; }
.warning::before { content: "\\26A0\\FE0E  "; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .8rem;
            margin: 1rem 0; }
.card { border: 1px solid var(--rule); border-left: 6px solid #0072B2; padding: .6rem .8rem; }
.card .label { font-size: .9rem; color: var(--muted); }
.card .value { font-size: 1.55rem; font-weight: 700; }
.card .exact { font-size: .85rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
tr.overdue { background: #fde8dc; }
.state-overdue { font-weight: 700; }
.status { display: inline-flex; align-items: center; gap: .4rem; white-space: nowrap; }
.swatch { display: inline-block; width: .95rem; height: .95rem; border: 1px solid #000; border-radius: 50%; }
.note, .notes { color: var(--muted); font-size: .88rem; }
figure { margin: 0; }
.chart { width: 100%; height: 440px; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--rule); }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4 landscape; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, .card, figure, .warning { break-inside: avoid; page-break-inside: avoid; }
  .chart { height: 380px; }
  a { color: inherit; text-decoration: none; }  /* every link's text is its address, so paper loses nothing */
  .modebar-container { display: none !important; }
}
"""


@dataclass(frozen=True)
class _Column:
    title: str
    numeric: bool = False


def _html_table(caption: str, columns: Sequence[_Column], rows: Sequence[Sequence[str]], *,
                total: Sequence[str] | None = None, row_classes: Sequence[str] | None = None,
                empty: str = "Nothing to show.") -> str:
    """A table of cells that are ALREADY HTML (escaped by the caller). The
    first cell of each row is its row heading."""
    if not rows and total is None:
        return f'<p class="note">{_e(empty)}</p>'
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if c.numeric else ""}>{_e(c.title)}</th>' for c in columns)

    def line(cells: Sequence[str], css: str = "") -> str:
        out = []
        for i, (cell, column) in enumerate(zip(cells, columns)):
            num = ' class="num"' if column.numeric else ""
            out.append(f'<th scope="row"{num}>{cell}</th>' if i == 0 else f"<td{num}>{cell}</td>")
        cls = f' class="{css}"' if css else ""
        return f"<tr{cls}>{''.join(out)}</tr>"

    classes = list(row_classes or [""] * len(rows))
    body = "".join(line(r, c) for r, c in zip(rows, classes))
    foot = f"<tfoot>{line(total, 'total')}</tfoot>" if total is not None else ""
    return (f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody>{foot}</table>")


def _status_badge(status: str | None) -> str:
    """The status in words, with its colour beside it (never colour alone)."""
    return (f'<span class="status"><span class="swatch" aria-hidden="true" '
            f'style="background:{_e(_status_colour(status))}"></span>{_e(_status_words(status))}</span>')


def _link(url: str | None) -> str:
    """A web address as a link only when it is http(s); anything else as text."""
    if not url:
        return ""
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return _e(url)


def yearly_figure(figures: dict[str, Any]):
    """Committed and delivered bars per financial year with cumulative lines:
    Okabe-Ito colours, delivered hatched and its line dashed, so the series
    differ without colour. Amounts are drawn in pounds (float for drawing
    only); the exact pence are in the table beside it."""
    import plotly.graph_objects as go

    rows = figures["yearly"]
    labels = [r["financial_year"] for r in rows]
    committed = [int(r["committed"]) for r in rows]
    delivered = [int(r["delivered"]) for r in rows]
    cumulative_committed = list(np.cumsum(committed, dtype=np.int64)) if rows else []
    cumulative_delivered = list(np.cumsum(delivered, dtype=np.int64)) if rows else []

    def pounds(values: list[int]) -> list[float]:
        return [int(p) / 100 for p in values]

    def short(values: list[int]) -> list[str]:
        return [format_short(int(p)) for p in values]

    fig = go.Figure()
    fig.add_bar(name="Committed (new money)", x=labels, y=pounds(committed), marker_color=OKABE_ITO["blue"],
                marker_line=dict(color=OKABE_ITO["black"], width=1), customdata=short(committed),
                hovertemplate="%{x}: %{customdata} committed<extra></extra>")
    fig.add_bar(name="Delivered", x=labels, y=pounds(delivered), marker_color=OKABE_ITO["orange"],
                marker_pattern_shape="/", marker_line=dict(color=OKABE_ITO["black"], width=1),
                customdata=short(delivered), hovertemplate="%{x}: %{customdata} delivered<extra></extra>")
    fig.add_scatter(name="Cumulative committed", x=labels, y=pounds(cumulative_committed), mode="lines+markers",
                    line=dict(color=OKABE_ITO["blue"], width=2), marker_symbol="circle",
                    customdata=short(cumulative_committed),
                    hovertemplate="By end of %{x}: %{customdata} committed<extra></extra>")
    fig.add_scatter(name="Cumulative delivered", x=labels, y=pounds(cumulative_delivered), mode="lines+markers",
                    line=dict(color=OKABE_ITO["vermillion"], width=2, dash="dash"), marker_symbol="diamond",
                    customdata=short(cumulative_delivered),
                    hovertemplate="By end of %{x}: %{customdata} delivered<extra></extra>")
    top = int(max([0, *committed, *delivered, *cumulative_committed, *cumulative_delivered]))
    tickvals, ticktext = pound_axis_ticks(top)
    fig.update_layout(
        template="plotly_white", barmode="group",
        xaxis=dict(title="Financial year (April to March)", type="category"),
        yaxis=dict(title="Pounds", tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        margin=dict(l=10, r=10, t=40, b=10), hovermode="x unified", font=dict(size=14),
    )
    return fig


def _chart_html(figures: dict[str, Any]) -> str:
    import plotly.io as pio

    fig = yearly_figure(figures)
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=CHART_ID,
                       default_width="100%", default_height="440px",
                       config={"displaylogo": False, "displayModeBar": False, "responsive": True})


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _facts(pack: _Pack) -> str:
    m = pack.meeting
    facts = [
        ("Meeting held on", _e(_long_day(m.held_on))),
        ("Figures as at", _e(_long_day(m.as_at))),
        ("Snapshot taken", f"{_e(_taken(m.taken_at))} by {_e(m.taken_by)}"),
        ("Data source", _e(pack.source)),
        ("Compared with", _e(pack.compared_with())),
        ("Snapshot fingerprint", f"<code>{_e(review.fingerprint(pack.figures))}</code> (SHA-256)"),
    ]
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def _headline(pack: _Pack) -> str:
    h = pack.head
    variance = int(h["variance"])
    cards = [
        ("Committed", pack.committed_headline(), _money(h["committed"])),
        ("Delivered", format_short(int(h["delivered"])), _money(h["delivered"])),
        ("% delivered", _pct(h.get("pct_delivered")), "of committed"),
        ("Due to date", format_short(int(h["due_to_date"])), _money(h["due_to_date"])),
        ("Variance", format_short(variance),
         f"{_money(variance)}: delivered minus due to date"
         + (f"; {_pct(h.get('pct_of_due_delivered'))} of what was due delivered"
            if h.get("pct_of_due_delivered") is not None else "")),
        ("Outstanding", format_short(int(h["outstanding"])), f"{_money(h['outstanding'])} still to deliver"),
    ]
    out = ['<div class="headline">']
    for label, value, exact in cards:
        out.append(f'<div class="card"><div class="label">{_e(label)}</div>'
                   f'<div class="value">{_e(value)}</div><div class="exact">{_e(exact)}</div></div>')
    out.append("</div>")
    return "".join(out)


def _yearly_section(pack: _Pack) -> str:
    figures = pack.figures
    table = yearly_table(figures)
    columns = [_Column("Financial year"), _Column("Committed", True), _Column("Delivered", True),
               _Column("Variance", True)]
    rows = [[_e(r.financial_year), _e(_money(r.committed)), _e(_money(r.delivered)), _e(_money(r.variance))]
            for r in table.body.itertuples(index=False)]
    t = table.total
    total = [_e(TOTAL), _e(_money(t["committed"])), _e(_money(t["delivered"])), _e(_money(t["variance"]))]
    parts = ["<section><h2>Committed and delivered by financial year</h2>"]
    if figures["yearly"]:
        parts.append(f'<figure><div class="chart" role="img" aria-label="Chart of committed and delivered money '
                     f'by financial year; the same figures are in the table below">{_chart_html(figures)}</div>'
                     f'<figcaption class="note">Bars: committed (solid) and delivered (hatched) each year. '
                     f"Lines: running totals (committed solid, delivered dashed).</figcaption></figure>")
        parts.append(_html_table("Committed and delivered by financial year", columns, rows, total=total))
    else:
        parts.append('<p class="note">No money was committed or delivered as at this date.</p>')
    parts.append(f'<p class="notes">{_e(COMMITTED_NOTE)} Variance here is delivered minus committed.</p></section>')
    return "".join(parts)


def _commitments_section(pack: _Pack) -> str:
    columns = [_Column("Ref"), _Column("Purpose"), _Column("Recipient"), _Column("Committed", True),
               _Column("Due to date", True), _Column("Delivered", True), _Column("Variance", True),
               _Column("Slippage", True), _Column("Against profile"), _Column("Current status")]
    rows = []
    for r in pack.figures["commitments"]:
        status = pack.current_status(r["ref"])
        committed = _e(_money(r["committed"]))
        if r.get("qualifier") and r["qualifier"] != "exact":
            committed += f'<br><span class="note">({_e(r["qualifier"])})</span>'
        status_cell = _status_badge(status["status"] if status else None)
        if status:
            status_cell += f'<br><span class="note">assessed {_e(_day(status["assessed_on"]))}</span>'
        rows.append([_e(r["ref"]), _e(r.get("purpose")), _e(r.get("recipient")), committed,
                     _e(_money(r["due_to_date"])), _e(_money(r["delivered"])), _e(_money(r["variance"])),
                     _e(_money(r["slippage"])), _e(r.get("progress")), status_cell])
    return ("<section><h2>By commitment</h2>"
            + _html_table("Committed, due and delivered by commitment", columns, rows,
                          empty="No commitments as at this date.")
            + '<p class="notes">Variance is delivered minus what was due to date; slippage is what is behind '
              "(never below zero). A re-announcement adds no new money: its figures are counted against the "
              "commitment it restates.</p></section>")


def _milestones_section(pack: _Pack) -> str:
    milestones = review.milestones_overdue_first(pack.figures)
    overdue = sum(1 for m in milestones if m["state"] == "overdue")
    columns = [_Column("Ref"), _Column("Milestone"), _Column("Commitment"), _Column("Due on"),
               _Column("Achieved on"), _Column("State"), _Column("How late"), _Column("Note")]
    rows, classes = [], []
    for m in milestones:
        state = m["state"]
        state_cell = ('<span class="state-overdue">Overdue</span>' if state == "overdue" else _e(state.capitalize()))
        rows.append([_e(m["ref"]), _e(m.get("title")), _e(m.get("commitment_ref")), _e(_day(m.get("due_on"))),
                     _e(_day(m.get("achieved_on"))), state_cell, _e(m.get("lateness")), _e(m.get("achieved_note"))])
        classes.append("overdue" if state == "overdue" else "")
    heading = f"Milestones: {overdue} overdue" if overdue else "Milestones: none overdue"
    return (f"<section><h2>{_e(heading)}</h2>"
            + _html_table("Milestones, overdue first (the latest first)", columns, rows, row_classes=classes,
                          empty="No milestones as at this date.")
            + "</section>")


def _statuses_section(pack: _Pack) -> str:
    columns = [_Column("Subject"), _Column("Status"), _Column("Assessed on"), _Column("Reviewer"),
               _Column("Evidence"), _Column("Note")]
    rows = [[_e(s["subject"]), _status_badge(s.get("status")), _e(_day(s.get("assessed_on"))), _e(s.get("reviewer")),
             _link(s.get("evidence_url")), _e(s.get("note"))]
            for s in pack.meeting.statuses()]
    return ("<section><h2>Progress statuses</h2>"
            + _html_table("The latest status of each commitment and programme", columns, rows,
                          empty="No progress status had been recorded as at this date.")
            + "</section>")


def _changes_section(pack: _Pack) -> str:
    found = pack.changes
    table = review.changes_table(found)
    if pack.previous is None:
        heading = "Changes since the last review: first review"
        intro = f"<p>{_e(FIRST_REVIEW)} Everything below is listed as it stood at this first review.</p>"
    else:
        heading = "Changes since the last review"
        intro = (f"<p>Compared with the meeting of {_e(pack.previous.label)}.</p>"
                 f"<p><strong>{_e(review.movement_sentence(found))}</strong></p>")
    columns = [_Column("What changed"), _Column("Ref"), _Column("Detail")]
    rows = [[_e(r.what), _e(r.ref), _e(r.detail)] for r in table.itertuples(index=False)]
    return (f"<section><h2>{_e(heading)}</h2>{intro}"
            + _html_table("What changed", columns, rows, empty="Nothing changed since the last review.")
            + "</section>")


def html_pack(meeting: Meeting, previous: Meeting | None, source: str) -> bytes:
    """The meeting's review pack as ONE self-contained HTML file (UTF-8 bytes)."""
    pack = _Pack(meeting, previous, source)
    title = f"Review pack: meeting of {_long_day(meeting.held_on)}"
    warning = f'<p class="warning" role="note">{_e(pack.illustrative)}</p>' if pack.illustrative else ""
    needs_chart = bool(pack.figures["yearly"])
    script = f'<script type="text/javascript">{_plotly_js()}</script>' if needs_chart else ""
    subtitle = meeting.title or "Digital Advisory Group"
    document = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(CONTENT_SECURITY_POLICY)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
{script}
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<p class="subtitle">{_e(subtitle)}: figures as at {_e(_long_day(meeting.as_at))}</p>
{_facts(pack)}
{warning}
</header>
<main>
<section><h2>Headline figures</h2>{_headline(pack)}
<p class="notes">{_e(COMMITTED_NOTE)} Short amounts are rounded; the exact amounts are beneath them and in the
tables.</p></section>
{_yearly_section(pack)}
{_commitments_section(pack)}
{_milestones_section(pack)}
{_statuses_section(pack)}
{_changes_section(pack)}
</main>
<footer><p>Written from the snapshot frozen when the meeting was opened; later changes to the data do not move
these figures. This file needs no network connection. Source: {_e(source)}.</p></footer>
</body>
</html>
"""
    return document.encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------


def xlsx_pack(meeting: Meeting, previous: Meeting | None, source: str) -> bytes:
    """The meeting's tables as a workbook, with an About sheet."""
    pack = _Pack(meeting, previous, source)
    found = pack.changes
    about = pack.about()
    about["Since the last review"] = review.movement_sentence(found)
    tables = [yearly_table(pack.figures), commitments_table(pack), milestones_table(pack.figures),
              statuses_table(pack.meeting.statuses()), changes_table(found)]
    return to_xlsx_bytes(tables, about)


# --- files ---------------------------------------------------------------------------------


def pack_names(held_on: date) -> tuple[str, str]:
    stem = f"review-pack-{held_on.isoformat()}"
    return f"{stem}.html", f"{stem}.xlsx"


def ensure_meeting(engine: Engine, held_on: date, *, actor=None) -> tuple[Meeting, bool]:
    """The meeting held on ``held_on`` and whether it was opened just now
    (with its own date as the as-at date) because there was none."""
    from tracker.records import services

    found = review.meeting(engine, held_on)
    if found is not None:
        return found, False
    try:
        services.open_meeting(held_on, held_on, engine=engine, actor=actor)
    except services.ValidationFailed:
        found = review.meeting(engine, held_on)  # opened by someone else in the meantime
        if found is None:
            raise
        return found, False
    found = review.meeting(engine, held_on)
    assert found is not None
    return found, True


def _write_atomically(path: Path, content: bytes) -> None:
    """Write beside ``path`` then rename, so a reader never sees half a file
    (the file gets the usual permissions, as ``open`` gives them)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def source_of(engine: Engine) -> str:
    from tracker.figures.data import describe_source

    return describe_source(engine.url.render_as_string(hide_password=False))


def write_pack(engine: Engine, held_on: date, out_dir: Path, *, actor=None) -> list[Path]:
    """Write ``review-pack-YYYY-MM-DD.html`` and ``.xlsx`` into ``out_dir``
    (made if missing) for the meeting held on ``held_on``, opening it first
    if there is none; the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)  # first: a folder that cannot be made opens no meeting
    found, _ = ensure_meeting(engine, held_on, actor=actor)
    previous = review.previous_meeting(engine, held_on)
    source = source_of(engine)
    html_name, xlsx_name = pack_names(held_on)
    written = []
    for name, content in ((html_name, html_pack(found, previous, source)),
                          (xlsx_name, xlsx_pack(found, previous, source))):
        path = out_dir / name
        _write_atomically(path, content)
        written.append(path)
    return written
