"""The sentences and labels the figures build for pages, in Welsh (and still in English).

Each family of sentence is said in the language of the run that asks
(``tracker.i18n.speaking``); what is worked out once and kept for everyone
(a search index, a kept figure) says its words when asked, so one reader's
language never reaches another. Dates are in words in each language
(``tracker.i18n.dates.long_date``); money and financial years read the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_filters import _data
from tracker.core import money, vocabulary
from tracker.core.fiscal import FinancialYear
from tracker.figures import areas, changes_since, data_version, paging, register, revisions, search, view_links
from tracker.figures.announcement_detail import detail, schedule_table
from tracker.figures.area_view import area_view
from tracker.figures.data import TrackerData, overview
from tracker.figures.filters import Filters
from tracker.figures.organisation_view import FUNDED, RECEIVED, Side
from tracker.figures.shared import per_data_in_language
from tracker.i18n import current, speaking
from tracker.i18n.dates import long_date

CY = "cy"


def _announced() -> TrackerData:
    """``_data``'s three commitments in two announcements: A1 (C1, and C2 "over" £1m), A2 (C3 re-announcing C2)."""
    plain = _data()
    commitments = plain.commitments.assign(
        announcement_ref=["A1", "A1", "A2"],
        announced_on=[date(2019, 10, 25), date(2019, 10, 25), date(2020, 6, 1)],
        title=["Chief Digital Officer", "Chief Digital Officer", "Again"],
        source_url=[None, None, None],
        status=["confirmed", "indicative", "confirmed"],
        capital_or_revenue=[None, None, None],
        quote=[None, None, "Digital squads"],
        areas=[("W06000015",), ("W06000015", "W06000022"), ()],
    )
    return TrackerData(commitments, plain.profile_lines, plain.deliveries, plain.milestones, as_at=None)


def _listed(count: int) -> changes_since.Listed:
    return changes_since.Listed(count, pd.DataFrame({"ref": [f"R{i}" for i in range(min(count, 2))]}))


# --- dates, money and the closed lists ------------------------------------------------------------


def test_dates_are_in_welsh_words_and_money_and_years_read_the_same() -> None:
    with speaking(CY):
        assert long_date(date(2019, 10, 31)) == "31 Hydref 2019"
        assert changes_since.day_words(date(2026, 11, 3)) == "3 Tachwedd 2026"
        assert register.said_date(date(2019, 10, 25)) == "25 Hydref 2019"
        assert register.said_date(None) == "heb ddyddiad"
    assert register.said_date(date(2019, 10, 25)) == "25 October 2019"


@pytest.mark.parametrize(
    ("qualifier", "english", "welsh"),
    [("at least", "at least £1.5m", "o leiaf £1.5m"), ("over", "over £1.5m", "dros £1.5m"),
     ("up to", "up to £1.5m", "hyd at £1.5m"), ("about", "about £1.5m", "tua £1.5m"), ("exact", "£1.5m", "£1.5m")],
)  # fmt: skip
def test_a_qualified_amount_is_said_in_each_language(qualifier: str, english: str, welsh: str) -> None:
    assert money.qualified("£1.5m", qualifier) == english
    with speaking(CY):
        assert money.qualified("£1.5m", qualifier) == welsh


def test_qualifiers_and_stored_values_keep_their_keys_and_are_shown_in_welsh() -> None:
    with speaking(CY):
        assert [money.qualifier_word(q) for q in ("exact", "at least", "up to", "about")] == [
            "union",
            "o leiaf",
            "hyd at",
            "tua",
        ]
        assert vocabulary.in_words("one-off") == "untro" and vocabulary.in_words("recurring") == "cylchol"
        assert vocabulary.label(vocabulary.COMMITMENT_KIND_LABELS, "recurring") == "Cylchol (bob blwyddyn)"
        assert vocabulary.label(vocabulary.STATUS_LABELS, "not a status") == "not a status"
    assert vocabulary.COMMITMENT_KINDS == ("one-off", "recurring", "profiled", "multi-year")  # stored: English
    assert vocabulary.in_words("one-off") == "one-off"
    assert vocabulary.label(vocabulary.COMMITMENT_KIND_LABELS, "recurring") == "Recurring (each year)"


# --- the Overview: changes since, milestones, last changed -------------------------------------------


def test_the_changes_sentence_in_welsh_counts_with_welsh_plurals() -> None:
    changes = changes_since.Changes(date(2026, 11, 3), _listed(2), _listed(1), _listed(0), _listed(1_234))
    with speaking(CY):
        assert changes.sentence() == (
            "Ers 3 Tachwedd 2026: 2 cyhoeddiad newydd, 1 ymrwymiad wedi newid, dim cyflawniadau, "
            "1,234 carreg filltir wedi'u hychwanegu neu eu cyrraedd."
        )
        nothing = changes_since.Changes(date(2026, 11, 3), _listed(0), _listed(0), _listed(0), _listed(0))
        assert nothing.sentence() == "Ers 3 Tachwedd 2026: dim wedi'i gofnodi na'i newid."


def test_the_default_day_is_kept_once_and_says_why_in_the_readers_language() -> None:
    meetings = pd.DataFrame({"held_on": [date(2026, 11, 3)]})
    after_meeting = changes_since.default_since(meetings, date(2026, 11, 27))
    without = changes_since.default_since(meetings.iloc[0:0], date(2026, 11, 27))
    with speaking(CY):
        assert after_meeting.reason == "ers y cyfarfod adolygu diwethaf ar 3 Tachwedd 2026"
        assert without.reason == (
            "dros y 30 diwrnod diwethaf, ers 28 Hydref 2026 (does dim cyfarfod adolygu wedi'i gynnal eto)"
        )
    assert after_meeting.reason == "since the last review meeting on 3 November 2026"


def test_when_the_data_last_changed_is_said_in_welsh() -> None:
    when = datetime(2026, 12, 5, 14, 2, tzinfo=UTC)
    with speaking(CY):
        assert data_version.last_changed_sentence(when) == "Newidiwyd y data ddiwethaf ar 5 Rhagfyr 2026 am 14:02 UTC."
        assert data_version.last_changed_sentence(None) == "Dim data wedi'i gofnodi eto."
    assert data_version.last_changed_sentence(when) == "Data last changed 5 December 2026 at 14:02 UTC."


def test_the_milestone_summary_is_said_in_welsh_with_a_welsh_date() -> None:
    data = _data()
    with speaking(CY):
        assert overview(data, date(2020, 3, 1)).milestone_summary() == (
            "Does dim carreg filltir yn hwyr; y nesaf i ddod: CDO in post ar 1 Ebrill 2020."
        )
        late = overview(data, date(2020, 12, 1)).milestone_summary()
        assert late.startswith("1 garreg filltir yn hwyr (yr hwyraf: CDO in post, ")
        assert late.endswith("); does dim un yn aros i'w chyflawni.")
    assert overview(data, date(2020, 3, 1)).milestone_summary() == (
        "No milestone is overdue; next due: CDO in post on 1 April 2020."
    )


def test_a_figure_holding_words_is_kept_once_per_language() -> None:
    said: list[str] = []

    @per_data_in_language
    def words(data: TrackerData) -> str:
        said.append(current())
        return current()

    data = _data()
    assert words(data) == "en"
    with speaking(CY):
        assert words(data) == "cy" and words(data) == "cy"
    assert words(data) == "en"
    assert said == ["en", "cy"]  # each worked out once, then kept


# --- an announcement's detail and the register ------------------------------------------------------


def test_an_announcements_schedule_sentence_and_re_announcements_in_welsh() -> None:
    data = _announced()
    with speaking(CY):
        first = detail(data, None, "A1", date(2020, 12, 1))
        assert first.summary == (
            "Mae A1 yn cyhoeddi o leiaf £2.5m dros 2020-21 i 2022-23, y cyfan yn arian newydd; "
            "mae £1m ohono (C2) yn isafswm ('dros')."
        )
        assert [link.sentence for link in first.reannounced_by] == [
            "Caiff C2 ei ailgyhoeddi gan C3 (cyhoeddiad A2, 1 Mehefin 2020): caiff yr arian ei gyfrif unwaith, yma."
        ]
        assert first.commitments.set_index("ref").loc["C1", "years"] == "2020-21 i 2022-23"
        second = detail(data, None, "A2", date(2020, 12, 1))
        assert second.summary == (
            "Mae A2 yn cyhoeddi £1m yn 2020-21, dim ohono'n arian newydd: mae'n ailgyhoeddi ymrwymiadau cynharach."
        )
        assert [link.sentence for link in second.reannounces] == [
            "Mae C3 yn ailgyhoeddi C2 (cyhoeddiad A1, 25 Hydref 2019): nid yw'n ychwanegu arian newydd."
        ]
        table = schedule_table(first)
        assert table.title == "Amserlen A1" and table.titles["financial_year"] == "Blwyddyn ariannol"
        assert list(table.frame.columns)[:3] == ["announcement_ref", "commitment_ref", "financial_year"]  # the CSV's
    assert detail(data, None, "A2", date(2020, 12, 1)).summary == (
        "A2 announces £1m in 2020-21, none of it new money: it re-announces earlier commitments."
    )


def test_the_registers_years_are_in_welsh_and_kept_apart_from_the_english() -> None:
    data = _announced()
    english = register.kept_register(data, register.announcements_from(data), 1, Filters())
    with speaking(CY):
        welsh = register.kept_register(data, register.announcements_from(data), 1, Filters())
        assert list(welsh["years"]) == ["2020-21 i 2022-23", "2020-21"]
        assert register.year_span([2020, 2022, 10_000]) == "2020-21 i 2022-23 a heb ei gyfnodoli"
        assert register.year_span([10_000]) == "heb ei gyfnodoli"
        table = register.register_table(welsh)
        assert table.title == "Cyhoeddiadau" and table.titles["headline_qualifier"] == "Natur y prif ffigur"
        assert "financial_years" in table.frame.columns  # the CSV's header stays as it is
    assert list(english["years"]) == ["2020-21 to 2022-23", "2020-21"]
    assert list(welsh["qualifier"]) == list(english["qualifier"]) == ["at least", "exact"]  # keys, not words
    assert register.year_span([2020, 10_000]) == "2020-21 and unphased"


# --- places, organisations, search ------------------------------------------------------------------


def test_a_place_is_named_in_welsh_with_its_english_name_beside() -> None:
    with speaking(CY):
        assert areas.area_label("W06000015") == "Caerdydd (W06000015)"
        assert areas.area_label(areas.NOT_STATED) == "ardal heb ei nodi"
        assert areas.identity_line("W06000015") == "Cod ONS W06000015; yn Saesneg, Cardiff."
        assert areas.identity_line(areas.NOT_STATED) == "Arian nad yw'n enwi unrhyw le."
        assert areas.shared_note(pd.DataFrame({"shared": [1]})).startswith("Caiff arian sy'n enwi sawl ardal")
    assert areas.area_label("W06000015") == "Cardiff (W06000015)"
    assert areas.identity_line("W06000015") == "ONS code W06000015; in Welsh, Caerdydd."


def test_an_areas_sentence_in_welsh() -> None:
    data = _announced()
    with speaking(CY):
        view = area_view(data, "W06000015", date(2020, 12, 1))
        assert view.label == "Caerdydd (W06000015)"
        assert view.sentence() == (
            "Mae o leiaf £2.5m wedi'i ymrwymo ar gyfer Caerdydd (W06000015) mewn 2 ymrwymiad, ac mae £750k wedi'i "
            "gyflawni; mae £1m ohono'n cael ei rannu ag ardaloedd eraill a'i gyfrif yn llawn o dan bob un."
        )
        assert list(view.commitments["other_areas"]) == ["", "Casnewydd (W06000022)"]
    english = area_view(data, "W06000015", date(2020, 12, 1))
    assert english.sentence().startswith("at least £2.5m is committed for Cardiff (W06000015) in 2 commitments")


def test_an_organisations_sentences_in_welsh() -> None:
    headline = area_view(_announced(), "W06000015", date(2020, 12, 1)).headline
    one = pd.DataFrame({"ref": ["C1"]})
    with speaking(CY):
        funded = Side(FUNDED, pd.DataFrame(), one, headline)
        assert funded.sentence("Llywodraeth Cymru") == (
            "Ariannodd Llywodraeth Cymru o leiaf £2.5m mewn 1 ymrwymiad, ac mae £750k ohono wedi'i gyflawni."
        )
        nothing = Side(RECEIVED, pd.DataFrame(), one.iloc[0:0], headline)
        assert nothing.sentence("WLGA") == "Ni chafodd WLGA unrhyw arian a gofnodwyd yma."
    assert funded.sentence("Welsh Government") == (
        "Welsh Government funded at least £2.5m in 1 commitment, of which £750k is delivered."
    )


def test_a_search_index_built_once_says_its_results_in_each_readers_language() -> None:
    data = _announced()
    announcements = register.announcements_from(data).assign(made_by=None, quote=None, notes=None)
    announcements.loc[1, "announced_on"] = None
    organisations = pd.DataFrame(
        {"organisation_id": [1], "name": ["Welsh Government"], "identifier": [""], "other_names": ["Llywodraeth Cymru"]}
    )
    index = search.build(data, announcements, organisations)  # kept for everyone, whatever the language

    def found(text: str) -> dict[str, list[tuple[str, str]]]:
        return {group.kind: [(r.label, r.detail) for r in group.results] for group in search.search(index, text)}

    with speaking(CY):
        assert found("caerdydd")["places"] == [("Caerdydd (W06000015)", "arian wedi'i gofnodi")]
        assert found("cardiff")["places"] == [("Caerdydd (W06000015)", "arian wedi'i gofnodi")]
        assert found("chief")["announcements"] == [("A1: Chief Digital Officer", "25 Hyd 2019, Welsh Government")]
        assert found("again")["announcements"] == [("A2: Again", "heb ddyddiad, UK Government")]
        assert found("cdo")["commitments"] == [("C1: CDO post", "WLGA, cyhoeddwyd yn A1")]
        assert found("transformation")["programmes"] == [("Transformation Fund", "2 ymrwymiad")]
        assert found("llywodraeth")["organisations"] == [("Welsh Government", "dim dynodydd; hefyd Llywodraeth Cymru")]
    assert found("caerdydd")["places"] == [("Cardiff (W06000015)", "money recorded")]
    assert found("chief")["announcements"] == [("A1: Chief Digital Officer", "25 Oct 2019, Welsh Government")]
    assert found("transformation")["programmes"] == [("Transformation Fund", "2 commitments")]
    assert found("llywodraeth")["organisations"] == [("Welsh Government", "no identifier; also Llywodraeth Cymru")]
    assert isinstance(index.kinds["places"].text, np.ndarray)


# --- revisions, filters, links, paging ---------------------------------------------------------------

MOVED = pd.DataFrame([(2020, 100_000_000, 0), (2022, 0, 200_000_000)], columns=["financial_year", "original_pence", "revised_pence"])  # fmt: skip


def _revisions() -> pd.DataFrame:
    before = {"kind": "one-off", "schedule": {"2020-21": 100_000_000}}
    after = {"kind": "recurring", "schedule": {"2022-23": 200_000_000}}
    return pd.DataFrame(
        [(datetime(2021, 1, 1, tzinfo=UTC), "Sam", "slippage", None, before, after)],
        columns=["revised_at", "actor", "reason", "reason_text", "before", "after"],
    )


def test_a_revision_is_said_in_welsh() -> None:
    with speaking(CY):
        assert revisions.summary("W3", MOVED, _revisions()) == (
            "Roedd W3 yn £1,000,000 yn 2020-21; mae bellach yn £2,000,000 yn 2022-23 ar ôl 1 diwygiad (llithriant)."
        )
        history = revisions.history(_revisions())
        assert list(history["reason"]) == ["llithriant"]
        assert history["changed"][0] == (
            "Newidiodd y math o untro i cylchol; Newidiodd 2020-21 o £1,000,000 i £0; "
            "Newidiodd 2022-23 o £0 i £2,000,000; Newidiodd y cyfanswm o £1,000,000 i £2,000,000"
        )
        assert revisions.describe_profile({}) == "dim"
        table = revisions.comparison_table(MOVED, "W3")
        assert table.title == "W3: gwreiddiol a diwygiedig" and table.titles["revised"] == "Diwygiedig"
    assert revisions.history(_revisions())["changed"][0].startswith("Kind changed from one-off to recurring; ")


def test_the_filters_in_words_in_welsh() -> None:
    filters = Filters(FinancialYear(2020), None, funders=("A", "B", "C"), areas=("W06000015",))
    with speaking(CY):
        assert filters.describe() == (
            "blynyddoedd ariannol 2020-21 i'r flwyddyn olaf; cyllidwr A neu B neu C; ardal Caerdydd (W06000015)"
        )
        assert Filters().describe() == "dim (popeth)"
    assert (
        filters.describe() == "financial years 2020-21 to the last year; funder A or B or C; area Cardiff (W06000015)"
    )


def test_a_links_notes_in_welsh() -> None:
    options = {
        "years": [FinancialYear(2020), FinancialYear(2022)],
        "funders": [],
        "recipients": [],
        "programmes": [],
        "areas": [],
    }
    asked = {"funder": ["Nope", "B", "C", "D", "E"], "fy": ["1990-91"]}
    with speaking(CY):
        assert view_links.from_params(asked, options).notes == (
            "Nid oes gan y data arian yn 1990-91 (mae'n rhedeg o 2020-21 i 2022-23): yn dangos pob blwyddyn.",
            "Dim cyllidwr 'Nope', 'B', 'C' a 2 arall yn y data: wedi'i adael allan o'r hidlyddion.",
        )
        assert view_links.since_from_param("2027-01-01", date(2000, 1, 1), date(2026, 12, 6))[1] == (
            "Nid yw'r dyddiad 2027-01-01 yn y cyfeiriad rhwng 2000-01-01 a 2026-12-06."
        )
    assert view_links.from_params(asked, options).notes[1] == (
        "No funder 'Nope', 'B', 'C' and 2 more in the data: left out of the filters."
    )


def test_a_pages_caption_in_welsh() -> None:
    with speaking(CY):
        assert paging.page_of(1_234, 2).caption("cyhoeddiadau") == "Yn dangos 101–200 o 1,234 cyhoeddiadau."
        assert paging.page_of(12, 1).caption("cyhoeddiadau") == "12 cyhoeddiadau."
    assert paging.page_of(1_234, 2).caption("announcements") == "Showing 101–200 of 1,234 announcements."
