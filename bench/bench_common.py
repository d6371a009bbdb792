"""What ``bench/pages.py`` and ``bench/imports.py`` share.

- where things are (``ROOT``, ``OUT``) and the fixed settings of a run (``TODAY``, the admin);
- memory read from outside a process: ``/proc/PID/status`` (``VmRSS`` now, ``VmHWM`` the
  peak of its address space since it started or last ran ``exec``), summed over the
  process and its descendants (``Memory``);
- ``run_measured``: a child process timed around its whole life, polled every 50 ms for
  memory, killed with its process group after a timeout or past a memory limit;
- the tracker's command line as a child (``tracker_cli``, ``tracker_env``), counting
  rows in its database (``count_rows``) and copying a SQLite one (``copy_sqlite``);
- what a results file records about the run (``run_context``) and a plain text table.

Nothing here uses the harness's own ``resource.getrusage``: a forked child's ``ru_maxrss``
can carry the parent's size over, so peak memory is always read from ``/proc``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
GIB = 1024**3
MIB = 1024**2

TODAY = "2026-12-05"
ADMIN = "bench-admin"
ADMIN_PASSWORD = "a long bench passphrase for the admin, 2026-12-05"
POLL_SECONDS = 0.05
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- memory and CPU of a process tree, from /proc ---------------------------------------------


def _status_fields(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of ``pid`` in bytes ({} once it has gone or holds no memory)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) * 1024  # the kernel writes kB
    return found


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid``, and by those, ... (``/proc/PID/task/TID/children``)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.append(child)
                    todo.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` so far (0.0 once it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15)


@dataclass
class Memory:
    """One reading of a process tree: resident now, and the largest high-water mark."""

    rss: int = 0  # VmRSS summed over the process and its descendants
    hwm: int = 0  # VmHWM of the process (the largest of the tree's, if a child was larger)
    processes: int = 0

    @classmethod
    def of_tree(cls, pid: int) -> Memory:
        reading = cls()
        for member in [pid, *descendants(pid)]:
            fields = _status_fields(member)
            if fields:
                reading.rss += fields.get("VmRSS", 0)
                reading.hwm = max(reading.hwm, fields.get("VmHWM", 0))
                reading.processes += 1
        return reading


# --- a child process, measured from outside ---------------------------------------------------


@dataclass
class Measured:
    """What ``run_measured`` saw of one child process."""

    argv: list[str]
    rc: int | None = None
    seconds: float = 0.0
    timed_out: bool = False
    over_memory: bool = False
    max_rss: int = 0  # the largest VmRSS (tree sum) seen while polling
    hwm: int = 0  # the last VmHWM read before the process ended
    polls: int = 0
    stdout: str = ""
    stderr: str = ""
    log: dict[str, str] = field(default_factory=dict)

    @property
    def peak(self) -> int:
        """Peak resident memory: the high-water mark, or the largest polled RSS if higher."""
        return max(self.hwm, self.max_rss)

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out and not self.over_memory

    def said(self, chars: int = 300) -> str:
        """The last line the process wrote (stdout, else stderr), cut to ``chars``."""
        text = (self.stdout.strip() or self.stderr.strip()).splitlines()
        return text[-1][:chars] if text else ""

    def as_json(self) -> dict:
        return {
            "argv": self.argv,
            "rc": self.rc,
            "seconds": round(self.seconds, 3),
            "timed_out": self.timed_out,
            "over_memory": self.over_memory,
            "peak_rss": self.peak,
            "max_polled_rss": self.max_rss,
            "vm_hwm": self.hwm,
            "polls": self.polls,
            "said": self.said(1000),
            "log": self.log,
        }


def run_measured(
    argv: Sequence[str],
    env: dict[str, str],
    log_stem: Path,
    *,
    stdin: str | None = None,
    timeout: float | None = None,
    rss_limit: int | None = None,
) -> Measured:
    """Run ``argv`` in its own process group: wall time around its whole life; every
    ``POLL_SECONDS`` its tree's VmRSS (the largest kept) and its VmHWM (the last one read
    before it ended). Killed with its group after ``timeout`` seconds or once its tree's
    RSS passes ``rss_limit`` bytes. Output goes to ``LOG_STEM.stdout`` / ``.stderr``."""
    log_stem.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_stem.with_name(log_stem.name + ".stdout"), log_stem.with_name(log_stem.name + ".stderr")
    result = Measured(argv=[str(a) for a in argv], log={"stdout": str(out_path), "stderr": str(err_path)})
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            result.argv,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        if stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        while proc.poll() is None:
            reading = Memory.of_tree(proc.pid)
            if reading.processes:
                result.polls += 1
                result.max_rss = max(result.max_rss, reading.rss)
                result.hwm = max(result.hwm, reading.hwm)
            if timeout is not None and time.perf_counter() - start > timeout:
                result.timed_out = True
            elif rss_limit is not None and reading.rss > rss_limit:
                result.over_memory = True
            if result.timed_out or result.over_memory:
                kill_group(proc)
                break
            time.sleep(POLL_SECONDS)
        result.seconds = time.perf_counter() - start
    result.rc = proc.returncode
    result.stdout = out_path.read_text(errors="replace")
    result.stderr = err_path.read_text(errors="replace")
    return result


def kill_group(proc: subprocess.Popen, grace: float = 0.0) -> None:
    """End ``proc`` and its process group (it was started with ``start_new_session``):
    SIGTERM first when ``grace`` seconds are given, then SIGKILL."""
    if proc.poll() is not None:
        return
    if grace:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=grace)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --- the tracker as a child process -----------------------------------------------------------


def tracker_env(database_url: str) -> dict[str, str]:
    """This environment with the tracker pointed at ``database_url`` and today fixed."""
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_TODAY": TODAY, "TRACKER_ACTOR": "bench"}
    for name in ("TRACKER_REQUIRE_SERVICES", "TRACKER_IDLE_MINUTES"):
        env.pop(name, None)
    return env


def tracker_cli(*args: str, console_script: bool = False) -> list[str]:
    """The tracker's command line: ``python -m tracker.cli ARGS``, or with ``console_script``
    the installed ``funding-tracker`` beside this interpreter (if there is one)."""
    script = Path(sys.executable).parent / "funding-tracker"
    if console_script and script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "tracker.cli", *args]


def count_rows(database_url: str, table: str) -> int:
    """Rows in ``table`` of the tracker's database (SQLite or PostgreSQL)."""
    from sqlalchemy import create_engine, text

    from db.session import normalise_url

    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def remove_sqlite(path: Path) -> None:
    """Delete a SQLite database and its journal files, if there."""
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        path.with_name(name).unlink(missing_ok=True)


# --- files and reports ------------------------------------------------------------------------


def copy_sqlite(db: Path, copy: Path) -> Path:
    """``copy``, made afresh from ``db`` with its write-ahead log (not yet folded in, it holds
    data too); a run serves or writes to the copy, never to the database it measures again."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    remove_sqlite(copy)
    for suffix in ("", "-wal"):
        if db.with_name(db.name + suffix).exists():
            shutil.copyfile(db.with_name(db.name + suffix), copy.with_name(copy.name + suffix))
    return copy


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as indented JSON, whole or not at all (a temporary file, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def run_context() -> dict:
    """What a result depends on besides the code's figures: commit, uncommitted files, machine, load."""
    changed = [line[3:] for line in _git("status", "--porcelain").splitlines() if line.strip()]
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "commit": _git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted": changed,
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
    }


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95: p95) of ``values`` (the rounding keeps
    0.95 x 20 at 19, not 19.000000000000004, which would be rank 20)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(round(share * len(ordered), 6)) - 1)]


def mib(value: int | None) -> str:
    return "-" if not value else f"{value / MIB:,.0f} MiB"


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
