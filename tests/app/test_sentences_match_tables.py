"""Every sentence that states a figure agrees with the tables beside it, on
every page that has such sentences, under two different filters (demo data).

A page's sentences (its text, captions, notices and headline tiles) are read
for money ("£5.4m", "-£330,000", "£1,200,000.50"); each amount must be a
figure of a table on the same page under the same filters (a cell, money
written in a cell's words, or a column's total), to within the rounding of
the short form it is written in ("£5.4m" is anything from £5.395m to
£5.405m). A sentence built from other numbers than its table (the Delivery
page's "By the end of 2021-22, £6.9m had been committed" is the cumulative
column's figure of that year's row, not another's) fails the checks below,
which tie each of the Overview's and the Delivery page's sentences to the row
or column it describes; the general check then holds every other page's
figures to the figures of its own tables.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

CDPS = "Centre for Digital Public Services"
FILTERS = {
    "one year": {"fy": "2021-22"},
    "one recipient": {"recipient": CDPS},
}
# The pages whose words state figures (Finance's tables have no sentences), each with the record it opens.
PAGES = {
    "Overview": ("app_pages/overview.py", {}),
    "Delivery": ("app_pages/delivery.py", {}),
    "Review": ("app_pages/review.py", {}),
    "Announcement": ("app_pages/announcements.py", {"ref": "A3"}),
    "Area": ("app_pages/areas.py", {"code": "W92000004"}),
    "Organisation": ("app_pages/organisations.py", {"id": "1"}),
}
MONEY = re.compile(r"(-?)£(\d[\d,]*(?:\.\d+)?)(bn|m|k)?")
UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}


def mentions(text: str) -> list[tuple[int, int]]:
    """Each amount in ``text`` as the range of pence it may stand for: ``£5.4m``
    is 539,500,000 to 540,500,000 pence; ``£1,200,000`` exactly 120,000,000."""
    found = []
    for sign, digits, unit in MONEY.findall(text):
        number = Decimal(digits.replace(",", ""))
        places = -number.as_tuple().exponent if "." in digits else 0
        size = UNITS[unit or ""]
        pence = number * size * 100
        # A short form ("£5.4m") is rounded; a full one ("£1,200,000" or "£1,200,000.50") exact.
        slack = Decimal(size) * 100 / 2 / (10**places) if unit else Decimal(0)
        low, high = pence - slack, pence + slack
        if sign:
            low, high = -high, -low
        found.append((int(low), int(high)))
    return found


def figures_of(table: pd.DataFrame) -> set[int]:
    """Every money figure a table shows, in pence: its money cells (exact
    decimals of pounds), each column's total and any money its text states;
    a negative one as its size too ("£480k" outstanding is a variance of -£480k)."""
    found: set[int] = set()
    for name in table.columns:
        column = table[name]
        money = [v for v in column if isinstance(v, Decimal)]
        found.update(int(v * 100) for v in money)
        if money:
            found.add(int(sum(money) * 100))
    found |= {-figure for figure in found if figure < 0}
    for name in table.columns:
        column = table[name]
        for value in column:
            if isinstance(value, str):
                found.update(low if low == high else (low + high) // 2 for low, high in mentions(value))
    return found


def sentences_of(at: AppTest) -> list[str]:
    """What the page says in words, the sidebar left out."""
    said = [e.value for e in at.main.markdown] + [e.value for e in at.main.caption]
    said += [e.value for e in at.main.info] + [e.value for e in at.main.warning]
    said += [f"{m.label}: {m.value}" for m in at.main.metric]
    return said


def open_page(path: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if path.endswith("review.py"):  # a meeting first: the page shows its frozen figures
        at.button(key="review_open").click().run()
        assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("filtered", FILTERS, ids=list(FILTERS))
@pytest.mark.parametrize("page", PAGES, ids=list(PAGES))
def test_every_figure_a_sentence_states_is_a_figure_of_the_pages_tables(page: str, filtered: str) -> None:
    path, record = PAGES[page]
    at = open_page(path, {**record, **FILTERS[filtered]})
    tables = [frame.value for frame in at.main.dataframe]
    assert tables, f"{page} shows no table under {filtered}"
    figures = set().union(*(figures_of(t) for t in tables))
    checked, unmatched = 0, []
    for sentence in sentences_of(at):
        for low, high in mentions(sentence):
            checked += 1
            if not any(low <= figure <= high for figure in figures):
                unmatched.append(sentence)
    assert checked, f"{page} under {filtered} states no figure in words: nothing was compared"
    assert not unmatched, f"{page} under {filtered}: figures no table beside them shows:\n" + "\n".join(unmatched)


def within(figure: int, said: str) -> bool:
    """``said`` (one amount, "£5.4m") may stand for ``figure`` pence."""
    (low, high), *rest = mentions(said)
    assert not rest, said
    return low <= figure <= high


def pence(pounds: Decimal) -> int:
    return int(pounds * 100)


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    found = [f.value for f in at.main.dataframe if set(columns) <= set(f.value.columns)]
    assert found, f"no table with {columns}"
    return found[0]


def said_starting(at: AppTest, start: str) -> list[str]:
    return [e.value for e in at.main.markdown if e.value.startswith(start) or e.value.startswith(f"- {start}")]


YEAR = re.compile(
    r"In (\d{4}-\d\d), (?:at least |over |up to |about )?(£[\d.,]+(?:bn|m|k)?) was committed and (£[\d.,]+(?:bn|m|k)?) delivered(?: \(([\d.]+)%\))?"
)
CUMULATIVE = re.compile(
    r"By the end of (\d{4}-\d\d), (?:at least |over |up to |about )?(£[\d.,]+(?:bn|m|k)?) had been committed and "
    r"(£[\d.,]+(?:bn|m|k)?) delivered \(([\d.]+)%\): (?:(£[\d.,]+(?:bn|m|k)?) behind|on profile|(£[\d.,]+(?:bn|m|k)?) ahead)"
)
BEHIND = re.compile(
    r"(\d+|None) of (?:the )?(\d+) commitments? (?:is|are) (?:not )?behind (?:its|their) profile(?:,? by (£[\d.,]+(?:bn|m|k)?))?"
)


@pytest.mark.parametrize("filtered", FILTERS, ids=list(FILTERS))
def test_the_overviews_tiles_and_year_sentences_are_its_tables_figures(filtered: str) -> None:
    at = open_page("app_pages/overview.py", FILTERS[filtered])
    yearly = table_with(at, "label", "committed", "delivered", "pct_delivered")
    tiles = {m.label: m.value for m in at.main.metric}
    committed = next(value for label, value in tiles.items() if label.startswith("Committed"))
    assert within(pence(sum(yearly["committed"])), committed.removeprefix("at least "))
    assert within(pence(sum(yearly["delivered"])), tiles["Delivered to date"])
    assert within(pence(sum(yearly["committed"]) - sum(yearly["delivered"])), tiles["Outstanding"])
    assert tiles["% delivered"] == f"{sum(yearly['delivered']) / sum(yearly['committed']):.1%}"
    rows = {row.label: row for row in yearly.itertuples()}
    chart = json.loads(at.main.get("plotly_chart")[0].proto.spec)["data"]
    drawn = {trace["name"]: dict(zip(trace["x"], trace["customdata"])) for trace in chart}
    for label, row in rows.items():  # each bar's figure is its row's
        assert within(pence(row.committed), drawn["Committed"][label]), (label, drawn["Committed"][label])
        assert within(pence(row.delivered), drawn["Delivered"][label]), (label, drawn["Delivered"][label])
    phased = [row for label, row in rows.items() if label != "unphased"]
    if phased:  # the running total's last point: every phased year's money
        last = phased[-1].label
        assert within(pence(sum(row.committed for row in phased)), drawn["Cumulative committed"][last])
    sentences = [m for line in said_starting(at, "In ") for m in YEAR.finditer(line)]
    assert sentences, "no year sentence under the chart"
    for year, said_committed, said_delivered, share in (m.groups() for m in sentences):
        row = rows[year]
        assert within(pence(row.committed), said_committed), (year, said_committed, row.committed)
        assert within(pence(row.delivered), said_delivered), (year, said_delivered, row.delivered)
        if share is not None:
            assert f"{row.pct_delivered:.1%}" == f"{share}%", (year, share, row.pct_delivered)


@pytest.mark.parametrize("filtered", FILTERS, ids=list(FILTERS))
def test_the_delivery_pages_sentences_are_the_rows_and_columns_they_describe(filtered: str) -> None:
    at = open_page("app_pages/delivery.py", FILTERS[filtered])
    by_year = table_with(at, "label", "cumulative_committed", "cumulative_delivered", "slippage")
    [line] = said_starting(at, "By the end of")
    year, committed, delivered, share, behind, ahead = CUMULATIVE.match(line).groups()
    row = by_year.set_index("label").loc[year]
    assert within(pence(row["cumulative_committed"]), committed), (line, row)
    assert within(pence(row["cumulative_delivered"]), delivered), (line, row)
    assert f"{row['cumulative_delivered'] / row['cumulative_committed']:.1%}" == f"{share}%"
    if behind:
        assert within(pence(row["slippage"]), behind), (line, row)
    else:
        assert row["slippage"] == 0, (line, row)
    if ahead:
        assert within(pence(row["cumulative_delivered"] - row["cumulative_committed"]), ahead), (line, row)
    by_commitment = table_with(at, "ref", "due_to_date", "slippage")
    [line] = [e.value for e in at.main.markdown if BEHIND.search(e.value)]
    count, total, amount = BEHIND.search(line).groups()
    late = by_commitment.loc[by_commitment["slippage"] > 0]
    assert int(total) == len(by_commitment), line
    assert (0 if count == "None" else int(count)) == len(late), line
    if amount:
        assert within(pence(sum(late["slippage"])), amount), line


def test_a_figure_from_other_numbers_is_caught() -> None:
    """The check itself: a sentence's £6.9m is found among a table's figures, a £5.4m is not."""
    table = pd.DataFrame({"label": ["2021-22"], "cumulative": [Decimal("6900000.00")]})
    figures = figures_of(table)
    assert [any(lo <= f <= hi for f in figures) for lo, hi in mentions("£6.9m had been committed")] == [True]
    assert [any(lo <= f <= hi for f in figures) for lo, hi in mentions("£5.4m had been committed")] == [False]
    assert mentions("-£330,000 and £1.25k") == [(-33_000_000, -33_000_000), (124_500, 125_500)]
