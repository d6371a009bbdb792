"""A 200 MB open-data file is refused by the import pipeline's limits before
it is read (``tracker.files.limits``: 100 MB for a JSON package or an IATI
XML file), with a message naming the size and the limit; nothing is imported.
The files are sparse: 200 MB long without 200 MB written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Commitment
from db.session import read_session
from tests.actors import admin
from tracker.files.tabular import DataError
from tracker.imports import apply

SIZE = 200 * 1024 * 1024


@pytest.mark.parametrize(
    ("kind", "name", "start", "expected"),
    [
        ("360giving", "grants.json", b'{"grants": [', "is a JSON package of 200 MB: at most 100 MB"),
        ("iati", "activities.xml", b"<iati-activities>", "is 200.0 MB: larger than the 100.0 MB an IATI file may be"),
    ],
)
def test_a_200_mb_file_is_refused_before_it_is_read(engine, tmp_path, kind, name, start, expected):
    path = tmp_path / name
    with path.open("wb") as out:
        out.write(start)
        out.truncate(SIZE)
    with pytest.raises(DataError) as refused:
        apply.import_file(kind, path, engine=engine, actor=admin("test:limits"))
    assert expected in str(refused.value), str(refused.value)
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commitment)) == 0
