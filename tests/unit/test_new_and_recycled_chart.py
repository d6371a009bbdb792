"""The waterfall from headline to new money (issue 20): drawn in the house style (no text
under 12 px), its colours apart for colour-blind readers, every bar labelled with its
amount (so no step relies on colour), its names in the language in use; its table's
running figure ends at the new money."""

from __future__ import annotations

import itertools

from dashboard import charts
from tests.unit.colour_vision import difference
from tests.unit.test_chart_colours import DISTINCT, SIGHTS
from tests.unit.test_chart_text import font_sizes, own
from tracker.figures.chart_style import FONT_PX, SMALLEST_FONT_PX
from tracker.figures.new_and_recycled import Breakdown
from tracker.figures.new_and_recycled_tables import chart_table, steps, summary
from tracker.i18n import speaking

# £14.3m: £12.3m in new commitments, £1m re-announced, £0.5m before, £0.2m in pots' shares, a £0.3m rise.
FOUND = Breakdown(1_430_000_000, 1_230_000_000, 100_000_000, 50_000_000, 20_000_000, 30_000_000)


def test_the_waterfall_is_in_the_house_style_and_no_text_is_under_12_px() -> None:
    fig = charts.new_money_waterfall(steps(FOUND))
    assert fig.layout.font.size == FONT_PX
    sizes = list(font_sizes(own(fig)))
    assert sizes and not [(where, size) for where, size in sizes if size < SMALLEST_FONT_PX]


def test_its_colours_stay_apart_and_every_bar_says_its_amount() -> None:
    [waterfall] = charts.new_money_waterfall(steps(FOUND)).data
    colours = {
        "decreasing": waterfall.decreasing.marker.color,
        "increasing": waterfall.increasing.marker.color,
        "totals": waterfall.totals.marker.color,
    }
    for (a, one), (b, other) in itertools.combinations(colours.items(), 2):
        for sight in SIGHTS:
            assert difference(one, other, sight) >= DISTINCT, (a, b, sight)
    assert list(waterfall.text) == ["£14.3m", "-£1m", "-£500k", "-£200k", "£12.6m"]
    assert list(waterfall.measure) == ["absolute", "relative", "relative", "relative", "total"]


def test_its_table_and_sentence_end_at_the_new_money_in_english_and_welsh() -> None:
    table = chart_table(FOUND).frame
    assert table["after"].tolist() == [1_430_000_000, 1_330_000_000, 1_280_000_000, 1_260_000_000, 1_260_000_000]
    assert FOUND.new_money == 1_260_000_000
    assert summary(FOUND).endswith(
        "leaving £12,600,000 of new money. That includes a rise of £300,000 on re-announcements."
    )
    with speaking("cy"):
        [waterfall] = charts.new_money_waterfall(steps(FOUND)).data
        names = list(waterfall.x)
        assert (names[0], names[-1]) == ("Prif ffigur", "Arian newydd")
        assert "£12,600,000" in summary(FOUND) and "leaving" not in summary(FOUND)
