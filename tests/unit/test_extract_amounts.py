"""Every statement of money in running text, with its qualifier and offsets (tracker.extract.amounts)."""

from __future__ import annotations

import pytest

from tracker.extract.amounts import find_amounts


@pytest.mark.parametrize(
    ("text", "said", "pence", "qualifier"),
    [
        ("funding of over £1m will be", "£1m", 100_000_000, "over"),
        ("An extra £500,000 will", "£500,000", 50_000_000, "exact"),
        ("an extra £20 million-a-year for", "£20 million", 2_000_000_000, "exact"),
        ("backed with £5.7 billion in grant", "£5.7 billion", 570_000_000_000, "exact"),
        ("a total of £2.5bn so far", "£2.5bn", 250_000_000_000, "exact"),
        ("£1.5m for schools", "£1.5m", 150_000_000, "exact"),
        ("£500k for parks", "£500k", 50_000_000, "exact"),
        ("one million pound investment", "one million pound", 100_000_000, "exact"),
        ("over a million pounds for", "a million pounds", 100_000_000, "over"),
        ("half a million pounds for", "half a million pounds", 50_000_000, "exact"),
        ("two hundred million pounds", "two hundred million pounds", 20_000_000_000, "exact"),
        ("1,500,000 pounds for", "1,500,000 pounds", 150_000_000, "exact"),
        ("more than £4 million", "£4 million", 400_000_000, "over"),
        ("at least £3m", "£3m", 300_000_000, "over"),
        ("grants of up to £10,000 each", "£10,000", 1_000_000, "up to"),
        ("around £2m", "£2m", 200_000_000, "about"),
        ("almost £3m", "£3m", 300_000_000, "about"),
        ("about £7m", "£7m", 700_000_000, "about"),
        ("nearly £1bn", "£1bn", 100_000_000_000, "about"),
        ("£1m or more", "£1m", 100_000_000, "over"),
        ("dros £1.5 miliwn i gynghorau", "£1.5 miliwn", 150_000_000, "over"),
        ("hyd at £500 mil", "£500 mil", 50_000_000, "up to"),
        ("tua £2 biliwn", "£2 biliwn", 200_000_000_000, "about"),
    ],
)
def test_an_amount_and_its_qualifier_are_read_as_stated(text, said, pence, qualifier):
    (found,) = find_amounts(text)
    assert text[found.start : found.end] == said
    assert (found.pence, found.qualifier) == (pence, qualifier)


@pytest.mark.parametrize(
    "text",
    ["a 3.1% rise", "a multi-million pound fund", "in 2019-20", "£1.234", "£0", "a million people", "£ several"],
)
def test_what_is_not_an_amount_of_money_is_not_found(text):
    assert find_amounts(text) == []


def test_every_amount_of_a_sentence_is_found_in_order_without_overlap():
    text = "£15 million to improve roads and a £40 million boost, plus 2 million pounds and £3m-£4m."
    found = [(text[m.start : m.end], m.pence) for m in find_amounts(text)]
    assert found == [
        ("£15 million", 1_500_000_000),
        ("£40 million", 4_000_000_000),
        ("2 million pounds", 200_000_000),
        ("£3m", 300_000_000),
        ("£4m", 400_000_000),
    ]


def test_the_qualifying_words_are_part_of_what_is_highlighted():
    text = "The Minister said that more than £4 million is ready."
    (found,) = find_amounts(text)
    assert text[found.qualifier_start : found.end] == "more than £4 million"
