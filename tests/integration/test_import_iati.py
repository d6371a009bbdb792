"""IATI activities in (``funding-tracker import iati``): each activity one
announcement with one commitment (its commitment transactions by financial
year), its disbursements and expenditure as deliveries, its budgets and
links kept beside it; through the same pipeline as a commitments file (all
or nothing, re-import unchanged)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import ActivityLink, Announcement, AuditEvent, Commitment, Delivery, Organisation, PlannedBudget
from db.session import read_session
from tests.actors import admin
from tracker.figures import totals_data
from tracker.files import limits
from tracker.files.tabular import DataError
from tracker.imports import apply
from tracker.imports.plan import plan_import

ACTOR = admin("test:iati")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "iati"
WORLD_VISION = FIXTURES / "worldvisionuk-2-activities.xml"


def _totals(engine: Engine) -> dict[str, tuple[str, str]]:
    text = totals_data.report(totals_data.load(engine), form="csv")
    return {
        row["financial_year"]: (row["committed"], row["delivered"])
        for row in csv.DictReader(io.StringIO(text))
        if (row["committed"], row["delivered"]) != ("0.00", "0.00")
    }


def _budgets(engine: Engine) -> dict[str, int]:
    by_year: dict[str, int] = defaultdict(int)
    with read_session(engine) as session:
        for year, pence in session.execute(select(PlannedBudget.financial_year, PlannedBudget.amount_pence)):
            by_year[year.label if year else "no start"] += pence
    return dict(by_year)


def _count(engine: Engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def _import(engine: Engine, path: Path) -> apply.ImportOutcome:
    return apply.import_file("iati", path, engine=engine, actor=ACTOR)


def test_the_world_vision_file_imports_with_its_published_figures_and_again_unchanged(engine):
    outcome = _import(engine, WORLD_VISION)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    # Commitments 312,173 in 2011-12; disbursements 140,595 (2011-12) and 65,431 (2012-13).
    assert _totals(engine) == {"2011-12": ("312173.00", "140595.00"), "2012-13": ("0.00", "65431.00")}
    # Budgets kept beside the commitments (never counted), by the financial year of their period start.
    assert _budgets(engine) == {"2011-12": 14059500, "2012-13": 6543100, "2013-14": 6293700}
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment).where(Commitment.ref == "GB-CHC-285908-197126")).one()
        assert commitment.announcement.funder.name == "World Vision UK"
        assert commitment.announcement.funder.org_identifier == "GB-CHC-285908"
        assert commitment.recipient.name == "World Vision Malawi"
        assert commitment.purpose.startswith("Citizen Voice and Action")
        assert commitment.announcement.announced_on.isoformat() == "2012-02-29"  # its commitment transaction
        assert {d.kind for d in commitment.deliveries} == {"disbursement"}
    again = _import(engine, WORLD_VISION)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    plan = plan_import("iati", WORLD_VISION.read_bytes(), WORLD_VISION.name, engine=engine)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2 + 3 + 2, "problems": 0}
    assert _count(engine, PlannedBudget) == 4


def _activity(identifier: str, body: str, currency: str = "GBP") -> str:
    return (
        f'<iati-activity default-currency="{currency}"><iati-identifier>{identifier}</iati-identifier>'
        f'<reporting-org ref="GB-GOV-1" type="10"><narrative>Department for Aid</narrative></reporting-org>'
        f"<title><narrative>Activity {identifier}</narrative></title>{body}</iati-activity>"
    )


def _file(tmp_path: Path, *activities: str, version: str = "2.03") -> Path:
    path = tmp_path / "activities.xml"
    path.write_text(
        f'<?xml version="1.0"?><iati-activities version="{version}">{"".join(activities)}</iati-activities>'
    )
    return path


def _transaction(code: str, value: str, day: str) -> str:
    return (
        f'<transaction><transaction-type code="{code}"/><transaction-date iso-date="{day}"/>'
        f'<value value-date="{day}">{value}</value></transaction>'
    )


def test_a_2_0x_activity_with_every_kind_of_transaction_budget_and_link(engine, tmp_path):
    body = (
        '<participating-org ref="52000" role="4" type="22"><narrative>Cardiff Food Bank</narrative></participating-org>'
        + _transaction("2", "1000", "2020-03-31")  # 2019-20
        + _transaction("2", "2500.50", "2020-04-01")  # 2020-21
        + _transaction("3", "800", "2020-05-01")
        + _transaction("3", "-100", "2020-06-01")  # a correction
        + _transaction("4", "300", "2021-01-15")
        + _transaction("3", "0", "2021-02-01")  # nothing delivered: no delivery
        + _transaction("1", "5000", "2020-01-01")  # incoming funds: left aside
        + '<budget type="1"><period-start iso-date="2020-04-01"/><period-end iso-date="2021-03-31"/><value>3000</value></budget>'
        + '<budget type="2"><period-start iso-date="2020-04-01"/><period-end iso-date="2021-03-31"/><value>-200</value></budget>'
        + '<related-activity ref="GB-GOV-1-PARENT" type="1"/>'
    )
    outcome = _import(engine, _file(tmp_path, _activity("GB-GOV-1-A1", body)))
    assert _totals(engine) == {
        "2019-20": ("1000.00", "0.00"),
        "2020-21": ("2500.50", "1000.00"),
    }
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment)).one()
        assert commitment.kind == "profiled" and commitment.amount_pence == 350050
        assert commitment.recipient.name == "Cardiff Food Bank" and commitment.recipient.org_identifier is None
        deliveries = {d.ref: (d.kind, d.amount_pence) for d in session.scalars(select(Delivery))}
        budgets = sorted((b.status, b.amount_pence) for b in session.scalars(select(PlannedBudget)))
        links = [(link.relation, link.other_ref) for link in session.scalars(select(ActivityLink))]
    assert deliveries == {
        "GB-GOV-1-A1/t3": ("disbursement", 80000),
        "GB-GOV-1-A1/t4": ("disbursement", -10000),
        "GB-GOV-1-A1/t5": ("expenditure", 30000),
    }
    assert budgets == [("original", 300000), ("revised", -20000)]
    assert links == [("parent", "GB-GOV-1-PARENT")]
    notes = [p.expected for p in outcome.notes]
    assert any("'52000' is not an organisation identifier" in n and "Cardiff Food Bank" in n for n in notes), notes
    assert any("left aside 1 incoming-funds transaction " in n for n in notes), notes


def test_1_0x_letter_codes_import_as_the_2_0x_numbers_do(engine, tmp_path):
    def activity(codes: tuple[str, str, str], role: str) -> str:
        return (
            '<iati-activity default-currency="GBP"><iati-identifier>GB-GOV-1-V</iati-identifier>'
            '<reporting-org ref="GB-GOV-1">Department for Aid</reporting-org><title>Versions</title>'
            f'<participating-org role="{role}">Swansea Trust</participating-org>'
            + _transaction(codes[0], "900", "2019-05-01")
            + _transaction(codes[1], "400", "2019-06-01")
            + _transaction(codes[2], "100", "2020-06-01")
            + "</iati-activity>"
        )

    found = []
    for version, codes, role in (("1.05", ("C", "D", "E"), "Implementing"), ("2.03", ("2", "3", "4"), "4")):
        (tmp_path / version).mkdir()
        path = tmp_path / version / "a.xml"
        path.write_text(f'<iati-activities version="{version}">{activity(codes, role)}</iati-activities>')
        engine_totals = _import(engine, path)
        found.append((_totals(engine), str(engine_totals)))
        with read_session(engine) as session:
            assert session.scalars(select(Commitment)).one().recipient.name == "Swansea Trust"
    assert found[0][0] == {"2019-20": ("900.00", "400.00"), "2020-21": ("0.00", "100.00")}
    assert found[1] == (found[0][0], "created 0 activities, updated 0 activities, 1 activity unchanged")


def test_parents_and_children_stay_linked_and_each_counts_only_its_own_money(engine, tmp_path):
    parent = _activity(
        "GB-GOV-1-P",
        _transaction("2", "1000", "2020-05-01") + '<related-activity ref="GB-GOV-1-C" type="2"/>',
    )
    child = _activity(
        "GB-GOV-1-C",
        _transaction("2", "400", "2020-05-01") + '<related-activity ref="GB-GOV-1-P" type="1"/>',
    )
    _import(engine, _file(tmp_path, parent, child))
    assert _totals(engine) == {"2020-21": ("1400.00", "0.00")}
    with read_session(engine) as session:
        links = {
            (c.ref, link.relation, link.other_ref)
            for c in session.scalars(select(Commitment))
            for link in c.activity_links
        }
    assert links == {("GB-GOV-1-P", "child", "GB-GOV-1-C"), ("GB-GOV-1-C", "parent", "GB-GOV-1-P")}


def test_an_activity_without_commitment_transactions_is_a_zero_commitment(engine, tmp_path):
    activity = _activity(
        "GB-GOV-1-Z", '<activity-date type="2" iso-date="2021-07-01"/>' + _transaction("3", "50", "2021-08-01")
    )
    outcome = _import(engine, _file(tmp_path, activity))
    assert outcome.created == 1
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment)).one()
        assert (commitment.kind, commitment.amount_pence, commitment.first_year.label) == ("one-off", 0, "2021-22")
    assert _totals(engine) == {"2021-22": ("0.00", "50.00")}


def test_changed_budgets_replace_the_stored_ones_with_an_audit_trail(engine, tmp_path):
    budget = '<budget type="1"><period-start iso-date="2020-04-01"/><value>{}</value></budget>'
    path = _file(tmp_path, _activity("GB-GOV-1-B", _transaction("2", "10", "2020-05-01") + budget.format(100)))
    _import(engine, path)
    _file(tmp_path, _activity("GB-GOV-1-B", _transaction("2", "10", "2020-05-01") + budget.format(150)))
    plan = plan_import("iati", path, path.name, engine=engine)
    changed = plan.rows[plan.rows["action"] == "update"]
    assert (
        list(changed["ref"]) == ["GB-GOV-1-B"]
        and changed["changes"].iloc[0] == "Budgets changed from 1 (£100) to 1 (£150)"
    )
    assert not plan.needs_reason  # budgets are not committed money
    outcome = apply.apply_plan(plan, path, engine=engine, actor=ACTOR)
    assert "1 budget updated" in str(outcome)
    assert _budgets(engine) == {"2020-21": 15000}
    with read_session(engine) as session:
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.entity == "planned_budgets").order_by(AuditEvent.id)
        ).scalars()
        assert list(actions) == ["create", "delete", "create"]


@pytest.mark.parametrize(
    ("body", "currency", "column", "expected"),
    [
        (_transaction("2", "100", "2020-05-01"), "USD", "transaction 1/value/@currency", "expected money in GBP"),
        (
            '<budget><period-start iso-date="2020-04-01"/><value currency="EUR">5</value></budget>',
            "GBP",
            "budget 1/value/@currency",
            "expected money in GBP",
        ),
        (
            _transaction("2", "1,000", "2020-05-01"),
            "GBP",
            "transaction 1/value",
            "expected an amount written as a number",
        ),
        (_transaction("2", "10.005", "2020-05-01"), "GBP", "transaction 1/value", "at most two decimal places"),
        (
            '<transaction><transaction-type code="3"/><value>5</value></transaction>',
            "GBP",
            "transaction 1/transaction-date",
            "expected a date",
        ),
    ],
)
def test_a_bad_activity_is_named_and_nothing_is_imported(engine, tmp_path, body, currency, column, expected):
    good = _activity("GB-GOV-1-OK", _transaction("2", "100", "2020-05-01"))
    path = _file(tmp_path, good, _activity("GB-GOV-1-BAD", body, currency))
    with pytest.raises(DataError) as refused:
        _import(engine, path)
    (problem,) = refused.value.problems
    assert problem.column == column and problem.expected.startswith("activity GB-GOV-1-BAD: ")
    assert expected in problem.expected
    _same_on_the_page(engine, path, refused.value.problems)
    assert _count(engine, Commitment) == 0


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]><iati-activities><iati-activity><iati-identifier>&lol9;</iati-identifier></iati-activity></iati-activities>"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (BILLION_LAUGHS.encode(), "DTD"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<iati-activities><iati-activity><iati-identifier>&x;</iati-identifier></iati-activity></iati-activities>",
            "DTD",
        ),
        (b"Identifier,Title\nG1,Grant\n", "is not XML"),
        (b'{"grants": []}', "is not XML"),
        (b"<grants><grant/></grants>", "not IATI activity data"),
        (b"<iati-activities></iati-activities>", "has no <iati-activity>"),
        (b"<iati-activities><iati-activity><iati-identifier>X-1", "is not XML"),
    ],
)
def test_files_that_are_not_iati_are_refused_with_a_message(engine, tmp_path, content, expected):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(DataError) as refused:
        _import(engine, path)
    assert any(expected in str(p) for p in refused.value.problems), refused.value.problems
    _same_on_the_page(engine, path, refused.value.problems)
    assert _count(engine, Commitment) == 0 and _count(engine, Organisation) == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 200)
    path = _file(tmp_path, _activity("GB-GOV-1-A", _transaction("2", "1", "2020-05-01")))
    with pytest.raises(DataError) as refused:
        _import(engine, path)
    assert "larger than" in str(refused.value)
    assert _count(engine, Announcement) == 0


def _same_on_the_page(engine, path, problems) -> None:
    """The Import page's preview of the same bytes finds the same problems, word for word."""
    plan = plan_import("iati", path.read_bytes(), path.name, engine=engine)
    assert [str(p) for p in plan.problems] == [str(p) for p in problems]
    assert not plan.can_apply


def test_the_announcement_detail_shows_budgets_beside_what_was_committed_and_the_links(engine, tmp_path):
    from datetime import date

    from tracker.figures import data as queries
    from tracker.figures.activity_budgets import activity_facts
    from tracker.figures.announcement_detail import detail

    _import(engine, WORLD_VISION)
    child = _activity(
        "GB-CHC-285908-CHILD",
        '<related-activity ref="GB-CHC-285908-197126" type="1"/><related-activity ref="XM-DAC-NOT-HELD" type="3"/>',
    )
    _import(engine, _file(tmp_path, child))
    found = detail(queries.load(engine), None, "GB-CHC-285908-197126", date(2026, 12, 5))
    facts = activity_facts(engine, list(found.commitments["ref"]), found.schedule)
    rows = {
        row.label: (row.committed_pence, row.original_pence, row.revised_pence) for row in facts.budgets.itertuples()
    }
    assert rows == {
        "2011-12": (22829600, 10046800, 0),
        "2012-13": (0, 6543100, 0),
        "2013-14": (0, 6293700, 0),
    }
    child_facts = activity_facts(engine, ["GB-CHC-285908-CHILD"], found.schedule.iloc[0:0])
    assert [(link.relation, link.other_ref, link.held) for link in child_facts.links] == [
        ("Parent activity", "GB-CHC-285908-197126", True),
        ("Sibling activity", "XM-DAC-NOT-HELD", False),
    ]


def test_the_command_imports_an_iati_file_and_prints_its_notes(engine, tmp_path):
    import os
    import subprocess
    import sys

    activity = _activity("GB-GOV-1-N", _transaction("2", "75", "2020-05-01") + _transaction("1", "5", "2020-05-01"))
    path = _file(tmp_path, activity)
    env = {**os.environ, "TRACKER_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "tracker.cli", "import", "iati", str(path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("created 1 activity, updated 0 activities, 0 activities unchanged")
    assert "note: " in done.stderr and "left aside 1 incoming-funds transaction" in done.stderr
    assert _totals(engine) == {"2020-21": ("75.00", "0.00")}
    bad = tmp_path / "bad.xml"
    bad.write_bytes(BILLION_LAUGHS.encode())
    refused = subprocess.run([*command[:-1], str(bad)], env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "DTD" in refused.stderr and "nothing was changed" in refused.stderr


def test_a_file_on_one_line_with_many_funders_imports_again_unchanged(engine, tmp_path):
    """Each activity is its own row even when the whole file is one line (rows are keyed by their number)."""
    activities = [
        _activity(f"GB-GOV-1-L{n}", _transaction("2", "10", "2020-05-01")).replace(
            'ref="GB-GOV-1" type="10"><narrative>Department for Aid',
            f'ref="GB-GOV-{n}" type="10"><narrative>Funder {n}',
        )
        for n in range(1, 4)
    ]
    path = _file(tmp_path, *activities)
    assert "\n" not in path.read_text()
    assert _import(engine, path).created == 3
    with read_session(engine) as session:
        funders = {c.ref: c.announcement.funder.org_identifier for c in session.scalars(select(Commitment))}
    assert funders == {"GB-GOV-1-L1": "GB-GOV-1", "GB-GOV-1-L2": "GB-GOV-2", "GB-GOV-1-L3": "GB-GOV-3"}
    again = _import(engine, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
