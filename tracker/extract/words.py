"""The content words of a purpose or a name, folded and stemmed: what two tellings of the same money share
("transformation" meets "transform", "communities" meets "community")."""

from __future__ import annotations

import re

_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "this",
        "that",
        "their",
        "its",
        "our",
        "will",
        "new",
        "funding",
        "fund",
        "money",
        "support",
        "help",
        "towards",
        "over",
        "year",
        "years",
        "million",
        "billion",
        "pounds",
        "local",
        "wales",
        "welsh",
        "government",
        "provide",
        "provided",
        "programme",
        "scheme",
    ]
)


_SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ers",
    "er",
    "ies",
    "es",
    "ed",
    "ly",
    "s",
    "e",
)


def _stem(word: str) -> str:
    """A word without its common English ending, so "transformation" meets "transform"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str | None) -> frozenset[str]:
    """The content words of a purpose or a name, folded and stemmed."""
    found = re.findall(r"[a-z0-9]+", (text or "").lower().replace("’", "'"))
    return frozenset(_stem(w) for w in found if len(w) > 2 and w not in _STOP and _stem(w) not in _STOP)
