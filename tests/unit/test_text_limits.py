"""One set of limits on text, whichever way it comes in (``tracker.core.limits``):
lengths, hidden characters, refs, web addresses, and how a value is shown in a problem."""

from __future__ import annotations

import pytest

from tracker.core import limits
from tracker.core.limits import LIMITS, check_field, check_ref, check_text, check_web_address, shown

# --- lengths ---------------------------------------------------------------------------------


def _text_of_length(field: str, length: int) -> str:
    """A value of ``field`` that passes every other check, ``length`` characters long."""
    if field in limits.WEB_ADDRESS_FIELDS:
        start = "https://www.gov.wales/"
        return start + "a" * (length - len(start))
    if field in limits.REF_FIELDS:
        return "R" * length
    return "x" * length


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_every_field_takes_its_limit_and_refuses_one_character_more(field):
    most = LIMITS[field]
    assert check_field(field, _text_of_length(field, most)) is None
    assert check_field(field, _text_of_length(field, most + 1)) == (
        f"expected at most {most:,} characters (this has {most + 1:,})"
    )


def test_the_limits_that_matter_most():
    assert LIMITS["ref"] == LIMITS["announcement_ref"] == LIMITS["commitment_ref"] == LIMITS["reannounces"] == 100
    assert LIMITS["funder"] == LIMITS["recipient"] == LIMITS["organisation_name"] == LIMITS["programme"] == 200
    assert LIMITS["title"] == 300 and LIMITS["purpose"] == 1_000 and LIMITS["quote"] == 5_000
    assert LIMITS["notes"] == LIMITS["note"] == LIMITS["achieved_note"] == LIMITS["reason_text"] == 2_000
    assert LIMITS["source_url"] == LIMITS["evidence_url"] == 2_000


def test_blank_is_never_a_length_or_character_problem():
    for field in LIMITS:
        assert check_field(field, "") is None and check_field(field, None) is None


def test_an_unknown_field_is_a_programming_error_not_a_pass():
    with pytest.raises(KeyError):
        check_text("no_such_field", "x")


# --- characters --------------------------------------------------------------------------------

REFUSED_CHARACTERS = [
    ("\x00", "U+0000 (NUL)"),
    ("\x01", "U+0001 (SOH)"),
    ("\x07", "U+0007 (BEL)"),
    ("\x08", "U+0008 (BS)"),
    ("\x0b", "U+000B (VT)"),
    ("\x0c", "U+000C (FF)"),
    ("\x1b", "U+001B (ESC)"),
    ("\x1f", "U+001F (US)"),
    ("\x7f", "U+007F (DEL)"),
    ("\x85", "U+0085 (a control character)"),
    ("\x9f", "U+009F (a control character)"),
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u202a", "U+202A (LEFT-TO-RIGHT EMBEDDING)"),
    ("\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    ("\u2069", "U+2069 (POP DIRECTIONAL ISOLATE)"),
    ("\ud800", "U+D800 (a lone surrogate)"),
]


@pytest.mark.parametrize(("character", "described"), REFUSED_CHARACTERS, ids=[d for _, d in REFUSED_CHARACTERS])
@pytest.mark.parametrize("field", ["purpose", "notes", "title", "funder", "ref", "source_url"])
def test_a_hidden_control_character_is_refused_naming_it_and_its_position(field, character, described):
    value = _text_of_length(field, 10)
    value = value[:4] + character + value[4:]
    assert check_field(field, value) == (
        f"expected text without hidden control characters: found {described} at position 5"
    )


def test_a_nul_is_named_as_the_brief_says():
    assert check_text("purpose", "abcd\x00efg") == (
        "expected text without hidden control characters: found U+0000 (NUL) at position 5"
    )


@pytest.mark.parametrize(
    "value",
    [
        "line one\nline two",
        "line one\r\nline two",
        "a\ttabbed\tnote",
        "\u00a3 \u2013 \u2019 \u0175 \u0177",
        "emoji \U0001f600 and a joiner \u200d",
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    ],
)
def test_tab_cr_lf_and_ordinary_unicode_are_accepted(value):
    assert check_text("notes", value) is None


# --- refs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["W1", "A1", "C-12", "WG-2020/03", "dag:2024.1", "a_b", "1", "NO-SUCH-COMMITMENT", "R" * 100]
)
def test_refs_of_letters_digits_and_dash_underscore_dot_slash_colon_are_accepted(ref):
    assert check_ref("ref", ref) is None


@pytest.mark.parametrize(
    "ref", ["W 1", "W1\t", "-W1", "@r1", "'W1", "=1+1", "Wé1", "W1#", "W1?", "W<1>", "W\u202e1", "\uff37\uff11", "W1,2"]
)
def test_a_ref_with_anything_else_is_refused(ref):
    problem = check_ref("ref", ref)
    assert problem is not None
    if not any(c in ref for c in "\t\u202e"):
        assert problem == f"expected a ref of {limits.REF_RULE}"


def test_refs_in_the_demo_data_fit_the_pattern():
    import csv
    from pathlib import Path

    import tracker.demo

    folder = Path(tracker.demo.__file__).parent
    found = 0
    for name in ("announcements", "commitments", "deliveries", "milestones"):
        with open(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in limits.REF_FIELDS & set(row):
                    if row[column]:
                        found += 1
                        assert check_ref(column, row[column]) is None, (name, column, row[column])
    assert found > 20


# --- web addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://www.gov.wales/written-statement",
        "http://example.org",
        "HTTPS://GOV.WALES/X",
        "Http://gov.wales",
        "https://record.senedd.wales/Meeting/14831",
        "http://localhost:8501/a?b=c&d=%20#top",
        "https://[::1]:8080/",
    ],
)
def test_http_and_https_addresses_naming_a_site_are_accepted(address):
    assert check_web_address("source_url", address) is None


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "//gov.wales/x",
        "gov.wales",
        "mailto:someone@gov.wales",
        "https:gov.wales",
        "https:/gov.wales",
    ],
)
def test_other_schemes_are_refused(address):
    assert check_web_address("evidence_url", address) == "expected a web address starting with https:// or http://"


@pytest.mark.parametrize("address", ["https://", "http:///path", "https://:80/", "https://?q=1"])
def test_an_address_without_a_site_is_refused(address):
    assert check_web_address("source_url", address).startswith(
        "expected a web address starting with https:// or http://"
    )
    assert "site" in check_web_address("source_url", address)


def test_an_address_with_a_space_or_a_broken_host_is_refused():
    assert "no spaces" in check_web_address("source_url", "https://gov.wales/a page")
    assert check_web_address("source_url", "https://[::1") is not None


# --- showing a value in a problem -----------------------------------------------------------------


def test_a_long_value_is_shortened_and_hidden_characters_are_replaced_when_shown():
    assert shown(None) is None
    assert shown("W1") == "W1"
    assert shown("x" * limits.SHOWN_LENGTH) == "x" * limits.SHOWN_LENGTH
    assert shown("x" * 100_000) == "x" * limits.SHOWN_LENGTH + "…"
    assert shown("ab\x00cd\u202e") == "ab\ufffdcd\ufffd"
