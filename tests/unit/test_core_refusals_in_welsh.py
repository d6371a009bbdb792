"""The tracker's own refusals of a value, said in the language in use: what
``tracker.core`` expects of text (``limits``: its length, a ref, a web
address, hidden control characters, digits), of a financial year
(``fiscal``), a spread (``spread``), areas (``places``) and an identifier
(``identifiers``); an ambiguous organisation (``records.organisations``); a
damaged workbook (``files.xlsx_parts``); and a refused write as a page says
it (``ServiceError.said``).

A page runs in its reader's language, so there each is Welsh; the CLI and
the API set no language, so there each is the English it has always been
(asserted here word for word outside ``speaking``).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from types import SimpleNamespace

import pytest

from db.models import Organisation
from tracker.core import limits
from tracker.core.fiscal import FiscalError, parse_financial_year
from tracker.core.identifiers import check_identifier
from tracker.core.places import parse_areas
from tracker.core.spread import SpreadError, spread
from tracker.files import tabular
from tracker.i18n import speaking
from tracker.records.organisations import AmbiguousOrganisation, Organisations
from tracker.records.permissions import Actor, NotPermitted
from tracker.records.problems import NO_SUCH, NotFound, ServiceError, about

WELSH = "cy"


def _said(check, *args):
    """What ``check(*args)`` returns, in Welsh and in English."""
    with speaking(WELSH):
        welsh = check(*args)
    return welsh, check(*args)


@pytest.mark.parametrize(
    ("field", "value", "welsh", "english"),
    [
        (
            "title",
            "x" * 1_500,
            "disgwyliwyd 300 nod ar y mwyaf (mae gan hwn 1,500)",
            "expected at most 300 characters (this has 1,500)",
        ),
        (
            "notes",
            "Paid\x00",
            "disgwyliwyd testun heb nodau rheoli cudd: cafwyd U+0000 (NUL) yn safle 5",
            "expected text without hidden control characters: found U+0000 (NUL) at position 5",
        ),
        (
            "notes",
            "a\x85b",
            "disgwyliwyd testun heb nodau rheoli cudd: cafwyd U+0085 (nod rheoli) yn safle 2",
            "expected text without hidden control characters: found U+0085 (a control character) at position 2",
        ),
        (
            "ref",
            "W 1",
            "disgwyliwyd cyfeirnod o lythrennau, digidau a - _ . / : (heb fylchau), yn dechrau â llythyren neu "
            "ddigid, e.e. W1 neu WG-2020/03",
            f"expected a ref of {limits.REF_RULE}",
        ),
        (
            "source_url",
            "javascript:alert(1)",
            "disgwyliwyd cyfeiriad gwe sy'n dechrau â https:// neu http://",
            "expected a web address starting with https:// or http://",
        ),
        (
            "source_url",
            "https://",
            "disgwyliwyd cyfeiriad gwe sy'n dechrau â https:// neu http://, ac yna'r wefan, e.e. "
            "https://www.llyw.cymru/...",
            "expected a web address starting with https:// or http://, then the site, e.g. https://www.gov.wales/...",
        ),
        (
            "evidence_url",
            "https://www.gov.wales/a page",
            "disgwyliwyd cyfeiriad gwe sy'n dechrau â https:// neu http:// heb fylchau (ysgrifennir bwlch mewn "
            "cyfeiriad fel %20)",
            "expected a web address starting with https:// or http:// and no spaces (a space in an address is "
            "written %20)",
        ),
    ],
)
def test_what_a_field_holds_is_refused_in_the_language_in_use(field, value, welsh, english) -> None:
    assert _said(limits.check_field, field, value) == (welsh, english)


def test_a_digit_other_than_0_to_9_is_named_in_the_language_in_use() -> None:
    assert _said(limits.check_digits, "1\u0662") == (
        "disgwyliwyd y digidau 0-9: cafwyd U+0662 (ARABIC-INDIC DIGIT TWO) yn safle 2",
        "expected the digits 0-9: found U+0662 (ARABIC-INDIC DIGIT TWO) at position 2",
    )


def _expected(text: str) -> str:
    with pytest.raises(FiscalError) as raised:
        parse_financial_year(text)
    return raised.value.expected


def test_a_financial_year_over_two_years_apart_is_refused_in_the_language_in_use() -> None:
    assert _said(_expected, "2020-22") == (
        "mae blwyddyn ariannol yn rhychwantu dwy flynedd olynol, e.e. 2020-21",
        "a financial year spans two consecutive years, e.g. 2020-21",
    )


def _spread_refused(how: str, start: date | None, end: date | None) -> str:
    with pytest.raises(SpreadError) as raised:
        spread(how, 100, first_year=None, years=None, planned_start=start, planned_end=end)
    return str(raised.value)


@pytest.mark.parametrize(
    ("how", "start", "end", "welsh", "english"),
    [
        (
            "even",
            None,
            None,
            "mae dosbarthiad cyfartal angen y flwyddyn gyntaf (neu'r dechrau arfaethedig) a nifer y blynyddoedd",
            "an even spread needs the first year (or planned start) and the number of years",
        ),
        (
            "planned-dates",
            None,
            None,
            "mae dosbarthiad yn ôl dyddiadau arfaethedig angen planned_start a planned_end",
            "a spread by planned dates needs planned_start and planned_end",
        ),
        (
            "planned-dates",
            date(2021, 1, 1),
            date(2020, 1, 1),
            "mae'r diwedd arfaethedig cyn y dechrau arfaethedig",
            "the planned end is before the planned start",
        ),
        ("sideways", None, None, "dosbarthiad anhysbys 'sideways'", "unknown spread 'sideways'"),
    ],
)
def test_a_spread_that_cannot_be_worked_out_is_refused_in_the_language_in_use(how, start, end, welsh, english):
    assert _said(_spread_refused, how, start, end) == (welsh, english)


def _areas_refused(text: str) -> str:
    with pytest.raises(ValueError) as raised:
        parse_areas(text)
    return str(raised.value)


def test_an_area_that_is_not_a_gss_code_is_refused_in_the_language_in_use() -> None:
    assert _said(_areas_refused, "W06000015; Cardiff") == (
        "nid cod ardal yw 'Cardiff': disgwyliwyd codau GSS yr ONS (llythyren ac 8 digid, e.e. W06000015 ar gyfer "
        "Caerdydd) wedi'u gwahanu gan ;",
        "'Cardiff' is not an area code: expected ONS GSS codes (a letter and 8 digits, e.g. W06000015 for "
        "Cardiff) separated by ;",
    )


def test_an_identifier_not_in_the_org_id_style_is_refused_in_the_language_in_use() -> None:
    assert check_identifier("GB-CHC-1") is None
    assert _said(check_identifier, "CHC 1") == (
        "disgwyliwyd dynodydd sefydliad yn null org-id: rhagddodiad, cysylltnod, yna testun heb fylchau "
        "(e.e. GB-CHC-1234567 neu GB-COH-01234567)",
        "expected an organisation identifier in the org-id style: a prefix, a hyphen, then text without spaces "
        "(e.g. GB-CHC-1234567 or GB-COH-01234567)",
    )


def _organisations(*stored: tuple[str, str | None]) -> Organisations:
    """Organisations as a preview finds them (it reads them and writes nothing), ``stored`` by name and identifier."""
    rows = [Organisation(name=n, normalised_name=" ".join(n.split()).casefold(), org_identifier=i) for n, i in stored]
    return Organisations(SimpleNamespace(scalars=lambda _query: rows), preview=True)  # type: ignore[arg-type]


def _ambiguous(orgs: Organisations, identifier: str | None) -> str:
    with pytest.raises(AmbiguousOrganisation) as raised:
        orgs.get("cardiff council", "funder", identifier, line=6)
    return str(raised.value)


def test_a_name_two_organisations_answer_to_is_refused_in_the_language_in_use() -> None:
    orgs = _organisations(("Cardiff Council", "GB-CHC-1111"), ("Cardiff  council", None))
    assert _said(_ambiguous, orgs, None) == (
        "mae 'cardiff council' yn cyfateb i 2 sefydliad: 'Cardiff Council' (GB-CHC-1111), 'Cardiff  council' "
        "(dim dynodydd): rhowch ddynodydd yr un a olygir (funder_id)",
        "'cardiff council' matches 2 organisations: 'Cardiff Council' (GB-CHC-1111), 'Cardiff  council' "
        "(no identifier): give the identifier of the one meant (funder_id)",
    )


def test_an_organisation_the_file_added_is_named_by_its_line_in_the_language_in_use() -> None:
    orgs = _organisations(("Cardiff Council", "GB-CHC-1111"))
    orgs.get("Cardiff Council", "recipient", "GB-CHC-2222", line=4)  # another identifier: a new organisation
    assert _said(_ambiguous, orgs, None) == (
        "mae 'cardiff council' yn cyfateb i 2 sefydliad: 'Cardiff Council' (GB-CHC-1111), 'Cardiff Council' "
        "(GB-CHC-2222, newydd yn y ffeil hon ar linell 4): rhowch ddynodydd yr un a olygir (funder_id)",
        "'cardiff council' matches 2 organisations: 'Cardiff Council' (GB-CHC-1111), 'Cardiff Council' "
        "(GB-CHC-2222, new in this file on line 4): give the identifier of the one meant (funder_id)",
    )


def test_an_identifier_no_organisation_has_and_a_name_two_without_one_have_is_refused_in_the_language_in_use():
    orgs = _organisations(("Cardiff Council", None), ("Cardiff  council", None))
    assert _said(_ambiguous, orgs, "GB-CHC-3333") == (
        "mae 'cardiff council' yn cyfateb i 2 sefydliad: 'Cardiff Council' (dim dynodydd), 'Cardiff  council' "
        "(dim dynodydd): rhowch ddynodydd yr un a olygir",
        "'cardiff council' matches 2 organisations: 'Cardiff Council' (no identifier), 'Cardiff  council' "
        "(no identifier): give the identifier of the one meant",
    )


def _damaged() -> bytes:
    """A workbook cut short: not a whole zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>" * 200)
    return out.getvalue()[:100]


def _workbook_refused(data: bytes) -> list[str]:
    return [problem.expected for problem in tabular.read_xlsx_bytes(data).problems]


def test_a_damaged_workbook_is_refused_in_the_language_in_use() -> None:
    assert _said(_workbook_refused, _damaged()) == (
        [
            "ni ellid ei darllen fel llyfr gwaith XLSX (nid yw'n ffeil zip, fel y mae pob ffeil XLSX, neu mae ei "
            "zip wedi'i difrodi neu'n anghyflawn)"
        ],
        [
            "could not be read as an XLSX workbook (it is not a zip file, as an XLSX file is, or its zip is "
            "damaged or cut short)"
        ],
    )


def test_a_workbook_whose_xml_is_damaged_is_refused_in_the_language_in_use() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets></workbook>")
    welsh, english = _said(_workbook_refused, out.getvalue())
    assert english == ["could not be read as an XLSX workbook (a part's XML is damaged at line 1, column 20)"]
    assert welsh == [
        "ni ellid ei darllen fel llyfr gwaith XLSX (mae XML un o'i rhannau wedi'i ddifrodi ar linell 1, colofn 20)"
    ]


def test_a_refused_write_is_said_in_the_language_in_use_by_a_page() -> None:
    refused: ServiceError = NotPermitted(Actor("test:viewer", frozenset({"viewer"})), "import_commitments")
    with speaking(WELSH):
        said = refused.said()
        missing: ServiceError = NotFound(about(NO_SUCH, "commitment", "W9"))  # built in the language in use
    assert said == "nid yw test:viewer yn cael mewnforio ymrwymiadau: mae angen y rôl golygydd"
    assert refused.said() == str(refused) == "test:viewer may not import commitments: it needs the editor role"
    assert missing.said() == str(missing) == "nid oes ymrwymiad gyda'r cyfeirnod 'W9'"
