"""Shared test settings.

Hypothesis runs on two shared cores here: no per-example deadline (timings
are noisy) and a modest number of examples. ``HYPOTHESIS_PROFILE=thorough``
runs many more when hunting for a bug.

Figures kept for sharing (``tracker.figures.shared``) are checked on every
read: a page or function that changes one in place fails its test.

``migrated_sqlite``: one SQLite file with every migration applied, made once
per run; the fixtures that give a test a fresh migrated SQLite database copy
it (``from_migrated``) rather than run every migration again.
"""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url

from db.session import ensure_schema
from tracker.figures.shared import CHECK_VARIABLE

os.environ[CHECK_VARIABLE] = "1"

settings.register_profile("ci", deadline=None, max_examples=60)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, made once per run."""
    folder = tmp_path_factory.mktemp("migrated")
    ensure_schema(f"sqlite:///{folder / 'tracker.db'}").dispose()
    return folder / "tracker.db"


def from_migrated(url: str, migrated: Path) -> str:
    """``url``; when it names a SQLite file not made yet, made as a copy of ``migrated``."""
    if url.startswith("sqlite"):
        target = Path(make_url(url).database or "")
        if target.name and not target.exists():
            shutil.copyfile(migrated, target)
    return url
