"""Whole pyarrow columns checked and converted at once, for the fast path of
``funding-tracker project`` (``tracker.imports.fast_project``): plain amounts
to pence from the column's bytes, text limits and the ref pattern checked on
bytes, duplicate refs found by hashing.

Neither SQLAlchemy nor pandas is imported here.
"""

from __future__ import annotations

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


def _string_buffers(chunked):
    """(offsets, data) numpy views of each chunk of a pyarrow string column."""
    for chunk in chunked.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
        data_buffer = chunk.buffers()[2]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
        yield offsets, data


# Bytes that may begin a space (ASCII, or the lead byte of a Unicode space)
# or an export's protective apostrophe: the general path strips those, so a
# string starting or ending with one is left to it.
_EDGE = np.zeros(256, bool)
_EDGE[[9, 10, 11, 12, 13, 32, 0x27, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_TRAILING = np.zeros(256, bool)
_TRAILING[[9, 10, 11, 12, 13, 32, 0x80, 0x81, 0x85, 0x80 | 0x28, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F, 0x8B]] = True


def all_start_with_text(chunked, both_ends: bool = False) -> bool:
    """Every string is non-empty and starts (and with ``both_ends`` ends)
    with neither a space nor an apostrophe."""
    for offsets, data in _string_buffers(chunked):
        if len(offsets) < 2:
            continue
        if (offsets[1:] == offsets[:-1]).any() or _EDGE[data[offsets[:-1]]].any():
            return False
        if both_ends and _TRAILING[data[offsets[1:] - 1]].any():
            return False
    return True


# Control bytes in ASCII and Windows-1252 alike (tab, LF, CR allowed); bytes a ref may hold.
_CONTROL_BYTE = np.isin(np.arange(256), [*range(0, 9), 11, 12, *range(14, 32), 127])
_REF_FIRST_BYTE = np.isin(np.arange(256), list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
_REF_BYTE = _REF_FIRST_BYTE | np.isin(np.arange(256), list(b"-_./:"))


# Lead bytes of the UTF-8 characters check_field refuses beyond the controls:
# C1 controls (0xC2 0x80-0x9F), direction controls (0xE2 0x80 0xAA-0xAE,
# 0xE2 0x81 0xA6-0xA9) and surrogates (0xED ...).
_SUSPECT_LEAD = np.isin(np.arange(256), [0xC2, 0xE2, 0xED])


def _suspect_character(text: np.ndarray) -> bool:
    first, second, third = text[:-2], text[1:-1], text[2:]
    return bool(
        (text == 0xED).any()
        or ((text[:-1] == 0xC2) & (text[1:] >= 0x80) & (text[1:] <= 0x9F)).any()
        or (
            (first == 0xE2)
            & (
                ((second == 0x80) & (third >= 0xAA) & (third <= 0xAE))
                | ((second == 0x81) & (third >= 0xA6) & (third <= 0xA9))
            )
        ).any()
    )


def within_limits(chunked, name: str) -> bool:
    """Whether every value of text column ``name`` surely passes ``limits.check_field``.

    Over-cautious: bytes are counted as characters, and any UTF-8 that might be
    a C1 control (U+0080-U+009F), a direction control (U+202A-U+202E,
    U+2066-U+2069) or a surrogate (any 0xED byte) counts. A false alarm only
    sends the file to the general path, which decides exactly."""
    for offsets, data in _string_buffers(chunked):
        lengths = np.diff(offsets)
        if (lengths > limits.LIMITS[name]).any():
            return False
        text = data[offsets[0] : offsets[-1]] if len(lengths) else data[:0]
        if name in limits.REF_FIELDS:
            if not (_REF_BYTE[text].all() and _REF_FIRST_BYTE[data[offsets[:-1][lengths > 0]]].all()):
                return False
            continue
        # Printable ASCII only (two quick reductions) holds nothing to refuse;
        # otherwise count every byte value, and look for the rarer characters
        # only when a byte that could start one is present.
        if len(text) and (text.min() < 0x20 or text.max() > 0x7E):
            counts = np.bincount(text, minlength=256)
            if counts[_CONTROL_BYTE].any():
                return False
            if counts[_SUSPECT_LEAD].any() and _suspect_character(text):
                return False
    if name in limits.WEB_ADDRESS_FIELDS:
        import pyarrow.compute as pc

        try:
            addresses = pc.unique(chunked).to_pylist()
        except UnicodeDecodeError:
            return False
        return not any(limits.check_web_address(name, a.strip()) for a in addresses if a.strip())
    return True


def lengths(chunked) -> np.ndarray:
    return np.concatenate([np.diff(offsets) for offsets, _ in _string_buffers(chunked)])


_POWERS_OF_TEN = 10 ** np.arange(19, dtype=np.int64)


def plain_pence(chunked) -> tuple[np.ndarray, np.ndarray]:
    """Pence of amounts written plainly (``^\\d+(\\.\\d{1,2})?$``) and which rows were.

    Works on the column's bytes, one pass per step over the whole buffer: each
    digit is worth ``digit * 10 ** (digits after it in its string)``; summing
    those per string gives the number without its point, and the count of
    digits after the point says whether to multiply by 1, 10 or 100.
    """
    pence_parts, ok_parts = [], []
    for offsets, data in _string_buffers(chunked):
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
        pence_parts.append(pence)
        ok_parts.append(ok)
    return np.concatenate(pence_parts), np.concatenate(ok_parts)


_FNV_PRIME = np.uint64(1099511628211)


def _short_keys(chunked) -> np.ndarray | None:
    """Refs of one length up to 8 bytes, each packed into a uint64 (exact, no
    hashing), or None when refs are longer or vary in length."""
    parts = []
    width = None
    for offsets, data in _string_buffers(chunked):
        lengths = np.diff(offsets)
        if len(lengths) == 0:
            continue
        if width is None:
            width = int(lengths[0])
        if width < 1 or width > 8 or (lengths != width).any():
            return None
        block = data[offsets[0] : offsets[-1]].reshape(-1, width)
        padded = np.zeros((len(block), 8), np.uint8)
        padded[:, :width] = block
        parts.append(padded.view(np.uint64).ravel())
    return np.concatenate(parts) if parts else None


def has_duplicates(chunked) -> bool:
    """Whether any ref appears twice: a 64-bit hash of each padded string,
    sorted; equal hashes are confirmed by comparing the strings themselves."""
    exact = _short_keys(chunked)
    if exact is not None:
        keys = np.sort(exact)
        return bool((keys[1:] == keys[:-1]).any())
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
            h = (h ^ byte) * _FNV_PRIME
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
