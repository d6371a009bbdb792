"""The Headlines page and an announcement's headline claim (AppTest), in English and Welsh:
the headlines that do not add up are listed with their figures, every recorded one on
request, and an announcement's own page says its headline's verdict in words."""

from __future__ import annotations

from sqlalchemy import create_engine, update
from streamlit.testing.v1 import AppTest

from db.models import Announcement
from tests.app.conftest import APP

HEADLINES = "app_pages/headlines.py"
ANNOUNCEMENTS = "app_pages/announcements.py"
# On the demo: A1 states £2.5m (W1 £500,000 a year for 3 years, W2 over £1m), A2 re-announces
# W2's £1m (no new money), A3 states £4.9m.
CLAIMS = {"A1": "Over £2m for digital", "A2": "A £1m fund for councils", "A3": "£5m for digital public services"}


def _record(url: str, claims: dict[str, str]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for ref, headline in claims.items():
                connection.execute(update(Announcement).where(Announcement.ref == ref).values(headline=headline))
    finally:
        engine.dispose()


def _opened(page: str, language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _listed(at: AppTest) -> dict[str, tuple]:
    frame = at.dataframe[0].value
    frame = getattr(frame, "data", frame)  # a Styler's frame
    return {
        row.ref: (row.claim, int(row.all_money), int(row.new_money), row.verdict)
        for row in frame.itertuples(index=False)
    }


def test_the_page_lists_the_headlines_that_do_not_add_up_with_their_figures(app_database):
    _record(app_database, CLAIMS)
    at = _opened(HEADLINES)
    assert at.title[0].value == "Headlines"
    assert _listed(at) == {
        "A2": ("£1,000,000", 1_000_000, 0, "counts money announced before as new"),
        "A3": ("£5,000,000", 4_900_000, 4_900_000, "headline is more than recorded"),
    }
    assert at.get("download_button")  # the report as CSV

    at.toggle(key="headlines_every").set_value(True).run()
    assert _listed(at)["A1"] == ("over £2,000,000", 2_500_000, 2_500_000, "adds up")


def test_the_page_in_welsh(app_database):
    _record(app_database, CLAIMS)
    at = _opened(HEADLINES, "cy")
    assert at.title[0].value == "Penawdau"
    verdicts = {ref: said[3] for ref, said in _listed(at).items()}
    assert verdicts == {
        "A2": "yn cyfrif arian a gyhoeddwyd o'r blaen fel arian newydd",
        "A3": "mae'r pennawd yn fwy na'r hyn a gofnodwyd",
    }


def test_with_no_headline_recorded_the_page_says_how_to_record_one(app_database):
    at = _opened(HEADLINES)
    assert any("No headline claim is recorded yet" in i.value for i in at.info)
    assert not at.dataframe


def _detail(ref: str, language: str) -> AppTest:
    at = _opened(ANNOUNCEMENTS, language)
    at.selectbox(key="announcements_pick").set_value(ref).run()
    assert not at.exception
    return at


def test_an_announcements_page_says_its_headline_and_the_verdict(app_database):
    _record(app_database, CLAIMS)
    at = _detail("A2", "en")
    assert any("**Headline claim, as stated.** A £1m fund for councils" in m.value for m in at.markdown)
    [warning] = [w.value for w in at.warning if "headline" in w.value]
    assert "counts money announced before as new" in warning
    assert "£1,000,000 is recorded, but only £0 of it is new money (0%)" in warning

    adds_up = _detail("A1", "en")
    assert any("adds up: £2,500,000 is recorded, £2,500,000 of it new money (100%)" in i.value for i in adds_up.info)

    welsh = _detail("A2", "cy")
    assert any("**Honiad y pennawd, fel y'i nodwyd.**" in m.value for m in welsh.markdown)
    assert any("yn cyfrif arian a gyhoeddwyd o'r blaen fel arian newydd" in w.value for w in welsh.warning)
