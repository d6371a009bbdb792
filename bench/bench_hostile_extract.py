"""Hostile files for ``funding-tracker extract`` and the Record page's "From a press release" tab (issue 19).

    .venv/bin/python bench/bench_hostile_extract.py [--cases NAME ...]

Each case is a file (in ``bench/out/hostile-extract/``, git-ignored), taken two ways, each in a fresh
measuring process (wall time, and the child's peak RSS from ``getrusage(RUSAGE_CHILDREN)``):

- ``cli``: ``python -m tracker.cli extract FILE --format csv`` (exit code, first line of standard error);
- ``page``: what the tab does with an upload, in-process: ``tracker.extract.source.read_source(bytes, name)``
  then ``tracker.extract.drafts.extract(text)``, each timed inside the process.

A case to refuse passes when the CLI exits 1 with one line ``funding-tracker extract: ...`` saying the
case's words, no traceback and nothing on standard output, and the page's way raises ``SourceError`` with
the same words. A case to read passes when the CLI exits 0, prints the commitments CSV with the drafts
expected, and reading plus extracting in-process takes under 1 s for a release of ordinary size (the four
releases of the development set, Welsh-only and UTF-16 text) or under 20 s and 500 MB for a hostile file
that is within every limit (recorded, and judged against that bar). Nothing here is a timed test.

Results: ``bench/out/hostile-extract/bench_hostile_extract.json`` and a table. Exit 1 if any case fails.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "hostile-extract"
PRESS = ROOT / "tests" / "fixtures" / "press"
MB = 1024 * 1024
NORMAL_SECONDS = 1.0  # read and extract one release of ordinary size (issue 19)
HOSTILE_SECONDS = 20.0  # issue 12's bar for a hostile file
MAX_RSS_BYTES = 500 * MB

sys.path.insert(0, str(ROOT))
from tests.unit.test_extract_source import HOSTILE_HTML, blank_pdf, encrypted, text_pdf  # noqa: E402

MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = proc.communicate()
print(json.dumps({"seconds": time.perf_counter() - start, "rc": proc.returncode,
                  "rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
                  "stdout": out.decode("utf-8", "replace")[-20000:], "stdout_lines": out.count(b"\\n"),
                  "stderr": err.decode("utf-8", "replace")[-20000:]}))
"""

# The tab's way in, as a command: read the upload's bytes, then find the money.
PAGE = """
import json, sys, time
from pathlib import Path
path = Path(sys.argv[1])
data = path.read_bytes()
start = time.perf_counter()
from tracker.extract.drafts import extract
from tracker.extract.source import SourceError, read_source
imported = time.perf_counter()
try:
    text = read_source(data, path.name).text
except SourceError as err:
    print(json.dumps({"refused": str(err), "import": imported - start, "read": time.perf_counter() - imported}))
    sys.exit(0)
read = time.perf_counter()
extraction = extract(text)
done = time.perf_counter()
print(json.dumps({"refused": None, "import": imported - start, "read": read - imported, "extract": done - read,
                  "chars": len(text), "drafts": len(extraction.drafts), "left_out": len(extraction.left_out),
                  "welsh_only": extraction.welsh_only, "text_head": text[:200]}))
"""


@dataclass
class Case:
    name: str
    what: str
    make: Callable[[Path], None]
    suffix: str = ".txt"
    words: str | None = None  # a refusal: a regular expression its message must say (None: to be read)
    drafts: int | None = None  # to read: the drafts expected (None: at least one)
    normal: bool = False  # a release of ordinary size: read and extracted within NORMAL_SECONDS
    absent: tuple[str, ...] = ()  # words the text read must not hold


def write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def repeated(piece: bytes, size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with path.open("wb") as handle:
            block = piece * (MB // len(piece) + 1)
            written = 0
            while written < size:
                chunk = block[: size - written]
                handle.write(chunk)
                written += len(chunk)

    return make


def big_pdf(path: Path) -> None:
    """A valid PDF of 11 MB: a page of text and an attachment of random bytes."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Councils get £1m for parks."]))))
    writer.add_attachment("data.bin", random.Random(19).randbytes(11 * MB))
    with path.open("wb") as handle:
        writer.write(handle)


def zipped(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("release.txt", "Councils get £1m for parks.\n" * 100)
    path.write_bytes(buffer.getvalue())


def nested_html(depth: int, tag: str = "div") -> bytes:
    return (
        "<html><head><script>document.title='SCRIPTWORD'</script></head><body onload=\"ONLOADWORD()\">"
        + f"<{tag}>" * depth
        + "<p>The Minister announced <b>over £1m</b> for parks in Wales.</p>"
        + f"</{tag}>" * depth
        + "</body></html>"
    ).encode()


def one_line(amounts: int, end: str) -> bytes:
    # about 80 characters an amount: 5,000 amounts make a line of about 400,000 characters
    return " ".join(
        f"The council will receive £{i + 1:,}k for project {i} in the district of Wales{end}" for i in range(amounts)
    ).encode()


def many_amounts(amounts: int) -> bytes:
    lines = ["Funding for every council", ""]
    for i in range(amounts):
        lines.append(f"Council {i} will receive £{(i % 97) + 1}.{i % 10}m for roads in Wales in 2020-21.")
        if i % 10 == 9:
            lines.append("")
    return "\n".join(lines).encode()


WELSH = (
    "Cyllid newydd i gynghorau\n"
    "Mae Llywodraeth Cymru wedi cyhoeddi £1.5 miliwn i gynghorau yng Nghymru ar gyfer gwasanaethau lleol.\n"
    "Bydd y cyllid hefyd yn cynnwys £250,000 ar gyfer ysgolion yn yr ardal dros y flwyddyn.\n"
)


def cases() -> list[Case]:
    junk = random.Random(20191031).randbytes(MB)
    return [
        *(
            Case(
                f"press-{name}",
                f"development-set release {name}.txt",
                write((PRESS / f"{name}.txt").read_bytes()),
                normal=True,
            )
            for name in ("00", "07", "09", "15")
        ),
        Case("empty", "an empty file", write(b""), words=r"is empty$"),
        Case("whitespace", "spaces and line ends only", write(b" \r\n\t\n" * 100), words=r"holds no text$"),
        Case(
            "text-50mb",
            "50 MB of text",
            repeated(b"Councils get money for parks. ", 50 * MB),
            words=r"larger than 10\.0 MB",
        ),
        Case(
            "pounds-50mb", "50 MB of '£1m ' repeated", repeated("£1m ".encode(), 50 * MB), words=r"larger than 10\.0 MB"
        ),
        Case(
            "text-600k-chars",
            "600,000 characters of text (under 10 MB; over the 500,000 read)",
            repeated(b"Councils get \xc2\xa31m for parks. ", 600_000 + 60_000),
            words=r"at most 500,000 are read",
        ),
        Case(
            "pdf-11mb",
            "a valid PDF of 11 MB (a page of text and an 11 MB attachment)",
            big_pdf,
            ".pdf",
            words=r"larger than 10\.0 MB",
        ),
        Case(
            "pdf-no-text",
            "a PDF whose page has no text layer",
            write(blank_pdf()),
            ".pdf",
            words=r"no text found; is it a scanned image\?",
        ),
        Case(
            "pdf-damaged",
            "%PDF-1.4 garbage",
            write(b"%PDF-1.4 garbage"),
            ".pdf",
            words=r"could not be read as a PDF \(.*\): save it again",
        ),
        Case(
            "pdf-encrypted",
            "a PDF with a user password",
            write(encrypted(text_pdf(["£1m for parks."]), "secret")),
            ".pdf",
            words=r"protected by a password",
        ),
        Case(
            "pdf-owner-password",
            "a PDF encrypted with an empty user password (opens without one)",
            write(encrypted(text_pdf(["Councils get £1m for parks."]), "")),
            ".pdf",
            drafts=1,
            normal=True,
        ),
        Case(
            "pdf-text",
            "a PDF with a text layer",
            write(text_pdf(["Councils get over £1.5m for parks.", "Schools receive £500,000 a year for three years."])),
            ".pdf",
            drafts=2,
            normal=True,
        ),
        Case("zip-as-pdf", "a zip archive renamed .pdf", zipped, ".pdf", words=r"is not a PDF"),
        Case("binary-junk", "1 MB of random bytes", write(junk), ".bin", words=r"NUL bytes"),
        Case(
            "utf16-text",
            "UTF-16 text with a BOM (Notepad's Unicode)",
            write("Councils get £1m for parks.\nSchools get £2m for books.\n".encode("utf-16")),
            drafts=2,
            normal=True,
        ),
        Case(
            "windows-1252",
            "Windows-1252 text (the £ as 0xA3)",
            write(b"Councils get \xa31m for parks.\n"),
            drafts=1,
            normal=True,
        ),
        Case("welsh-only", "a release in Welsh only", write(WELSH.encode()), drafts=2, normal=True),
        Case(
            "html-scripts",
            "a page with scripts, styles, handlers, a frame and comments",
            write(HOSTILE_HTML.encode()),
            ".html",
            drafts=2,
            normal=True,
            absent=("SCRIPTWORD", "STYLEWORD", "ONLOADWORD", "CLICKWORD", "IFRAMEWORD", "COMMENTWORD", "<"),
        ),
        Case(
            "html-10000-divs",
            "scripts and 10,000 nested divs around the release",
            write(nested_html(10_000)),
            ".html",
            drafts=1,
            absent=("SCRIPTWORD", "ONLOADWORD", "<"),
        ),
        Case(
            "html-bomb",
            "1,500,000 nested tags (7.5 MB) around one paragraph",
            write(nested_html(750_000, "i")),
            ".html",
            drafts=1,
            absent=("SCRIPTWORD", "<"),
        ),
        Case(
            "html-unclosed-bomb",
            "1,000,000 <b> tags never closed, then text",
            write(b"<html><body>" + b"<b>" * 1_000_000 + "Councils get £1m for parks.".encode()),
            ".html",
            drafts=1,
        ),
        Case(
            "one-line-5000-sentences",
            "one line of ~400,000 characters: 5,000 sentences, one amount each",
            write(one_line(5_000, ".")),
            drafts=5_000,
        ),
        Case(
            "one-line-5000-one-sentence",
            "one line of ~400,000 characters: one sentence, 5,000 amounts",
            write(one_line(5_000, ",")),
            drafts=5_000,
        ),
        Case(
            "dots-400k",
            "one line of 400,000 dots and one amount",
            write(b"." * 400_000 + "£1m for parks.".encode()),
            drafts=1,
        ),
        Case(
            "digits-5000",
            "a £ then a figure of 5,000 digits, then £1m",
            write(("Councils get £" + "9" * 5_000 + " for parks. Schools get £1m for books.\n").encode()),
            drafts=1,
        ),
        Case(
            "release-2000-amounts",
            "a release with 2,000 amounts (a line each, paragraphs of ten)",
            write(many_amounts(2_000)),
            drafts=None,
        ),
    ]


def measure(command: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=ROOT, env=env, timeout=900
    )
    return json.loads(done.stdout)


def judge(case: Case, cli: dict, page: dict) -> list[str]:
    wrong = []
    first = (cli["stderr"].strip().splitlines() or [""])[0]
    if "Traceback" in cli["stderr"] or "Traceback" in page.get("stderr", ""):
        wrong.append("a traceback")
    if case.words is not None:
        lines = cli["stderr"].strip().splitlines()
        if cli["rc"] != 1:
            wrong.append(f"CLI exit {cli['rc']}, not 1")
        if len(lines) != 1 or not first.startswith("funding-tracker extract: ") or not re.search(case.words, first):
            wrong.append(f"CLI said {cli['stderr'].strip()[:200]!r}, not one line saying /{case.words}/")
        if cli["stdout"]:
            wrong.append("CLI printed something to standard output")
        said = page["result"].get("refused")
        if not said or not re.search(case.words, said):
            wrong.append(f"page said {said!r}, not /{case.words}/")
    else:
        result = page["result"]
        if cli["rc"] != 0:
            wrong.append(f"CLI exit {cli['rc']}: {first}")
        if result.get("refused"):
            wrong.append(f"page refused it: {result['refused']}")
        else:
            rows = cli["stdout_lines"] - 1
            expected = case.drafts
            if expected is not None and (rows != expected or result["drafts"] != expected):
                wrong.append(f"{rows} CSV rows and {result['drafts']} drafts, expected {expected}")
            if expected is None and result["drafts"] < 1:
                wrong.append("no drafts")
            for word in case.absent:
                if word in result.get("text_head", ""):
                    wrong.append(f"the text holds {word!r}")
            seconds = result["read"] + result["extract"]
            limit = NORMAL_SECONDS if case.normal else HOSTILE_SECONDS
            if seconds >= limit:
                wrong.append(f"read and extract took {seconds:.2f} s (limit {limit:.0f} s)")
    for way, run in (("cli", cli), ("page", page)):
        if run["seconds"] >= HOSTILE_SECONDS:
            wrong.append(f"{way} took {run['seconds']:.1f} s")
        if run["rss"] >= MAX_RSS_BYTES:
            wrong.append(f"{way} peak RSS {run['rss'] / MB:.0f} MB")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", help="only these cases (names)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    chosen = [c for c in cases() if not args.cases or c.name in args.cases]
    results, failures = [], []
    print(f"{'case':<28} {'ok':<4} {'bytes':>10}  {'cli':>14} {'page (read + extract)':>30}  said", flush=True)
    for case in chosen:
        path = OUT / f"{case.name}{case.suffix}"
        case.make(path)
        cli = measure([sys.executable, "-m", "tracker.cli", "extract", str(path.relative_to(ROOT)), "--format", "csv"])
        page = measure([sys.executable, "-c", PAGE, str(path)])
        try:
            page["result"] = json.loads(page["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            page["result"] = {"refused": f"the page's way failed: {page['stderr'].strip()[-300:]}"}
        wrong = judge(case, cli, page)
        result = page["result"]
        said = (cli["stderr"].strip().splitlines() or [""])[0].removeprefix("funding-tracker extract: ")
        if case.words is None:
            said = f"{cli['stdout_lines'] - 1} rows" + (f"; {said}" if said else "")
        inside = (
            f"{result.get('read', 0):.3f} + {result.get('extract', 0):.3f} s"
            if "extract" in result
            else f"{result.get('read', 0):.3f} s (refused)"
        )
        results.append(
            {
                "case": case.name,
                "what": case.what,
                "bytes": path.stat().st_size,
                "expect": "refuse" if case.words else "read",
                "cli": {k: cli[k] for k in ("rc", "seconds", "rss", "stdout_lines")} | {"first_stderr": said},
                "page": {"seconds": page["seconds"], "rss": page["rss"], **result},
                "wrong": wrong,
            }
        )
        failures.extend(f"{case.name}: {w}" for w in wrong)
        print(
            f"{case.name:<28} {'ok' if not wrong else 'FAIL':<4} {path.stat().st_size:>10,}  "
            f"exit {cli['rc']} {cli['seconds']:5.2f} s {cli['rss'] / MB:4.0f} MB  "
            f"{inside:>18} {page['rss'] / MB:4.0f} MB  {said[:110]}",
            flush=True,
        )
        (OUT / "bench_hostile_extract.json").write_text(json.dumps(results, indent=2))
        if case.make is not None and path.stat().st_size > 5 * MB:
            path.unlink()  # the large files are made again each run
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
