"""Everything the tracker shows a person, in the language they chose.

Write each message once, in English, whole, with named placeholders::

    from tracker.i18n import _, ngettext
    _("Figures as at {day}.", day=long_date(as_at))
    ngettext("{n} commitment", "{n} commitments", count)

``_`` looks the message up in the catalogue of the language in use and fills
its placeholders (``str.format``); ``N_`` only marks a message for the
catalogue, for lists built when a module is imported (translate it with ``_``
where it is shown). The language in use belongs to the run that asked for it
(a ``ContextVar``: each Streamlit run and each request sets its own, so two
people in two languages never see each other's): ``use(code)`` sets it,
``speaking(code)`` for a block. Without either, English. Work done later on
another thread (a deferred download's callable, which Streamlit runs outside
the run) does not inherit it: ``deferred`` binds the language in use now.

What is never translated: data (names, titles, quoted words, as recorded),
financial years (``2020-21``), and the column names of CSV files, which other
tools read and which re-import the same in either language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from tracker.core.languages import DEFAULT, ENGLISH, known
from tracker.i18n.catalogues import translations

_language: ContextVar[str] = ContextVar("tracker_language", default=DEFAULT)
P = ParamSpec("P")
T = TypeVar("T")


def current() -> str:
    """The language in use: a code from ``tracker.core.languages.LANGUAGES``."""
    return _language.get()


def use(code: str | None) -> str:
    """Speak ``code`` from now on in this run (an unknown code: English); the language used."""
    language = known(code) or DEFAULT
    _language.set(language)
    return language


@contextmanager
def speaking(code: str | None) -> Iterator[str]:
    """Speak ``code`` inside the block, then the language before."""
    token = _language.set(known(code) or DEFAULT)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def deferred(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Callable[[], T]:
    """``function(*args, **kwargs)`` to be called later, in the language in use
    now: for ``st.download_button(data=...)``, whose callable Streamlit runs on
    another thread, outside the run that chose the language."""
    language = current()

    def call() -> T:
        with speaking(language):
            return function(*args, **kwargs)

    return call


def _fill(message: str, values: dict[str, object]) -> str:
    return message.format(**values) if values else message


def _(message: str, /, **values: object) -> str:
    """``message`` in the language in use, its ``{placeholders}`` filled from ``values``."""
    language = _language.get()
    found = message if language == ENGLISH else translations(language).gettext(message)
    return _fill(found, values)


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form of a message for ``n`` things (Welsh has six), ``{n}`` and ``values`` filled in."""
    language = _language.get()
    if language == ENGLISH:
        found = singular if n == 1 else plural
    else:
        found = translations(language).ngettext(singular, plural, n)
    return _fill(found, {"n": n, **values})


def N_(message: str, /) -> str:
    """Mark ``message`` for the catalogue without translating it here."""
    return message
