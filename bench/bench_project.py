"""Benchmark ``funding-tracker project FILE`` against a DuckDB reference.

    .venv/bin/python bench/bench_project.py [--n 1000000] [--runs 5]

Steps (any failure exits 1; a missing command exits 2):

1. correctness on a hand-checked 3-row file: the reference and
   ``funding-tracker project`` must both print the expected Totals CSV;
2. correctness on N=1000 generated commitments: byte-identical outputs;
3. the timed run: generate N commitments into ``bench/out/`` (git-ignored) if the
   file is missing or older than ``bench/generate.py``, run each command once to
   warm the page cache (not counted), then ``--runs`` rounds alternating the
   two whole processes (the order flips each round), comparing every output
   with the first reference output byte for byte.

Wall time and peak memory (the child's maximum resident set size) are
measured by a small launcher process around each child (``LAUNCHER``), so the
harness's own size never carries over. Pass: outputs identical, median
time ours / median time reference <= ``--max-ratio`` (1.0: no slower than the
reference; it was 1.5 until the fast path read the file in pieces), and our peak RSS
under ``--max-rss-gb`` (1.5 GB = 1.5e9 bytes). A summary is also written to
``bench/out/bench_project.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

REFERENCE_SCRIPT = BENCH / "reference_duckdb.py"
DEFAULT_OURS = ROOT / ".venv" / "bin" / "funding-tracker"

# The founding example plus a later one-off with pence, worked by hand:
#   A1 recurring £500,000.00 x 3 from 2020-21 -> 2020-21, 2021-22, 2022-23
#   A2 one-off £1,000,000.00 in 2020-21, years blank (means 1)
#   A3 one-off £4,900,000.55 in 2024-25
#   2020-21 = 500,000.00 + 1,000,000.00; 2023-24 has no money (zero-filled).
TINY_CSV = """\
ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,qualifier,status
A1,2019-10-25,Welsh Government,Welsh Local Government Association,Chief Digital Officer post and Delivery Unit,recurring,500000.00,2020-21,3,exact,confirmed
A2,2019-10-25,Welsh Government,Welsh councils,Digital transformation of local government,one-off,1000000.00,2020-21,,over,confirmed
A3,2021-01-12,Welsh Government,Centre for Digital Public Services,Centre for Digital Public Services,one-off,4900000.55,2024-25,1,exact,confirmed
"""
TINY_EXPECTED = b"""\
financial_year,committed
2020-21,1500000.00
2021-22,500000.00
2022-23,500000.00
2023-24,0.00
2024-25,4900000.55
"""


@dataclass
class Run:
    label: str
    seconds: float
    max_rss_bytes: int
    returncode: int
    stdout: bytes
    stderr: bytes


# The measured command is started by a small launcher process, which waits for
# it and reports its wall time and peak RSS (getrusage(RUSAGE_CHILDREN)). On
# Linux a process forked straight from this harness would report the
# harness's own size as its peak once this harness has grown (say, by
# generating the data in the same run): exec records the forked copy's
# high-water mark. The launcher is small when it forks, so its child's figure
# is the child's own.
LAUNCHER = """
import json, resource, subprocess, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
code = subprocess.call(argv, stdin=subprocess.DEVNULL)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux reports kilobytes
with open(report, "w") as out:
    json.dump({"seconds": seconds, "max_rss_bytes": peak, "returncode": code}, out)
"""


def run_process(label: str, argv: list[str], stem: str) -> Run:
    """Run one whole process with stdout/stderr to files; its wall time and
    peak RSS as measured by the launcher (see ``LAUNCHER``)."""
    OUT.mkdir(parents=True, exist_ok=True)
    out_path = OUT / f"{stem}.stdout"
    err_path = OUT / f"{stem}.stderr"
    report = OUT / f"{stem}.measure.json"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(report), *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=ROOT,
            check=True,
        )
    measured = json.loads(report.read_text(encoding="utf-8"))
    return Run(
        label=label,
        seconds=float(measured["seconds"]),
        max_rss_bytes=int(measured["max_rss_bytes"]),
        returncode=int(measured["returncode"]),
        stdout=out_path.read_bytes(),
        stderr=err_path.read_bytes(),
    )


def reference_argv(path: Path) -> list[str]:
    return [sys.executable, str(REFERENCE_SCRIPT), str(path)]


def ours_argv(ours: Path, path: Path) -> list[str]:
    return [str(ours), "project", str(path)]


def first_difference(a: bytes, b: bytes) -> str:
    a_lines, b_lines = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for i, (x, y) in enumerate(zip(a_lines, b_lines), start=1):
        if x != y:
            return f"line {i}: reference {x!r} vs ours {y!r}"
    if len(a_lines) != len(b_lines):
        return f"reference has {len(a_lines)} lines, ours {len(b_lines)}"
    return f"same lines, different bytes ({len(a)} vs {len(b)} bytes)"


def check_ok(run: Run) -> list[str]:
    if run.returncode != 0:
        tail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        return [f"{run.label} exited {run.returncode}: " + " | ".join(tail)]
    return []


def correctness(ours: Path, small_n: int, seed: int) -> list[str]:
    problems: list[str] = []

    tiny = OUT / "tiny-hand-checked.csv"
    tiny.write_text(TINY_CSV, encoding="utf-8", newline="\n")
    ref = run_process("reference", reference_argv(tiny), "tiny-reference")
    mine = run_process("funding-tracker project", ours_argv(ours, tiny), "tiny-ours")
    problems += check_ok(ref) + check_ok(mine)
    if not problems:
        if ref.stdout != TINY_EXPECTED:
            problems.append(
                "reference is wrong on the hand-checked file: " + first_difference(TINY_EXPECTED, ref.stdout)
            )
        if mine.stdout != TINY_EXPECTED:
            problems.append(
                "funding-tracker project differs on the hand-checked file: "
                + first_difference(TINY_EXPECTED, mine.stdout)
            )
    print(f"hand-checked 3-row file: {'ok' if not problems else 'FAILED'}")

    small = data_file(small_n, seed)
    ref = run_process("reference", reference_argv(small), f"n{small_n}-reference")
    mine = run_process("funding-tracker project", ours_argv(ours, small), f"n{small_n}-ours")
    small_problems = check_ok(ref) + check_ok(mine)
    if not small_problems and ref.stdout != mine.stdout:
        small_problems.append(f"outputs differ on N={small_n}: " + first_difference(ref.stdout, mine.stdout))
    print(f"N={small_n} generated file: {'ok, byte-identical' if not small_problems else 'FAILED'}")
    return problems + small_problems


def data_file(n: int, seed: int, regenerate: bool = False) -> Path:
    path = OUT / f"commitments-{n}-seed{seed}.csv"
    generator = BENCH / "generate.py"
    stale = path.exists() and path.stat().st_mtime < generator.stat().st_mtime
    if regenerate or stale or not path.exists():
        start = time.perf_counter()
        generate.generate(n, path, seed)
        print(
            f"generated {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
    return path


def summarise(runs: list[Run]) -> dict:
    times = [r.seconds for r in runs]
    return {
        "runs": len(runs),
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "peak_rss_bytes": max(r.max_rss_bytes for r in runs),
        "times_s": times,
    }


def machine() -> dict:
    try:
        import duckdb

        duckdb_version = duckdb.__version__
    except ImportError:  # the reference will fail loudly anyway
        duckdb_version = "not installed"
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb_version,
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark funding-tracker project against a DuckDB reference.")
    parser.add_argument("--n", type=int, default=1_000_000, help="commitments in the timed file (default 1000000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each command first (default 1)")
    parser.add_argument("--small-n", type=int, default=1000, help="commitments in the quick correctness file")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--max-ratio", type=float, default=1.0, help="fail above this median ratio (default 1.0)")
    parser.add_argument("--max-rss-gb", type=float, default=1.5, help="fail at or above this peak RSS, GB of 1e9 bytes")
    parser.add_argument("--ours", type=Path, default=DEFAULT_OURS, help="the funding-tracker command")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the data file even if present")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.n < 1:
        parser.error("--runs and --n must be at least 1")

    if not args.ours.exists():
        print(f"{args.ours} not found: run `make install` first", file=sys.stderr)
        return 2
    info = machine()
    print(f"machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, DuckDB {info['duckdb']}")

    problems = correctness(args.ours, args.small_n, args.seed)
    if problems:
        for p in problems:
            print(f"FAIL: {p}", file=sys.stderr)
        return 1

    path = data_file(args.n, args.seed, args.regenerate)
    commands = {
        "reference": reference_argv(path),
        "ours": ours_argv(args.ours, path),
    }
    for _ in range(args.warmup):
        for name, cmd in commands.items():
            warm = run_process(name, cmd, f"warmup-{name}")
            if warm.returncode != 0:
                print(f"FAIL: {check_ok(warm)[0]}", file=sys.stderr)
                return 1

    runs: dict[str, list[Run]] = {"reference": [], "ours": []}
    expected: bytes | None = None
    problems = []
    for i in range(args.runs):
        order = ["reference", "ours"] if i % 2 == 0 else ["ours", "reference"]
        for name in order:
            run = run_process(name, commands[name], f"run-{name}")
            runs[name].append(run)
            print(f"  round {i + 1} {name:9s} {run.seconds:7.3f} s  {run.max_rss_bytes / 2**20:8.1f} MiB")
            problems += check_ok(run)
            if run.returncode == 0:
                if name == "reference" and expected is None:
                    expected = run.stdout
                elif expected is not None and run.stdout != expected:
                    problems.append(f"{name} output differs in round {i + 1}: {first_difference(expected, run.stdout)}")
        if problems:
            break

    if problems:
        for p in problems:
            print(f"FAIL: {p}", file=sys.stderr)
        return 1

    ref, ours = summarise(runs["reference"]), summarise(runs["ours"])
    ratio = ours["median_s"] / ref["median_s"]
    ratio_min = ours["min_s"] / ref["min_s"]
    max_rss = args.max_rss_gb * 1e9
    print()
    print(f"N={args.n} commitments, {args.runs} alternating runs each (+{args.warmup} warm-up), outputs byte-identical")
    print(f"{'':28s} {'median s':>9s} {'min s':>8s} {'max s':>8s} {'peak RSS MiB':>13s}")
    for name, s in (("reference (DuckDB)", ref), ("funding-tracker project", ours)):
        print(
            f"{name:28s} {s['median_s']:9.3f} {s['min_s']:8.3f} {s['max_s']:8.3f} {s['peak_rss_bytes'] / 2**20:13.1f}"
        )
    print(f"ratio ours/reference: median {ratio:.2f}x, min {ratio_min:.2f}x (limit {args.max_ratio}x)")

    verdict = []
    if ratio > args.max_ratio:
        verdict.append(f"median ratio {ratio:.2f}x is above {args.max_ratio}x")
    if ours["peak_rss_bytes"] >= max_rss:
        verdict.append(f"peak RSS {ours['peak_rss_bytes'] / 1e9:.2f} GB is not under {args.max_rss_gb} GB")

    summary = {
        "n": args.n,
        "seed": args.seed,
        "data_file": str(path.relative_to(ROOT)),
        "data_bytes": path.stat().st_size,
        "machine": info,
        "reference": ref,
        "ours": ours,
        "ratio_median": ratio,
        "ratio_min": ratio_min,
        "max_ratio": args.max_ratio,
        "max_rss_bytes": max_rss,
        "passed": not verdict,
        "failures": verdict,
    }
    (OUT / "bench_project.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for v in verdict:
        print(f"FAIL: {v}", file=sys.stderr)
    print("PASS" if not verdict else "FAIL")
    return 1 if verdict else 0


if __name__ == "__main__":
    sys.exit(main())
