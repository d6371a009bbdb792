"""What the Review page shows, as plain data: a meeting's frozen snapshot
(``tracker.review.snapshot``) turned into headline figures and tables in pounds, and
statuses as words with their RAG colour.

No Streamlit here: the page lays these out. Money in the snapshot is integer
pence; the tables hold exact Decimal pounds (``to_decimal``) so the page can
format them as £; percentages stay ratios (0.9414). A snapshot frozen before
new money, unphased and estimated money were recorded (schema 1) shows
without them: no column, metric or note says what it never recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import pandas as pd

from tracker.core.money import format_short, to_decimal
from tracker.figures.delivery import qualified
from tracker.figures.finance_tables import TOTAL
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.shared import remember_in
from tracker.figures.table_cells import percent
from tracker.i18n import _, current, ngettext
from tracker.i18n.dates import long_date
from tracker.review import as_said
from tracker.review.meetings import PROGRAMME_PREFIX, RAG, Meeting, status_label
from tracker.review.snapshot import lateness_words, milestones_overdue_first, progress_words, state_words

T = TypeVar("T")

# st.badge's colours for each RAG word (Streamlit has no amber: orange is closest).
BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", "blue": "blue", "grey": "gray"}


# --- words and colour -------------------------------------------------------------------


def rag_text(status: str | None) -> str:
    """A status for a table cell: ``● At risk (amber)``, or ``No status yet``
    (in the language in use).

    The cell's colour comes from ``rag_cell_style``; the words say it all
    without the colour."""
    return f"● {status_label(status)}" if status else status_label(None)


def _status_of(text: object) -> str | None:
    """The status a ``rag_text`` cell (or a bare status) names, in the
    language in use or as stored, or None."""
    if not isinstance(text, str):
        return None
    words = text.removeprefix("● ").strip().lower()
    for status in RAG:
        if words == status_label(status).lower():
            return status
    words = words.split(" (")[0].strip()
    return words if words in RAG else None


def _tint(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def rag_cell_style(text: object) -> str:
    """CSS for a status cell: a light tint of its RAG colour; the text stays
    dark so it reads on any tint."""
    status = _status_of(text)
    if status is None:
        return ""
    return f"background-color: {_tint(RAG[status].colour, 0.22)}; color: #1f1f1f"


# Tinting is for reading a few hundred rows at a glance; the status is always
# in words. Past this many rows a table is shown untinted: pandas' Styler
# refuses more than 262,144 cells, and tinting 100,000 rows takes seconds.
TINT_AT_MOST_ROWS = 2_000


def kept(meeting: Meeting, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` (something worked out from ``meeting``'s frozen figures),
    once per loaded meeting and language (what it says is in words); shared,
    so never changed in place."""
    return remember_in(meeting.memo, (current(), key), compute)


def tinted_statuses(frame: pd.DataFrame, column: str = "status"):
    """``frame`` with its status cells tinted (a Styler), or as it is when it
    is too long to tint (``TINT_AT_MOST_ROWS``)."""
    if len(frame) > TINT_AT_MOST_ROWS:
        return frame
    return frame.style.map(rag_cell_style, subset=[column])


@dataclass(frozen=True)
class Badge:
    """How ``st.badge`` shows a status: words, a Material icon, a colour."""

    label: str
    icon: str
    colour: str


def badge(status: str | None) -> Badge:
    if not status:
        return Badge(status_label(None), ":material/help:", "gray")
    rag = RAG[status]
    return Badge(status_label(status), rag.icon, BADGE_COLOURS[rag.rag])


# --- meetings ---------------------------------------------------------------------------


def meeting_choices(frame: pd.DataFrame) -> dict[str, str]:
    """``review.meetings`` as picker options, latest first: ISO date -> label."""
    out = {}
    for row in frame.iloc[::-1].itertuples(index=False):
        title = row.title if isinstance(row.title, str) and row.title else None
        out[row.held_on.isoformat()] = Meeting(row.held_on, row.as_at, title, row.taken_at, row.taken_by, {}).label
    return out


def frozen_sentence(meeting: Meeting) -> str:
    """When and by whom the figures were frozen, and what that means."""
    taken = meeting.taken_at
    return _(
        "Figures as at **{as_at}**, frozen on {day} at {time} UTC by {name}. These figures were frozen when the "
        "meeting was opened; later changes do not move them.",
        as_at=long_date(meeting.as_at),
        day=long_date(taken),
        time=taken.strftime("%H:%M"),
        name=escape_markdown(meeting.taken_by),
    )


# --- the frozen figures -----------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str


def headline_metric_rows(figures: Mapping[str, Any]) -> list[list[Metric]]:
    """The snapshot's headline as two rows of metrics: committed (and new
    money, when some of it was announced before), delivered, % delivered;
    due to date, variance against due, outstanding."""
    head = figures["headline"]
    pct = head["pct_delivered"]
    variance = head["variance"]
    split = as_said.money_split(figures)
    plain = split is None or split["new_money"] == int(head["committed"])
    # Beside a New money metric (four to a row) the qualifier moves to the label, so the figure fits.
    exact = head["qualifier"] == "exact"
    if plain:
        label = _("Committed (new money)")
    elif exact:
        label = _("Committed")
    else:
        label = _("Committed ({qualifier})", qualifier=head["qualifier"])
    counted = _(
        "Exactly {amount} pounds. Every pound is counted once: a re-announcement once, a share inside its pot; "
        "'over' amounts at their floor.",
        amount=format(to_decimal(head["committed"]), ","),
    )
    money = [
        Metric(
            label,
            qualified(format_short(head["committed"]), head["qualifier"]) if plain else format_short(head["committed"]),
            counted if plain else counted + " " + _("Money announced before is counted here, but is not new money."),
        ),
    ]
    if split is not None and not plain:
        money.append(
            Metric(
                _("New money"),
                format_short(split["new_money"]),
                _(
                    "Exactly {amount} pounds: committed less money announced before.",
                    amount=format(to_decimal(split["new_money"]), ","),
                ),
            )
        )
    money += [
        Metric(
            _("Delivered to date"),
            format_short(head["delivered"]),
            _(
                "Exactly {amount} pounds paid or spent by the as-at date.",
                amount=format(to_decimal(head["delivered"]), ","),
            ),
        ),
        Metric(_("% delivered"), percent(pct), _("Delivered as a share of committed.")),
    ]
    if variance < 0:
        against = _("behind by {amount}", amount=format_short(abs(variance)))
    elif variance > 0:
        against = _("ahead by {amount}", amount=format_short(variance))
    else:
        against = _("on profile")
    profile = [
        Metric(
            _("Due to date"),
            format_short(head["due_to_date"]),
            _("Money committed for financial years that had started by the as-at date (unphased money is never due)."),
        ),
        Metric(_("Against what was due"), against, _("Delivered minus due to date.")),
        Metric(_("Outstanding"), format_short(head["outstanding"]), _("Committed minus delivered.")),
    ]
    return [money, profile]


def headline_metrics(figures: Mapping[str, Any]) -> list[Metric]:
    """Every headline metric, in the order ``headline_metric_rows`` lays them out."""
    return [metric for row in headline_metric_rows(figures) for metric in row]


def money_notes(figures: Mapping[str, Any]) -> list[str]:
    """New money, unphased and estimated money in words (``tracker.review.as_said``)."""
    return [note.text for note in as_said.money_notes(figures)]


def _pounds(rows: Iterable[Mapping[str, Any]], columns: Iterable[str]) -> dict[str, list]:
    rows = list(rows)
    return {c: [to_decimal(int(r.get(c) or 0)) for r in rows] for c in columns}


def yearly_columns(figures: Mapping[str, Any]) -> tuple[str, ...]:
    """The money columns of ``yearly_table``: committed, delivered, variance,
    then new money and estimated when the snapshot records them."""
    return as_said.yearly_columns(figures)


def yearly_table(figures: Mapping[str, Any]) -> pd.DataFrame:
    """Committed against delivered by financial year (then the unphased row,
    when some money has no year), in pounds, with a Total row."""
    rows = list(figures["yearly"])
    money = yearly_columns(figures)
    total = {"financial_year": TOTAL, **{c: sum(as_said.yearly_figure(r, c) for r in rows) for c in money}}
    rows = [*rows, total] if rows else rows
    frame = pd.DataFrame(
        {
            "financial_year": pd.Series([r["financial_year"] for r in rows], dtype=object),
            **_pounds(rows, money),
            "pct_delivered": [int(r["delivered"]) / int(r["committed"]) if int(r["committed"]) else None for r in rows],
        }
    )
    return frame


COMMITMENT_COLUMNS = [
    "ref",
    "purpose",
    "status",
    "progress",
    "committed",
    "new_money",
    "due_to_date",
    "delivered",
    "variance",
    "outstanding",
    "programme",
    "restates",
    "how_counted",
]


def commitments_table(figures: Mapping[str, Any], statuses: Mapping[str, str]) -> pd.DataFrame:
    """One row per commitment: its status in words (``rag_text``), how it stands
    against its profile, its money in pounds (new money None where the
    snapshot did not record it) and how its money is counted, in words."""
    rows = list(figures["commitments"])
    money = ("committed", "due_to_date", "delivered", "variance", "outstanding")
    frame = pd.DataFrame(
        {
            "ref": pd.Series([r["ref"] for r in rows], dtype=object),
            "purpose": pd.Series([r["purpose"] for r in rows], dtype=object),
            "status": pd.Series([rag_text(statuses.get(r["ref"])) for r in rows], dtype=object),
            "progress": pd.Series([progress_words(r) for r in rows], dtype=object),
            **_pounds(rows, money),
            "new_money": pd.Series(
                [to_decimal(int(r["new_money"])) if "new_money" in r else None for r in rows], dtype=object
            ),
            "programme": pd.Series([r["programme"] for r in rows], dtype=object),
            "restates": pd.Series([r["restates"] for r in rows], dtype=object),
            "how_counted": pd.Series([as_said.how_counted(r) or None for r in rows], dtype=object),
        },
        columns=COMMITMENT_COLUMNS,
    )
    return frame


def programme_statuses(figures: Mapping[str, Any], statuses: Mapping[str, str]) -> pd.DataFrame:
    """The programmes the snapshot's commitments belong to, each with its status."""
    names = sorted({r["programme"] for r in figures["commitments"] if r["programme"]})
    return pd.DataFrame(
        {
            "programme": pd.Series(names, dtype=object),
            "status": pd.Series([rag_text(statuses.get(PROGRAMME_PREFIX + n)) for n in names], dtype=object),
        }
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def milestones_table(figures: Mapping[str, Any]) -> pd.DataFrame:
    """The snapshot's milestones, overdue first (the latest first), with how late."""
    rows = milestones_overdue_first(figures)
    return pd.DataFrame(
        {
            "title": pd.Series([r["title"] for r in rows], dtype=object),
            "commitment_ref": pd.Series([r["commitment_ref"] for r in rows], dtype=object),
            "due_on": pd.Series([_date(r["due_on"]) for r in rows], dtype=object),
            "achieved_on": pd.Series([_date(r["achieved_on"]) for r in rows], dtype=object),
            "state": pd.Series([state_words(r["state"]) for r in rows], dtype=object),
            "lateness": pd.Series([lateness_words(r) for r in rows], dtype=object),
        }
    )


def overdue_sentence(figures: Mapping[str, Any]) -> str:
    """'2 milestones overdue; the latest is 45 days late.' or 'No milestone overdue.'"""
    overdue = [m for m in figures["milestones"] if m["state"] == "overdue"]
    if not overdue:
        return _("No milestone was overdue at the as-at date.")
    worst = max(overdue, key=lambda m: m["days_late"])
    return ngettext(
        "{n} milestone overdue at the as-at date; the latest, \u201c{title}\u201d, is {lateness}.",
        "{n} milestones overdue at the as-at date; the latest, \u201c{title}\u201d, is {lateness}.",
        len(overdue),
        title=worst["title"],
        lateness=lateness_words(worst),
    )


# --- status history ---------------------------------------------------------------------

HISTORY_COLUMNS = ["assessed_on", "status", "reviewer", "evidence_url", "note", "meeting_held_on", "recorded_at"]


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """``review.status_history`` for display, oldest first: dates as dates, the
    status in words (``rag_text``)."""
    return pd.DataFrame(
        {
            "assessed_on": pd.Series([_date(v) for v in history["assessed_on"]], dtype=object),
            "status": pd.Series([rag_text(v) for v in history["status"]], dtype=object),
            "reviewer": pd.Series(list(history["reviewer"]), dtype=object),
            "evidence_url": pd.Series([v or None for v in history["evidence_url"]], dtype=object),
            "note": pd.Series([v or None for v in history["note"]], dtype=object),
            "meeting_held_on": pd.Series(
                [_date(v) if isinstance(v, str) else None for v in history["meeting_held_on"]], dtype=object
            ),
            "recorded_at": pd.to_datetime(pd.Series(list(history["recorded_at"]), dtype=object), utc=True),
        },
        columns=HISTORY_COLUMNS,
    )


def current_status(history: pd.DataFrame) -> str | None:
    """The latest status recorded in a subject's history (oldest first), or None."""
    return None if history.empty else str(history["status"].iloc[-1])
