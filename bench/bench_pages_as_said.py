"""Every dashboard page opens on 100,000 commitments recorded as announced (issue 13): how long, how much memory.

    .venv/bin/python bench/bench_pages_as_said.py [--n 100000] [--timeout 600] [--pages overview delivery ...]
                                                  [--deliveries N] [--rebuild] [--drop-annotations] [--out NAME]

1. Builds, or reuses, a SQLite database in ``bench/out/as-said/``:
   ``bench/generate.py N --as-said`` commitments imported with
   ``python -m tracker.cli import commitments`` (``TRACKER_DATABASE_URL``
   pointing at it), then about as many deliveries (``generate_deliveries``
   below: disbursements, expenditure, the aliases ``payment`` and ``spend``,
   refunds, a few negative corrections, about 10% with no ``paid_on``)
   imported with ``import deliveries``, and an admin added with
   ``users add bench-admin --role admin --password-stdin``. The database is
   reused when its marker (``tracker-as-said-N-seedS-dD.json``) names the same
   bytes of both files (SHA-256); ``--rebuild`` builds it again.
2. Opens each page of ``dashboard/app_pages/`` with
   ``streamlit.testing.v1.AppTest`` as the signed-in admin (``user_id`` in the
   session state, as ``tests/app/conftest.py`` signs in), each page in a
   fresh process (``--child PAGE``), so memory and Streamlit's caches are
   per page. The page is chosen before the first run (``switch_page``), so
   the Overview is not drawn first; ``TRACKER_TODAY`` is 2026-12-05.
3. Reports per page: ``ok``, ``exception`` (the exception's type, message
   and stack trace as the page shows it), ``timeout`` (the page's run not
   finished within ``--timeout`` seconds: a watchdog thread in the child
   records where the page was, the project's frames of the script thread's
   stack, and ends the process; the parent kills it 120 s later if not) or
   ``error`` (the child failed outside the page); the run time of the page
   alone, the child process's wall time and its peak RSS (``ru_maxrss`` from
   ``os.wait4``), and the page's ``st.error`` and ``st.warning`` messages.
   Results go to ``bench/out/as-said/bench_pages_as_said.json`` (``--out``).

``--drop-annotations`` is a diagnosis, not a measurement: plotly's
``Figure.add_annotation`` does nothing in the child, to see whether the rest
of a page works when one chart label per commitment is what keeps it from
finishing (the Delivery page's "% of what is due delivered" chart).

Exit 0 when every page is ``ok`` (slow is not a failure here: targets are a
later issue's), 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "as-said"
APP = ROOT / "dashboard" / "app.py"
PAGES_DIR = ROOT / "dashboard" / "app_pages"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

ADMIN = "bench-admin"
ADMIN_PASSWORD = "a long bench passphrase for the admin, 2026-12-05"
TODAY = "2026-12-05"
DEFAULT_TIMEOUT = 600.0


# --- the data -----------------------------------------------------------------------------------


def generate_deliveries(commitments_csv: Path, n: int, out: Path, seed: int) -> Path:
    """``n`` deliveries against the commitments in ``commitments_csv``, deterministically.

    Columns ``ref,commitment_ref,paid_on,amount,kind,note,illustrative`` (as
    ``tracker/demo/deliveries.csv``). Each names a random commitment; its
    amount is 1-40% of the commitment's amount (at least £1); ``paid_on`` a
    day in the commitment's first year (or a random year 2010-11..2030-31 when
    it has none), blank for about 10%. ``kind``: disbursement 55%,
    expenditure 25%, payment 5%, spend 5%, refund 10% (refunds written
    positive; stored negative). About 1% of the others are negative
    corrections. Notes are short and plain; ``illustrative`` is ``yes``.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    wanted = ("ref", "amount", "first_year")
    table = pacsv.read_csv(
        commitments_csv,
        convert_options=pacsv.ConvertOptions(
            include_columns=list(wanted), column_types={c: pa.string() for c in wanted}, strings_can_be_null=False
        ),
    )
    refs = table.column("ref").to_pylist()
    amounts = [round(float(a) * 100) for a in table.column("amount").to_pylist()]
    first_years = table.column("first_year").to_pylist()
    rng = np.random.Generator(np.random.PCG64(seed))
    which = rng.integers(0, len(refs), n).tolist()
    share = rng.integers(1, 41, n).tolist()
    day = rng.integers(0, 365, n).tolist()
    any_year = rng.integers(2010, 2031, n).tolist()
    undated = (rng.integers(0, 100, n) < 10).tolist()
    kind_draw = rng.integers(0, 100, n).tolist()
    correction = (rng.integers(0, 100, n) < 1).tolist()
    kinds = [(55, "disbursement"), (80, "expenditure"), (85, "payment"), (90, "spend"), (100, "refund")]
    digits = max(7, len(str(n)))
    lines = ["ref,commitment_ref,paid_on,amount,kind,note,illustrative"]
    for i in range(n):
        c = which[i]
        pence = max(100, amounts[c] * share[i] // 100)
        start = int(first_years[c][:4]) if first_years[c] else any_year[i]
        paid_on = "" if undated[i] else (date(start, 4, 1) + timedelta(days=day[i])).isoformat()
        kind = next(name for limit, name in kinds if kind_draw[i] < limit)
        sign = "-" if correction[i] and kind != "refund" else ""
        note = "Correction of an earlier line" if sign else ("Money returned" if kind == "refund" else "Grant payment")
        lines.append(
            f"D{i + 1:0{digits}d},{refs[c]},{paid_on},{sign}{pence // 100}.{pence % 100:02d},{kind},{note},yes"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def measured(
    argv: list[str], env: dict[str, str], stem: str, *, stdin: bytes | None = None, timeout: float | None = None
) -> dict:
    """Run ``argv`` as a child process: exit code, wall time, peak RSS (``os.wait4``), output.
    Killed (with its process group) after ``timeout`` seconds."""
    out_path, err_path = OUT / f"{stem}.stdout", OUT / f"{stem}.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        if stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin)
            proc.stdin.close()
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here
    return {
        "rc": proc.returncode,
        "seconds": seconds,
        "rss": usage.ru_maxrss * 1024,  # Linux reports kilobytes
        "killed": killed,
        "stdout": out_path.read_text(errors="replace"),
        "stderr": err_path.read_text(errors="replace"),
    }


def environment(db: Path) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{db}", "TRACKER_TODAY": TODAY, "TRACKER_ACTOR": "bench"}
    for name in ("TRACKER_REQUIRE_SERVICES", "TRACKER_IDLE_MINUTES"):
        env.pop(name, None)
    return env


def build(n: int, deliveries: int, seed: int, rebuild: bool) -> tuple[Path, dict]:
    """The database of ``n`` as-said commitments and ``deliveries`` deliveries (made or reused)."""
    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"as-said-{n}-seed{seed}"
    commitments_csv = OUT / f"commitments-{stem}.csv"
    deliveries_csv = OUT / f"deliveries-{deliveries}-{stem}.csv"
    db = OUT / f"tracker-{stem}-d{deliveries}.db"
    marker = db.with_suffix(".json")
    start = time.perf_counter()
    generate.generate(n, commitments_csv, seed, as_said=True)
    generate_deliveries(commitments_csv, deliveries, deliveries_csv, seed + 1)
    files = {"commitments": sha256(commitments_csv), "deliveries": sha256(deliveries_csv)}
    made_in = time.perf_counter() - start
    if not rebuild and marker.exists() and db.exists():
        info = json.loads(marker.read_text())
        if info.get("files") == files:
            print(f"reusing {db.relative_to(ROOT)} (built {info['built']})", flush=True)
            return db, info
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), marker):
        path.unlink(missing_ok=True)
    env = environment(db)
    cli = [sys.executable, "-m", "tracker.cli"]
    steps = {}
    for name, argv, stdin in (
        ("db upgrade", [*cli, "db", "upgrade"], None),
        ("import commitments", [*cli, "import", "commitments", str(commitments_csv)], None),
        ("import deliveries", [*cli, "import", "deliveries", str(deliveries_csv)], None),
        ("users add", [*cli, "users", "add", ADMIN, "--role", "admin", "--password-stdin"], ADMIN_PASSWORD + "\n"),
    ):
        print(f"{name} ...", flush=True)
        run = measured(argv, env, f"build-{name.replace(' ', '-')}", stdin=stdin.encode() if stdin else None)
        said = (run["stdout"] + run["stderr"]).strip()
        print(f"  exit {run['rc']}, {run['seconds']:.1f} s, {run['rss'] / 1024**2:.0f} MB: {said[:300]}", flush=True)
        if run["rc"] != 0:
            raise SystemExit(f"building the database failed at {name}: {said[-3000:]}")
        steps[name] = {"seconds": run["seconds"], "rss": run["rss"], "said": said.splitlines()[-1] if said else ""}
    info = {
        "built": time.strftime("%Y-%m-%d %H:%M"),
        "n": n,
        "deliveries": deliveries,
        "seed": seed,
        "files": files,
        "generate_seconds": made_in,
        "steps": steps,
        "database_bytes": db.stat().st_size,
    }
    marker.write_text(json.dumps(info, indent=2))
    return db, info


# --- one page, in its own process ---------------------------------------------------------------


def _where(thread_id: int) -> list[str]:
    """The project's frames (dashboard/, tracker/, db/) on a thread's stack, innermost last."""
    frame = sys._current_frames().get(thread_id)
    if frame is None:
        return []
    lines = traceback.format_stack(frame)
    ours = [line.strip() for line in lines if any(f"/{part}/" in line for part in ("dashboard", "tracker", "db"))]
    return [*ours, lines[-1].strip()] if lines else ours


def _watchdog(timeout: float, result: dict, started: float) -> None:
    """After ``timeout`` seconds of the page's run: report a timeout, where the page was, and end the process.
    (AppTest's own timeout waits for the script thread to reach its next Streamlit call, which a long
    computation never does.)"""
    time.sleep(timeout)
    others = (threading.main_thread(), threading.current_thread())
    runner = [t for t in threading.enumerate() if t not in others and t.ident is not None]
    result.update(
        status="timeout",
        detail=f"not finished after {timeout:.0f} s",
        run_seconds=time.perf_counter() - started,
        stack_at_timeout={t.name: _where(t.ident) for t in runner if _where(t.ident)},
    )
    print(json.dumps(result), flush=True)
    os._exit(0)


def child(page: str, timeout: float, drop_annotations: bool, language: str = "en") -> int:
    """Open ``page`` as the bench admin; print one JSON line describing what happened."""
    started = time.perf_counter()
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    from db.models import User
    from db.session import make_engine, read_session

    if drop_annotations:  # a diagnosis, not a measurement: see --drop-annotations
        import plotly.graph_objects as go

        go.Figure.add_annotation = lambda self, *args, **kwargs: self  # type: ignore[method-assign]

    engine = make_engine()
    with read_session(engine) as session:
        uid = session.scalar(select(User.id).where(User.username == ADMIN))
    engine.dispose()
    at = AppTest.from_file(str(APP), default_timeout=timeout + 3600)  # the watchdog stops it first
    at.session_state["user_id"] = uid
    if language != "en":
        at.query_params["lang"] = language  # as a ?lang=cy link opens it
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    ready = time.perf_counter()
    result: dict = {
        "page": page,
        "language": language,
        "setup_seconds": ready - started,
        "annotations_dropped": drop_annotations,
    }
    threading.Thread(target=_watchdog, args=(timeout, result, ready), daemon=True).start()
    try:
        at.run()
    except Exception as err:  # the harness failed, not the page (a page's exception is in at.exception)
        result.update(status="error", detail=f"{type(err).__name__}: {err}", run_seconds=time.perf_counter() - ready)
        print(json.dumps(result), flush=True)
        os._exit(0)
    result["run_seconds"] = time.perf_counter() - ready
    titles = [t.value for t in at.title]
    exceptions = [
        {"type": e.proto.type, "message": e.proto.message, "stack_trace": list(e.proto.stack_trace)}
        for e in at.exception
    ]
    result.update(
        status="exception" if exceptions else "ok",
        title=titles[0] if titles else None,
        exceptions=exceptions,
        errors=[e.value for e in at.error][:10],
        warnings=[w.value for w in at.warning][:10],
        elements={
            "dataframes": len(at.dataframe),
            "metrics": len(at.metric),
            "tabs": len(at.tabs),
            "charts": sum(len(at.get(kind)) for kind in ("arrow_vega_lite_chart", "vega_lite_chart", "plotly_chart")),
        },
    )
    print(json.dumps(result), flush=True)
    os._exit(0)


def pages() -> list[str]:
    found = sorted(p.stem for p in PAGES_DIR.glob("*.py") if p.stem != "__init__")
    return sorted(found, key=lambda p: p != "overview")  # the default page first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="commitments (default 100,000)")
    parser.add_argument("--deliveries", type=int, default=None, help="deliveries (default: as many as --n)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per page (default 600)")
    parser.add_argument("--pages", nargs="*", help="only these pages (file stems, e.g. overview delivery)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if it is current")
    parser.add_argument(
        "--drop-annotations",
        action="store_true",
        help="diagnosis: make plotly's Figure.add_annotation do nothing, to see whether the rest of a page "
        "works when one label per commitment is what keeps it from finishing (results marked so)",
    )
    parser.add_argument("--language", default="en", help="the interface's language: en (default) or cy")
    parser.add_argument("--out", default="bench_pages_as_said.json", help="results file name in bench/out/as-said/")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.timeout, args.drop_annotations, args.language)

    deliveries = args.n if args.deliveries is None else args.deliveries
    db, info = build(args.n, deliveries, args.seed, args.rebuild)
    env = environment(db)
    chosen = args.pages or pages()
    results = []
    for page in chosen:
        print(f"{page} ...", flush=True)
        run = measured(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                page,
                "--timeout",
                str(args.timeout),
                *(["--drop-annotations"] if args.drop_annotations else []),
                "--language",
                args.language,
            ],
            env,
            f"page-{page}",
            timeout=args.timeout + 120,  # interpreter start and imports; the child's watchdog stops the page first
        )
        report: dict = {}
        for line in run["stdout"].splitlines():
            if line.startswith("{"):
                report = json.loads(line)
        if run["killed"]:
            report = {**report, "status": "timeout", "detail": "killed"}
        elif not report:
            report = {"status": "error", "detail": run["stderr"][-3000:]}
        result = {"page": page, **report, "wall_seconds": run["seconds"], "rss": run["rss"], "rc": run["rc"]}
        results.append(result)
        first = result.get("exceptions") or []
        said = f"{first[0]['type']}: {first[0]['message']}"[:200] if first else (result.get("detail") or "")[:200]
        print(
            f"  {result['status']}, page {result.get('run_seconds', float('nan')):.1f} s, process "
            f"{result['wall_seconds']:.1f} s, {result['rss'] / 1024**2:.0f} MB {said}",
            flush=True,
        )
        (OUT / args.out).write_text(json.dumps({"database": info, "pages": results}, indent=2))

    print(f"\n{'page':<16} {'status':<10} {'page s':>8} {'process s':>10} {'peak RSS':>9}")
    for r in results:
        print(
            f"{r['page']:<16} {r['status']:<10} {r.get('run_seconds', float('nan')):>8.1f} "
            f"{r['wall_seconds']:>10.1f} {r['rss'] / 1024**2:>6.0f} MB"
        )
    for r in results:
        for e in r.get("exceptions") or []:
            print(f"\n{r['page']}: {e['type']}: {e['message']}\n" + "\n".join(e["stack_trace"]))
        for thread, stack in (r.get("stack_at_timeout") or {}).items():
            print(f"\n{r['page']}: where it was after {args.timeout:.0f} s ({thread}):\n  " + "\n  ".join(stack))
    return 0 if all(r["status"] == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
