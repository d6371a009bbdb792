"""Figures worked out once and shared: the rule that keeps sharing safe.

A loaded ``TrackerData`` keeps what has been worked out from it
(``TrackerData.remember``; ``per_data`` below for a function of one), and
the dashboard keeps a loaded TrackerData, shared by every session, until the
data changes. So nothing read from it may be changed in place: a page that
added a column to a shared frame would change every other page's figures.

With ``TRACKER_CHECK_SHARED=1`` (the test suite sets it) each kept value's
fingerprint (a hash of its contents: a frame's columns, types, index and
values; a dataclass's fields; ...) is taken when it is worked out and
checked the first time it is read again, and a TrackerData's own frames are
checked each time a new figure is worked out from them; a value changed in
place raises ``SharedValueChanged`` naming what it was. Off, it costs
nothing.

What is kept is shared by people reading in different languages too: a
figure holding words (a sentence, a label) is kept once per language
(``per_data_in_language``), or keeps what the words are made from and says
them when asked (``tracker.i18n``: the language belongs to the run).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from tracker import i18n

P = ParamSpec("P")
T = TypeVar("T")

CHECK_VARIABLE = "TRACKER_CHECK_SHARED"


class SharedValueChanged(AssertionError):
    """A value kept for sharing was changed in place after it was worked out."""


def checking() -> bool:
    return os.environ.get(CHECK_VARIABLE, "") == "1"


def fingerprint(value: object) -> bytes | None:
    """What ``check`` compares later (None when not checking)."""
    if not checking():
        return None
    return hashlib.sha256(pickle.dumps(_contents(value), protocol=pickle.HIGHEST_PROTOCOL)).digest()


def _contents(value: object) -> object:
    """``value`` as plain Python values, the same whenever its contents are
    (a frame's pickled bytes are not: pandas keeps internal caches)."""
    if isinstance(value, pd.DataFrame):
        return (
            "frame",
            [str(c) for c in value.columns],
            [str(t) for t in value.dtypes],
            value.index.tolist(),
            [_contents(value[c]) for c in value.columns],
        )
    if isinstance(value, pd.Series):
        return ("series", str(value.name), str(value.dtype), value.index.tolist(), value.tolist())
    if isinstance(value, pd.Index):
        return ("index", value.tolist())
    if isinstance(value, np.ndarray):
        return ("array", str(value.dtype), value.tolist())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, [_contents(getattr(value, f.name)) for f in dataclasses.fields(value)])
    if isinstance(value, dict):
        return ("dict", [(_contents(k), _contents(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_contents(v) for v in value])
    if isinstance(value, set | frozenset):
        return ("set", sorted(repr(v) for v in value))
    return value


def check(key: Hashable, value: object, taken: bytes | None) -> None:
    if taken is not None and fingerprint(value) != taken:
        raise SharedValueChanged(f"a shared figure was changed in place after it was worked out: {key!r}")


def remember_in(store: dict, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept in ``store`` under ``key`` (and, when checking is
    on, checked the first time it is read again: the page or function that
    had it has finished with it by then; later reads are not checked, which
    keeps a test run's cost to two fingerprints a figure)."""
    if key in store:
        value, taken = store[key]
        if taken is not None:
            check(key, value, taken)
            store[key] = (value, None)
        return value
    value = compute()
    store[key] = (value, fingerprint(value))
    return value


def per_data(function: Callable[P, T]) -> Callable[P, T]:
    """Keep ``function(data, *args)``'s result with ``data`` (a TrackerData),
    keyed on the function and its other arguments (which must be hashable)."""

    @functools.wraps(function)
    def kept(*args: Any, **kwargs: Any) -> Any:
        data, rest = args[0], args[1:]
        key = (function.__module__, function.__qualname__, rest, tuple(sorted(kwargs.items())))
        return data.remember(key, lambda: function(*args, **kwargs))

    return kept


def per_data_in_language(function: Callable[P, T]) -> Callable[P, T]:
    """``per_data``, kept once per language: for a figure that holds words
    (a label, a sentence) in the language of the run that worked it out."""

    @functools.wraps(function)
    def kept(*args: Any, **kwargs: Any) -> Any:
        data, rest = args[0], args[1:]
        key = (function.__module__, function.__qualname__, i18n.current(), rest, tuple(sorted(kwargs.items())))
        return data.remember(key, lambda: function(*args, **kwargs))

    return kept
