"""Reading an announcement's headline claim and judging it against the money recorded
(tracker.figures.headline_claims): the amount and qualifier as stated, vague words, no
amount, and each verdict with each qualifier, in English and Welsh."""

from __future__ import annotations

import pytest

from tracker.figures.headline_claims import (
    ADDS_UP,
    EARLIER_AS_NEW,
    LESS,
    MORE,
    NO_AMOUNT,
    judge,
    read_claim,
)
from tracker.i18n import speaking

M = 100_000_000  # £1m in pence


@pytest.mark.parametrize(
    ("stated", "pence", "qualifier"),
    [
        ("£14.3m for digital", 1_430_000_000, "exact"),
        ("Over £1bn for the NHS", 1000 * M, "over"),
        ("up to £5m for councils", 5 * M, "up to"),
        ("around £2 million for roads", 2 * M, "about"),
        ("one million pound fund", 1 * M, "exact"),
        ("Bron £3bn i'r GIG", 3000 * M, "about"),  # Welsh: almost
    ],
)
def test_a_headline_is_read_as_its_amount_and_qualifier(stated, pence, qualifier):
    claim = read_claim(stated)
    assert claim is not None
    assert (claim.pence, claim.qualifier, claim.vague, claim.amounts) == (pence, qualifier, False, 1)
    assert claim.stated == stated


def test_more_than_one_amount_is_read_as_the_largest_and_says_how_many():
    claim = read_claim("£1m for schools and over £2m for roads")
    assert claim is not None
    assert (claim.pence, claim.qualifier, claim.amounts) == (2 * M, "over", 2)
    said = judge(claim, 2 * M, 2 * M).sentence()
    assert said.endswith("The headline states 2 amounts: the largest is checked.")


@pytest.mark.parametrize(
    ("stated", "floor"),
    [
        ("A multi-million boost", 2 * M),
        ("multimillion fund", 2 * M),
        ("Hwb aml-filiwn", 2 * M),
        ("A multi-billion plan", 2000 * M),
    ],
)
def test_multi_million_is_read_as_a_vague_floor(stated, floor):
    claim = read_claim(stated)
    assert claim is not None
    assert (claim.pence, claim.qualifier, claim.vague) == (floor, "over", True)


def test_no_amount_and_no_headline():
    claim = read_claim("Help for councils")
    assert claim is not None and claim.pence is None
    assert judge(claim, 5 * M, 5 * M).verdict == NO_AMOUNT
    assert read_claim(None) is None and read_claim("   ") is None


@pytest.mark.parametrize(
    ("stated", "all_pence", "verdict"),
    [
        ("£14.3m", 1_430_000_000, ADDS_UP),  # exact: to the penny
        ("£14.3m", 1_430_000_001, LESS),
        ("£14.3m", 1_429_999_999, MORE),
        ("over £1bn", 1000 * M, ADDS_UP),  # a floor: that or more
        ("over £1bn", 1200 * M, ADDS_UP),
        ("over £1bn", 999 * M, MORE),
        ("up to £5m", 5 * M, ADDS_UP),  # a ceiling: that or less
        ("up to £5m", 3 * M, ADDS_UP),
        ("up to £5m", 5 * M + 1, LESS),
        ("about £10m", 11 * M, ADDS_UP),  # within 10%
        ("about £10m", 9 * M, ADDS_UP),
        ("about £10m", 11 * M + 1, LESS),
        ("about £10m", 9 * M - 1, MORE),
        ("multi-million", 2 * M, ADDS_UP),
        ("multi-million", 2 * M - 1, MORE),
    ],
)
def test_the_verdict_respects_the_qualifier(stated, all_pence, verdict):
    claim = read_claim(stated)
    assert claim is not None
    assert judge(claim, all_pence, all_pence).verdict == verdict  # all of it new money


def test_a_headline_reached_only_with_money_announced_before_counts_it_as_new():
    claim = read_claim("£14.3m for digital")
    assert claim is not None
    judged = judge(claim, 1_430_000_000, 1_000_000_000)  # £4.3m of it re-announced
    assert judged.verdict == EARLIER_AS_NEW and judged.differs
    assert judged.new_share_percent == 69  # 10 / 14.3, rounded down
    assert judged.sentence() == (
        "The headline (£14,300,000) counts money announced before as new: £14,300,000 is recorded, "
        "but only £10,000,000 of it is new money (69%)."
    )


@pytest.mark.parametrize(
    ("stated", "new_pence", "verdict"),
    [
        ("over £1bn", 1000 * M, ADDS_UP),  # the new money alone bears the floor out
        ("over £1bn", 999 * M, EARLIER_AS_NEW),
        ("about £10m", 9 * M, ADDS_UP),  # the new money alone is within 10%
        ("about £10m", 8 * M, EARLIER_AS_NEW),
        ("up to £12m", 12 * M, ADDS_UP),  # a ceiling reached only with earlier money
        ("up to £12m", 11 * M, EARLIER_AS_NEW),
    ],
)
def test_new_money_is_held_to_the_claim_too(stated, new_pence, verdict):
    claim = read_claim(stated)
    assert claim is not None
    all_pence = 12 * M if stated.startswith("up to") else (10 * M if "about" in stated else 1000 * M)
    assert judge(claim, all_pence, new_pence).verdict == verdict


def test_no_money_recorded_has_no_share_and_the_headline_is_more():
    claim = read_claim("£1m")
    assert claim is not None
    judged = judge(claim, 0, 0)
    assert (judged.verdict, judged.new_share_percent) == (MORE, None)


def test_the_verdict_in_welsh():
    claim = read_claim("multi-million")
    assert claim is not None
    with speaking("cy"):
        said = judge(claim, 5 * M, 1 * M).sentence()
    assert said == (
        "Mae'r pennawd (dros £2,000,000) yn cyfrif arian a gyhoeddwyd o'r blaen fel arian newydd: cofnodwyd "
        "£5,000,000, ond dim ond £1,000,000 ohono sy'n arian newydd (20%). "
        "Nid yw'r pennawd yn rhoi ffigur: caiff ei eiriau eu darllen fel isafswm."
    )
