"""Stored text that tries to be Markdown or HTML: a link, an image (which
the browser would fetch from an outside address), bold and an HTML tag. The
page tests (tests/app/test_stored_markdown.py) and the browser's
no-outside-requests test (tests/browser/test_no_outside_requests.py) load a
database whose every free-text field holds it, and expect it shown as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select, update

from db.models import Announcement, Commitment, Delivery, Milestone, Organisation, OrganisationName
from db.session import write_session
from tracker.core.identifiers import normalise_name

# HTML first: a chart clips long names, and must still show the HTML as typed.
HOSTILE = "<b>html</b> [x](http://evil.example/a) ![y](http://evil.example/b.png) **bold**"
HOSTILE_WORD = HOSTILE.replace(" ", "")  # for a username (no spaces)


def hostile(where: str) -> str:
    """``HOSTILE``, told apart by ``where`` (names must differ)."""
    return f"{HOSTILE} ({where})"


def overwrite_free_text(engine: Engine, text: Callable[[str], str] = hostile) -> None:
    """Every free-text field of the records holds ``text(where)`` (by default
    the hostile text, as a way in could have stored it): announcement titles,
    quotes, notes and who made them; commitment purposes, notes and
    programmes; delivery notes; milestone titles and notes (every milestone
    left unachieved, so the overdue ones are named); organisation names,
    notes and other names."""
    with write_session(engine) as session:
        for model, columns in (
            (Announcement, ("title", "made_by", "quote", "notes")),
            (Commitment, ("purpose", "notes")),
            (Delivery, ("note",)),
            (Milestone, ("title", "achieved_note")),
        ):
            for row in session.scalars(select(model)):
                for column in columns:
                    setattr(row, column, text(f"{model.__tablename__}.{column} {row.id}"))
        programmes = session.scalars(select(Commitment.programme).distinct()).all()
        for n, programme in enumerate(p for p in programmes if p):
            session.execute(
                update(Commitment).where(Commitment.programme == programme).values(programme=text(f"programme {n}"))
            )
        for organisation in session.scalars(select(Organisation)):
            organisation.name = text(f"organisation {organisation.id}")
            organisation.normalised_name = normalise_name(organisation.name)
            organisation.notes = text(f"organisation notes {organisation.id}")
            other = text(f"other name {organisation.id}")
            organisation.other_names.append(OrganisationName(name=other, normalised_name=normalise_name(other)))
        for milestone in session.scalars(select(Milestone)):
            milestone.achieved_on = None
