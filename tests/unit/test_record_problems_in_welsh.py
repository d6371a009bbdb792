"""What tracker.records says of a refused record (a field's problem, a
record not found, deleted or saved by someone else first, a quote that does
not state a recurring total) in the language in use: Welsh on a page that
speaks it, and English, unchanged, everywhere else (the CLI and the API set
no language)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.error_sentences import sentence
from dashboard.forms import ANNOUNCEMENT, COMMITMENT, DELIVERY
from tests.actors import ADMIN
from tracker.core.fiscal import DATE_EXAMPLES, FY_EXAMPLES, NO_SUCH_DATE, NOT_A_DATE, NOT_A_YEAR
from tracker.core.money import AMOUNT_EXAMPLES, NOT_AN_AMOUNT
from tracker.files.tabular import Problem, Row
from tracker.i18n import _, speaking
from tracker.records.commitment_values import parse_profile, parse_uplift_bp, parse_years
from tracker.records.delivery_rows import parse_delivery_row
from tracker.records.inputs import AnnouncementInput, CommitmentInput, validate_announcement
from tracker.records.problems import (
    IS_DELETED,
    MUST_NOT_BE_BLANK,
    NO_SUCH,
    FieldProblem,
    StaleEdit,
    ValidationFailed,
    about,
)
from tracker.records.quoted_money import quote_warnings
from tracker.records.revisions import check_reason

SAM_AT_NOON = ("Sam", datetime(2026, 3, 1, 12, 5, tzinfo=UTC))


def _commitment(ref: str = "W8", **typed: str) -> CommitmentInput:
    values = {"purpose": "Data unit", "recipient": "", "kind": "recurring", "amount": "£250k", "first_year": "2022-23"}
    return CommitmentInput(ref, **{**values, **typed})  # type: ignore[arg-type]


def _announcement(*commitments: CommitmentInput, quote: str = "") -> AnnouncementInput:
    return AnnouncementInput("A7", "2022-02-01", "Data unit", "Welsh Government", quote=quote, commitments=commitments)


def _problems(inp: AnnouncementInput) -> dict[str, str]:
    return {p.field: p.expected for p in validate_announcement(inp)[2]}


def _value_error(parse, *args) -> str:
    with pytest.raises(ValueError) as raised:
        parse(*args)
    return str(raised.value)


# --- a field's problem ----------------------------------------------------------------------------


def test_a_commitments_problems_are_welsh_on_a_welsh_page():
    typed = _announcement(
        _commitment("W8", kind="one-off", years="2", uplift_pct="3"),
        _commitment("W8", reannounces="W8"),
    )
    with speaking("cy"):
        found = _problems(typed)
    assert found == {
        "commitments[0].years": "mae ymrwymiad untro yn cwmpasu un flwyddyn: gadewch y blynyddoedd yn wag neu rhowch 1",
        "commitments[0].uplift_pct": "dim ond i ymrwymiad cylchol y mae cynnydd blynyddol yn berthnasol",
        "commitments[1].reannounces": "ni all ymrwymiad ei ailgyhoeddi ei hun",
        "commitments[1].ref": "cyfeirnod dyblyg: wedi'i ddefnyddio eisoes gan commitments[0]",
    }


def test_the_same_problems_stay_english_outside_a_welsh_page():
    found = _problems(_announcement(_commitment("W8", kind="one-off", years="2"), _commitment("W8")))
    assert found == {
        "commitments[0].years": "a one-off commitment covers one year: leave years blank or 1",
        "commitments[1].ref": "duplicate ref: already used by commitments[0]",
    }


def test_years_uplift_and_profile_values_are_refused_in_welsh():
    with speaking("cy"):
        assert _value_error(parse_years, "0") == "disgwyliwyd nifer cyfan o flynyddoedd o 1 i 50"
        assert _value_error(parse_uplift_bp, "2.555") == (
            "disgwyliwyd canran cynnydd blynyddol fel 2.5 neu 2.5% (dau le degol ar y mwyaf)"
        )
        assert _value_error(parse_profile, "2020-21=£1m;2020-21=£2m", None) == (
            "mae 2020-21 yn ymddangos ddwywaith yn y proffil"
        )
        assert _value_error(parse_profile, "2020-21=60%;2021-22=60%", 100) == "rhaid i ganrannau'r proffil adio i 100%"
        assert _value_error(parse_profile, "2020-21=12x", None) == (
            "2020-21: '12x': disgwyliwyd swm fel 1000000, £1,000,000.50, £1.5m neu £500k"
        )
    assert _value_error(parse_years, "0") == "expected a whole number of years from 1 to 50"
    assert _value_error(parse_profile, "2020-21=12x", None) == (
        "2020-21: '12x': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"
    )


def test_a_delivery_rows_problems_are_welsh_on_a_welsh_page():
    cells = {"ref": "D8", "commitment_ref": "W7", "amount": "£0", "kind": "grant", "illustrative": "maybe"}
    found: list[Problem] = []
    with speaking("cy"):
        parse_delivery_row(Row(line=0, cells={**{"paid_on": "", "note": "", "evidence_url": ""}, **cells}), found)
    assert {p.column: p.expected for p in found} == {
        "amount": "disgwyliwyd swm nad yw'n sero (negatif ar gyfer cywiriad)",
        "kind": "disgwyliwyd disbursement, expenditure neu refund (darllenir payment a spend hefyd)",
        "illustrative": "disgwyliwyd yes neu no",
    }


def test_a_change_to_the_money_with_no_reason_is_refused_in_welsh():
    with speaking("cy"):
        (problem,) = check_reason(None, "")
        (other,) = check_reason("other", "")
    assert problem.expected.startswith("mae angen rheswm dros newid yr arian: un o re-profiled, ")
    assert other.expected == "yn ofynnol pan fo'r rheswm yn 'arall': dywedwch pam y newidiodd yr arian"


def test_a_refused_field_is_one_welsh_sentence_on_the_form():
    """The tracker's words inside the form's sentence (dashboard.error_sentences), both Welsh."""
    years = next(f for f in COMMITMENT.fields if f.name == "years")
    amount = next(f for f in DELIVERY.fields if f.name == "amount")
    title = next(f for f in ANNOUNCEMENT.fields if f.name == "title")
    with speaking("cy"):
        (problem,) = [p for p in validate_announcement(_announcement(_commitment(years="0")))[2]]
        said = sentence(problem, years.named)
        blank = sentence(FieldProblem("title", "", MUST_NOT_BE_BLANK), title.named)
        zero = sentence(
            FieldProblem("amount", "£0", "expected a non-zero amount (negative for a correction)"), amount.named
        )
    assert said == ("Blynyddoedd (ymrwymiad 1): disgwyliwyd nifer cyfan o flynyddoedd o 1 i 50 (rhoesoch '0').")
    assert blank == "Rhowch y teitl."
    # A refusal worded in tracker.core (money), catalogued: translated where the form says it.
    with speaking("cy"):
        negative = sentence(FieldProblem("amount", "-£5", "expected an amount of zero or more"), amount.named)
    assert negative == "Swm: disgwyliwyd swm o sero neu fwy (rhoesoch '-£5')."
    assert zero == "Swm: disgwyliwyd swm nad yw'n sero (negatif ar gyfer cywiriad) (rhoesoch '£0')."


# --- the stored record ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "action", "welsh"),
    [
        ("commitment", "update", "Newidiwyd yr ymrwymiad hwn gan Sam am 12:05 ar ôl i chi ei agor"),
        ("milestone", "delete", "Dilëwyd y garreg filltir hon gan Sam am 12:05 ar ôl i chi ei agor"),
        ("delivery", "restore", "Adferwyd y cofnod cyflawni hwn gan Sam am 12:05 ar ôl i chi ei agor"),
    ],
)
def test_a_record_saved_by_someone_else_first_is_said_in_welsh(entity, action, welsh):
    with speaking("cy"):
        said = str(StaleEdit(entity, "W5", *SAM_AT_NOON, action))
    assert said == f"{welsh}; ail-lwythwch i weld eu newid"


def test_the_stale_edit_sentence_is_unchanged_in_english():
    assert str(StaleEdit("delivery", "D2", *SAM_AT_NOON, "delete")) == (
        "This delivery was deleted by Sam at 12:05 after you opened it; reload to see their change"
    )
    assert str(StaleEdit("organisation", "Acme", None, None)) == (
        "This organisation was changed by someone else after you opened it; reload to see their change"
    )


def test_a_record_not_found_or_deleted_is_said_in_welsh():
    with speaking("cy"):
        assert about(NO_SUCH, "milestone", "M9") == "nid oes carreg filltir gyda'r cyfeirnod 'M9'"
        assert about(IS_DELETED, "announcement", "A1") == "mae cyhoeddiad 'A1' wedi'i ddileu: gall gweinyddwr ei adfer"
    assert about(NO_SUCH, "milestone", "M9") == "there is no milestone with ref 'M9'"


# --- the quote's warning ---------------------------------------------------------------------------


def test_a_recurring_total_the_quote_does_not_state_is_warned_of_in_welsh():
    typed = _announcement(_commitment(amount="£2m", years="2"), quote="£2m for the unit")
    with speaking("cy"):
        warned = quote_warnings(typed)
    assert warned == {
        "W8": "Mae'r dyfyniad yn nodi £2,000,000; mae £2,000,000 y flwyddyn am 2 flynedd yn £4,000,000. "
        "Ai swm aml-flwyddyn oedd gennych mewn golwg?"
    }
    assert quote_warnings(typed)["W8"] == (
        "The quote states £2,000,000; £2,000,000 a year for 2 years is £4,000,000. Did you mean a multi-year amount?"
    )


# --- the words that are compared -------------------------------------------------------------------


def test_the_compared_words_for_money_dates_and_years_stay_english_and_are_translated_where_shown():
    """Kept English where they are built (code compares them), catalogued, and said in Welsh by a form."""
    assert f"expected {AMOUNT_EXAMPLES}" == NOT_AN_AMOUNT
    assert (f"expected {FY_EXAMPLES}", f"expected {DATE_EXAMPLES}") == (NOT_A_YEAR, NOT_A_DATE)
    assert f"no such date ({NOT_A_DATE})" == NO_SUCH_DATE
    with speaking("cy"):
        assert _(NOT_AN_AMOUNT) == "disgwyliwyd swm fel 1000000, £1,000,000.50, £1.5m neu £500k"
        assert _(NO_SUCH_DATE) == "dim dyddiad o'r fath (disgwyliwyd dyddiad fel 2019-10-31 neu 31/10/2019)"
        assert _(MUST_NOT_BE_BLANK) == "gofynnol: rhaid peidio â'i adael yn wag"


def test_a_merge_of_one_organisation_with_itself_is_refused_in_welsh():
    from tracker.records.organisation_changes import merge_organisations

    with speaking("cy"), pytest.raises(ValidationFailed) as refused:
        merge_organisations(1, 1, engine=None, actor=ADMIN)  # type: ignore[arg-type]  # refused before the database is read
    assert [p.expected for p in refused.value.problems] == ["dewiswch ddau sefydliad gwahanol"]


def test_a_commitments_files_rows_that_disagree_are_refused_in_welsh():
    from tracker.records.commitment_checks import check_across_rows
    from tracker.records.commitment_rows import parse_commitment_row

    base = {"ref": "W8", "funder": "Welsh Government", "purpose": "Data unit", "kind": "one-off", "amount": "£1m"}
    base |= {"first_year": "2022-23", "announcement_ref": "A7", "announced_on": "2022-02-01", "qualifier": "exact"}
    rows = [base, {**base, "announced_on": "", "funder": "Cardiff Council"}]
    parsed: list[Problem] = []
    records = [parse_commitment_row(Row(line=i + 2, cells=cells), parsed) for i, cells in enumerate(rows)]
    assert parsed == [] and all(records)
    found: list[Problem] = []
    with speaking("cy"):
        check_across_rows([r for r in records if r], found)
    assert [(p.column, p.expected) for p in found] == [
        ("ref", "cyfeirnod dyblyg: wedi'i ddefnyddio eisoes ar linell 2"),
        ("announced_on", "mae cyhoeddiad A7 wedi'i ddyddio 2022-02-01 ar linell 2"),
        ("funder", "mae cyhoeddiad A7 gan 'Welsh Government' ar linell 2"),
    ]


def test_a_database_too_busy_to_save_is_said_in_welsh():
    from tracker.records.retrying import BUSY, DatabaseBusy

    with speaking("cy"):
        said = str(DatabaseBusy())
    assert said.startswith("Mae'r gronfa ddata'n brysur") and "ni chadwyd dim" in said
    assert str(DatabaseBusy()) == BUSY
