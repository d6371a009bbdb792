"""The words that say what an amount is: one place for each pattern the extractor reads.

Each list pairs a pattern with what it means. The patterns are read against
the words of the amount's own part of its sentence (``tracker.extract.drafts``
finds that part), lower-cased, so they stay general: they describe how
announcements are written, never a particular text.
"""

from __future__ import annotations

import re
from typing import Final

from tracker.i18n import N_

# --- what is not a commitment: left out, with the reason shown on request -------------------

PER_HEAD: Final = N_("a per-head figure, not an amount committed")
RATIO: Final = N_("a ratio, not an amount committed")
BID: Final = N_("money bid or applied for, not committed")
SHORTFALL: Final = N_("a shortfall, pressure or cut, not money committed")
ELSEWHERE: Final = N_("another government's money for elsewhere")
RATE: Final = N_("a rate or price per unit, not an amount committed")
ECONOMY: Final = N_("a value to the economy, not money committed")
RANGE_LOW: Final = N_("the lower end of a range: the upper end is proposed")
TOTAL_OF_YEARLY: Final = N_("the total of a yearly amount said beside it, not more money")

LEFT_OUT: Final = (
    # (pattern against the words after the amount, reason)
    (
        re.compile(
            r"^\W{0,3}(?:per|a|each|for\s+every|for\s+each)\s+(?:head|person|pupil|resident|household|"
            r"child|patient|learner|student|citizen|adult|taxpayer)\b"
        ),
        PER_HEAD,
    ),
    (re.compile(r"^\W{0,3}(?:for|in|out\s+of)\s+(?:every|each)\s*(?:£|pound|$)"), RATIO),
    (
        re.compile(
            r"^\W{0,3}(?:per|an?|each)\s+(?:hour|week|day|night|mile|tonne|litre|kwh|unit|ticket|trip|journey|"
            r"visit|square\s+metre)\b"
        ),
        RATE,
    ),
)
# "worth £3bn to the Welsh economy", "generating £40m in GVA": what something is worth, not money given.
ECONOMY_BEFORE: Final = re.compile(
    r"\b(?:worth|contribut\w*|generat\w*|add(?:s|ed|ing)?|boost\w*\s+(?:the\s+)?(?:\w+\s+)?economy\s+by)\s+"
    r"(?:\w+\s+){0,2}$"
)
ECONOMY_AFTER: Final = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,3}(?:to|into|for)\s+the\s+(?:\w+\s+){0,2}economy\b|^\W{0,3}(?:\w+\s+){0,2}"
    r"(?:in|of)\s+(?:gva|gross\s+value\s+added|economic\s+(?:benefit|activity|value|output))"
)
LEFT_OUT_BEFORE: Final = (
    # (pattern against the words before the amount, reason)
    (re.compile(r"(?:for\s+every|in\s+every|out\s+of\s+every)\s+\S*\s*$"), RATIO),
    (
        re.compile(
            # a bid made ("applied for"), not an invitation to apply ("businesses can apply for")
            r"\b(?:bid(?:s|ding)?|applied|applying|application|asked|asking|request(?:ed|ing)?|"
            r"lobb(?:y|ied|ying)|calling|called)\s+(?:\w+\s+){0,3}for\s+(?:\w+\s+){0,2}$"
        ),
        BID,
    ),
    (
        re.compile(
            r"\b(?:shortfall|funding\s+gap|gap|black\s+hole|deficit|overspend|pressures?|cuts?|reduction|"
            r"shortage|loss|losses|savings?)\s+(?:\w+\s+){0,3}(?:of|worth|totalling|amounting\s+to)\s+"
            r"(?:\w+\s+){0,2}$"
        ),
        SHORTFALL,
    ),
)
SHORTFALL_AFTER: Final = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,2}(?:shortfall|funding\s+gap|black\s+hole|deficit|overspend|in\s+cuts|of\s+cuts|"
    r"cost\s+pressures?|pressures?|less\s+than|reduction)\b"
)
BID_AFTER: Final = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}(?:bid|was\s+sought|was\s+requested|applied\s+for)\b")
PLACES_ELSEWHERE: Final = re.compile(r"\b(?:england|english|scotland|scottish|northern\s+ireland)\b")
PLACES_HERE: Final = re.compile(r"\b(?:wales|welsh|cymru|uk-wide|across\s+the\s+uk)\b")

# --- notes: still proposed, for a person to decide ----------------------------------------

PER_UNIT_CAP: Final = N_("per-unit cap")
ALREADY_AWARDED: Final = N_("already awarded")
NOTES_AFTER: Final = (
    (
        re.compile(
            r"^\W{0,3}(?:\w+\s+){0,3}(?:each|apiece|per\s+(?:project|business|organisation|applicant|grant|"
            r"scheme|council|authority|school|group|award|bid|site|year\s+per))\b"
        ),
        PER_UNIT_CAP,
    ),
    (
        re.compile(
            r"\b(?:so\s+far|to\s+date|since\s+(?:19|20)[0-9]{2}|already\s+(?:been\s+)?(?:awarded|allocated|"
            r"provided|spent|invested|paid)|has\s+been\s+awarded|have\s+been\s+awarded|in\s+total\s+since)\b"
        ),
        ALREADY_AWARDED,
    ),
)
NOTES_BEFORE: Final = (
    (
        re.compile(
            r"\b(?:has|have)\s+(?:already\s+)?(?:awarded|allocated|provided|invested|spent|paid|given)\s+"
            r"(?:\w+\s+){0,3}$"
        ),
        ALREADY_AWARDED,
    ),
    (re.compile(r"\b(?:so\s+far|to\s+date)\b[^.]*$"), ALREADY_AWARDED),
    # "bringing our total investment in advice services to £12.8m": a cumulative round-up
    (re.compile(r"\bbring(?:s|ing)?\s+(?:the|our|its|their)?\s*(?:\w+\s+){0,5}to\s+$"), ALREADY_AWARDED),
)
# "households received £200 each": a figure per person, household or the like
PEOPLE_EACH: Final = re.compile(
    r"\b(?:households?|people|persons?|families|residents|pupils|students|learners|workers|carers|children|"
    r"individuals|claimants|recipients|staff|employees|nurses|teachers|patients|tenants|pensioners)\b"
)
EACH_AFTER: Final = re.compile(r"^\W{0,3}(?:each|apiece|a\s+head)\b")
PLURAL_GRANTS_OF: Final = re.compile(
    r"\b(?:grants|awards|loans|payments|bursaries)\s+of\s+(?:up\s+to\s+|between\s+|from\s+)?$"
)

# --- kind and years -------------------------------------------------------------------------

NUMBER_OF_YEARS: Final = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_N = r"([0-9]{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
# "a year", "-a-year", "per annum", "annually", "each year", "every year", "a year for three years"
RECURRING_AFTER: Final = re.compile(
    r"^\W{0,2}(?:-?\s*a[\s-]+year\b|per\s+(?:year|annum)\b|p\.?a\.?\b|annually\b|a\s+twelvemonth\b|each\s+year\b|"
    r"every\s+year\b|y\s+flwyddyn\b)"
)
RECURRING_ANYWHERE: Final = re.compile(
    r"\b(?:annually|per\s+annum|each\s+year|every\s+year|a\s+year\s+for|year[\s-]on[\s-]year|"
    r"recurr(?:ing|ent)\s+(?:funding|allocation|grant|basis))\b"
)
RECURRING_BEFORE: Final = re.compile(r"\b(?:annual|yearly|recurrent|recurring|blynyddol)\s+(?:\w+\s+){0,3}(?:of\s+)?$")
# "for (the next) three years", "for 3 years": how long money recurs.
FOR_YEARS: Final = re.compile(rf"\bfor\s+(?:the\s+)?(?:next\s+|following\s+|coming\s+)?{_N}(?:[\s-]+)years?\b")
# "£X over (the next) N years", "a 2-year, £210 million deal", "N-year £X": a total over several years.
OVER_YEARS: Final = re.compile(
    rf"\b(?:over|across|during|spread\s+over|throughout)\s+(?:the\s+)?(?:next\s+|following\s+|coming\s+)?"
    rf"{_N}(?:[\s-]+)(?:financial\s+)?years?\b"
)
YEARS_BEFORE: Final = re.compile(rf"\b{_N}[\s-]+years?\b[\s,-]*(?:\w+[\s,]+)?$")
MULTI_YEAR_AFTER: Final = re.compile(rf"^\W{{0,2}}over\s+{_N}\b")

# --- first financial year -------------------------------------------------------------------

NAMED_YEAR: Final = re.compile(r"\b((?:19|20)[0-9]{2})\s?[-/–]\s?((?:19|20)?[0-9]{2})\b")
RELATIVE_YEAR: Final = re.compile(r"\b(this|next|current|coming|the\s+coming)\s+financial\s+year\b")

# --- money announced before, and shares of a pot --------------------------------------------

EARLIER: Final = re.compile(
    r"\b(?:confirm(?:ed|s|ing)|re-?announc\w*|reiterat\w*|restat\w*|previously\s+(?:announced|committed|"
    r"allocated|set\s+out)|already\s+(?:been\s+)?announced|"
    # passive: "was announced" (not "has announced": that is today's), unless today's
    r"(?:was|were|been)\s+(?:also\s+)?announced(?!\s+(?:today|this\s+morning|now))|"
    r"as\s+announced|announced\s+(?:yesterday|last\s+\w+|earlier|previously|"
    r"(?:in|at|as\s+part\s+of|during)\s+(?:the|our|its|their|a|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|(?:19|20)[0-9]{2})\b)|"
    r"on\s+top\s+of\s+the\s+£|honou?r\w*\s+(?:our|the|its|their)\s+commitment|"
    r"set\s+out\s+in\s+(?:the|our)\s+(?:draft\s+)?budget)"
)
# Money said to be new where the words also say "confirmed": "has confirmed £1.2 billion of extra funding".
NEW_MONEY: Final = re.compile(r"\b(?:new|extra|additional|further|fresh)\b")
# Words that carry the previous money sentence's "announced before" on: "An extra £500,000 will also be ...".
CONTINUES: Final = re.compile(r"\b(?:also|as\s+well|too)\b")
# "a further £2 million", "another £2 million": the same figure again, but more money.
MORE_OF_THE_SAME: Final = re.compile(r"\b(?:further|another|additional|second|extra)\s+(?:\w+\s+)?$")
# "of the £X", "part of the £X", "from the £X", "within the £X", "included in the £X": a share of a named pot.
SHARE_OF_NAMED: Final = re.compile(
    r"\b(?:of|part\s+of|from|within|included\s+in|out\s+of|as\s+part\s+of)\s+(?:the|this|its|a)\s+"
    r"(?:\w+\s+){0,2}$"
)
# "The deal includes ...", "It also includes:", "of which", "including": parts of the money named before.
INCLUDES: Final = re.compile(r"\b(?:includ(?:es|ing|ed)|of\s+which|comprising|made\s+up\s+of|breaks\s+down)\b")

# --- capital or revenue ---------------------------------------------------------------------

CAPITAL: Final = re.compile(r"\b(?:capital|cyfalaf)\b")
REVENUE: Final = re.compile(r"\b(?:revenue|refeniw)\b")

# --- purpose and recipient ------------------------------------------------------------------

# The words that introduce what money is for, after the amount.
PURPOSE_AFTER: Final = re.compile(
    r"\b(?:for|to|towards|toward|into|in\s+support\s+of|to\s+help|to\s+support|i|ar\s+gyfer|tuag\s+at)\s+"
)
# Words at the end of a purpose that belong to its period or year, not its purpose.
PURPOSE_TAIL: Final = re.compile(
    r"(?:,?\s+(?:over|across|during|for|in)\s+(?:the\s+)?(?:next\s+|following\s+|coming\s+)?"
    r"(?:[0-9]{1,2}|two|three|four|five|six|seven|eight|nine|ten)[\s-]+(?:financial\s+)?years?|"
    r",?\s+(?:(?:in|during|for)\s+)?(?:the\s+)?(?:(?:this|next|current|coming)\s+financial\s+year|"
    r"(?:19|20)[0-9]{2}\s?[-/–]\s?[0-9]{2,4})|,?\s+(?:annually|each\s+year|every\s+year|a\s+year|per\s+annum))\W*$",
    re.IGNORECASE,
)
RECIPIENT: Final = re.compile(
    r"\b(?:to|for|by|support|help)\s+((?:the\s+|all\s+|every\s+)?(?:(?:[A-Z][\w'’&.-]*|of|and|for)\s+){0,6}?"
    r"(?:(?i:councils?|local\s+authorit(?:y|ies)|local\s+government|health\s+boards?|schools?|universities|"
    r"colleges?|charities|businesses|housing\s+associations?|farmers)|[A-Z]{2,}[\w&]*)"
    r"(?:\s+(?:in|across|of)\s+(?:Wales|[A-Z][\w'’-]+))?)"
)
