"""A grant's money paid out (360Giving ``Amount Disbursed``, or a package's
dated ``disbursementTransaction``s) comes in with the grant as disbursement
deliveries of its commitment, in the same all-or-nothing import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import Commitment, Delivery
from db.session import read_session
from tests.actors import admin
from tracker.figures import totals_data
from tracker.files.tabular import DataError
from tracker.imports import apply
from tracker.imports.plan import plan_import

ACTOR = admin("test:360giving-disbursed")
HEADER = "Identifier,Title,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Name,Amount Disbursed\n"


def _grants(path: Path, *disbursed: str) -> Path:
    rows = "".join(
        f"G{n},Grant {n},GBP,{awarded},2016-05-01,GB-GOR-X,Funder,Charity,{paid}\n"
        for n, (awarded, paid) in enumerate(zip(("1000", "2000", "500"), disbursed), start=1)
    )
    path.write_text(HEADER + rows)
    return path


def _deliveries(engine: Engine) -> dict[str, tuple[str, int, str, str | None]]:
    with read_session(engine) as session:
        found = session.execute(
            select(Delivery.ref, Commitment.ref, Delivery.amount_pence, Delivery.kind, Delivery.paid_on).join(
                Commitment, Delivery.commitment_id == Commitment.id
            )
        ).all()
    return {ref: (grant, pence, kind, paid and paid.isoformat()) for ref, grant, pence, kind, paid in found}


def _totals(engine: Engine) -> dict[str, tuple[str, str]]:
    text = totals_data.report(totals_data.load(engine), form="csv")
    return {row["financial_year"]: (row["committed"], row["delivered"]) for row in csv.DictReader(io.StringIO(text))}


def test_amount_disbursed_is_an_undated_disbursement_and_zero_records_none(engine, tmp_path):
    outcome = apply.import_file("360giving", _grants(tmp_path / "g.csv", "400", "0", "700"), engine=engine, actor=ACTOR)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 0, 0)
    assert "2 new deliveries" in str(outcome)
    assert _deliveries(engine) == {
        "G1/disbursed": ("G1", 40000, "disbursement", None),
        "G3/disbursed": ("G3", 70000, "disbursement", None),  # more than awarded: accepted, shown as over-delivery
    }
    assert _totals(engine) == {"2016-17": ("3500.00", "0.00"), "unphased": ("0.00", "1100.00")}


def test_reimporting_changes_nothing_and_a_changed_amount_disbursed_updates_its_delivery(engine, tmp_path):
    path = _grants(tmp_path / "g.csv", "400", "", "700")
    apply.import_file("360giving", path, engine=engine, actor=ACTOR)
    again = apply.import_file("360giving", path, engine=engine, actor=ACTOR)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert str(again) == "created 0 grants, updated 0 grants, 3 grants unchanged"
    plan = plan_import("360giving", path, path.name, engine=engine)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 5, "problems": 0}  # 3 grants and 2 deliveries

    _grants(path, "450", "", "700")
    plan = plan_import("360giving", path, path.name, engine=engine)
    assert plan.counts["update"] == 1 and not plan.needs_reason  # a delivery changed, not a commitment's money
    changed = plan.rows[plan.rows["action"] == "update"]
    assert list(changed["ref"]) == ["G1/disbursed"]
    assert "£400" in changed["changes"].iloc[0] and "£450" in changed["changes"].iloc[0]
    outcome = apply.apply_plan(plan, path, engine=engine, actor=ACTOR)
    assert "1 delivery updated" in str(outcome)
    assert _deliveries(engine)["G1/disbursed"][1] == 45000


def test_a_package_dates_each_disbursement_transaction_and_notes_a_total_that_disagrees(engine, tmp_path):
    grant = {
        "id": "360G-T-1",
        "title": "Youth work",
        "currency": "GBP",
        "amountAwarded": 3000,
        "amountDisbursed": 2500,
        "awardDate": "2019-03-01T00:00:00+00:00",
        "fundingOrganization": [{"id": "GB-CHC-9", "name": "Trust"}],
        "recipientOrganization": [{"id": "GB-CHC-8", "name": "Club"}],
        "disbursementTransaction": [
            {"transactionDate": "2019-03-20", "value": 1000},
            {"transactionDate": "2019-04-02T10:00:00+01:00", "value": 1000.5},
            {"transactionDate": "2019-05-01", "value": 0},
        ],
    }
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"grants": [grant]}))
    outcome = apply.import_file("360giving", path, engine=engine, actor=ACTOR)
    assert _deliveries(engine) == {
        "360G-T-1/disbursement-1": ("360G-T-1", 100000, "disbursement", "2019-03-20"),
        "360G-T-1/disbursement-2": ("360G-T-1", 100050, "disbursement", "2019-04-02"),
    }
    assert _totals(engine) == {"2018-19": ("3000.00", "1000.00"), "2019-20": ("0.00", "1000.50")}
    (note,) = outcome.notes
    assert note.column == "Amount Disbursed" and "360G-T-1" in note.expected and "£2,000.50" in note.expected


@pytest.mark.parametrize(
    ("disbursed", "expected"),
    [
        ("lots", "grant G1: "),
        ("1e400", "grant G1: "),
    ],
)
def test_a_bad_amount_disbursed_names_the_grant_and_the_column_and_nothing_is_imported(
    engine, tmp_path, disbursed, expected
):
    path = _grants(tmp_path / "g.csv", disbursed, "", "")
    with pytest.raises(DataError) as caught:
        apply.import_file("360giving", path, engine=engine, actor=ACTOR)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (2, "Amount Disbursed", disbursed)
    assert problem.expected.startswith(expected)
    with read_session(engine) as session:
        assert session.scalar(select(Commitment.id)) is None


def test_a_disbursement_of_a_grant_whose_delivery_ref_was_deleted_is_refused(engine, tmp_path):
    from tracker.records import deletion

    path = _grants(tmp_path / "g.csv", "400", "", "")
    apply.import_file("360giving", path, engine=engine, actor=ACTOR)
    deletion.delete("delivery", "G1/disbursed", expected_version=1, engine=engine, actor=ACTOR)
    with pytest.raises(DataError) as caught:
        apply.import_file("360giving", path, engine=engine, actor=ACTOR)
    (problem,) = caught.value.problems
    assert (problem.column, problem.value) == ("ref", "G1/disbursed") and "deleted" in problem.expected
