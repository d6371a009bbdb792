"""The charts in Welsh (issue 18): every chart the tracker draws, its sentence
and its table, made inside ``tracker.i18n.speaking("cy")``, say their axes,
legends, hover text and direct labels in Welsh; no message of the chart
modules is left in English in them; and, with a catalogue that marks every
message it is asked for, every word a chart or a sentence shows went
through the catalogue. The Delivery page's figures, kept with the data, are
kept once per language. Figures built from the made-up data of
tests/unit/chart_figures.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.app.untranslated import MARKED, NOT_WORDS, WORD, marked_catalogue
from tests.unit import chart_figures
from tests.unit.finance_tables_data import record, tracker_data
from tracker import i18n
from tracker.core.fiscal import FinancialYear
from tracker.figures import chart_summaries, chart_tables, delivery, delivery_words, shortfall
from tracker.figures.delivery_view import progress_in_view
from tracker.figures.filters import Filters
from tracker.i18n import catalogues

WELSH = "cy"
# The modules that draw the charts and say them in words: every message they mark is checked below.
CHART_MODULES = (
    "dashboard/charts.py",
    "dashboard/chart_panel.py",
    "tracker/figures/yearly_chart.py",
    "tracker/figures/chart_style.py",
    "tracker/figures/chart_summaries.py",
    "tracker/figures/chart_tables.py",
    "tracker/figures/shortfall.py",
    "tracker/figures/delivery.py",
    "tracker/figures/delivery_words.py",
)
YEAR_AXIS = "Blwyddyn ariannol (Ebrill i Fawrth)"


def by_commitment() -> pd.DataFrame:
    """chart_figures' five commitments, each status said as the tracker says it (in the language in use)."""
    frame = chart_figures.by_commitment()
    frame["status"] = [
        delivery.commitment_status(int(due), int(due), int(paid))
        for due, paid in zip(frame["due_to_date"], frame["delivered"])
    ]
    return frame


def figures() -> dict:
    """Every chart, as chart_figures draws them, the share of due with its statuses in words."""
    every = chart_figures.every_figure()
    every["delivery share of due"] = chart_figures.charts.share_of_due_delivered(by_commitment())
    return every


FIGURE_NAMES = list(chart_figures.every_figure())


def shown_texts(fig) -> Iterator[str]:
    """Every text a chart shows a person: axis titles, legend names, hover templates,
    text and hover values of its traces, the years along its axis and its direct labels."""
    layout = fig.layout
    for axis in (layout.xaxis, layout.yaxis):
        if axis.title.text:
            yield axis.title.text
    for note in layout.annotations:
        yield note.text
    for trace in fig.data:
        for value in (trace.name, trace.hovertemplate):
            if value:
                yield value
        for values in (trace.text, trace.customdata, trace.x):
            yield from _strings(values)


def _strings(values) -> Iterator[str]:
    """The strings in a value, list or array (numbers are not text)."""
    if isinstance(values, str):
        yield values
    elif isinstance(values, list | tuple | np.ndarray):
        for value in values:
            yield from _strings(value)


def english_words() -> dict[str, list[str]]:
    """For each message the chart modules mark, its English words (the text between its
    placeholders and markup, where it holds a word of four letters or more)."""
    found = {}
    for message in catalogues.read_template():
        if not message.id or not any(path in CHART_MODULES for path, _line in message.locations):
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            pieces = re.split(r"%\{\{?[^}]*\}?\}|\{[^}]*\}|<[^>]+>", text)
            words = [piece.strip(" :;,.()") for piece in pieces if re.search(r"[A-Za-z]{4,}", piece)]
            if words:
                found[text] = words
    return found


def left_untranslated(text: str, data: tuple[str, ...] = ()) -> str:
    """What of ``text`` went through no catalogue (made with the marking catalogue):
    marked parts, markup, Plotly's placeholders, data, money and numbers taken out."""
    left = text
    while MARKED.search(left):
        left = MARKED.sub(" ", left)
    left = re.sub(r"%\{[^}]*\}|<[^>]+>", " ", left)
    for value in sorted(data, key=len, reverse=True):
        left = left.replace(value, " ")
    return " ".join(WORD.findall(NOT_WORDS.sub(" ", left)))


# --- each chart says its axes, legend and labels in Welsh ---------------------------------------


def test_the_overview_chart_speaks_welsh() -> None:
    with i18n.speaking(WELSH):
        fig = chart_figures.charts.committed_vs_delivered(chart_figures.yearly())
    assert fig.layout.xaxis.title.text == YEAR_AXIS
    assert fig.layout.yaxis.title.text == "Punnoedd"
    assert [trace.name for trace in fig.data] == [
        "Ymrwymwyd",
        "Ymrwymwyd, amcangyfrif (dosbarthiad a ddewiswyd, heb ei gyhoeddi fesul blwyddyn)",
        "Cyflawnwyd",
        "Ymrwymwyd yn gronnus",
        "Cyflawnwyd yn gronnus",
    ]
    committed, _estimated, delivered, *_lines = fig.data
    assert committed.hovertemplate == "%{x}: ymrwymwyd %{customdata}<extra></extra>"
    assert delivered.text[0] == "£330k yn llai na'r swm a ymrwymwyd"
    # Money with no year: its pair of bars is named in Welsh, on the axis and in its order.
    assert committed.x[-1] == "heb ei gyfnodoli" and fig.layout.xaxis.categoryarray[-1] == "heb ei gyfnodoli"


def test_the_delivery_charts_speak_welsh() -> None:
    with i18n.speaking(WELSH):
        cumulative = chart_figures.charts.cumulative_slippage(chart_figures.by_year())
        share = chart_figures.charts.share_of_due_delivered(by_commitment())
    assert cumulative.layout.xaxis.title.text == YEAR_AXIS
    assert cumulative.layout.yaxis.title.text == "Punnoedd, cronnus"
    assert [trace.name for trace in cumulative.data if trace.showlegend is not False] == [
        "Y tu ôl i'r proffil",
        "Ymrwymwyd hyd yma",
        "Cyflawnwyd hyd yma",
        "Mae'r flwyddyn yn cynnwys arian a amcangyfrifwyd (dosbarthiad a ddewiswyd)",
    ]
    assert [note.text for note in cumulative.layout.annotations] == ["Ymrwymwyd<br>£15.3m", "Cyflawnwyd<br>£12.72m"]
    delivered = next(trace for trace in cumulative.data if trace.name == "Cyflawnwyd hyd yma")
    assert delivered.text[0] == "ar ei hôl hi o £330k"
    assert share.layout.xaxis.title.text == "Cyflawnwyd fel % o'r arian sy'n ddyledus hyd yma"
    assert [trace.name for trace in share.data] == ["Y tu ôl i'r proffil", "Yn unol â'r proffil neu o'i flaen"]
    assert share.data[1].customdata[0][2] == "yn unol â'r proffil"


def test_an_announcements_chart_and_a_revised_commitments_chart_speak_welsh() -> None:
    with i18n.speaking(WELSH):
        schedule = chart_figures.charts.announcement_schedule(chart_figures.schedule())
        revised = chart_figures.charts.original_vs_revised(chart_figures.comparison())
    assert schedule.layout.xaxis.title.text == YEAR_AXIS
    assert schedule.layout.yaxis.title.text == "Punnoedd a gyhoeddwyd"
    names = [trace.name for trace in schedule.data]
    assert names[1:4] == ["C2 (wedi'i ailgyhoeddi)", "C3 (blynyddoedd wedi'u hamcangyfrif)", "C4"]
    assert names[-1].startswith("Amcangyfrif (wedi'i osod mewn blynyddoedd")
    assert schedule.data[3].customdata[0] == "£400k (dros)"  # C4's money is "over" £400k
    assert schedule.data[2].customdata[0] == "£300k (amcangyfrif: dosbarthiad a ddewiswyd)"
    assert schedule.data[0].hovertemplate == "C1 yn %{x}: %{customdata}<extra></extra>"
    assert revised.layout.yaxis.title.text == "Punnoedd"
    assert [trace.name for trace in revised.data] == ["Proffil gwreiddiol", "Proffil diwygiedig"]
    assert revised.data[1].text[0] == "£1m yn llai na'r gwreiddiol"


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_no_english_message_is_left_in_a_welsh_chart(name: str) -> None:
    with i18n.speaking(WELSH):
        texts = list(shown_texts(figures()[name]))
    assert texts
    english = english_words()
    left = [(message, text) for text in texts for message, words in english.items() if any(w in text for w in words)]
    assert not left, left


def test_the_check_finds_english_left_in_a_welsh_chart() -> None:
    """The check itself: an English legend name in a Welsh chart is found."""
    with i18n.speaking(WELSH):
        fig = chart_figures.charts.original_vs_revised(chart_figures.comparison())
    fig.data[0].name = "Original profile"
    english = english_words()
    assert any(any(w in text for w in english["Original profile"]) for text in shown_texts(fig))


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_every_word_a_chart_shows_goes_through_the_catalogue(name: str, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    with i18n.speaking(WELSH):
        texts = list(shown_texts(figures()[name]))
    purposes = tuple(f"Purpose of W{i}" for i in range(1, 6))  # data: the commitments' purposes
    left = [text for text in texts if left_untranslated(text, purposes)]
    assert not left, left


def test_the_marked_check_finds_a_word_the_catalogue_never_saw(monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    with i18n.speaking(WELSH):
        assert left_untranslated(chart_summaries.against_original([100], [0])[0]) == ""
        assert left_untranslated("⟪{amount} less⟫ than the original") == "than the original"


# --- the sentences and the tables ------------------------------------------------------------------


def test_each_charts_sentence_is_said_in_welsh() -> None:
    with i18n.speaking(WELSH):
        overview = chart_summaries.committed_vs_delivered(chart_figures.yearly())
        share = chart_summaries.share_of_due_delivered(by_commitment())
        cumulative = delivery.cumulative_sentence(chart_figures.by_year())
        years = [delivery.year_sentence(row) for row in chart_figures.yearly().itertuples(index=False)]
    assert overview == (
        "O 2020-21 i 2023-24, ymrwymwyd o leiaf £16m (£700k ohono heb flwyddyn ariannol wedi'i nodi) a "
        "chyflawnwyd £12.82m (80.1%); roedd y swm a gyflawnwyd yn llai na'r swm a ymrwymwyd mewn 3 o 4 blynedd, "
        "fwyaf yn 2023-24 (£2m yn llai), ac yn fwy na'r swm a ymrwymwyd mewn 1 o 4 blynedd (2021-22, £200k yn fwy)."
    )
    assert share == (
        "Mae 3 o 5 ymrwymiad y tu ôl i'w proffil o £780k i gyd; W4 sydd bellaf ar ei hôl hi, gyda 60.0% o'i "
        "arian sy'n ddyledus hyd yma wedi'i gyflawni."
    )
    assert cumulative == (
        "Erbyn diwedd 2022-23, roedd o leiaf £13.3m wedi'i ymrwymo a £12.72m wedi'i gyflawni (95.6%): "
        "£580k y tu ôl i'r proffil a ymrwymwyd."
    )
    assert years[0] == "Yn 2020-21, ymrwymwyd o leiaf £1.5m a chyflawnwyd £1.17m (78.0%)."
    assert (
        years[-1]
        == "Heb ei gyfnodoli: ymrwymwyd £700k heb flwyddyn ariannol wedi'i nodi, a chyflawnwyd £100k heb ddyddiad."
    )


def test_the_same_sentences_are_english_by_default() -> None:
    """English stays the default: the same figures, said without a language chosen."""
    assert chart_summaries.committed_vs_delivered(chart_figures.yearly()).startswith(
        "From 2020-21 to 2023-24, at least £16m was committed (£700k of it with no financial year stated)"
    )
    assert delivery.cumulative_sentence(chart_figures.by_year()).startswith("By the end of 2022-23, at least £13.3m")


def test_statuses_lateness_and_notes_are_said_in_welsh() -> None:
    with i18n.speaking(WELSH):
        assert delivery.commitment_status(100, 100, 0) == "ar ei hôl hi o £1"
        assert delivery.commitment_status(100, 0, 0) == "ddim yn ddyledus eto"
        assert delivery.commitment_status(0, 0, 0, restates="W2") == "yn ailddatgan W2: wedi'i gyfrif yno"
        assert delivery.year_status(False, 0) == "heb ddechrau eto"
        assert [delivery.describe_lateness(d) for d in (1, 2, 3, 100, 800)] == [
            "1 diwrnod yn hwyr",
            "2 ddiwrnod yn hwyr",
            "3 diwrnod yn hwyr",
            "tua 3 mis yn hwyr",
            "tua 2.2 o flynyddoedd yn hwyr",
        ]
        assert delivery.money_notes(200_000_000, 100_000_000, 0, 0) == [
            "Arian newydd: £1m o'r £2m a ymrwymwyd; cyhoeddwyd y gweddill o'r blaen."
        ]
        assert delivery.qualified("£1.5m", "at least") == "o leiaf £1.5m"
        assert delivery.commitments_sentence(by_commitment().iloc[[3]]) == (
            "Mae 1 o 1 ymrwymiad y tu ôl i'w broffil, o £400k."
        )


def test_every_word_of_the_sentences_goes_through_the_catalogue(monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    with i18n.speaking(WELSH):
        table = by_commitment()
        said = [
            chart_summaries.committed_vs_delivered(chart_figures.yearly()),
            chart_summaries.committed_vs_delivered(chart_figures.yearly().iloc[[0]]),
            chart_summaries.committed_vs_delivered(chart_figures.yearly().iloc[[1, 2]]),
            chart_summaries.committed_vs_delivered(chart_figures.yearly().iloc[[4]]),
            chart_summaries.committed_vs_delivered(chart_figures.yearly().iloc[0:0]),
            chart_summaries.share_of_due_delivered(table),
            chart_summaries.share_of_due_delivered(table.iloc[[3]]),
            delivery.cumulative_sentence(chart_figures.by_year()),
            delivery.cumulative_sentence(chart_figures.by_year().iloc[[3]]),
            delivery.cumulative_sentence(chart_figures.by_year().iloc[[4]]),
            delivery.commitments_sentence(table.iloc[[1, 2]]),
            delivery.commitments_sentence(table.iloc[[2]]),
            delivery.commitments_sentence(table.iloc[0:0]),
            *[delivery.year_sentence(row) for row in chart_figures.yearly().itertuples(index=False)],
            *delivery.money_notes(300, 100, 50, 25),
            *[delivery.describe_lateness(days) for days in (1, 40, 100, 900)],
            *[
                delivery.commitment_status(*args)
                for args in ((1, 1, 0), (1, 0, 2), (1, 1, 1), (0, 0, 0), (5, 0, 1, None, 5))
            ],
            *chart_figures.by_year()["status"],
        ]
    left = [text for text in said if left_untranslated(text)]
    assert not left, left


def test_each_charts_table_has_welsh_headings_and_words() -> None:
    with i18n.speaking(WELSH):
        overview = chart_tables.committed_vs_delivered(chart_figures.yearly())
        cumulative = chart_tables.cumulative_slippage(chart_figures.by_year())
        share = chart_tables.share_of_due_delivered(shortfall.chart_rows(by_commitment()))
        schedule = chart_tables.announcement_schedule(chart_figures.schedule())
        revised = chart_tables.original_vs_revised(chart_figures.comparison())
    assert list(overview.headings.values()) == [
        "Blwyddyn ariannol",
        "Ymrwymwyd",
        "Y rhan a amcangyfrifwyd",
        "Cyflawnwyd",
        "Cyflawnwyd o'i gymharu â'r hyn a ymrwymwyd",
        "Ymrwymwyd hyd yma",
        "Cyflawnwyd hyd yma",
    ]
    assert list(overview.shown["label"])[-1] == "heb ei gyfnodoli"
    assert overview.shown["against"][0] == "£330k yn llai na'r swm a ymrwymwyd"
    assert cumulative.headings["status"] == "Ar ddiwedd y flwyddyn" and cumulative.shown["status"][0] == (
        "ar ei hôl hi o £330k"
    )
    assert list(share.headings.values()) == [
        "Ymrwymiad",
        "% o'r hyn sy'n ddyledus a gyflawnwyd",
        "Cyflawnwyd",
        "Yn ddyledus hyd yma",
        "O'i gymharu â'r proffil",
    ]
    assert schedule.headings["c1"] == "C2 (wedi'i ailgyhoeddi)" and schedule.headings["total"] == "Cyfanswm"
    assert revised.headings["against"] == "Diwygiedig o'i gymharu â'r gwreiddiol"


def test_the_bar_for_all_the_others_is_said_in_welsh() -> None:
    with i18n.speaking(WELSH):
        rows = shortfall.chart_rows(by_commitment(), most=3)
    others = rows.iloc[-1]
    assert others["name"] == "Pob un o'r 3 arall"
    assert others["status"] == "ar ei hôl hi o £80k i gyd"  # W2's £80k; W3 and W5 are not behind


def test_a_qualifier_stays_english_where_code_compares_it() -> None:
    """The words are Welsh; the qualifier a sum carries (a value code compares) is not."""
    with i18n.speaking(WELSH):
        assert delivery_words.combine_qualifiers(["over", "exact"]) == "at least"
        assert delivery_words.qualifier_word("at least") == "o leiaf"


# --- the Delivery page's figures are kept once per language -----------------------------------------


def _data():
    """W1: £1.5m in 2020-21, £1m of it delivered; W2: £1m in 2021-22, nothing delivered."""
    records = [
        record("W1", amount_pence=150_000_000, first_year=FinancialYear(2020)),
        record("W2", amount_pence=100_000_000, first_year=FinancialYear(2021)),
    ]
    paid = [("D1", "W1", date(2020, 6, 1), 100_000_000, "disbursement", None, False)]
    return tracker_data(records, paid)


def test_the_delivery_figures_are_kept_once_per_language() -> None:
    data, today = _data(), date(2022, 11, 27)
    english = delivery.progress_of(data, today)
    with i18n.speaking(WELSH):
        welsh = delivery.progress_of(data, today)
        assert delivery.progress_of(data, today) is welsh  # kept: worked out once in each language
    assert delivery.progress_of(data, today) is english
    assert english.year_summary.startswith("By the end of 2021-22, £2.5m had been committed and £1m delivered")
    assert welsh.year_summary.startswith("Erbyn diwedd 2021-22, roedd £2.5m wedi'i ymrwymo a £1m wedi'i gyflawni")
    assert list(english.by_commitment["status"]) == ["behind by £500k", "behind by £1m"]
    assert list(welsh.by_commitment["status"]) == ["ar ei hôl hi o £500k", "ar ei hôl hi o £1m"]
    assert list(welsh.by_year["status"]) == ["ar ei hôl hi o £500k", "ar ei hôl hi o £1.5m"]


def test_the_delivery_pages_view_is_kept_once_per_language() -> None:
    data, today = _data(), date(2022, 11, 27)
    shown = Filters(first_year=FinancialYear(2021))  # to date counts 2020-21 too
    english = progress_in_view(data, shown, today)
    with i18n.speaking(WELSH):
        welsh = progress_in_view(data, shown, today)
    assert progress_in_view(data, shown, today) is english
    assert english.year_summary == (
        "By the end of 2021-22, £2.5m had been committed and £1m delivered (40.0%): £1.5m behind the committed profile."
    )
    assert welsh.year_summary == (
        "Erbyn diwedd 2021-22, roedd £2.5m wedi'i ymrwymo a £1m wedi'i gyflawni (40.0%): "
        "£1.5m y tu ôl i'r proffil a ymrwymwyd."
    )
    assert list(welsh.by_year["status"]) == ["ar ei hôl hi o £1.5m"]
