"""How the tracker's processes ask for memory: quick for large tables.

Two defaults of the libraries under pandas cost seconds at the size of real
data on the machines measured (bench/README.md), in system time spent
faulting fresh memory in:

- pyarrow's default pool (mimalloc) hands freed memory back to the system
  and takes it again for the next table; jemalloc keeps it for reuse. The
  Overview's first schedule at 100,000 commitments: about 0.9 s with the
  default pool, 0.26 s with jemalloc (the text columns are Arrow arrays).
- NumPy asks for transparent huge pages for large arrays; where the kernel
  then compacts memory to find them, ``totals`` over a million commitments
  spent 2-3 s of system time in page faults.

``prefer_quick_allocation`` is called first by the command line and the
dashboard. A setting already made in the environment
(``ARROW_DEFAULT_MEMORY_POOL``, ``NUMPY_MADVISE_HUGEPAGE``) is left as it is.
"""

from __future__ import annotations

import os
import sys

ARROW_POOL = "ARROW_DEFAULT_MEMORY_POOL"
NUMPY_HUGE_PAGES = "NUMPY_MADVISE_HUGEPAGE"


_CHOSEN: list[bool] = []  # once per process (the dashboard's script runs on every rerun)


def prefer_quick_allocation() -> None:
    """jemalloc for pyarrow (where it has it), no huge pages for NumPy.

    The environment is read when each library is first imported; where
    pyarrow already is (Streamlit imports it before the app runs), its
    default pool is set directly. (NumPy's choice cannot be changed once
    imported: the dashboard keeps its default.)"""
    if _CHOSEN:
        return
    _CHOSEN.append(True)
    os.environ.setdefault(NUMPY_HUGE_PAGES, "0")
    chosen = ARROW_POOL in os.environ
    os.environ.setdefault(ARROW_POOL, "jemalloc")
    if "pyarrow" in sys.modules and not chosen:
        import pyarrow as pa

        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc: the system's allocator
            pa.set_memory_pool(pa.system_memory_pool())
