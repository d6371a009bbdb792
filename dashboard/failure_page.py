"""The dashboard's error boundary: a failure nobody handled is said in the
tracker's words (``tracker.failures``), never as Streamlit's error box.

- ``boundary()`` (``app.py``, around the sign-in gate, the navigation and the
  page; its first line is ``check_database()``: the database is at the
  migration this version is written for, ``store.check_schema``, else a
  database changed under a running server is said so). An exception escaping
  it is logged with its traceback under a new reference (``failures.report``)
  and the person sees what went wrong, what to do and the reference; no
  traceback, no Streamlit text. Streamlit's own control flow (``st.stop``, ``st.rerun``,
  ``st.switch_page``: ``StopException`` and ``RerunException``, kinds of
  ``ScriptControlException``, which is a ``BaseException``) passes through.
- ``guarded(callback)``: widget callbacks run before ``app.py`` (so outside
  the boundary); a guarded one that fails leaves the tracker's words for the
  boundary to show at the top of the page (``failed``; ``auth.attempt``, the
  way most callbacks save, does the same).

The log line reaches the server's log: Streamlit configures only its own
loggers, so ``tracker.failures`` gets a handler of its own, writing to the
server's standard error in Streamlit's log format.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec

import streamlit as st

from dashboard.components import engine
from tracker import failures, store

P = ParamSpec("P")
FAILED = "_failure"  # st.session_state key: a guarded callback's failure, for the next run to show


class _ServerLog(logging.StreamHandler):
    """Standard error as it is when a line is written (not when the handler was made)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _log_to_server() -> None:
    if any(isinstance(handler, _ServerLog) for handler in failures.log.handlers):
        return
    handler = _ServerLog()
    handler.setLevel(logging.ERROR)
    formatter = logging.Formatter(st.get_option("logger.messageFormat"))
    formatter.default_msec_format = "%s.%03d"  # as Streamlit's own lines
    handler.setFormatter(formatter)
    failures.log.addHandler(handler)


def show(explained: failures.Explained) -> None:
    """What went wrong and what to do, with the reference of the log line."""
    said, reference = explained.for_a_page()
    st.error(said, icon=":material/error:")
    st.caption(reference)


def check_database() -> None:
    """The first thing inside the boundary: the database is at the migration this version is written for."""
    store.check_schema(engine())


@contextmanager
def boundary() -> Iterator[None]:
    """Run the block; a failure nobody handled is shown in the tracker's words instead."""
    _log_to_server()
    earlier = st.session_state.pop(FAILED, None)
    if earlier is not None:
        show(earlier)
    try:
        yield
    except Exception as err:  # not BaseException: st.stop, st.rerun and st.switch_page pass
        show(failures.report(err, "the dashboard"))


def guarded(callback: Callable[P, object]) -> Callable[P, None]:
    """``callback`` for ``on_click``/``on_change``: a failure nobody handled
    is reported, and shown at the top of the page the click reruns."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception as err:
            failed(err, callback.__name__)

    return run


def failed(err: Exception, doing: str) -> None:
    """Report ``err`` (in a widget callback, while ``doing``), and show it at the top of the page the click reruns."""
    _log_to_server()
    st.session_state[FAILED] = failures.report(err, f"the dashboard ({doing})")
