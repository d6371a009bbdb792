"""Places money is for: ONS GSS area codes, with names for the Welsh principal areas.

Any well-formed GSS code is accepted (a capital letter and eight digits:
``W06000015`` Cardiff, ``W92000004`` Wales, ``K02000001`` the UK,
``E01011681`` an English small area); there is no look-up of other registers.
The 22 Welsh principal areas have their English and Welsh names (from
``data/principal_areas.csv``, ONS, Open Government Licence v3.0); other codes
are shown by their code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tracker.i18n import _

GSS_CODE = re.compile(r"[A-Z][0-9]{8}")
WALES = "W92000004"
AREA_SEPARATOR = ";"
_TABLE = Path(__file__).with_name("data") / "principal_areas.csv"


@dataclass(frozen=True)
class Area:
    code: str
    name_en: str
    name_cy: str


@cache
def principal_areas() -> dict[str, Area]:
    """The Welsh principal areas by GSS code."""
    with _TABLE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["gss_code"]: Area(row["gss_code"], row["name_en"], row["name_cy"]) for row in csv.DictReader(lines)}


def area_name(code: str, welsh: bool = False) -> str:
    """The area's name where known, else its code."""
    area = principal_areas().get(code)
    if area is None:
        return {
            WALES: "Cymru" if welsh else "Wales",
            "K02000001": "Y Deyrnas Unedig" if welsh else "United Kingdom",
        }.get(code, code)
    return area.name_cy if welsh else area.name_en


def parse_areas(text: str) -> tuple[str, ...]:
    """``"W06000015; W06000022"`` -> the codes, upper-cased, in order, without repeats.

    Raises ``ValueError`` naming the first code that is not a GSS code (in the language in use).
    """
    codes: list[str] = []
    for part in text.split(AREA_SEPARATOR):
        code = part.strip().upper()
        if not code:
            continue
        if not GSS_CODE.fullmatch(code):
            raise ValueError(
                _(
                    "{code} is not an area code: expected ONS GSS codes (a letter and 8 digits, e.g. W06000015 "
                    "for Cardiff) separated by ;",
                    code=repr(part.strip()),
                )
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)
