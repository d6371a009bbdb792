"""The message catalogues: every message the code marks is in them, and has its Welsh.

``make messages`` (tracker/i18n/extract.py) extracts the messages from the
code; these tests extract them again and fail when a committed catalogue is
out of step, when a Welsh translation is missing, fuzzy or drops a
placeholder, and when a page hands Streamlit text that never went through
the catalogue (tests/unit/test_strings_go_through_the_catalogue.py).
"""

from __future__ import annotations

import string

import pytest

from tracker import i18n
from tracker.core import languages
from tracker.i18n import _, catalogues, extract, ngettext


def _names(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}


def _messages(language: str):
    return [message for message in catalogues.read(language) if message.id]


def test_the_catalogues_hold_every_message_the_code_marks():
    stale = extract.out_of_date()
    assert not stale, f"out of date (run `make messages`): {[str(path) for path in stale]}"


def test_the_template_and_each_language_hold_the_same_messages():
    template = {message.id for message in catalogues.read_template() if message.id}
    assert template, "the template holds no message"
    for language in languages.LANGUAGES:
        assert {message.id for message in _messages(language)} == template, language


@pytest.mark.parametrize("message", _messages(languages.WELSH), ids=lambda message: str(message.id)[:60])
def test_every_message_has_its_welsh(message):
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    assert all(form and form.strip() for form in forms), f"no Welsh for {message.id!r}"
    assert not message.fuzzy, f"the Welsh of {message.id!r} is marked fuzzy: check it and remove the mark"
    english = message.id if isinstance(message.id, tuple) else (message.id,)
    wanted = set().union(*(_names(text) for text in english))
    for form in forms:
        found = _names(form)
        assert found <= wanted, f"{message.id!r}: the Welsh {form!r} names {found - wanted}, not in the English"
        # Each form says every value, except that a plural form may say the number in words ("un", "dau").
        assert wanted - {"n"} <= found, f"{message.id!r}: the Welsh {form!r} drops {wanted - {'n'} - found}"
        assert form.count("**") == english[0].count("**"), f"{message.id!r}: bold marks differ in {form!r}"


def test_a_message_is_said_in_the_language_in_use_with_its_values():
    with i18n.speaking(languages.WELSH):
        assert _("Overview") == "Trosolwg"
        assert _("{page} - Funding tracker", page=_("Delivery")) == "Cyflawni - Traciwr cyllid"
    with i18n.speaking(languages.ENGLISH):
        assert _("{page} - Funding tracker", page=_("Delivery")) == "Delivery - Funding tracker"
    assert i18n.current() == languages.DEFAULT


def test_an_unknown_language_is_english():
    with i18n.speaking("xx"):
        assert i18n.current() == languages.ENGLISH
        assert _("Overview") == "Overview"


def test_plural_messages_follow_each_languages_rules():
    with i18n.speaking(languages.ENGLISH):
        assert ngettext("{n} commitment", "{n} commitments", 1) == "1 commitment"
        assert ngettext("{n} commitment", "{n} commitments", 2) == "2 commitments"
    catalogue = catalogues.read(languages.WELSH)
    assert catalogue.num_plurals == 6  # Welsh: zero, one, two, few, many, other
