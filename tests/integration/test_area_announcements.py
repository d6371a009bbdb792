"""An area's announcements (tracker.figures.area_view), from records saved
through the use-cases: A1 (C1 for Cardiff, C2 for Swansea) and A2 (C3 for
both). Each announcement is listed under an area with the money of its
commitments naming that area, shared money in full."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import Engine

from tests.integration.records_helpers import CDO, EDITOR, FOUNDING, SECOND, TRANSFORMATION
from tracker.figures import data as queries
from tracker.figures.area_view import area_view
from tracker.records.announcements import create_announcement

CARDIFF, SWANSEA = "W06000015", "W06000011"
TODAY = date(2026, 11, 27)


def _saved(engine: Engine) -> None:
    create_announcement(
        dataclasses.replace(
            FOUNDING,
            commitments=(dataclasses.replace(CDO, areas=CARDIFF), dataclasses.replace(TRANSFORMATION, areas=SWANSEA)),
        ),
        engine=engine,
        actor=EDITOR,
        new_organisations_ok=True,
    )
    create_announcement(
        dataclasses.replace(
            SECOND, commitments=tuple(dataclasses.replace(c, areas=f"{CARDIFF};{SWANSEA}") for c in SECOND.commitments)
        ),
        engine=engine,
        actor=EDITOR,
    )


def test_each_area_lists_the_announcements_naming_it_with_their_money_there(engine: Engine) -> None:
    _saved(engine)
    data = queries.load(engine)
    cardiff = area_view(data, CARDIFF, TODAY)
    swansea = area_view(data, SWANSEA, TODAY)

    assert list(cardiff.announcements["ref"]) == ["A1", "A2"]  # earliest first
    assert list(cardiff.announcements["title"]) == [FOUNDING.title, SECOND.title]
    assert list(cardiff.announcements["funder"]) == ["Welsh Government", "Welsh Government"]
    assert list(cardiff.announcements["address"]) == ["/announcements?ref=A1", "/announcements?ref=A2"]
    # A1 here is C1 alone (£500,000 a year for 3 years); A2's C3 (£3m + £1.9m) is in full under both areas
    assert list(cardiff.announcements["committed"]) == [150_000_000, 490_000_000]
    assert list(swansea.announcements["ref"]) == ["A1", "A2"]
    assert swansea.announcements["committed"].iloc[1] == 490_000_000
    by_commitment = dict(zip(swansea.commitments["ref"], swansea.commitments["committed"]))
    assert swansea.announcements["committed"].iloc[0] == by_commitment["C2"]  # C2 alone of A1 names Swansea


def test_an_area_no_money_names_lists_no_announcements(engine: Engine) -> None:
    _saved(engine)
    view = area_view(queries.load(engine), "W06000022", TODAY)

    assert view.announcements.empty
