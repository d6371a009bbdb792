"""``funding-tracker serve``: start the dashboard with Streamlit.

The launcher, not ``app.py``, is where anything that must be true before the
server starts belongs (``app.py`` only runs when a browser connects). It
applies pending migrations first, so the first page view never races a
half-built schema.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def serve(port: int = 8501, address: str = "localhost", extra: list[str] | None = None) -> int:
    from db.session import ensure_schema

    ensure_schema().dispose()
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        f"--server.port={port}", f"--server.address={address}",
        *(extra or []),
    ]
    print(f"Funding tracker: http://{address}:{port}  (Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
