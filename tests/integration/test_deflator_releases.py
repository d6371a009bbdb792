"""Deflator releases kept in the database (issue 20): loaded whole or not at all, audited,
kept side by side and never overwritten; the default chosen by an admin; read back exactly.

Every test runs on SQLite and on PostgreSQL (``each_engine``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from db.models import AppSetting, AuditEvent, DeflatorIndex, DeflatorRelease
from db.session import ensure_schema, read_session
from tracker.core.deflators import SHIPPED_NAME, shipped
from tracker.core.fiscal import FinancialYear
from tracker.figures.deflator_releases import default_name, release_for, releases
from tracker.records import deflator_releases as store
from tracker.records.permissions import Actor, NotPermitted
from tracker.records.problems import NotFound

ADMIN = Actor("test:admin", frozenset({"admin"}))
NEWER = "HM Treasury GDP deflators, December 2025"
GOOD = "financial_year,index\n2023-24,100\n2024-25,102.50\n2025-26,104.924736\n2026-27,1E+2\n"


def counts(engine: Engine) -> dict[str, int]:
    """Rows in every table a load or a change of default writes."""
    with read_session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (DeflatorRelease, DeflatorIndex, AppSetting, AuditEvent)
        }


def test_a_release_is_stored_whole_and_read_back_exactly(each_engine: Engine) -> None:
    assert store.load_release(each_engine, GOOD, f"  {NEWER} ", actor=ADMIN) == 4
    release = release_for(each_engine, NEWER.upper())  # any case
    assert release.name == NEWER
    assert dict(release.indices) == {
        FinancialYear(2023): Decimal("100"),
        FinancialYear(2024): Decimal("102.50"),
        FinancialYear(2025): Decimal("104.924736"),
        FinancialYear(2026): Decimal("1E+2"),
    }
    with read_session(each_engine) as session:
        stored = session.scalars(select(DeflatorIndex.deflator_index).order_by(DeflatorIndex.financial_year)).all()
    assert stored == ["100", "102.50", "104.924736", "1E+2"]  # the text of each decimal, as written


def test_each_row_a_load_creates_has_its_audit_event(each_engine: Engine) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN)
    with read_session(each_engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.action, e.entity) for e in events] == [("test:admin", "create", "deflator_releases")] + [
        ("test:admin", "create", "deflator_indices")
    ] * 4
    assert events[0].after["name"] == NEWER and events[0].after["loaded_by"] == "test:admin"
    assert [e.after["financial_year"] for e in events[1:]] == ["2023-24", "2024-25", "2025-26", "2026-27"]
    assert events[3].after["deflator_index"] == "104.924736"


def test_the_shipped_release_is_the_default_until_an_admin_chooses_another(each_engine: Engine) -> None:
    assert release_for(each_engine) == shipped()
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN)
    assert release_for(each_engine).name == SHIPPED_NAME  # loading alone changes nothing
    assert store.set_default(each_engine, NEWER.lower(), actor=ADMIN) is True
    assert release_for(each_engine).name == NEWER and default_name(each_engine) == NEWER
    assert store.set_default(each_engine, NEWER, actor=ADMIN) is False  # already: no event
    assert store.set_default(each_engine, SHIPPED_NAME.upper(), actor=ADMIN) is True
    assert release_for(each_engine) == shipped()
    with read_session(each_engine) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "app_settings")).all()
    assert [(e.action, (e.before or {}).get("setting_value"), e.after["setting_value"]) for e in events] == [
        ("create", None, NEWER),
        ("update", NEWER, SHIPPED_NAME),
    ]


def test_a_load_may_make_its_release_the_default_in_the_same_transaction(each_engine: Engine) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN, make_default=True)
    assert release_for(each_engine).name == NEWER


def test_releases_lists_the_shipped_one_first_then_those_loaded_with_their_years(each_engine: Engine) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN, make_default=True)
    store.load_release(each_engine, "financial_year,index\n2030-31,90\n", "Later", actor=ADMIN)
    listed = releases(each_engine)
    ours = shipped()
    assert [(r.name, r.first, r.last, r.shipped, r.is_default, r.loaded_by) for r in listed] == [
        (SHIPPED_NAME, ours.first, ours.last, True, False, None),
        (NEWER, FinancialYear(2023), FinancialYear(2026), False, True, "test:admin"),
        ("Later", FinancialYear(2030), FinancialYear(2030), False, False, "test:admin"),
    ]
    assert (
        listed[0].loaded_at is None
        and listed[1].loaded_at is not None
        and listed[1].loaded_at.utcoffset() == timedelta(0)
    )


def test_a_second_release_leaves_the_first_as_it_was(each_engine: Engine) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN)
    store.load_release(each_engine, "financial_year,index\n2024-25,999\n2025-26,1000\n", "Revised", actor=ADMIN)
    assert release_for(each_engine, NEWER).index(FinancialYear(2024)) == Decimal("102.50")
    assert release_for(each_engine, "Revised").index(FinancialYear(2024)) == Decimal("999")


@pytest.mark.parametrize(
    "name",
    [NEWER, NEWER.upper(), f" {NEWER.lower()}  ", NEWER.replace(" ", "  "), SHIPPED_NAME, SHIPPED_NAME.lower()],
    ids=["same", "upper", "lower-with-spaces", "inner-spaces", "shipped", "shipped-lower"],
)
def test_a_name_already_used_is_refused_and_nothing_is_stored(each_engine: Engine, name: str) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN)
    before = counts(each_engine)
    with pytest.raises(store.ReleaseNotLoaded) as refused:
        store.load_release(each_engine, "financial_year,index\n2040-41,1\n", name, actor=ADMIN, make_default=True)
    [problem] = refused.value.problems
    assert (problem.column, problem.value) == ("release", name.strip())
    assert "already the name of a release" in problem.expected
    assert counts(each_engine) == before


HOSTILE = {
    "empty": ("", [(1, None)]),
    "header missing": ("2020-21,100\n2021-22,101\n", [(1, None)]),
    "gap": ("financial_year,index\n2020-21,100\n2022-23,102\n", [(None, "financial_year")]),
    "negative": ("financial_year,index\n2020-21,100\n2021-22,-3\n", [(3, "index")]),
    "zero": ("financial_year,index\n2020-21,0\n", [(2, "index")]),
    "duplicate year": ("financial_year,index\n2020-21,100\n2020/21,101\n", [(3, "financial_year")]),
    "not a number": ("financial_year,index\n2020-21,lots\n", [(2, "index")]),
    "not a year": ("financial_year,index\n2020,100\n", [(2, "financial_year")]),
    "index too long": ("financial_year,index\n2020-21,1." + "1" * 45 + "\n", [(None, "index")]),
    "nul": ("financial_year,index\n2020-21,10\x000\n", [(2, "index")]),
    "several": (
        "financial_year,index\n2020-21,-1\n2021-22,x\n2021-22,5\n",
        [(2, "index"), (3, "index")],
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bad_release_is_refused_with_every_problem_and_nothing_is_stored(each_engine: Engine, case: str) -> None:
    text, where = HOSTILE[case]
    before = counts(each_engine)
    with pytest.raises(store.ReleaseNotLoaded) as refused:
        store.load_release(each_engine, text, NEWER, actor=ADMIN, make_default=True)
    assert [(p.line, p.column) for p in refused.value.problems] == where
    assert all(p.expected for p in refused.value.problems)
    assert counts(each_engine) == before
    assert release_for(each_engine) == shipped()


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 201, "Bad\u202ename"], ids=["empty", "blank", "too-long", "direction-override"]
)
def test_a_bad_name_is_refused(each_engine: Engine, name: str) -> None:
    before = counts(each_engine)
    with pytest.raises(store.ReleaseNotLoaded) as refused:
        store.load_release(each_engine, GOOD, name, actor=ADMIN)
    assert [p.column for p in refused.value.problems] == ["release"]
    assert counts(each_engine) == before


def test_an_unknown_release_is_not_found_naming_those_there_are(each_engine: Engine) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN)
    for attempt in (
        lambda: release_for(each_engine, "Nope"),
        lambda: store.set_default(each_engine, "Nope", actor=ADMIN),
    ):
        with pytest.raises(NotFound) as missing:
            attempt()
        assert "'Nope'" in str(missing.value) and SHIPPED_NAME in str(missing.value) and NEWER in str(missing.value)


@pytest.mark.parametrize("role", ["viewer", "reviewer", "finance", "editor"])
def test_only_an_admin_may_load_a_release_or_choose_the_default(each_engine: Engine, role: str) -> None:
    store.load_release(each_engine, GOOD, NEWER, actor=ADMIN)
    before = counts(each_engine)
    someone = Actor(f"test:{role}", frozenset({role}))
    with pytest.raises(NotPermitted):
        store.load_release(each_engine, GOOD, "Mine", actor=someone)
    with pytest.raises(NotPermitted):
        store.set_default(each_engine, NEWER, actor=someone)
    assert counts(each_engine) == before


def test_two_admins_loading_one_name_at_once_store_it_once(each_engine: Engine) -> None:
    """Whichever way the two loads interleave (the check before the insert, or the
    unique index at it), one is stored and the other refused as a name already used."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    barrier = Barrier(2)
    engines = [ensure_schema(each_engine.url) for _ in range(2)]

    def load(engine_and_name: tuple[Engine, str]) -> str:
        engine, name = engine_and_name
        barrier.wait()
        try:
            store.load_release(engine, GOOD, name, actor=ADMIN)
        except store.ReleaseNotLoaded as refused:
            return refused.problems[0].expected
        return "stored"

    try:
        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(load, zip(engines, (NEWER, NEWER.upper()))))
    finally:
        for engine in engines:
            engine.dispose()
    assert outcomes[1] == "stored" and "already the name of a release" in outcomes[0]
    assert counts(each_engine)["deflator_releases"] == 1 and counts(each_engine)["deflator_indices"] == 4
