"""The database's column sizes come from the same table of limits
(``tracker.core.limits.LIMITS``), and every value of a closed list fits its column."""

from __future__ import annotations

from sqlalchemy import String, Text

from db.models import Base
from tracker.core import vocabulary
from tracker.core.limits import LIMITS

# --- the database's column sizes come from the same table ------------------------------------------

# Columns stored under another field's name in LIMITS.
FIELD_OF_COLUMN = {
    "organisations.name": "organisation_name",
    "organisation_names.name": "organisation_name",
    "organisations.kind": "organisation_kind",
    "commitments.kind": "commitment_kind",
    "deliveries.kind": "delivery_kind",
    "audit_events.action": "audit_action",
    "commitment_revisions.reason": "revision_reason",
    "progress_statuses.status": "progress_status",
    "planned_budgets.status": "budget_status",
    "activity_links.relation": "activity_relation",
    "activity_links.other_ref": "activity_ref",
    "sign_in_failures.client": "client_address",
    "imports.kind": "import_kind",
    "imports.undone_by": "actor",
    "sign_in_sessions.ticket_hash": "token_hash",
    "sign_in_sessions.ticket_binding": "token_hash",
    "sign_in_sessions.ended_because": "session_ending",
    "deflator_releases.name": "deflator_release",
    "deflator_releases.name_key": "deflator_release",
    "deflator_releases.loaded_by": "actor",
}
# Text no person types: an Argon2 hash.
NOT_LIMITED = {"users.password_hash"}
# Each closed list and the column that holds it.
LISTS = {
    "organisations.kind": vocabulary.ORGANISATION_KINDS,
    "commitments.kind": vocabulary.COMMITMENT_KINDS,
    "commitments.spread": vocabulary.SPREADS,
    "commitments.qualifier": vocabulary.QUALIFIERS,
    "commitments.status": vocabulary.STATUSES,
    "commitments.capital_or_revenue": vocabulary.CAPITAL_OR_REVENUE,
    "deliveries.kind": vocabulary.DELIVERY_KINDS,
    "audit_events.action": vocabulary.AUDIT_ACTIONS,
    "commitment_revisions.reason": vocabulary.REVISION_REASONS,
    "progress_statuses.status": vocabulary.PROGRESS_STATUSES,
    "user_roles.role": vocabulary.ROLES,
    "planned_budgets.status": vocabulary.BUDGET_STATUSES,
    "activity_links.relation": vocabulary.ACTIVITY_RELATIONS,
}


def _text_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String):  # Text is a String too
                yield f"{table.name}.{column.name}", column


def test_every_string_column_is_as_long_as_its_limit_and_every_text_column_has_one():
    seen = set()
    for name, column in _text_columns():
        if name in NOT_LIMITED:
            continue
        field = FIELD_OF_COLUMN.get(name, column.name)
        assert field in LIMITS, f"{name} has no entry in tracker.core.limits.LIMITS"
        seen.add(field)
        if isinstance(column.type, Text):
            assert column.type.length is None, name  # Text stays Text; the limit is enforced on the way in
        else:
            assert column.type.length == LIMITS[field], f"{name} is String({column.type.length}), not {LIMITS[field]}"
    assert seen, "no text columns found"


def test_every_value_of_a_closed_list_fits_its_column():
    columns = dict(_text_columns())
    for name, values in LISTS.items():
        assert max(len(v) for v in values) <= columns[name].type.length, name
