"""Shared inputs and helpers for the tests of the form use-cases in tracker.records.

Each write is validated with the importer's rules, permitted, saved and
audited (one event per changed row) in one transaction; a refused write
changes nothing at all. The founding example (``FOUNDING``: announcement A1
with commitments C1 and C2), a second announcement, a payment and a
milestone, the actors, and readers of what was stored and audited.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine, func, select

from db.models import (
    Announcement,
    AuditEvent,
    Commitment,
    CommitmentBaseline,
    CommitmentRevision,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
)
from db.session import read_session
from tests.actors import admin
from tracker.core.fiscal import FinancialYear
from tracker.figures import data as queries
from tracker.records.announcements import create_announcement
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.permissions import Actor
from tracker.records.problems import FieldProblem, ValidationFailed

EDITOR = admin("test:officer")  # every right, like the local user
ADMIN = Actor(name="test:admin", roles=frozenset({"admin"}))
NOT_ADMIN = Actor("x", frozenset({"editor"}))
VIEWER = Actor("test:viewer", frozenset({"viewer"}))

MODELS = {
    "organisations": Organisation,
    "announcements": Announcement,
    "commitments": Commitment,
    "profile_lines": ProfileLine,
    "deliveries": Delivery,
    "milestones": Milestone,
    "commitment_baselines": CommitmentBaseline,
    "commitment_revisions": CommitmentRevision,
    "audit_events": AuditEvent,
}

CDO = CommitmentInput(
    ref="C1",
    purpose="Chief Digital Officer post and Delivery Unit",
    recipient="Welsh Local Government Association",
    kind="recurring",
    amount="£500,000",
    first_year="2020-21",
    years="3",
)
TRANSFORMATION = CommitmentInput(
    ref="C2",
    purpose="Council digital transformation",
    recipient="Welsh councils",
    kind="one-off",
    amount="£1m",
    first_year="next financial year",
    qualifier="over",
)
FOUNDING = AnnouncementInput(
    ref="A1",
    announced_on="31/10/2019",
    title="Digital transformation funding for local government",
    funder="Welsh Government",
    made_by="Minister for Housing and Local Government",
    source_url="https://gov.wales/digital-funding",
    quote="over £1m will be made available",
    commitments=(CDO, TRANSFORMATION),
)
# A second announcement by known organisations, for the refusal table below.
SECOND = AnnouncementInput(
    ref="A2",
    announced_on="2021-01-12",
    title="Digital squads",
    funder="Welsh Government",
    commitments=(
        CommitmentInput(
            ref="C3",
            purpose="Digital squads",
            recipient="Welsh councils",
            kind="profiled",
            amount="",
            first_year="2021-22",
            profile="2021-22=£3m;2022-23=£1.9m",
        ),
    ),
)
PAYMENT = DeliveryInput(ref="D1", commitment_ref="C1", paid_on="2020-06-30", amount="£125,000")
CDO_IN_POST = MilestoneInput(ref="M1", commitment_ref="C1", title="CDO in post", due_on="2020-04-01")


def row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in MODELS.items()}


def audit_events(engine: Engine, after_id: int = 0) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)))


def last_audit_id(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def stored(engine: Engine, model, ref: str):
    with read_session(engine) as session:
        return session.scalars(select(model).where(model.ref == ref)).one()


def committed_by_year(engine: Engine) -> dict[str, int]:
    frame = queries.totals(engine=engine)
    return {FinancialYear(int(y)).label: int(c) for y, c in zip(frame["financial_year"], frame["committed"])}


def delivered_total(engine: Engine) -> int:
    return int(queries.totals(engine=engine)["delivered"].sum())


def found(engine: Engine) -> None:
    """The founding example, its organisations created on first mention."""
    create_announcement(FOUNDING, engine=engine, actor=EDITOR, new_organisations_ok=True)


def the_problem(err: pytest.ExceptionInfo[ValidationFailed], field: str) -> FieldProblem:
    matching = err.value.for_field(field)
    assert matching, f"no problem with {field}: {err.value.problems}"
    return matching[0]


REPROFILED = dataclasses.replace(
    CDO, kind="profiled", amount="", years="", profile="2020-21=£250k;2021-22=£750k;2022-23=£500k"
)
