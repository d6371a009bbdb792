"""The guard in tests/unit/conftest.py: no unit test can make a database engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy

from db import session
from tests.unit.conftest import DatabaseInUnitTest


def test_sqlalchemy_create_engine_fails_a_unit_test():
    with pytest.raises(DatabaseInUnitTest, match="move it to tests/integration"):
        sqlalchemy.create_engine("sqlite://")


def test_create_engine_imported_by_name_fails_too():
    from sqlalchemy import create_engine

    with pytest.raises(DatabaseInUnitTest):
        create_engine("sqlite://")


def test_the_projects_own_ways_to_open_a_database_fail(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    for opening in (session.make_engine, session.ensure_schema):
        with pytest.raises(DatabaseInUnitTest):
            opening(url)
    assert not (tmp_path / "tracker.db").exists()
