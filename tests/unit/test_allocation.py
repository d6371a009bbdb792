"""The tracker's processes use jemalloc for pyarrow (or what the environment
chose) and no huge pages for NumPy: ``tracker.allocation``. Each case runs in
a fresh interpreter, since the choice is made once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _pool_after(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={**clean, **env}, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    "order",
    [
        "from tracker.allocation import prefer_quick_allocation; prefer_quick_allocation(); import pyarrow as pa",
        "import pyarrow as pa; from tracker.allocation import prefer_quick_allocation; prefer_quick_allocation()",
    ],
    ids=["before pyarrow is imported", "after (as under Streamlit)"],
)
def test_pyarrow_takes_jemalloc_whenever_it_is_imported(order: str) -> None:
    said = _pool_after(
        f"{order}; import os; print(pa.default_memory_pool().backend_name, os.environ['NUMPY_MADVISE_HUGEPAGE'])"
    )
    assert said == "jemalloc 0"


def test_a_pool_chosen_in_the_environment_is_kept() -> None:
    code = (
        "import pyarrow as pa; from tracker.allocation import prefer_quick_allocation; "
        "prefer_quick_allocation(); print(pa.default_memory_pool().backend_name)"
    )
    assert _pool_after(code, ARROW_DEFAULT_MEMORY_POOL="system") == "system"


def test_the_command_line_chooses_before_it_runs_a_command() -> None:
    code = (
        "import sys; from tracker import cli; sys.argv = ['funding-tracker', '--help']\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "import os; print(os.environ.get('ARROW_DEFAULT_MEMORY_POOL'), os.environ.get('NUMPY_MADVISE_HUGEPAGE'))"
    )
    assert _pool_after(code).splitlines()[-1] == "jemalloc 0"
