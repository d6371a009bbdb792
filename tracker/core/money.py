"""Money as integer pence.

Inside the tracker every amount is an ``int`` number of pence. Decimal appears
only at the edges: parsing what people type or what a press release says, and
formatting for display or export. Floats are refused everywhere: a float
cannot hold 0.10 exactly, and a finance table must add up to the penny.

Accepted text forms (``parse_pence``)::

    1000000   1,000,000   £1,000,000.50   £1m   £1.5m   £500k   £2bn
    £1 million   £1million   -£500 (only with allow_negative=True)

Digits are 0-9 only: Arabic-Indic, Devanagari, fullwidth and other digits
are refused, never converted. Anything else is refused with a ``MoneyError``
whose message quotes the value.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NewType

from tracker.core.limits import check_digits
from tracker.i18n import N_, _

Pence = NewType("Pence", int)

AMOUNT_EXAMPLES = "an amount like 1000000, £1,000,000.50, £1.5m or £500k"
# What is said of text that is not money ("expected " + AMOUNT_EXAMPLES; forms say it their own way). Compared:
# kept English, marked for the catalogue, translated where shown.
NOT_AN_AMOUNT = N_("expected an amount like 1000000, £1,000,000.50, £1.5m or £500k")

_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}

# A number is either plain digits or digits in correctly placed groups of three
# separated by commas; an optional fraction follows. [0-9], not \d: \d also
# matches other scripts' digits, which Decimal() would silently read.
_AMOUNT = re.compile(
    r"""^(?P<sign>-)?\s*£?\s*
        (?P<number>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)
        \s*(?P<suffix>k|m|million|bn|billion)?$""",
    re.VERBOSE | re.IGNORECASE,
)


class MoneyError(ValueError):
    """Text that is not an amount of money we can read exactly.

    ``value`` is what was given and ``expected`` says what would have been
    right, so a caller can place the message beside a field or a file line.
    """

    def __init__(self, value: object, expected: str):
        self.value = value
        self.expected = expected
        super().__init__(f"{value!r}: {expected}")


def parse_pence(text: str | int, *, allow_negative: bool = False) -> int:
    """Read an amount as officers type it and return integer pence.

    >>> parse_pence("£1.5m")
    150000000
    >>> parse_pence("1,000,000.50")
    100000050
    """
    if isinstance(text, (bool, float)):
        raise MoneyError(text, "amounts must be text or whole pence, never a float")
    if isinstance(text, int):
        if text < 0 and not allow_negative:
            raise MoneyError(text, N_("expected an amount of zero or more"))
        return text
    raw = text
    cleaned = text.strip().replace("\u00a0", " ")
    if cleaned.startswith("£-"):
        cleaned = "-£" + cleaned[2:]
    other_digit = check_digits(raw)
    if other_digit:
        raise MoneyError(raw, other_digit)
    match = _AMOUNT.match(cleaned)
    if not match:
        raise MoneyError(raw, NOT_AN_AMOUNT)
    suffix = (match["suffix"] or "").lower()
    number = match["number"].replace(",", "")
    if not suffix and "." in number and len(number.split(".")[1]) > 2:
        raise MoneyError(raw, N_("expected at most two decimal places (pence)"))
    pence_value = Decimal(number) * _MULTIPLIERS[suffix] * 100
    if pence_value != pence_value.to_integral_value():
        raise MoneyError(raw, N_("does not come to a whole number of pence"))
    pence = int(pence_value)
    if match["sign"]:
        if not allow_negative:
            raise MoneyError(raw, N_("expected an amount of zero or more"))
        pence = -pence
    return pence


def _require_int(pence: int) -> int:
    if isinstance(pence, bool) or not isinstance(pence, int):
        # numpy integers are fine; floats never are.
        if type(pence).__name__.startswith(("int", "uint")) and hasattr(pence, "item"):
            return int(pence)
        raise TypeError(f"money must be integer pence, got {type(pence).__name__} {pence!r}")
    return pence


def to_decimal(pence: int) -> Decimal:
    """Pounds as an exact Decimal with two places."""
    return (Decimal(_require_int(pence)) / 100).quantize(Decimal("0.01"))


def plain_pounds(pence: int) -> str:
    """Pounds for machine-readable files: ``1500000.00``, ``-250.00``."""
    pence = _require_int(pence)
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def format_pounds(pence: int, *, always_pence: bool = False) -> str:
    """Pounds for people: ``£1,000,000``, ``£1,000,000.50``, ``-£500``."""
    pence = _require_int(pence)
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    if part or always_pence:
        return f"{sign}£{whole:,}.{part:02d}"
    return f"{sign}£{whole:,}"


def format_short(pence: int) -> str:
    """A compact label for charts and headlines: ``£1.5m``, ``£500k``, ``£2bn``.

    Rounded half-up to at most two significant decimals of the unit; below
    £1,000 the amount is shown in whole pounds.
    """
    pence = _require_int(pence)
    sign = "-" if pence < 0 else ""
    pounds = Decimal(abs(pence)) / 100
    units = (("bn", 10**9), ("m", 10**6), ("k", 10**3))
    for i, (unit, size) in enumerate(units):
        if pounds >= size:
            scaled = (pounds / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if scaled >= 1000 and i > 0:  # £999,999 rounds to £1m, not £1000k
                unit, scaled = units[i - 1][0], (scaled / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            text = f"{scaled:f}".rstrip("0").rstrip(".")
            return f"{sign}£{text}{unit}"
    whole = pounds.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if whole >= 1000:  # £999.50 rounds to £1k
        return f"{sign}£1k"
    return f"{sign}£{whole:,}"


# A qualified amount as a sentence says it: "over £1m" (one commitment), "at least £1.5m" (a sum of
# "over" amounts), "up to £1m", "about £2m". The keys are the qualifiers as stored and written in files
# (they stay English); only the words shown are translated ("o leiaf £1.5m").
QUALIFIED = {
    "over": N_("over {amount}"),
    "at least": N_("at least {amount}"),
    "up to": N_("up to {amount}"),
    "about": N_("about {amount}"),
}
# A qualifier on its own, as a table cell or a heading shows it.
QUALIFIER_WORDS = {
    "exact": N_("exact"),
    "over": N_("over"),
    "at least": N_("at least"),
    "up to": N_("up to"),
    "about": N_("about"),
}


def qualified(amount: str, qualifier: str | None) -> str:
    """``amount`` (already formatted: ``£1.5m``) with its qualifier, in the
    language in use: ``at least £1.5m`` (``o leiaf £1.5m``); exact: as it is."""
    if not qualifier or qualifier == "exact":
        return amount
    phrase = QUALIFIED.get(qualifier)
    return _(phrase, amount=amount) if phrase else f"{qualifier} {amount}"


def qualifier_word(qualifier: str | None) -> str:
    """A qualifier as a person reads it: ``at least`` (``o leiaf``); an unknown one as it is."""
    if not qualifier:
        return ""
    word = QUALIFIER_WORDS.get(qualifier)
    return _(word) if word else qualifier


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` pence in proportion to integer ``weights`` exactly.

    Each part is rounded down, then the leftover pence go one each to the parts
    with the largest remainders (earliest first on ties), so the parts always
    add up to the total.

    >>> allocate(100, [1, 1, 1])
    [34, 33, 33]
    """
    total = _require_int(total)
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    weight_sum = sum(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts = [magnitude * w // weight_sum for w in weights]
    remainders = [magnitude * w % weight_sum for w in weights]
    leftover = magnitude - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        parts[i] += 1
    return [sign * p for p in parts]
