"""Whole pyarrow columns checked and converted at once, for the fast path of
``funding-tracker project`` (``tracker.imports.fast_project``): plain amounts
to pence from the column's bytes, text limits and the ref pattern checked on
bytes, duplicate refs found from the refs' bytes read as integers (hashed
when longer than 16 bytes).

Each check takes a column (a ChunkedArray, or one batch's Array) chunk by
chunk on the column's own buffers (no copies of whole columns), and answers
from a few whole-chunk reductions (``min``, ``max``, bitwise ``and``/``or``)
when the data is ordinary; it looks at single bytes or rows only where a
reduction says something unusual is there.

Neither SQLAlchemy nor pandas is imported here.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from tracker.core import limits

# pyarrow's pa.array() looks for pandas on first use, and importing pandas
# costs more than the whole projection: build small arrays from buffers.


def index_array(index: np.ndarray):
    import pyarrow as pa

    index = np.ascontiguousarray(index, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(index), [None, pa.py_buffer(index.tobytes())])


def string_array(texts: list[str]):
    import pyarrow as pa

    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(encoded))]
    )


_NO_BYTES = np.zeros(0, np.uint8)


def _chunk_buffers(chunk) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) numpy views of one chunk of a pyarrow string column."""
    buffers = chunk.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else _NO_BYTES
    return offsets, data


def _string_buffers(chunked) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(offsets, data) numpy views of each chunk of a pyarrow string column
    (a ChunkedArray, or one Array)."""
    for chunk in getattr(chunked, "chunks", (chunked,)):
        yield _chunk_buffers(chunk)


def _runs(table: np.ndarray) -> tuple[tuple[int, int], ...]:
    """The runs of marked bytes in a 256-entry table, as (first, last)."""
    marked = np.flatnonzero(table)
    breaks = np.flatnonzero(np.diff(marked) != 1)
    firsts = np.concatenate([marked[:1], marked[breaks + 1]])
    lasts = np.concatenate([marked[breaks], marked[-1:]])
    return tuple(zip(firsts.tolist(), lasts.tolist()))


def _any_in(values: np.ndarray, runs: tuple[tuple[int, int], ...]) -> bool:
    """Whether any of ``values`` (bytes) falls in one of ``runs``.

    ``min`` and ``max`` bound the bytes present; each run inside those bounds
    is then looked for with one wrapping compare (a few at most)."""
    if not len(values):
        return False
    low, high = int(values.min()), int(values.max())
    for first, last in runs:
        if last < low or first > high:
            continue
        if first <= low and high <= last:
            return True
        if ((values - np.uint8(first)) <= np.uint8(last - first)).any():
            return True
    return False


# Bytes that may begin a space (ASCII, or the lead byte of a Unicode space)
# or an export's protective apostrophe: the general path strips those, so a
# string starting or ending with one is left to it.
_EDGE = np.zeros(256, bool)
_EDGE[[9, 10, 11, 12, 13, 32, 0x27, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_TRAILING = np.zeros(256, bool)
_TRAILING[[9, 10, 11, 12, 13, 32, 0x80, 0x81, 0x85, 0x80 | 0x28, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F, 0x8B]] = True
_EDGE_RUNS, _TRAILING_RUNS = _runs(_EDGE), _runs(_TRAILING)


def all_start_with_text(chunked, both_ends: bool = False) -> bool:
    """Every string is non-empty and starts (and with ``both_ends`` ends)
    with neither a space nor an apostrophe."""
    for offsets, data in _string_buffers(chunked):
        if len(offsets) < 2:
            continue
        if np.diff(offsets).min() == 0 or _any_in(np.take(data, offsets[:-1]), _EDGE_RUNS):
            return False
        if both_ends and _any_in(np.take(data, offsets[1:] - 1), _TRAILING_RUNS):
            return False
    return True


def all_empty(chunked) -> bool:
    """Whether every string of the column is empty."""
    return all(offsets[-1] == offsets[0] for offsets, _ in _string_buffers(chunked) if len(offsets))


# Control bytes in ASCII and Windows-1252 alike (tab, LF, CR allowed); bytes a ref may hold.
_CONTROL_BYTE = np.isin(np.arange(256), [*range(0, 9), 11, 12, *range(14, 32), 127])
_REF_FIRST_BYTE = np.isin(np.arange(256), list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
_REF_BYTE = _REF_FIRST_BYTE | np.isin(np.arange(256), list(b"-_./:"))
_NOT_REF_RUNS, _NOT_REF_FIRST_RUNS = _runs(~_REF_BYTE), _runs(~_REF_FIRST_BYTE)


def _refused_character(text: np.ndarray) -> bool:
    """Whether ``text`` holds any byte sequence that might be a control
    character, C1 control (U+0080-U+009F: 0xC2 0x80-0x9F), direction
    control (U+202A-U+202E: 0xE2 0x80 0xAA-0xAE; U+2066-U+2069: 0xE2 0x81
    0xA6-0xA9) or surrogate (any 0xED byte), as bytes of UTF-8 (or any
    other encoding: a false alarm only sends the file to the general path).

    ``min`` and ``max`` answer for printable ASCII; otherwise each byte that
    could begin such a sequence, up to the largest byte present, is looked
    for with one compare, and only where one is found are the bytes after
    it looked at."""
    if not len(text):
        return False
    low, high = int(text.min()), int(text.max())
    if low < 0x20 and _CONTROL_BYTE[text[text < 0x20]].any():
        return True
    if high < 0x7F:
        return False
    if (text == 0x7F).any() or (high >= 0xED and (text == 0xED).any()):
        return True
    if high >= 0xC2 and (text[:-1] == 0xC2).any():
        second = text[np.flatnonzero(text[:-1] == 0xC2) + 1]
        if ((second >= 0x80) & (second <= 0x9F)).any():
            return True
    if high >= 0xE2 and (text[:-2] == 0xE2).any():
        at = np.flatnonzero(text[:-2] == 0xE2)
        second, third = text[at + 1], text[at + 2]
        direction = ((second == 0x80) & (third >= 0xAA) & (third <= 0xAE)) | (
            (second == 0x81) & (third >= 0xA6) & (third <= 0xA9)
        )
        if direction.any():
            return True
    return False


def within_limits(chunked, name: str) -> bool:
    """Whether every value of text column ``name`` surely passes ``limits.check_field``.

    Over-cautious: bytes are counted as characters, and any UTF-8 that might be
    a C1 control (U+0080-U+009F), a direction control (U+202A-U+202E,
    U+2066-U+2069) or a surrogate (any 0xED byte) counts. A false alarm only
    sends the file to the general path, which decides exactly."""
    return text_ok(chunked, name)


def text_ok(chunked, name: str, required: bool = False, both_ends: bool = False) -> bool:
    """``within_limits``; with ``required``, ``all_start_with_text`` (with
    ``both_ends``) as well: one look at each chunk's offsets for both."""
    limit = limits.LIMITS[name]
    is_ref = name in limits.REF_FIELDS
    for offsets, data in _string_buffers(chunked):
        if len(offsets) < 2:
            continue
        lengths = np.diff(offsets)
        shortest, longest = int(lengths.min()), int(lengths.max())
        if longest > limit or (required and shortest == 0):
            return False
        text = data[offsets[0] : offsets[-1]]
        if shortest == longest > 0:  # one width (as refs often are): every n-th byte, no gathering
            firsts, lasts = text[::longest], text[longest - 1 :: longest]
        else:
            firsts = np.take(data, offsets[:-1] if shortest > 0 else offsets[:-1][lengths > 0])
            lasts = np.take(data, offsets[1:] - 1) if both_ends else firsts
        if required and (_any_in(firsts, _EDGE_RUNS) or (both_ends and _any_in(lasts, _TRAILING_RUNS))):
            return False
        if is_ref:
            if _any_in(text, _NOT_REF_RUNS) or _any_in(firsts, _NOT_REF_FIRST_RUNS):
                return False
        elif _refused_character(text):
            return False
    if name in limits.WEB_ADDRESS_FIELDS:
        from pyarrow._compute import call_function

        try:
            addresses = call_function("unique", [chunked]).to_pylist()
        except UnicodeDecodeError:
            return False
        return not any(limits.check_web_address(name, a.strip()) for a in addresses if a.strip())
    return True


def lengths(chunked) -> np.ndarray:
    return np.concatenate([np.diff(offsets) for offsets, _ in _string_buffers(chunked)])


# Sixteen bytes a row: ``_KEEP_LAST[n]`` keeps a row's last n bytes (the
# string, right-aligned) and ``_ZEROS_BEFORE[n]`` puts '0' in the others;
# ``_KEEP_FIRST[n]`` keeps the first n (left-aligned) and the rest become 0.
_last = np.arange(16) >= 16 - np.arange(17)[:, None]
_first = np.arange(16) < np.arange(17)[:, None]
_KEEP_LAST = np.where(_last, 0xFF, 0).astype(np.uint8).view("V16").ravel()
_ZEROS_BEFORE = np.where(_last, 0, ord("0")).astype(np.uint8).view("V16").ravel()
_KEEP_FIRST = np.where(_first, 0xFF, 0).astype(np.uint8).view("V16").ravel()


def _sixteen_bytes(offsets: np.ndarray, data: np.ndarray, right: bool) -> np.ndarray:
    """Each string of a chunk (at most 16 bytes) as one row of 16 bytes,
    viewed as two uint64 words: right-aligned after '0's (``right``), or
    left-aligned before zero bytes.

    Sixteen-byte windows of the chunk's bytes (numpy's ``take`` copies such
    fixed-size items fast), then each row's bytes outside its string are
    replaced by a mask looked up by length."""
    base, stop = int(offsets[0]), int(offsets[-1])
    padded = np.zeros(16 + stop - base + 16, np.uint8)
    padded[16 : 16 + stop - base] = data[base:stop]
    windows = np.ndarray(shape=(stop - base + 17,), dtype="V16", buffer=padded, strides=(1,))
    lengths = np.diff(offsets)
    if right:
        rows = np.take(windows, offsets[1:] - base)  # the 16 bytes ending where each string ends
        words = rows.view(np.uint64).reshape(-1, 2)
        words &= np.take(_KEEP_LAST, lengths).view(np.uint64).reshape(-1, 2)
        words |= np.take(_ZEROS_BEFORE, lengths).view(np.uint64).reshape(-1, 2)
    else:
        rows = np.take(windows, offsets[:-1] - base + 16)  # the 16 bytes starting where each string starts
        words = rows.view(np.uint64).reshape(-1, 2)
        words &= np.take(_KEEP_FIRST, lengths).view(np.uint64).reshape(-1, 2)
    return words


_POWERS_OF_TEN = 10 ** np.arange(19, dtype=np.int64)


def plain_pence(chunked) -> tuple[np.ndarray, np.ndarray]:
    """Pence of amounts written plainly (``^\\d+(\\.\\d{1,2})?$``, at most 15
    digits) and which rows were.

    A chunk whose every amount is plain is read sixteen bytes a row, eight
    digits at a time (``_all_plain_pence``); any other chunk byte by byte
    (``_plain_pence_by_byte``), which also says which rows are plain."""
    pence_parts, ok_parts = [], []
    for offsets, data in _string_buffers(chunked):
        pence = _all_plain_pence(offsets, data)
        if pence is None:
            pence, ok = _plain_pence_by_byte(offsets, data)
        else:
            ok = np.ones(len(pence), bool)
        pence_parts.append(pence)
        ok_parts.append(ok)
    if not pence_parts:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    return np.concatenate(pence_parts), np.concatenate(ok_parts)


# Sixteen bytes of an amount, right-aligned with '0's, are two little-endian
# uint64 words: the first holds columns 0-7, the second 8-15 (column 8 + i
# in byte i). A plain amount's point, if any, is in column 13 (two decimals)
# or 14 (one).
_ONES = np.uint64(0x0101010101010101)
_LOW_NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)
_DIGIT_BITS = np.uint64(0x1010101010101010)  # bit 4: set in '0'-'9', clear in '.' and '/'
_POINT_AT_13 = np.uint64(1 << 40)
_POINT_AT_14 = np.uint64(1 << 48)
_BEFORE_13, _AFTER_13 = np.uint64(0x000000FFFFFFFFFF), np.uint64(0xFFFF000000000000)
_BEFORE_14, _AFTER_14 = np.uint64(0x0000FFFFFFFFFFFF), np.uint64(0xFF00000000000000)
_BYTE = np.uint64(8)


def _eight_digits(words: np.ndarray) -> None:
    """In place: words of eight digit values (0-9, the first digit in the low
    byte) become the numbers they spell (three multiply-shift steps, pairs of
    digits, then fours, then eights; D. Lemire's SWAR parse)."""
    words *= np.uint64(10 * 2**8 + 1)
    words >>= np.uint64(8)
    words &= np.uint64(0x00FF00FF00FF00FF)
    words *= np.uint64(100 * 2**16 + 1)
    words >>= np.uint64(16)
    words &= np.uint64(0x0000FFFF0000FFFF)
    words *= np.uint64(10000 * 2**32 + 1)
    words >>= np.uint64(32)


def _drop_point(low: np.ndarray, before: np.uint64, after: np.uint64) -> np.ndarray:
    """The second word with its point removed: the digits before it move up
    one byte (a '0' comes in at column 8), the digits after it stay."""
    return ((low & before) << _BYTE) | (low & after)


def _all_plain_pence(offsets: np.ndarray, data: np.ndarray) -> np.ndarray | None:
    """Pence of every amount in a chunk, or None unless every one is plain.

    Checked on whole words: lengths 1-15 (so at most 15 digits), every byte
    in '.'-'9' (min and max), no '.' or '/' in the first word (bitwise and),
    and in the second only a '.' (never '/') in column 13 or 14, one a row,
    with a digit before it."""
    n = len(offsets) - 1
    if n == 0:
        return np.zeros(0, np.int64)
    lengths = np.diff(offsets)
    if lengths.min() < 1 or lengths.max() > 15:
        return None
    text = data[offsets[0] : offsets[-1]]
    if text.min() < ord(".") or text.max() > ord("9"):
        return None
    words = _sixteen_bytes(offsets, data, right=True)
    if np.bitwise_and.reduce(words[:, 0]) & _DIGIT_BITS != _DIGIT_BITS:
        return None
    low = words[:, 1]
    not_digit = np.invert(low)
    not_digit >>= np.uint64(4)
    not_digit &= _ONES  # 1 in each byte holding '.' or '/'
    anywhere = np.bitwise_or.reduce(not_digit)
    if anywhere & ~(_POINT_AT_13 | _POINT_AT_14):
        return None
    if anywhere and np.bitwise_or.reduce(not_digit & low):  # '/' has its low bit set, '.' clear
        return None
    digits = words & _LOW_NIBBLES
    low = digits[:, 1]
    high_scale: int | np.ndarray
    low_scale: int | np.ndarray
    if not anywhere:
        high_scale, low_scale = 10**10, 100
    elif anywhere == np.bitwise_and.reduce(not_digit) == _POINT_AT_13:
        if lengths.min() < 4:
            return None
        low[:] = _drop_point(low, _BEFORE_13, _AFTER_13)
        high_scale, low_scale = 10**7, 1
    elif anywhere == np.bitwise_and.reduce(not_digit) == _POINT_AT_14:
        if lengths.min() < 3:
            return None
        low[:] = _drop_point(low, _BEFORE_14, _AFTER_14)
        high_scale, low_scale = 10**8, 10
    else:
        at_13 = (not_digit & _POINT_AT_13) != 0
        at_14 = (not_digit & _POINT_AT_14) != 0
        if (at_13 & at_14).any() or (at_13 & (lengths < 4)).any() or (at_14 & (lengths < 3)).any():
            return None
        low[:] = np.where(
            at_13,
            _drop_point(low, _BEFORE_13, _AFTER_13),
            np.where(at_14, _drop_point(low, _BEFORE_14, _AFTER_14), low),
        )
        high_scale = np.where(at_13, 10**7, np.where(at_14, 10**8, 10**10))
        low_scale = np.where(at_13, 1, np.where(at_14, 10, 100))
    # Whole pounds a (columns 0-15), or a and d (columns 0-12 and 14-15, or
    # 0-13 and 15): the first word is worth 10**8 of the second word's units.
    _eight_digits(digits.reshape(-1))
    values = digits.view(np.int64)
    pence: np.ndarray = values[:, 0] * high_scale
    pence += values[:, 1] * low_scale
    return pence


def _plain_pence_by_byte(offsets: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pence of the plain amounts of one chunk, and which rows are plain.

    One pass per step over the chunk's bytes: each digit is worth
    ``digit * 10 ** (digits after it in its string)``; summing those per
    string gives the number without its point, and the count of digits after
    the point says whether to multiply by 1, 10 or 100.
    """
    offsets = offsets.astype(np.int64)
    lengths = np.diff(offsets)
    pence = np.zeros(len(lengths), np.int64)
    ok = np.zeros(len(lengths), bool)
    filled = np.flatnonzero(lengths > 0)
    if len(filled):
        # Empty strings take no bytes, so the others still tile the buffer.
        starts = offsets[filled] - offsets[0]
        ends = starts + lengths[filled]
        text = data[offsets[0] : offsets[-1]]
        code = text - np.uint8(48)  # digits become 0-9; everything else wraps above 9
        is_digit = code < 10
        is_dot = text == 46
        seen = np.cumsum(is_digit, dtype=np.int32)
        after = np.repeat(seen[ends - 1], lengths[filled]) - seen  # digits after each byte
        worth = code.astype(np.int64) * _POWERS_OF_TEN[np.minimum(after, 18)]
        worth[~is_digit] = 0
        value = np.add.reduceat(worth, starts)
        # One more pass counts digits, dots and the digits after a dot,
        # packed into bit fields of one int64 (each count is below 256).
        packed = is_digit.astype(np.int64)
        packed[is_dot] = (1 << 8) | (after[is_dot].astype(np.int64) << 16)
        counts = np.add.reduceat(packed, starts)
        digits, dots, decimals = counts & 0xFF, (counts >> 8) & 0xFF, counts >> 16
        good = (
            (digits + dots == lengths[filled])
            & (dots <= 1)
            & (code[starts] < 10)  # starts with a digit
            & ((dots == 0) | ((decimals >= 1) & (decimals <= 2)))
            & (digits <= 15)
        )
        scale = np.where(dots == 0, 100, np.where(decimals == 1, 10, 1))
        pence[filled] = np.where(good, value * scale, 0)
        ok[filled] = good
    return pence, ok


_FNV_PRIME = np.uint64(1099511628211)


def ref_keys(chunked) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Refs of up to 16 bytes as integers that compare as the refs do: the
    bytes left-aligned, zero-padded and read big-endian, in one uint64 (refs
    up to 8 bytes; the second word is then None) or two. None for longer refs.

    Exact for refs, which hold no zero byte (``within_limits``): no two
    refs share a key."""
    parts: list[tuple[np.ndarray, np.ndarray | None]] = []
    for offsets, data in _string_buffers(chunked):
        if len(offsets) < 2:
            continue
        lengths = np.diff(offsets)
        shortest, longest = int(lengths.min()), int(lengths.max())
        if longest > 16:
            return None
        if shortest == longest <= 8:  # one width, as generated refs often are: a row per 8 bytes
            block = data[offsets[0] : offsets[-1]].reshape(-1, longest)
            if longest < 8:
                block = np.concatenate([block, np.zeros((len(block), 8 - longest), np.uint8)], axis=1)
            parts.append((block.view(">u8").ravel().astype(np.uint64), None))
            continue
        words = _sixteen_bytes(offsets, data, right=False).byteswap()
        parts.append((words[:, 0], words[:, 1] if longest > 8 else None))
    return join_keys(parts)


def keys_ascend(first: np.ndarray, second: np.ndarray | None) -> bool:
    """Whether the keys (``ref_keys``) ascend strictly, so none repeats."""
    if second is None:
        return bool((first[1:] > first[:-1]).all())
    return bool(((first[1:] > first[:-1]) | ((first[1:] == first[:-1]) & (second[1:] > second[:-1]))).all())


def keys_repeat(first: np.ndarray, second: np.ndarray | None) -> bool:
    """Whether any key (``ref_keys``) appears twice: none when they ascend,
    else sorted and compared with their neighbours."""
    if keys_ascend(first, second):
        return False
    if second is None:
        first = np.sort(first)
        return bool((first[1:] == first[:-1]).any())
    order = np.lexsort((second, first))
    first, second = first[order], second[order]
    return bool(((first[1:] == first[:-1]) & (second[1:] == second[:-1])).any())


def join_keys(parts: list[tuple[np.ndarray, np.ndarray | None]]) -> tuple[np.ndarray, np.ndarray | None]:
    """``ref_keys`` of consecutive pieces of a column, as the whole column's."""
    first = np.concatenate([f for f, _ in parts]) if parts else np.zeros(0, np.uint64)
    if all(s is None for _, s in parts):
        return first, None
    return first, np.concatenate([np.zeros(len(f), np.uint64) if s is None else s for f, s in parts])


def has_duplicates(chunked) -> bool:
    """Whether any ref appears twice.

    Refs already in ascending order (as files are usually written) have
    none, which one comparison of neighbours shows. Otherwise refs of up to
    16 bytes are sorted as integers (``_ref_keys``), and longer ones by a
    64-bit hash of each string, equal hashes confirmed by comparing the
    strings themselves."""
    keys = ref_keys(chunked)
    if keys is not None:
        return keys_repeat(*keys)
    if _ascending(chunked):
        return False
    hashes = []
    for offsets, data in _string_buffers(chunked):
        starts = offsets[:-1].astype(np.int64)
        lengths = offsets[1:] - offsets[:-1]
        padded = np.concatenate([data, np.zeros(1, np.uint8)])
        h = np.full(len(starts), np.uint64(14695981039346656037), np.uint64) ^ lengths.astype(np.uint64)
        width = int(lengths.max()) if len(lengths) else 0
        for j in range(width):
            inside = j < lengths
            byte = padded[np.where(inside, starts + j, len(data))].astype(np.uint64)
            # Only a string's own bytes count: its hash must not depend on
            # the longest string in its chunk.
            h = np.where(inside, (h ^ byte) * _FNV_PRIME, h)
        hashes.append(h)
    all_hashes = np.concatenate(hashes)
    sorted_hashes = np.sort(all_hashes)
    if not (sorted_hashes[1:] == sorted_hashes[:-1]).any():
        return False
    order = np.argsort(all_hashes, kind="stable")
    sorted_hashes = all_hashes[order]
    same = np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1])
    suspects = np.unique(np.concatenate([order[same], order[same + 1]]))
    texts = chunked.take(index_array(suspects)).to_pylist()
    # Distinct strings that merely share a hash are not duplicates.
    return len(set(texts)) != len(texts)


def _ascending(chunked) -> bool:
    """Whether every string is greater (bytewise) than the one before it."""
    import pyarrow as pa
    from pyarrow._compute import call_function

    n = len(chunked)
    if n < 2:
        return True
    try:  # strings compare bytewise
        return bool(call_function("all", [call_function("less", [chunked.slice(0, n - 1), chunked.slice(1)])]).as_py())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False


def exact_sums(index: np.ndarray, pence: np.ndarray, size: int, most: int | None = None) -> np.ndarray:
    """Sum of ``pence`` (int64, each from 0 to 2**47; the largest is ``most``
    when known) per ``index``, exactly.

    ``np.bincount`` adds in float64, exact while every sum stays below 2**53:
    in one pass when all the money together does; else in two parts, the low
    24 bits and the rest, each far below 2**53 for up to 2**29 rows."""
    if most is None:
        most = int(pence.max()) if len(pence) else 0
    if most * len(pence) < 2**53:
        return np.bincount(index, weights=pence, minlength=size).astype(np.int64)
    if len(pence) > 2**29:
        out = np.zeros(size, np.int64)
        np.add.at(out, index, pence)
        return out
    low = np.bincount(index, weights=pence & (2**24 - 1), minlength=size).astype(np.int64)
    high = np.bincount(index, weights=pence >> 24, minlength=size).astype(np.int64)
    return (high << 24) + low
