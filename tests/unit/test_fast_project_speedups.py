"""The fast path of ``funding-tracker project`` after its speed-ups (issue: no slower than
the DuckDB reference): each whole-column shortcut must answer exactly as the
row-by-row reading it replaces, on every chunk layout the CSV reader can give."""

import re
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core import limits
from tracker.core.projection import columns_from_records, yearly_committed
from tracker.imports import fast_columns, fast_project
from tracker.imports.fast_project import project_file
from tracker.records.commitment_rows import read_commitments


def chunked(values: list[str], sizes: list[int] | None = None) -> pa.ChunkedArray:
    """``values`` as a string column in chunks of ``sizes`` (one chunk by default)."""
    if not sizes:
        return pa.chunked_array([pa.array(values, pa.string())], pa.string())
    parts, start = [], 0
    for size in sizes:
        parts.append(pa.array(values[start : start + size], pa.string()))
        start += size
    parts.append(pa.array(values[start:], pa.string()))
    return pa.chunked_array(parts, pa.string())


def chunk_sizes(n: int):
    return st.lists(st.integers(min_value=0, max_value=max(n, 1)), max_size=3)


# --- amounts ------------------------------------------------------------------------

PLAIN = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


def expected_pence(text: str) -> tuple[int, bool]:
    """The documented meaning of a plain amount: ``^\\d+(\\.\\d{1,2})?$``, at most 15 digits."""
    if PLAIN.fullmatch(text) and sum(c.isdigit() for c in text) <= 15:
        return int(Decimal(text) * 100), True
    return 0, False


whole = st.integers(min_value=0, max_value=10**15 - 1).map(str)
plain_amount = st.one_of(
    whole,
    st.tuples(whole, st.integers(0, 9)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.tuples(whole, st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
    st.tuples(st.integers(0, 3), whole).map(lambda t: "0" * t[0] + t[1]),
)
odd_amount = st.one_of(
    st.sampled_from([".5", "5.", ".", "1.2.3", "1/2", "", " 5", "5 ", "£1m", "1,000", "12.345", "-5", "+5", "1e3"]),
    st.text(alphabet="0123456789./", max_size=18),
)


@settings(deadline=None, max_examples=300)
@given(data=st.data())
def test_plain_pence_reads_every_amount_as_the_byte_by_byte_reading_does(data):
    values = data.draw(st.lists(st.one_of(plain_amount, odd_amount), min_size=1, max_size=40))
    pence, ok = fast_columns.plain_pence(chunked(values, data.draw(chunk_sizes(len(values)))))
    expected = [expected_pence(v) for v in values]
    assert ok.tolist() == [good for _, good in expected]
    assert [int(p) for p, good in zip(pence, ok) if good] == [p for p, good in expected if good]


@settings(deadline=None, max_examples=200)
@given(data=st.data())
def test_a_chunk_of_plain_amounts_is_read_whole_and_exactly(data):
    decimals = data.draw(st.sampled_from(["none", "one", "two", "mixed"]))
    forms = {
        "none": whole,
        "one": st.tuples(whole.map(lambda w: w[:13]), st.integers(0, 9)).map(lambda t: f"{t[0]}.{t[1]}"),
        "two": st.tuples(whole.map(lambda w: w[:12]), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
    }
    form = st.one_of(*forms.values()) if decimals == "mixed" else forms[decimals]
    values = data.draw(st.lists(form, min_size=1, max_size=60))
    column = chunked(values)
    offsets, buffer = next(fast_columns._string_buffers(column))
    pence = fast_columns._all_plain_pence(offsets, buffer)
    assert pence is not None, "plain amounts of up to 15 characters take the whole-chunk reading"
    assert pence.tolist() == [expected_pence(v)[0] for v in values]
    assert pence.tolist() == fast_columns._plain_pence_by_byte(offsets, buffer)[0].tolist()


def test_a_chunk_with_one_amount_that_is_not_plain_is_read_byte_by_byte():
    values = ["1000.00", "2000.50", "5.", "12"]
    offsets, buffer = next(fast_columns._string_buffers(chunked(values)))
    assert fast_columns._all_plain_pence(offsets, buffer) is None
    pence, ok = fast_columns.plain_pence(chunked(values))
    assert ok.tolist() == [True, True, False, True]
    assert pence[ok].tolist() == [100_000, 200_050, 1_200]


# --- duplicate refs -------------------------------------------------------------------

REF_CHARACTERS = "ABCabc019-_./:"


@settings(deadline=None, max_examples=300)
@given(data=st.data())
def test_duplicate_refs_are_found_whatever_their_lengths_and_order(data):
    length = data.draw(st.sampled_from([(1, 1), (8, 8), (3, 8), (1, 16), (9, 16), (5, 24)]))
    ref = st.text(alphabet=REF_CHARACTERS, min_size=length[0], max_size=length[1])
    refs = data.draw(st.lists(ref, min_size=1, max_size=40))
    if data.draw(st.booleans()):
        refs = sorted(set(refs))
    column = chunked(refs, data.draw(chunk_sizes(len(refs))))
    assert fast_columns.has_duplicates(column) == (len(set(refs)) != len(refs))


def test_refs_in_order_are_seen_to_be_unique_without_sorting(monkeypatch):
    column = chunked([f"C{i:07d}" for i in range(1, 5_001)], [1_000, 2_000])

    def refuse(*args, **kwargs):
        raise AssertionError("sorted refs were sorted again")

    monkeypatch.setattr(fast_columns.np, "sort", refuse)
    assert not fast_columns.has_duplicates(column)


# --- text ------------------------------------------------------------------------------

_CONTROL_BYTE = fast_columns._CONTROL_BYTE
_SUSPECT_LEAD = np.isin(np.arange(256), [0xC2, 0xE2, 0xED])


def within_limits_before(column, name: str) -> bool:
    """The byte check as it was before the speed-ups (a whole-chunk byte count), as the oracle."""
    for offsets, data in fast_columns._string_buffers(column):
        lengths = np.diff(offsets)
        if (lengths > limits.LIMITS[name]).any():
            return False
        text = data[offsets[0] : offsets[-1]] if len(lengths) else data[:0]
        if name in limits.REF_FIELDS:
            if not (
                fast_columns._REF_BYTE[text].all()
                and fast_columns._REF_FIRST_BYTE[data[offsets[:-1][lengths > 0]]].all()
            ):
                return False
            continue
        if len(text) and (text.min() < 0x20 or text.max() > 0x7E):
            counts = np.bincount(text, minlength=256)
            if counts[_CONTROL_BYTE].any():
                return False
            if counts[_SUSPECT_LEAD].any():
                first, second, third = text[:-2], text[1:-1], text[2:]
                if (
                    (text == 0xED).any()
                    or ((text[:-1] == 0xC2) & (text[1:] >= 0x80) & (text[1:] <= 0x9F)).any()
                    or (
                        (first == 0xE2)
                        & (
                            ((second == 0x80) & (third >= 0xAA) & (third <= 0xAE))
                            | ((second == 0x81) & (third >= 0xA6) & (third <= 0xA9))
                        )
                    ).any()
                ):
                    return False
    return True


TEXT_CHARACTERS = "Aa z'-\t\n\r\x00\x07\x1f\x7f\x80\x85\x9f\xa0£ôŵ–’\u2028\u202a\u202e\u202f\u2066\u2069\u2070"


@settings(deadline=None, max_examples=400)
@given(data=st.data())
def test_the_text_checks_answer_as_before_and_never_pass_what_the_row_parser_refuses(data):
    name = data.draw(st.sampled_from(["funder", "purpose", "ref", "reannounces"]))
    alphabet = REF_CHARACTERS + " @;[`{é" if name in limits.REF_FIELDS else TEXT_CHARACTERS
    values = data.draw(st.lists(st.text(alphabet=alphabet, max_size=12), min_size=1, max_size=20))
    if data.draw(st.integers(0, 9)) == 0:
        values.append("x" * (limits.LIMITS[name] + data.draw(st.integers(-1, 1))))
    column = chunked(values, data.draw(chunk_sizes(len(values))))
    passes = fast_columns.within_limits(column, name)
    assert passes == within_limits_before(column, name)
    if passes:
        assert all(limits.check_field(name, v) is None for v in values)


def test_a_lone_surrogate_written_into_a_file_is_left_to_the_row_parser():
    raw = pa.array([b"Good", "Bad \ud800 text".encode("utf-8", "surrogatepass")], pa.binary())
    column = pa.chunked_array([pa.Array.from_buffers(pa.string(), len(raw), raw.buffers())])  # not validated
    assert not fast_columns.within_limits(column, "purpose")


@settings(deadline=None, max_examples=300)
@given(data=st.data())
def test_the_leading_and_trailing_character_check_is_exact(data):
    values = data.draw(st.lists(st.text(alphabet="Ab '\t\u00a0\u2003\u3000ô", max_size=6), min_size=1, max_size=20))
    column = chunked(values, data.draw(chunk_sizes(len(values))))
    edge = tuple(bytes([b]) for b in np.flatnonzero(fast_columns._EDGE))
    trailing = tuple(bytes([b]) for b in np.flatnonzero(fast_columns._TRAILING))
    encoded = [v.encode("utf-8") for v in values]
    assert fast_columns.all_start_with_text(column) == all(e and not e.startswith(edge) for e in encoded)
    assert fast_columns.all_start_with_text(column, both_ends=True) == all(
        e and not e.startswith(edge) and not e.endswith(trailing) for e in encoded
    )


# --- sums --------------------------------------------------------------------------------


@pytest.mark.parametrize("largest", [1, 10**9, 10**14])
def test_exact_sums_agree_with_integer_addition(largest):
    rng = np.random.default_rng(20191031)
    index = rng.integers(0, 7, 200_000)
    pence = rng.integers(0, largest + 1, 200_000)
    expected = np.zeros(7, np.int64)
    np.add.at(expected, index, pence)
    assert fast_columns.exact_sums(index, pence, 7).tolist() == expected.tolist()


# --- whole files, read in many chunks ------------------------------------------------------


HEADER = "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,qualifier,status\n"


def general_path(path):
    records, problems = read_commitments(path)
    assert problems == []
    years, pence = yearly_committed(columns_from_records(records))
    return years.tolist(), pence.tolist()


def write_rows(path, rows: list[str]) -> None:
    path.write_text(HEADER + "".join(rows), encoding="utf-8")


def plain_rows(count: int, seed: int = 7) -> list[str]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        start = 2015 + int(rng.integers(0, 10))
        recurring = bool(rng.integers(0, 2))
        years = str(int(rng.integers(1, 8))) if recurring else ["", "1"][int(rng.integers(0, 2))]
        amount = [f"{rng.integers(1, 10**7)}", f"{rng.integers(1, 10**7)}.5", f"{rng.integers(1, 10**7)}.25"][i % 3]
        end = start + 1
        first_year = [
            f"{start}-{end % 100:02d}",
            f"{start}/{end % 100:02d}",
            f"FY{start}-{end % 100:02d}",
            f"{start}-{end}",
        ][i % 4]
        rows.append(
            f"R{i:05d},2019-10-{1 + i % 28:02d},Welsh Government,Cyngor Ynys Môn,Digital – phase {i % 5},"
            f"{'recurring' if recurring else 'one-off'},{amount},{first_year},{years},exact,confirmed\n"
        )
    return rows


def refuse(*args, **kwargs):
    raise AssertionError("the general path ran")


@pytest.mark.parametrize("block_size", [512, 4096, 1 << 20])
def test_a_file_read_in_many_chunks_is_projected_on_the_fast_path(tmp_path, monkeypatch, block_size):
    path = tmp_path / "commitments.csv"
    write_rows(path, plain_rows(600))
    expected = general_path(path)
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", block_size)
    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    years, pence, problems = project_file(path)
    assert problems == [] and (years.tolist(), pence.tolist()) == expected


def test_many_spellings_of_the_same_years_are_summed_by_value(tmp_path, monkeypatch):
    path = tmp_path / "commitments.csv"
    write_rows(path, plain_rows(300, seed=11))
    expected = general_path(path)
    monkeypatch.setattr(fast_project, "_MOST_CELLS", 4)  # as if there were too many spellings to combine
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", 2048)
    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    years, pence, problems = project_file(path)
    assert problems == [] and (years.tolist(), pence.tolist()) == expected


def test_rows_left_to_the_row_parser_are_added_to_the_summed_plain_rows(tmp_path, monkeypatch):
    path = tmp_path / "commitments.csv"
    rows = plain_rows(200, seed=3)
    rows[17] = rows[17].replace(",exact,", ",over,").replace(rows[17].split(",")[6], "£1.5m")
    rows[150] = rows[150].replace(rows[150].split(",")[7], "next financial year")
    write_rows(path, rows)
    expected = general_path(path)
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", 1024)
    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    years, pence, problems = project_file(path)
    assert problems == [] and (years.tolist(), pence.tolist()) == expected


@pytest.mark.parametrize(
    ("row", "change"),
    [
        (5, ("one-off", "one-off,1000,2020-21,3")),  # a one-off over three years
        (9, (",2019-10-", ",2019-02-3")),  # no such day
        (12, ("R00012", "R00011")),  # a duplicate ref
        (40, (",exact,", ",roughly,")),  # no such qualifier
    ],
)
def test_a_problem_in_any_chunk_still_sends_the_file_to_the_importer(tmp_path, monkeypatch, row, change):
    path = tmp_path / "commitments.csv"
    rows = plain_rows(60)
    old, new = change
    if old == "one-off":
        fields = rows[row].split(",")
        fields[5:9] = new.split(",")
        rows[row] = ",".join(fields)
    else:
        rows[row] = rows[row].replace(old, new, 1)
    write_rows(path, rows)
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", 512)
    _years, _pence, problems = project_file(path)
    assert [str(p) for p in problems] == [str(p) for p in read_commitments(path)[1]] != []


def test_a_repeated_long_ref_in_another_chunk_is_a_duplicate(tmp_path, monkeypatch):
    # Refs longer than 16 bytes are hashed; a ref's hash must not depend on
    # the longest ref in its chunk, or a repeat in another chunk goes unseen.
    path = tmp_path / "commitments.csv"
    rows = plain_rows(120)
    rows = [row.replace(f"R{i:05d},", f"WG-PROGRAMME-{i:05d}{'-X' * (i % 3)},", 1) for i, row in enumerate(rows)]
    rows[100] = rows[100].replace(rows[100].split(",")[0], "WG-PROGRAMME-00003", 1)
    write_rows(path, rows)
    expected = [str(p) for p in read_commitments(path)[1]]
    assert len(expected) == 1 and "duplicate ref" in expected[0]
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", 512)
    _years, _pence, problems = project_file(path)
    assert [str(p) for p in problems] == expected


@pytest.mark.parametrize("cores", [1, 2, 3, 8])
def test_a_file_read_in_pieces_on_several_cores_gives_the_same_totals(tmp_path, monkeypatch, cores):
    path = tmp_path / "commitments.csv"
    rows = plain_rows(900, seed=5)
    rows[450] = rows[450].replace(rows[450].split(",")[6], "£2m")  # left to the row parser, in a later piece
    write_rows(path, rows)
    expected = general_path(path)
    monkeypatch.setattr(fast_project, "_cores", lambda: cores)
    monkeypatch.setattr(fast_project, "_SMALLEST_PIECE", 4096)
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", 1024)
    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    assert len(fast_project._split(pa.py_buffer(path.read_bytes()))) == min(cores, fast_project._MOST_PIECES)
    years, pence, problems = project_file(path)
    assert problems == [] and (years.tolist(), pence.tolist()) == expected


@pytest.mark.parametrize("block_size", [300, 512, 777, 1024, 4096])
def test_refs_that_ascend_in_every_batch_but_start_again_are_duplicates(tmp_path, monkeypatch, block_size):
    # The same 30 commitments twice: each batch may ascend on its own, and the
    # repeat may fall between two batches or two pieces of the file.
    path = tmp_path / "commitments.csv"
    rows = plain_rows(30)
    write_rows(path, rows + rows)
    expected = [str(p) for p in read_commitments(path)[1]]
    assert expected and all("duplicate ref" in p for p in expected)
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", block_size)
    monkeypatch.setattr(fast_project, "_SMALLEST_PIECE", 1024)
    _years, _pence, problems = project_file(path)
    assert [str(p) for p in problems] == expected


def test_a_date_the_reader_cannot_read_as_a_day_is_read_again_as_text_on_the_fast_path(tmp_path, monkeypatch):
    # Dates are first read as days (YYYY-MM-DD only); one day-first date in a
    # late chunk makes the reader refuse, and the file is read again with the
    # dates as text, each parsed as the importer parses it.
    path = tmp_path / "commitments.csv"
    rows = plain_rows(400, seed=9)
    fields = rows[350].split(",")
    fields[1] = "31/10/2019"
    rows[350] = ",".join(fields)
    write_rows(path, rows)
    expected = general_path(path)
    read_as = []
    original = fast_project._read

    def spy(path_, header_length, by_name, wanted, options):
        read_as.append(str(options["convert_options"].column_types[by_name["announced_on"]]))
        return original(path_, header_length, by_name, wanted, options)

    monkeypatch.setattr(fast_project, "_read", spy)
    monkeypatch.setattr(fast_project, "_BLOCK_SIZE", 2048)
    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    years, pence, problems = project_file(path)
    assert problems == [] and (years.tolist(), pence.tolist()) == expected
    assert read_as == ["date32[day]", "dictionary<values=string, indices=int32, ordered=0>"]
