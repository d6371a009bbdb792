"""From an announcement's words to draft commitments (tracker.extract.drafts).

The sentences are written for these tests in the ways funding announcements
are worded; none is from the press set the bench scores against.
"""

from __future__ import annotations

from datetime import date

import pytest

from tracker.core.fiscal import FinancialYear
from tracker.extract import clues
from tracker.extract.drafts import extract


def one(text: str, published: date | None = None):
    extraction = extract(text, published=published)
    assert len(extraction.drafts) == 1, [(d.pence, d.purpose) for d in extraction.drafts]
    return extraction.drafts[0]


@pytest.mark.parametrize(
    ("text", "kind", "years"),
    [
        ("The Minister announced £2m for parks.", "one-off", None),
        ("Councils will get £3m a year for school meals.", "recurring", None),
        ("There is £4 million-a-year for colleges.", "recurring", None),
        ("£250,000 will be provided annually for the next three years to run the service.", "recurring", 3),
        ("The fund receives £1m per annum for 5 years.", "recurring", 5),
        ("An annual grant of £60,000 supports the network.", "recurring", None),
        ("A £12 million programme over three years will repair roads.", "multi-year", 3),
        ("The board agreed a 2-year, £80 million settlement.", "multi-year", 2),
        ("£9m over the next four years to build homes.", "multi-year", 4),
    ],
)
def test_the_kind_and_years_come_from_the_words_about_the_period(text, kind, years):
    draft = one(text)
    assert (draft.kind, draft.years) == (kind, years)


@pytest.mark.parametrize(
    ("text", "published", "first_year"),
    [
        ("£2m for flood defences in 2025-26.", None, FinancialYear(2025)),
        ("£2m for flood defences in 2025/26.", None, FinancialYear(2025)),
        ("£2m will be made available next financial year for parks.", date(2019, 10, 31), FinancialYear(2020)),
        ("£2m will be spent this financial year on parks.", date(2019, 10, 31), FinancialYear(2019)),
        ("£2m will be spent this financial year on parks.", date(2020, 2, 1), FinancialYear(2019)),
        # the text says "next financial year" but the day it was said is unknown: never guessed
        ("£2m will be made available next financial year for parks.", None, None),
        # "next year" and "the next three years" do not name a financial year
        ("£2m for parks next year.", date(2019, 10, 31), None),
        ("£2m a year for the next three years.", date(2019, 10, 31), None),
    ],
)
def test_a_first_year_only_when_the_words_name_it(text, published, first_year):
    assert one(text, published).first_year == first_year


def test_the_purpose_is_what_the_money_is_for_without_its_period():
    draft = one("Ministers confirmed £6 million for a young farmers’ grant scheme over 2 years.")
    assert draft.purpose == "a young farmers’ grant scheme"
    draft = one("A further £1.2m will be provided in 2024-25 to help councils recruit care staff.")
    assert draft.purpose == "help councils recruit care staff"


def test_each_amount_of_a_sentence_gets_its_own_words():
    extraction = extract(
        "The deal provides £15 million to improve roads on the A470 and a £40 million boost for mental health "
        "over 2 years; £3m a year goes to libraries."
    )
    said = [(d.pence, d.kind, d.years, d.purpose) for d in extraction.drafts]
    assert said == [
        (1_500_000_000, "one-off", None, "improve roads on the A470"),
        (4_000_000_000, "multi-year", 2, "mental health"),
        (300_000_000, "recurring", None, "libraries"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Schools will receive £250 per pupil for books.", clues.PER_HEAD),
        ("Every resident gets £40 a head in support.", clues.PER_HEAD),
        ("Match funding of £1 for every £3 raised is offered.", clues.RATIO),
        ("The council bid for £5m from the fund last spring.", clues.BID),
        ("The authority applied for £2 million towards the bridge.", clues.BID),
        ("Councils face a funding gap of £300m next year.", clues.SHORTFALL),
        ("The service has cost pressures of £40m.", clues.SHORTFALL),
        ("It faces a £25m shortfall in its budget.", clues.SHORTFALL),
        ("Scotland will receive £1.2bn through the scheme.", clues.ELSEWHERE),
        ("Councils in England get £600m for social care.", clues.ELSEWHERE),
        ("Care workers will be paid at least £12 an hour.", clues.RATE),
        ("Tickets on the new route will cost £2 per journey.", clues.RATE),
        ("Tourism is worth £3bn to the Welsh economy.", clues.ECONOMY),
        ("The festival generates £40m in GVA each year.", clues.ECONOMY),
        ("The project will boost the local economy by £15m.", clues.ECONOMY),
        ("Around 400,000 households received £200 each through the scheme.", clues.PER_HEAD),
    ],
)
def test_what_is_not_a_commitment_is_left_out_with_its_reason(text, reason):
    extraction = extract(text)
    assert extraction.drafts == []
    assert extraction.left_out
    for left in extraction.left_out:
        assert left.reason == reason
        assert text[left.quote_start : left.quote_end] == text.strip()


def test_money_to_boost_the_economy_is_still_a_commitment():
    assert one("£5m to boost the local economy in the valleys.").pence == 500_000_000


def test_the_welsh_half_of_a_bilingual_release_adds_no_drafts():
    extraction = extract(
        "Councils will receive £20 million for school buildings.\n"
        "Bydd cynghorau yn cael £20 miliwn ar gyfer adeiladau ysgolion yng Nghymru.\n"
    )
    assert [d.pence for d in extraction.drafts] == [2_000_000_000]
    assert extraction.welsh_only is False


def test_money_for_wales_named_beside_england_is_kept():
    assert one("Wales will receive £585 million, matching what was spent in England before.").pence == 58_500_000_000


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Businesses can apply for grants of up to £10,000 each.", clues.PER_UNIT_CAP),
        ("Up to £25,000 is available per project.", clues.PER_UNIT_CAP),
        ("Grants of £5,000 will help small firms.", clues.PER_UNIT_CAP),
        ("The scheme has awarded over £2.5bn so far.", clues.ALREADY_AWARDED),
        ("Since 2014 the fund has already provided £40m to charities.", clues.ALREADY_AWARDED),
        ("£7m has been awarded to date.", clues.ALREADY_AWARDED),
        ("It brings our total investment in advice to £12.8m.", clues.ALREADY_AWARDED),
        ("£7m for new parks.", None),
    ],
)
def test_caps_and_money_already_awarded_are_proposed_with_a_note(text, note):
    assert one(text).note == note


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("The Minister confirmed £2m for parks.", True),
        ("The £2m for parks was announced last week.", True),
        ("£2m for parks, previously announced in the budget, will now be paid.", True),
        ("A £2m fund for parks was announced today.", False),
        ("The Minister announced £2m of new funding for parks.", False),
    ],
)
def test_money_said_to_be_announced_before_is_marked_earlier(text, earlier):
    assert one(text).earlier is earlier


def test_announced_before_is_carried_to_the_rest_of_its_paragraph_and_by_also():
    extraction = extract(
        "A package of support was also announced as part of the budget yesterday. It includes £18m for shops.\n"
        "An extra £500,000 will also be provided annually.\n"
        "Separately, £3m goes to museums."
    )
    assert [d.earlier for d in extraction.drafts] == [True, True, False]


def test_parts_of_a_total_named_before_are_shares_of_it():
    extraction = extract(
        "The partners agreed a £100 million package.\n"
        "The deal includes £20 million for buses and £10 million for trains.\n"
        "It also includes:\n"
        "- £5 million for ferries\n"
        "- a further £5 million for cycle paths\n"
        "Separately, £30 million goes to hospitals."
    )
    drafts = extraction.drafts
    assert [d.part_of for d in drafts] == [None, 0, 0, 0, 0, None]
    assert [d.pence for d in drafts] == [
        10_000_000_000,
        2_000_000_000,
        1_000_000_000,
        500_000_000,
        500_000_000,
        3_000_000_000,
    ]


def test_a_share_of_a_named_pot():
    extraction = extract("Councils get £5m of the £20m resilience fund this winter.")
    assert [(d.pence, d.part_of) for d in extraction.drafts] == [(500_000_000, 1), (2_000_000_000, None)]


def test_the_same_money_said_again_is_one_draft_and_more_of_it_is_another():
    extraction = extract(
        "Communities handed £585 million to level up\n"
        "Communities will benefit from £585 million of funding to help level up the country.\n"
        "Local areas will see £585 million made available under the fund.\n"
        "£2 million will remove bridge tolls. A further £2 million will fund a secretariat."
    )
    drafts = extraction.drafts
    assert [d.pence for d in drafts] == [58_500_000_000, 200_000_000, 200_000_000]
    assert drafts[0].purpose == "help level up the country"  # the fullest telling is kept
    assert len(drafts[0].also_at) == 2


def test_capital_or_revenue_only_where_said():
    assert one("£3m of capital funding for the new school.").capital_or_revenue == "capital"
    assert one("£3m in revenue support for councils.").capital_or_revenue == "revenue"
    assert one("£3m for the new school.").capital_or_revenue is None


def test_every_quote_is_its_sentence_verbatim_with_offsets():
    text = "Mr. Jones said:\r\n“We will invest £4m in parks.” Dr. Smith agreed.\n\n- £2m for trees; and £1m for paths"
    extraction = extract(text)
    assert [text[d.quote_start : d.quote_end] for d in extraction.drafts] == [
        "“We will invest £4m in parks.”",
        "£2m for trees; and £1m for paths",
        "£2m for trees; and £1m for paths",
    ]


def test_welsh_only_text_is_said_and_its_amounts_still_found():
    text = (
        "Mae Llywodraeth Cymru wedi cyhoeddi £1.5 miliwn i gynghorau yng Nghymru. "
        "Bydd y cyllid hefyd yn helpu gwasanaethau lleol dros y flwyddyn."
    )
    extraction = extract(text)
    assert extraction.welsh_only is True
    assert [d.pence for d in extraction.drafts] == [150_000_000]
    assert extract("Councils in Wales get £2m. Cynghorau yng Nghymru.").welsh_only is False


def test_the_headline_is_the_money_the_first_line_states():
    extraction = extract("Communities handed control of £585 million to level up\n\nThe fund opens today.")
    assert extraction.title == "Communities handed control of £585 million to level up"
    assert [extraction.text[m.start : m.end] for m in extraction.headline] == ["£585 million"]


def test_no_money_gives_no_drafts():
    extraction = extract("The Minister visited a school today.")
    assert (extraction.drafts, extraction.left_out) == ([], [])


def test_a_range_is_its_upper_end_up_to_and_the_lower_end_is_set_aside():
    extraction = extract("Smaller grants of between £5,000 and £25,000 will also be available.")
    (draft,) = extraction.drafts
    assert (draft.pence, draft.qualifier, draft.note) == (2_500_000, "up to", clues.PER_UNIT_CAP)
    assert [(left.pence, left.reason) for left in extraction.left_out] == [(500_000, clues.RANGE_LOW)]
    assert [d.pence for d in extract("A fund of £1m-£2m for parks.").drafts] == [200_000_000]


def test_what_is_worth_the_amount_is_its_purpose():
    draft = one("A new Community Facilities Programme worth up to £4 million a year will open for applications.")
    assert (draft.purpose, draft.qualifier, draft.kind) == ("Community Facilities Programme", "up to", "recurring")


def test_confirmed_new_money_is_not_announced_before():
    assert one("The Chancellor has confirmed £1.2 billion of extra funding for Wales.").earlier is False
    assert one("The Minister has announced £50 million for planned care.").earlier is False
    assert one("It comes on top of the £170 million announced in the budget last December.").earlier is True


def test_a_headline_without_its_qualifier_is_the_same_money_as_the_body():
    extraction = extract(
        "New £4m fund to help communities save buildings\n\n"
        "A new Community Facilities Programme worth up to £4 million will open in April."
    )
    (draft,) = extraction.drafts
    assert (draft.pence, draft.qualifier) == (400_000_000, "up to")


def test_items_of_one_list_are_not_parts_of_each_other():
    extraction = extract(
        "The £50 million package includes:\n"
        "- £20 million for new surgical hubs\n"
        "- £5m for nurse training places, including bursaries\n"
    )
    assert [(d.pence, d.part_of) for d in extraction.drafts] == [
        (5_000_000_000, None),
        (2_000_000_000, 0),
        (500_000_000, 0),
    ]


def test_a_share_of_a_pot_named_again_takes_the_pots_purpose():
    extraction = extract("A £2m fund opens today. £500,000 of the £2m fund is for new playgrounds.")
    assert [(d.pence, d.part_of, d.purpose) for d in extraction.drafts] == [
        (200_000_000, None, "new playgrounds"),
        (50_000_000, 0, "new playgrounds"),
    ]


def test_the_total_of_a_yearly_amount_said_beside_it_is_not_more_money():
    extraction = extract("£500,000 a year for three years, a total of £1.5 million, will fund rangers.")
    assert [(d.pence, d.kind, d.years) for d in extraction.drafts] == [(50_000_000, "recurring", 3)]
    assert [(left.pence, left.reason) for left in extraction.left_out] == [(150_000_000, clues.TOTAL_OF_YEARLY)]
    # the same figure elsewhere, and not a yearly amount's total, is money of its own
    assert len(extract("£500,000 a year for three years. Separately, £2 million goes to parks.").drafts) == 2


def test_an_amount_restated_in_brackets_is_one_amount():
    extraction = extract("Councils get £1.3 billion (£1,300,000,000) for schools.")
    assert [(d.pence, d.purpose) for d in extraction.drafts] == [(130_000_000_000, "schools")]
