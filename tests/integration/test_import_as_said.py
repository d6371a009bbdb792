"""The import preview of files recorded as the announcement says (issue 13):
organisations that a name alone cannot tell apart are found at the preview,
not when saving, and the preview says the later contract's columns and their
changes in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import Announcement, AuditEvent, Commitment, Delivery, Organisation
from db.session import read_session
from tests.actors import ADMIN
from tracker.files.tabular import DataError
from tracker.imports import apply
from tracker.imports import plan as planning

HEADER = "ref,announced_on,funder,funder_id,recipient,recipient_id,purpose,kind,amount,first_year\n"
TWO_CARDIFFS = HEADER + (
    "G1,2020-01-01,Welsh Government,GB-GOV-1,Cardiff Council,GB-CHC-1111,Digital,one-off,£1m,2020-21\n"
    "G2,2020-01-01,Welsh Government,GB-GOV-1,Cardiff  council,GB-CHC-2222,Digital,one-off,£2m,2020-21\n"
)
MODELS = (Organisation, Announcement, Commitment, Delivery, AuditEvent)


def import_text(engine: Engine, tmp_path: Path, text: str, name: str = "commitments.csv", kind: str = "commitments"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return apply.import_file(kind, path, engine=engine, actor=ADMIN, reason="correction")


def preview(engine: Engine, text: str, kind: str = "commitments") -> planning.ImportPlan:
    return planning.plan_import(kind, text.encode(), f"{kind}.csv", engine=engine)


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def by_ref(plan: planning.ImportPlan, column: str) -> dict[str, str]:
    return dict(zip(plan.rows["ref"], plan.rows[column]))


def problems(plan: planning.ImportPlan) -> list[tuple[int | None, str | None, str | None]]:
    return [(p.line, p.column, p.value) for p in plan.problems]


def recipient_of(engine: Engine, ref: str) -> tuple[str, str | None]:
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment).where(Commitment.ref == ref)).one()
        assert commitment.recipient is not None
        return commitment.recipient.name, commitment.recipient.org_identifier


@pytest.fixture
def two_cardiffs(engine: Engine, tmp_path: Path) -> Engine:
    """Two organisations whose names match ('Cardiff Council', 'Cardiff  council'), told apart by identifier."""
    import_text(engine, tmp_path, TWO_CARDIFFS, "two.csv")
    return engine


# --- A: a name that could be two organisations, found at the preview ------------------------


def test_a_name_matching_two_organisations_is_refused_at_the_preview_naming_the_row_and_both(
    two_cardiffs: Engine, tmp_path: Path
) -> None:
    before = counts(two_cardiffs)
    bare = HEADER + (
        "N1,2021-05-01,Welsh Government,GB-GOV-1,Newport City Council,,Skills,one-off,£5k,2021-22\n"
        "N2,2021-05-01,Welsh Government,GB-GOV-1,CARDIFF COUNCIL,,Digital,one-off,£1m,2021-22\n"
    )

    plan = preview(two_cardiffs, bare)

    assert problems(plan) == [(3, "recipient", "CARDIFF COUNCIL")]
    expected = plan.problems[0].expected
    assert "matches 2 organisations" in expected
    assert "'Cardiff Council' (GB-CHC-1111)" in expected and "'Cardiff  council' (GB-CHC-2222)" in expected
    assert "recipient_id" in expected
    assert plan.counts["problems"] == 1 and not plan.can_apply
    # The problems table is what the Import page and the CLI show.
    assert plan.problems_frame().iloc[0].tolist() == ["3", "recipient", "CARDIFF COUNCIL", expected]
    with pytest.raises(DataError):
        apply.apply_plan(plan, bare.encode(), engine=two_cardiffs, actor=ADMIN)
    with pytest.raises(DataError) as refused:
        import_text(two_cardiffs, tmp_path, bare, "bare.csv")
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "recipient")]
    assert counts(two_cardiffs) == before  # nothing stored, not even the good row's organisation

    told = bare.replace("CARDIFF COUNCIL,,", "CARDIFF COUNCIL,GB-CHC-2222,")
    plan = preview(two_cardiffs, told)
    assert plan.problems == [] and plan.counts["create"] == 2
    import_text(two_cardiffs, tmp_path, told, "told.csv")
    assert recipient_of(two_cardiffs, "N2") == ("Cardiff  council", "GB-CHC-2222")


def test_a_funder_matching_two_organisations_is_a_problem_on_the_funder(engine: Engine, tmp_path: Path) -> None:
    import_text(
        engine,
        tmp_path,
        HEADER
        + "F1,2020-01-01,Arts Council,GB-CHC-1,,,Arts,one-off,£1m,2020-21\n"
        + "F2,2020-01-01,Arts  council,GB-CHC-2,,,Arts,one-off,£1m,2020-21\n",
    )

    plan = preview(engine, HEADER + "F3,2021-01-01,arts council,,,,Arts,one-off,£1m,2021-22\n")

    assert problems(plan) == [(2, "funder", "arts council")]
    assert "GB-CHC-1" in plan.problems[0].expected and "GB-CHC-2" in plan.problems[0].expected
    assert "funder_id" in plan.problems[0].expected


def test_a_bare_name_matching_one_stored_and_one_new_in_the_file_is_refused_whichever_line_comes_first(
    engine: Engine, tmp_path: Path
) -> None:
    import_text(
        engine, tmp_path, HEADER + "G1,2020-01-01,Welsh Government,,Cardiff Council,GB-CHC-1111,D,one-off,£1,\n"
    )
    before = counts(engine)
    bare = "B1,2021-01-01,Welsh Government,,Cardiff Council,,Bare,one-off,£1,\n"
    other = "B2,2021-01-01,Welsh Government,,Cardiff Council,GB-CHC-2222,Other,one-off,£1,\n"

    for rows, bare_line, other_line in ((bare + other, 2, 3), (other + bare, 3, 2)):
        plan = preview(engine, HEADER + rows)
        assert problems(plan) == [(bare_line, "recipient", "Cardiff Council")]
        expected = plan.problems[0].expected
        assert "'Cardiff Council' (GB-CHC-1111)" in expected
        assert f"'Cardiff Council' (GB-CHC-2222, new in this file on line {other_line})" in expected
        with pytest.raises(DataError):
            import_text(engine, tmp_path, HEADER + rows, "both.csv")
    assert counts(engine) == before


def test_an_identifier_wins_over_the_name_and_never_matches_a_same_named_organisation_with_another(
    engine: Engine, tmp_path: Path
) -> None:
    import_text(
        engine, tmp_path, HEADER + "G1,2020-01-01,Welsh Government,,Cardiff Council,GB-CHC-1111,D,one-off,£1,\n"
    )
    text = HEADER + (
        # the identifier names the stored organisation, whatever the row calls it
        "R1,2021-01-01,Welsh Government,,Cardiff County Council,GB-CHC-1111,Renamed,one-off,£1,\n"
        # the same name with another identifier is another organisation
        "R2,2021-01-01,Welsh Government,,Cardiff Council,GB-CHC-9999,Other,one-off,£1,\n"
        # two rows of this file, one identifier, two names: one organisation, named by the first
        "R3,2021-01-01,Welsh Government,,Vale of Glamorgan Council,GB-LAE-VGL,First,one-off,£1,\n"
        "R4,2021-01-01,Welsh Government,,The Vale of Glamorgan,GB-LAE-VGL,Second,one-off,£1,\n"
    )

    plan = preview(engine, text)

    assert plan.problems == []
    summary = by_ref(plan, "summary")
    assert (
        summary["R1"]
        == "£1, year not stated (unphased) to Cardiff County Council (GB-CHC-1111, recorded as 'Cardiff Council'): Renamed"
    )
    assert summary["R2"] == "£1, year not stated (unphased) to Cardiff Council (GB-CHC-9999): Other"
    assert summary["R4"].endswith(
        "to The Vale of Glamorgan (GB-LAE-VGL, recorded as 'Vale of Glamorgan Council'): Second"
    )
    import_text(engine, tmp_path, text, "wins.csv")
    assert recipient_of(engine, "R1") == ("Cardiff Council", "GB-CHC-1111")
    assert recipient_of(engine, "R2") == ("Cardiff Council", "GB-CHC-9999")
    assert recipient_of(engine, "R4") == ("Vale of Glamorgan Council", "GB-LAE-VGL")


def test_a_stored_row_is_never_refused_because_another_organisation_took_its_name_since(
    two_cardiffs: Engine,
) -> None:
    again = TWO_CARDIFFS.replace("Cardiff Council,GB-CHC-1111", "CARDIFF COUNCIL,")  # no identifier now

    plan = preview(two_cardiffs, again)

    assert plan.problems == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2, "problems": 0}


def test_an_update_finds_its_recipient_by_identifier_among_organisations_sharing_a_name(
    engine: Engine, tmp_path: Path
) -> None:
    # Two organisations with the very same name: the update (update_commitment)
    # finds the recipient by its identifier, as the preview does.
    same = HEADER + (
        "G1,2020-01-01,Welsh Government,,Cardiff Council,GB-CHC-1111,Digital,one-off,£1m,2020-21\n"
        "G2,2020-01-01,Welsh Government,,Cardiff Council,GB-CHC-2222,Digital,one-off,£2m,2020-21\n"
    )
    import_text(engine, tmp_path, same)

    changed = same.replace("£2m", "£3m")
    assert problems(preview(engine, changed)) == []
    import_text(engine, tmp_path, changed)

    assert recipient_of(engine, "G2") == ("Cardiff Council", "GB-CHC-2222")
    assert recipient_of(engine, "G1") == ("Cardiff Council", "GB-CHC-1111")


# --- B: the later contract's columns in the preview ----------------------------------------------

FULL = (
    "ref,announced_on,funder,funder_id,recipient,recipient_id,purpose,kind,amount,currency,first_year,years,"
    "spread,planned_start,planned_end,areas,reannounces,part_of\n"
    "POT,2021-01-10,Welsh Government,GB-GOV-1,,,A fund,one-off,£10m,GBP,2021-22,,,,,W92000004,,\n"
    "POT2,2021-01-10,Welsh Government,GB-GOV-1,,,Another fund,one-off,£10m,GBP,,,,,,,,\n"
    "M1,2021-02-01,Welsh Government,GB-GOV-1,Cardiff Council,GB-CHC-1111,Broadband,multi-year,£3m,GBP,2021-22,3,"
    "even,,,W06000015,,\n"
    "S1,2021-02-01,Welsh Government,,Newport City Council,,A share,one-off,£1m,,2021-22,,,,,,,POT\n"
)
CHANGED = FULL.replace(
    "Cardiff Council,GB-CHC-1111,Broadband,multi-year,£3m,GBP,2021-22,3,even,,,W06000015,,",
    "Cardiff  council,GB-CHC-2222,Broadband,multi-year,£3m,GBP,2021-22,,planned-dates,2021-04-01,2024-03-31,"
    "W06000022;W92000004,earlier,",
).replace("A share,one-off,£1m,,2021-22,,,,,,,POT", "A share,one-off,£1m,,,,,,,,,POT2")


def test_the_summary_and_the_columns_say_what_the_row_records(engine: Engine) -> None:
    plan = preview(engine, CHANGED)

    assert plan.problems == []
    summary = by_ref(plan, "summary")
    assert summary["M1"] == (
        "£3,000,000 over several years from 2021-22, spread by its planned dates (estimated), "
        "planned 2021-04-01 to 2024-03-31 from Welsh Government (GB-GOV-1) to Cardiff  council (GB-CHC-2222): "
        "Broadband (announced before) (for Newport, Wales)"
    )
    assert summary["S1"] == "£1,000,000, year not stated (unphased) to Newport City Council: A share (part of POT2)"
    assert list(plan.rows.columns) == list(planning.ROW_COLUMNS)
    assert list(plan.details.columns) == [
        "funder_id",
        "recipient_id",
        "currency",
        "spread",
        "planned_start",
        "planned_end",
        "areas",
        "part_of",
        "reannounces",
    ]
    table = plan.table().set_index("ref")
    assert table.loc["M1", "recipient_id"] == "GB-CHC-2222"
    assert table.loc["M1", "areas"] == "W06000022 Newport, W92000004 Wales"
    assert table.loc["M1", "reannounces"] == "announced before"
    assert table.loc["M1", "planned_start"] == "2021-04-01" and table.loc["M1", "spread"] == "planned-dates"
    assert table.loc["S1", "part_of"] == "POT2" and table.loc["S1", "currency"] == "GBP"
    assert table.loc["S1", "funder_id"] == "GB-GOV-1 (matched by name)"  # named on the lines above

    narrow = preview(engine, HEADER + "N1,2021-05-01,Welsh Government,,,,Skills,one-off,£5k,\n")
    assert list(narrow.details.columns) == ["funder_id", "recipient_id"]  # only the columns the file has


def test_a_reimport_says_each_new_field_that_changes(engine: Engine, tmp_path: Path) -> None:
    import_text(engine, tmp_path, FULL)
    import_text(
        engine,
        tmp_path,
        HEADER + "X,2020-01-01,Welsh Government,,Cardiff  council,GB-CHC-2222,X,one-off,£1,\n",
        "x.csv",
    )

    plan = preview(engine, CHANGED)

    assert plan.problems == [], plan.problems
    assert by_ref(plan, "action") == {"POT": "unchanged", "POT2": "unchanged", "M1": "update", "S1": "update"}
    assert by_ref(plan, "changes")["M1"].split("; ") == [
        "Recipient changed from Cardiff Council to Cardiff  council",
        "Recipient identifier changed from GB-CHC-1111 to GB-CHC-2222",
        "Years changed from 3 to not stated",
        "Re-announces changed from none to announced before",
        "Spread changed from even to planned-dates",
        "Planned start changed from not stated to 2021-04-01",
        "Planned end changed from not stated to 2024-03-31",
        "Areas changed from W06000015 Cardiff to W06000022 Newport, W92000004 Wales",
    ]
    assert by_ref(plan, "changes")["S1"].split("; ") == [
        "First financial year changed from 2021-22 to not stated",
        "Part of changed from POT to POT2",
    ]
    assert plan.needs_reason

    import_text(engine, tmp_path, CHANGED, "changed.csv")

    assert recipient_of(engine, "M1") == ("Cardiff  council", "GB-CHC-2222")
    assert preview(engine, CHANGED).counts == {"create": 0, "update": 0, "unchanged": 4, "problems": 0}


def test_a_funder_identifier_that_changes_belongs_to_the_announcement(engine: Engine, tmp_path: Path) -> None:
    import_text(engine, tmp_path, FULL)
    import_text(engine, tmp_path, HEADER + "O,2020-01-01,Welsh Government,GB-GOV-2,,,Other,one-off,£1,\n", "o.csv")

    plan = preview(
        engine, FULL.replace("POT2,2021-01-10,Welsh Government,GB-GOV-1", "POT2,2021-01-10,Welsh Government,GB-GOV-2")
    )

    assert by_ref(plan, "changes")["POT2"] == "Funder identifier changed from GB-GOV-1 to GB-GOV-2"
    assert problems(plan) == [(3, "funder_id", "GB-GOV-2")]
    assert "belong to announcement POT2" in plan.problems[0].expected


def test_a_delivery_reimport_says_its_kind_and_a_missing_date(engine: Engine, tmp_path: Path) -> None:
    import_text(engine, tmp_path, FULL)
    deliveries = "ref,commitment_ref,amount,kind,paid_on\nD1,M1,£100,payment,2021-05-01\nD2,M1,£50,spend,\n"
    import_text(engine, tmp_path, deliveries, "deliveries.csv", kind="deliveries")

    plan = preview(engine, deliveries.replace("payment,2021-05-01", "spend,"), kind="deliveries")

    assert plan.problems == []
    assert by_ref(plan, "changes") == {
        "D1": "Paid on changed from 2021-05-01 to undated; Kind changed from disbursement to expenditure",
        "D2": "",
    }
    assert by_ref(plan, "summary") == {
        "D1": "expenditure of £100 undated against M1",
        "D2": "expenditure of £50 undated against M1",
    }
