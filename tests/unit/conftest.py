"""Unit tests need no database: making an engine here fails the test.

Tests that need a database belong in tests/integration (a real SQLite file
or PostgreSQL server per test). While the tests of this folder run (their
fixtures too), the guard replaces ``sqlalchemy.create_engine`` where
SQLAlchemy defines it and in every module that imported it by name
(``db.session`` does), so ``db.session.make_engine``/``ensure_schema`` and a
direct ``sqlalchemy.create_engine`` all fail the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
import sqlalchemy
import sqlalchemy.engine
import sqlalchemy.engine.create

REAL_CREATE_ENGINE = sqlalchemy.create_engine

# A test that truly needs an engine is not a unit test: move it to tests/integration.
MESSAGE = "unit tests need no database: this test made a SQLAlchemy engine; move it to tests/integration"


class DatabaseInUnitTest(AssertionError):
    pass


def _refuse_engine(*args: object, **kwargs: object) -> None:
    raise DatabaseInUnitTest(MESSAGE)


def _holders() -> list[ModuleType]:
    """Every loaded module with an attribute called ``create_engine``."""
    return [module for module in list(sys.modules.values()) if getattr(module, "create_engine", None) is not None]


@pytest.fixture(scope="package", autouse=True)
def no_database() -> Iterator[None]:
    """For every test in tests/unit, including its module- and package-scoped fixtures.

    Package scope, so that it is in place before a module-scoped fixture could
    make an engine, and undone after the last unit test (other folders' tests
    in the same run keep the real function).
    """
    holders = [module for module in _holders() if module.create_engine is REAL_CREATE_ENGINE]
    for module in {sqlalchemy, sqlalchemy.engine, sqlalchemy.engine.create, *holders}:
        module.create_engine = _refuse_engine
    try:
        yield
    finally:
        # Every module that holds the refusal, including any first imported during the unit tests.
        for module in _holders():
            if module.create_engine is _refuse_engine:
                module.create_engine = REAL_CREATE_ENGINE
